//! JSON paths in the Flows API's notation: `screens[0].layout.children[2].type`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Path(Vec<Seg>);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    Key(String),
    Index(usize),
}

impl Path {
    pub fn root() -> Self {
        Path(Vec::new())
    }

    /// This path followed by an object key.
    pub fn key(&self, key: &str) -> Path {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        Path(segs)
    }

    /// This path followed by an array index.
    pub fn index(&self, index: usize) -> Path {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        Path(segs)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_the_flows_api() {
        let p = Path::root()
            .key("screens")
            .index(0)
            .key("layout")
            .key("children")
            .index(2);
        assert_eq!(
            p.key("type").to_string(),
            "screens[0].layout.children[2].type"
        );
        assert_eq!(Path::root().to_string(), "");
    }
}
