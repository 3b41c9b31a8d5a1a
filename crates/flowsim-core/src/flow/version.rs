//! Flow JSON versions (flow-json.md §1.3).

use std::fmt;

/// A Flow JSON version `major.minor`. Minor numbers are not decimals: 1.10 comes after 1.9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
}

/// Shorthand for a version constant.
pub const fn v(major: u16, minor: u16) -> Version {
    Version { major, minor }
}

/// Every public Flow JSON version, oldest first.
pub const KNOWN: &[Version] = &[
    v(2, 1),
    v(3, 0),
    v(3, 1),
    v(4, 0),
    v(5, 0),
    v(5, 1),
    v(6, 0),
    v(6, 1),
    v(6, 2),
    v(6, 3),
    v(7, 0),
    v(7, 1),
    v(7, 2),
    v(7, 3),
];

/// The newest version flowsim knows.
pub const NEWEST: Version = v(7, 3);

/// Versions Meta has frozen: flows using them can be opened but no longer published.
pub const FROZEN: &[Version] = &[v(2, 1), v(3, 0), v(3, 1), v(4, 0), v(5, 0)];

impl Version {
    /// Parses `"7.3"`; `None` for anything that is not two dot-separated integers.
    pub fn parse(text: &str) -> Option<Version> {
        let (major, minor) = text.split_once('.')?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return None;
        }
        Some(v(major.parse().ok()?, minor.parse().ok()?))
    }

    pub fn is_known(self) -> bool {
        KNOWN.contains(&self)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_versions() {
        assert_eq!(Version::parse("7.3"), Some(v(7, 3)));
        assert!(Version::parse("1.10").unwrap() > Version::parse("1.9").unwrap());
        for bad in ["7", "7.", ".3", "7.3.1", "a.b", "", "-1.0", "7.3 "] {
            assert_eq!(Version::parse(bad), None, "{bad:?}");
        }
        assert!(v(7, 3).is_known());
        assert!(!v(7, 4).is_known());
    }
}
