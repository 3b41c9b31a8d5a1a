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

/// Where a version stands in Meta's lifecycle (flow-json.md §1.4, flows-api.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Flows on it can be created, published and sent.
    Active,
    /// Since this date Meta refuses to publish a flow on it (error 139002, "Versions in
    /// Flow JSON file are not available for publishing"); published flows are still sent
    /// and opened.
    Frozen { since: &'static str },
    /// Since this date flows on it can no longer be sent or opened.
    Expired { since: &'static str },
}

/// Versions that are not active, from Meta's changelog ("Currently supported versions")
/// and its freeze announcements (flow-json.md §1.3–1.4, flows-api.md §7): 2.1–4.0 were
/// frozen on 8 April 2025 and 5.0 on 10 September 2025. Every version up to 7.3 is still
/// listed for sending, so none has expired. Every other known version is active.
const LIFECYCLE: &[(Version, State)] = &[
    (
        v(2, 1),
        State::Frozen {
            since: "8 April 2025",
        },
    ),
    (
        v(3, 0),
        State::Frozen {
            since: "8 April 2025",
        },
    ),
    (
        v(3, 1),
        State::Frozen {
            since: "8 April 2025",
        },
    ),
    (
        v(4, 0),
        State::Frozen {
            since: "8 April 2025",
        },
    ),
    (
        v(5, 0),
        State::Frozen {
            since: "10 September 2025",
        },
    ),
];

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

    /// Where this version stands in Meta's lifecycle.
    pub fn state(self) -> State {
        LIFECYCLE
            .iter()
            .find(|(v, _)| *v == self)
            .map_or(State::Active, |(_, state)| *state)
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

    #[test]
    fn frozen_versions_say_since_when() {
        assert_eq!(
            v(5, 0).state(),
            State::Frozen {
                since: "10 September 2025"
            }
        );
        assert_eq!(
            v(3, 1).state(),
            State::Frozen {
                since: "8 April 2025"
            }
        );
        assert_eq!(v(5, 1).state(), State::Active);
        assert_eq!(NEWEST.state(), State::Active);
    }
}
