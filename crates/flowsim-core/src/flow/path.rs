//! JSON paths in the Flows API's notation: `screens[0].layout.children[2].type`.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use compact_str::CompactString;

/// A path, shared with the paths it was extended from: [`Path::key`] and [`Path::index`]
/// allocate one link and never copy the parent's segments (the validator makes a path for
/// every value it visits).
#[derive(Clone, Default)]
pub struct Path(Option<Arc<Link>>);

struct Link {
    parent: Path,
    seg: Seg,
    /// Number of segments up to and including this one.
    len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    /// Keys are short: inline, not a second allocation.
    Key(CompactString),
    Index(usize),
}

impl Path {
    pub fn root() -> Self {
        Path(None)
    }

    /// This path followed by an object key.
    pub fn key(&self, key: &str) -> Path {
        self.push(Seg::Key(key.into()))
    }

    /// This path followed by an array index.
    pub fn index(&self, index: usize) -> Path {
        self.push(Seg::Index(index))
    }

    /// The last object key on the path (`text` for `…children[0].text[2]`), if any.
    pub fn last_key(&self) -> Option<&str> {
        self.rev_segs().find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
    }

    fn push(&self, seg: Seg) -> Path {
        Path(Some(Arc::new(Link {
            parent: self.clone(),
            seg,
            len: self.len() + 1,
        })))
    }

    fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |l| l.len)
    }

    /// The segments from the last to the first.
    fn rev_segs(&self) -> impl Iterator<Item = &Seg> {
        std::iter::successors(self.0.as_deref(), |l| l.parent.0.as_deref()).map(|l| &l.seg)
    }
}

impl PartialEq for Path {
    fn eq(&self, other: &Path) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => self.len() == other.len() && self.rev_segs().eq(other.rev_segs()),
        }
    }
}

impl Eq for Path {}

impl Hash for Path {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        for seg in self.rev_segs() {
            seg.hash(state);
        }
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut segs: Vec<&Seg> = self.rev_segs().collect();
        segs.reverse();
        f.debug_tuple("Path").field(&segs).finish()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(link) = &self.0 else {
            return Ok(());
        };
        fmt::Display::fmt(&link.parent, f)?;
        match &link.seg {
            Seg::Key(k) if link.len == 1 => write!(f, "{k}"),
            Seg::Key(k) => write!(f, ".{k}"),
            Seg::Index(n) => write!(f, "[{n}]"),
        }
    }
}

/// A path not made yet: a place given as its parent's place and one more segment, borrowed
/// on the stack. The validator visits every member of every component; only a finding
/// writes the place out (the same text as the [`Path`] built the same way), and nothing is
/// allocated before.
#[derive(Clone, Copy)]
pub enum At<'a> {
    Path(&'a Path),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    /// This place followed by an object key.
    pub fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    /// This place followed by an array index.
    pub fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }

    /// The last object key on the path, as [`Path::last_key`].
    pub fn last_key(&self) -> Option<&str> {
        match self {
            At::Path(path) => path.last_key(),
            At::Key(_, key) => Some(key),
            At::Index(parent, _) => parent.last_key(),
        }
    }

    fn is_root(&self) -> bool {
        matches!(self, At::Path(p) if p.0.is_none())
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Path(path) => fmt::Display::fmt(path, f),
            At::Key(parent, k) if parent.is_root() => write!(f, "{k}"),
            At::Key(parent, k) => write!(f, "{parent}.{k}"),
            At::Index(parent, n) => write!(f, "{parent}[{n}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_not_made_yet_displays_as_the_path() {
        let root = Path::root();
        let screens = Path::root().key("screens");
        for (base, at) in [(&root, At::Path(&root)), (&screens, At::Path(&screens))] {
            let item = at.key("children");
            let item = item.index(2);
            let item = item.key("on-click-action");
            let path = base.key("children").index(2).key("on-click-action");
            assert_eq!(item.to_string(), path.to_string());
            let first = At::Path(base);
            let first = first.index(0);
            assert_eq!(first.to_string(), base.index(0).to_string());
        }
    }

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

    #[test]
    fn equal_paths_are_equal_however_they_were_built() {
        use std::collections::hash_map::DefaultHasher;
        let hash = |p: &Path| {
            let mut h = DefaultHasher::new();
            p.hash(&mut h);
            h.finish()
        };
        let a = Path::root().key("screens").index(1).key("id");
        let b = Path::root().key("screens").index(1).key("id");
        assert_eq!(a, b);
        assert_eq!(hash(&a), hash(&b));
        assert_ne!(a, Path::root().key("screens").index(2).key("id"));
        assert_ne!(a, Path::root().key("screens").index(1));
        assert_eq!(Path::root(), Path::default());
        assert_eq!(
            format!("{a:?}"),
            r#"Path([Key("screens"), Index(1), Key("id")])"#
        );
    }
}
