//! WhatsApp's look in the terminal: light and dark palettes.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub dark: bool,
    pub bg: Color,
    pub fg: Color,
    pub dim: Color,
    pub accent: Color,
    pub on_accent: Color,
    pub border: Color,
    pub error: Color,
    pub bar: Color,
    pub snackbar_bg: Color,
    pub snackbar_fg: Color,
    pub disabled: Color,
    pub chip: Color,
    /// The terminal around the phone.
    pub outside: Color,
}

impl Theme {
    /// WhatsApp's light palette.
    pub const LIGHT: Theme = Theme {
        dark: false,
        bg: Color::Rgb(0xff, 0xff, 0xff),
        fg: Color::Rgb(0x11, 0x1b, 0x21),
        dim: Color::Rgb(0x66, 0x77, 0x81),
        accent: Color::Rgb(0x00, 0x80, 0x69),
        on_accent: Color::Rgb(0xff, 0xff, 0xff),
        border: Color::Rgb(0xc4, 0xcb, 0xcf),
        error: Color::Rgb(0xd4, 0x2a, 0x2a),
        bar: Color::Rgb(0xf0, 0xf2, 0xf5),
        snackbar_bg: Color::Rgb(0x30, 0x3a, 0x40),
        snackbar_fg: Color::Rgb(0xff, 0xff, 0xff),
        disabled: Color::Rgb(0xb8, 0xc0, 0xc4),
        chip: Color::Rgb(0xd9, 0xfd, 0xd3),
        outside: Color::Reset,
    };

    /// WhatsApp's dark palette.
    pub const DARK: Theme = Theme {
        dark: true,
        bg: Color::Rgb(0x0b, 0x14, 0x1a),
        fg: Color::Rgb(0xe9, 0xed, 0xef),
        dim: Color::Rgb(0x8d, 0x9b, 0xa3),
        accent: Color::Rgb(0x21, 0xc0, 0x63),
        on_accent: Color::Rgb(0x0b, 0x14, 0x1a),
        border: Color::Rgb(0x3b, 0x4a, 0x54),
        error: Color::Rgb(0xf1, 0x5c, 0x6d),
        bar: Color::Rgb(0x1f, 0x2c, 0x34),
        snackbar_bg: Color::Rgb(0xe9, 0xed, 0xef),
        snackbar_fg: Color::Rgb(0x11, 0x1b, 0x21),
        disabled: Color::Rgb(0x3b, 0x4a, 0x54),
        chip: Color::Rgb(0x10, 0x3d, 0x2b),
        outside: Color::Reset,
    };

    pub fn base(&self) -> Style {
        Style::new().fg(self.fg).bg(self.bg)
    }
    pub fn text(&self) -> Style {
        Style::new().fg(self.fg)
    }
    pub fn dimmed(&self) -> Style {
        Style::new().fg(self.dim)
    }
    pub fn bold(&self) -> Style {
        self.text().add_modifier(Modifier::BOLD)
    }
    pub fn link(&self) -> Style {
        Style::new()
            .fg(self.accent)
            .add_modifier(Modifier::UNDERLINED)
    }
    pub fn accent(&self) -> Style {
        Style::new().fg(self.accent)
    }
    pub fn error(&self) -> Style {
        Style::new().fg(self.error)
    }
    pub fn border(&self) -> Style {
        Style::new().fg(self.border)
    }
    /// The focused element's marker and border.
    pub fn focus(&self) -> Style {
        Style::new().fg(self.accent).add_modifier(Modifier::BOLD)
    }
}

/// The theme asked for: light, dark, or whatever the terminal looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    #[default]
    Auto,
    Light,
    Dark,
}

impl ThemeChoice {
    pub fn theme(self) -> Theme {
        match self {
            ThemeChoice::Light => Theme::LIGHT,
            ThemeChoice::Dark => Theme::DARK,
            // COLORFGBG is "fg;bg"; a background of 7 or 15 (white) means a light terminal.
            ThemeChoice::Auto => match std::env::var("COLORFGBG")
                .ok()
                .and_then(|v| v.rsplit(';').next().map(str::to_string))
            {
                Some(bg) if bg == "7" || bg == "15" => Theme::LIGHT,
                _ => Theme::DARK,
            },
        }
    }
}
