//! Phone sizes, and everything else about the phone being previewed: its language direction,
//! its font size and whether the flow is a draft.
//!
//! Widths in terminal columns follow the conversion in client-look.md §3 (one column is about
//! 8–9 CSS px at WhatsApp's text size): a small phone of 320 px holds about 36 columns, a
//! common 360 px Android phone 44, an iPhone 12–15 (390 px) 47, and Meta's own web preview
//! frame (`width="430"`, META-API) about 50.

use super::MIN_WIDTH;
use super::text::Layout;

/// A phone size preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    /// A small phone, 320 px wide (iPhone SE, 1st generation): 36 columns.
    Small,
    /// A common Android phone, 360 px wide: 44 columns.
    #[default]
    Android,
    /// An iPhone 12 to 15, 390 px wide: 47 columns.
    Iphone,
    /// Meta's web preview frame, 430 px wide: 50 columns.
    Meta,
}

impl Device {
    pub const ALL: [Device; 4] = [Device::Small, Device::Android, Device::Iphone, Device::Meta];

    /// Width in CSS pixels.
    pub fn px(self) -> u16 {
        match self {
            Device::Small => 320,
            Device::Android => 360,
            Device::Iphone => 390,
            Device::Meta => 430,
        }
    }

    /// Width of the phone in terminal columns, frame included.
    pub fn columns(self) -> u16 {
        match self {
            Device::Small => 36,
            Device::Android => 44,
            Device::Iphone => 47,
            Device::Meta => 50,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Device::Small => "small phone",
            Device::Android => "Android",
            Device::Iphone => "iPhone",
            Device::Meta => "Meta preview",
        }
    }

    /// The next size, for the key that switches sizes.
    pub fn next(self) -> Device {
        let i = Device::ALL.iter().position(|d| *d == self).unwrap_or(0);
        Device::ALL[(i + 1) % Device::ALL.len()]
    }
}

/// The phone being previewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Look {
    pub device: Device,
    /// The phone's font is set large: Android's largest common font scale, 1.3×, so a line
    /// holds about a third fewer characters (client-look.md §3, "Font scaling").
    pub large_font: bool,
    pub layout: Layout,
    /// The flow is sent as a draft, with the warning banner.
    pub draft: bool,
}

impl Look {
    /// The phone's width in columns. Terminal cells do not grow with the font, so a large font
    /// is shown as a phone that holds fewer of them.
    pub fn width(&self) -> u16 {
        let w = self.device.columns();
        if self.large_font {
            (w * 10 / 13).max(MIN_WIDTH)
        } else {
            w
        }
    }

    /// The size as the status line names it: "Android 360 px", "small phone 320 px, large font".
    pub fn describe(&self) -> String {
        let font = if self.large_font { ", large font" } else { "" };
        format!("{} {} px{font}", self.device.name(), self.device.px())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_go_from_a_small_phone_to_metas_preview_and_a_large_font_narrows() {
        let widths: Vec<u16> = Device::ALL.iter().map(|d| d.columns()).collect();
        assert_eq!(widths, [36, 44, 47, 50]);
        assert_eq!(Device::Meta.next(), Device::Small);
        let mut look = Look::default();
        assert_eq!(look.width(), 44);
        look.large_font = true;
        assert_eq!(look.width(), 33);
        assert_eq!(look.describe(), "Android 360 px, large font");
        look.device = Device::Small;
        assert_eq!(
            look.width(),
            MIN_WIDTH,
            "never narrower than the narrowest phone"
        );
    }
}
