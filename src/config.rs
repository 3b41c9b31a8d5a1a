//! The user's config file: default theme, phone size, font, direction and bidi ordering, and
//! rebound keys. It lives in the platform's config directory (`~/.config/flowsim/config.toml`
//! on Linux and the BSDs, `~/Library/Application Support/flowsim/config.toml` on macOS,
//! `%APPDATA%\flowsim\config.toml` on Windows) or where `FLOWSIM_CONFIG` points. A file with a
//! mistake is an error naming its line, never silently ignored.
//!
//! ```toml
//! theme = "light"          # auto, light, dark
//! device = "small"         # small, android, iphone, meta
//! large-font = false
//! dir = "rtl"              # ltr, rtl
//! bidi = "flowsim"         # flowsim, terminal
//!
//! [keys]
//! close = "Q"
//! help = ["?", "F1"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::app::keymap::{self, Key, Keymap};
use crate::cli::preview::ThemeChoice;
use crate::ui::device::Device;
use crate::ui::text::{Bidi, Dir};

/// What the config file sets; `None`: not set there.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Config {
    pub theme: Option<ThemeChoice>,
    pub device: Option<Device>,
    pub large_font: Option<bool>,
    pub dir: Option<Dir>,
    pub bidi: Option<Bidi>,
    pub keymap: Keymap,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    theme: Option<ThemeChoice>,
    device: Option<Device>,
    large_font: Option<bool>,
    dir: Option<Dir>,
    bidi: Option<Bidi>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<Keys>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Keys {
    One(String),
    Many(Vec<String>),
}

/// Where the config file is: `FLOWSIM_CONFIG` (empty: none at all), else `config.toml` in the
/// platform's config directory for flowsim.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FLOWSIM_CONFIG") {
        return (!p.is_empty()).then(|| PathBuf::from(p));
    }
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|dirs| dirs.config_dir().join("flowsim").join("config.toml"))
}

/// Reads the config file. No file at the default place is no config; a file named by
/// `FLOWSIM_CONFIG` must exist. Errors read `path:line:column: what is wrong`.
pub fn load() -> Result<Config, String> {
    let Some(path) = path() else {
        return Ok(Config::default());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, &path),
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && std::env::var_os("FLOWSIM_CONFIG").is_none() =>
        {
            Ok(Config::default())
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Parses a config file's text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
    let at = |span: std::ops::Range<usize>| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{column}", path.display())
    };
    let file: File = toml::from_str(text).map_err(|e| {
        let place = e.span().map_or_else(|| path.display().to_string(), &at);
        format!("{place}: {}", e.message().trim_end())
    })?;
    let mut overrides: Vec<(String, Vec<Key>)> = Vec::new();
    for (name, keys) in &file.keys {
        let list = match keys.get_ref() {
            Keys::One(k) => vec![k.clone()],
            Keys::Many(ks) => ks.clone(),
        };
        let parsed = list
            .iter()
            .map(|k| keymap::parse_key(k))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{}: {e}", at(keys.span())))?;
        if !keymap::names().contains(&name.get_ref().as_str()) {
            return Err(format!(
                "{}: unknown key binding `{}` (known: {})",
                at(name.span()),
                name.get_ref(),
                keymap::names().join(", ")
            ));
        }
        // Checked one at a time so that a mistake points at its own line.
        Keymap::with(&[(name.get_ref().clone(), parsed.clone())])
            .map_err(|e| format!("{}: {e}", at(keys.span())))?;
        overrides.push((name.get_ref().clone(), parsed));
    }
    let keymap = Keymap::with(&overrides).map_err(|e| {
        let first = file.keys.keys().next().map(|k| k.span()).unwrap_or(0..0);
        format!("{}: {e}", at(first))
    })?;
    Ok(Config {
        theme: file.theme,
        device: file.device,
        large_font: file.large_font,
        dir: file.dir,
        bidi: file.bidi,
        keymap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, String> {
        parse(text, Path::new("config.toml"))
    }

    #[test]
    fn a_config_sets_defaults_and_keys() {
        let c = parse_str(
            "theme = \"light\"\ndevice = \"small\"\nlarge-font = true\ndir = \"rtl\"\nbidi = \"terminal\"\n\n[keys]\nclose = \"Q\"\nhelp = [\"h\", \"F1\"]\n",
        )
        .unwrap();
        assert_eq!(c.theme, Some(ThemeChoice::Light));
        assert_eq!(c.device, Some(Device::Small));
        assert_eq!(c.large_font, Some(true));
        assert_eq!(c.dir, Some(Dir::Rtl));
        assert_eq!(c.bidi, Some(Bidi::Terminal));
        let hints = c.keymap.hints(keymap::Mode::Body);
        assert!(
            hints.iter().any(|(k, h)| k == "Q" && *h == "quit"),
            "{hints:?}"
        );
        assert!(
            hints.iter().any(|(k, h)| k == "h" && *h == "help"),
            "{hints:?}"
        );
        assert_eq!(parse_str("").unwrap(), Config::default());
    }

    #[test]
    fn mistakes_name_their_line() {
        let cases = [
            (
                "theme = \"light\"\ndevice = \"huge\"\n",
                "config.toml:2:10",
                "huge",
            ),
            ("dir = \"rtl\"\ncolour = 1\n", "config.toml:2:1", "colour"),
            (
                "[keys]\nclose = \"Hyper-Q\"\n",
                "config.toml:2:9",
                "not a key",
            ),
            (
                "[keys]\n\nfly = \"x\"\n",
                "config.toml:3:1",
                "unknown key binding `fly`",
            ),
            (
                "[keys]\nclose = \"r\"\n",
                "config.toml:2:9",
                "bound to both",
            ),
            ("theme = light\n", "config.toml:1:9", ""),
        ];
        for (text, place, what) in cases {
            let e = parse_str(text).unwrap_err();
            assert!(e.starts_with(place), "{text:?}: {e}");
            assert!(e.contains(what), "{text:?}: {e}");
        }
    }
}
