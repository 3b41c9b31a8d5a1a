//! Pictures drawn with half-block characters.
//!
//! Every terminal cell shows two vertically stacked pixels: the cell holds `▀`, whose
//! foreground colour is the upper pixel and whose background colour is the lower one. With
//! the usual 1:2 cell shape those pixels are roughly square, so the picture keeps its
//! proportions. The output is deterministic and works in any terminal with true colour.
//!
//! The images come from untrusted flows (`Image.src`, `ImageCarousel`, RichText data URIs), so
//! everything is bounded: base64 longer than [`MAX_BASE64_LEN`] is refused, images wider or
//! taller than [`MAX_DIMENSION`] are refused from their header before any pixel buffer is
//! allocated, and the output box is clamped to [`MAX_COLS`] × [`MAX_ROWS`] cells.
//!
//! Decoding is comparatively slow; a UI that redraws often should [`decode`] once, keep the
//! [`RgbaImage`] (e.g. keyed by the source string) and call [`render`] for each size.

use std::cell::RefCell;
use std::io::Cursor;
use std::num::NonZeroUsize;
use std::sync::Arc;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use image::imageops::{self, FilterType};
use image::{ImageReader, Limits, Rgba, RgbaImage};
use lru::LruCache;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui_image::protocol::Protocol;

/// Longest base64 text accepted (8 MiB), data-URI header excluded.
pub const MAX_BASE64_LEN: usize = 8 * 1024 * 1024;
/// Largest accepted image width or height, in pixels.
pub const MAX_DIMENSION: u32 = 4096;
/// Widest output accepted by [`halfblocks`]/[`render`]; larger requests are clamped.
pub const MAX_COLS: u16 = 1000;
/// Tallest output accepted by [`halfblocks`]/[`render`]; larger requests are clamped.
pub const MAX_ROWS: u16 = 1000;
/// Upper bound for the decoder's own allocations.
const MAX_ALLOC: u64 = 128 * 1024 * 1024;

/// flowsim's lenient base64 (padding optional), here also tolerant of non-zero trailing bits.
const LENIENT: GeneralPurposeConfig =
    flowsim_endpoint::b64::LENIENT.with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Decodes a base64 PNG/JPEG (optionally a `data:image/...;base64,` URI) and draws it as lines
/// of `▀` cells whose foreground is the upper pixel and background the lower pixel.
///
/// * `cover == None` (`scale-type: contain`): the whole image, scaled (up or down) to the
///   largest size that fits inside `max_cols` × `max_rows` cells keeping its aspect ratio. The
///   lines are as wide as the scaled image (not padded to `max_cols`); centre them as needed.
/// * `cover == Some(aspect)` (`scale-type: cover`): a box of that aspect ratio (width/height),
///   as large as fits inside `max_cols` × `max_rows`, filled by the image and cropped around
///   the centre. An aspect that is not a positive finite number means `contain`.
/// * `bg`: the colour behind the image. Transparent pixels are blended over it, and it fills
///   the lower half of the last row when the picture has an odd number of pixel rows.
///
/// Returns `None` when `src` is not a decodable PNG/JPEG or exceeds the limits (see the module
/// docs); an empty `Vec` when the box has no cells.
pub fn halfblocks(
    src: &str,
    max_cols: u16,
    max_rows: u16,
    cover: Option<f64>,
    bg: (u8, u8, u8),
) -> Option<Vec<Line<'static>>> {
    let img = cached(src)?;
    Some(render(&img, max_cols, max_rows, cover, bg))
}

/// Decoded pictures by their source, so redrawing a screen does not decode its images again.
/// Bounded: the least recently used picture goes first.
fn cached(src: &str) -> Option<Arc<RgbaImage>> {
    const MAX_ENTRIES: NonZeroUsize = NonZeroUsize::new(64).expect("non-zero");
    thread_local! {
        static CACHE: RefCell<LruCache<String, Option<Arc<RgbaImage>>>> =
            RefCell::new(LruCache::new(MAX_ENTRIES));
    }
    if let Some(hit) = CACHE.with(|c| c.borrow_mut().get(src).cloned()) {
        return hit;
    }
    let decoded = decode(src).map(Arc::new);
    CACHE.with(|c| c.borrow_mut().put(src.to_string(), decoded.clone()));
    decoded
}

/// Pixel size `(width, height)` of an image without decoding the pixels (for layout). Same
/// input and bounds as [`halfblocks`]: `None` when undecodable or larger than
/// [`MAX_DIMENSION`].
pub fn dimensions(src: &str) -> Option<(u32, u32)> {
    let bytes = base64_payload(src)?;
    let (w, h) = reader(&bytes)?.into_dimensions().ok()?;
    within_limits(w, h).then_some((w, h))
}

/// Decodes a base64 PNG/JPEG (optionally a data URI) to RGBA pixels, bounded as described in
/// the module docs.
pub fn decode(src: &str) -> Option<RgbaImage> {
    let bytes = base64_payload(src)?;
    let img = reader(&bytes)?.decode().ok()?;
    within_limits(img.width(), img.height()).then(|| img.into_rgba8())
}

/// Draws already decoded pixels; see [`halfblocks`] for the parameters.
pub fn render(
    img: &RgbaImage,
    max_cols: u16,
    max_rows: u16,
    cover: Option<f64>,
    bg: (u8, u8, u8),
) -> Vec<Line<'static>> {
    let box_w = u32::from(max_cols.min(MAX_COLS));
    let box_h = 2 * u32::from(max_rows.min(MAX_ROWS));
    let (w, h) = img.dimensions();
    if box_w == 0 || box_h == 0 || w == 0 || h == 0 {
        return Vec::new();
    }
    let scaled = match cover.filter(|a| a.is_finite() && *a > 0.0) {
        None => {
            let scale = f64::min(
                f64::from(box_w) / f64::from(w),
                f64::from(box_h) / f64::from(h),
            );
            let tw = scaled_len(w, scale, box_w);
            let th = scaled_len(h, scale, box_h);
            imageops::resize(img, tw, th, FilterType::Triangle)
        }
        Some(aspect) => {
            let aspect = aspect.clamp(1.0 / 64.0, 64.0);
            // The largest box of that aspect inside box_w × box_h.
            let mut bw = box_w;
            let mut bh = scaled_len(box_w, 1.0 / aspect, u32::MAX);
            if bh > box_h {
                bh = box_h;
                bw = scaled_len(box_h, aspect, box_w);
            }
            // Crop the source to the box's aspect around the centre, then scale.
            let box_aspect = f64::from(bw) / f64::from(bh);
            let (cw, ch) = if f64::from(w) / f64::from(h) > box_aspect {
                (scaled_len(h, box_aspect, w), h)
            } else {
                (w, scaled_len(w, 1.0 / box_aspect, h))
            };
            let cropped = imageops::crop_imm(img, (w - cw) / 2, (h - ch) / 2, cw, ch).to_image();
            imageops::resize(&cropped, bw, bh, FilterType::Triangle)
        }
    };
    halfblock_lines(&scaled, bg)
}

/// `len * scale` rounded, kept within `1..=max`.
fn scaled_len(len: u32, scale: f64, max: u32) -> u32 {
    let v = (f64::from(len) * scale).round();
    // `as` saturates for out-of-range floats; NaN becomes 0 and is clamped to 1.
    (v as u32).clamp(1, max.max(1))
}

fn within_limits(w: u32, h: u32) -> bool {
    w > 0 && h > 0 && w <= MAX_DIMENSION && h <= MAX_DIMENSION
}

/// The bytes encoded in `src`: plain base64, or a `data:…;base64,` URI. Whitespace inside
/// the base64 text (line breaks) is ignored; standard and URL-safe alphabets are accepted.
fn base64_payload(src: &str) -> Option<Vec<u8>> {
    let src = src.trim();
    let data = match src.get(..5) {
        Some(scheme) if scheme.eq_ignore_ascii_case("data:") => {
            let (header, data) = src[5..].split_once(',')?;
            let is_base64 = header
                .split(';')
                .any(|part| part.trim().eq_ignore_ascii_case("base64"));
            if !is_base64 {
                return None;
            }
            data
        }
        _ => src,
    };
    if data.len() > MAX_BASE64_LEN {
        return None;
    }
    let compact: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    STANDARD
        .decode(&compact)
        .or_else(|_| URL_SAFE.decode(&compact))
        .ok()
}

/// A reader for PNG/JPEG bytes that refuses oversized images before allocating pixels.
fn reader(bytes: &[u8]) -> Option<ImageReader<Cursor<&[u8]>>> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    Some(reader)
}

/// The pixel blended over the background.
fn blend(px: Rgba<u8>, bg: (u8, u8, u8)) -> (u8, u8, u8) {
    let [r, g, b, a] = px.0;
    let a = u16::from(a);
    let mix = |c: u8, under: u8| {
        // (c·a + under·(255−a)) / 255, rounded; always ≤ 255.
        let v = (u16::from(c) * a + u16::from(under) * (255 - a) + 127) / 255;
        u8::try_from(v).unwrap_or(u8::MAX)
    };
    (mix(r, bg.0), mix(g, bg.1), mix(b, bg.2))
}

/// Two pixel rows per line, runs of identical cells merged into one span.
fn halfblock_lines(img: &RgbaImage, bg: (u8, u8, u8)) -> Vec<Line<'static>> {
    let (w, h) = img.dimensions();
    let rgb = |(r, g, b): (u8, u8, u8)| Color::Rgb(r, g, b);
    let pixel = |x: u32, y: u32| {
        if y < h {
            blend(*img.get_pixel(x, y), bg)
        } else {
            bg
        }
    };
    (0..h.div_ceil(2))
        .map(|row| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            let mut run: Option<(Style, usize)> = None;
            for x in 0..w {
                let style = Style::new()
                    .fg(rgb(pixel(x, 2 * row)))
                    .bg(rgb(pixel(x, 2 * row + 1)));
                run = match run {
                    Some((s, n)) if s == style => Some((s, n + 1)),
                    Some((s, n)) => {
                        spans.push(Span::styled("▀".repeat(n), s));
                        Some((style, 1))
                    }
                    None => Some((style, 1)),
                };
            }
            if let Some((s, n)) = run {
                spans.push(Span::styled("▀".repeat(n), s));
            }
            Line::from(spans)
        })
        .collect()
}

/// Real pictures through the terminal's graphics protocol (kitty, sixel or iTerm2, detected
/// with ratatui-image at start-up) drawn over the half-block cells, which stay as the
/// fallback. Encoded pictures are cached by source and size, so a redraw does not encode
/// them again: by a hash of the source and the size, with the source kept and compared so a
/// hash collision is a miss, never another picture.
pub struct Graphics {
    picker: ratatui_image::picker::Picker,
    cache: RefCell<LruCache<(u64, u16, u16), Encoded>>,
}

/// A picture's source and its encoding for the terminal (`None`: it does not decode).
type Encoded = (Box<str>, Option<Protocol>);

impl Graphics {
    /// Graphics through `picker`, or `None` when it only knows half-blocks (which the body
    /// already draws).
    pub fn new(picker: ratatui_image::picker::Picker, bg: (u8, u8, u8)) -> Option<Graphics> {
        const MAX_ENTRIES: NonZeroUsize = NonZeroUsize::new(32).expect("non-zero");
        if picker.protocol_type() == ratatui_image::picker::ProtocolType::Halfblocks {
            return None;
        }
        let mut picker = picker;
        picker.set_background_color(Some(image::Rgba([bg.0, bg.1, bg.2, 255])));
        Some(Graphics {
            picker,
            cache: RefCell::new(LruCache::new(MAX_ENTRIES)),
        })
    }

    /// Draws the picture `src` fitted into `area`, when it decodes.
    pub fn render(
        &self,
        src: &str,
        area: ratatui::layout::Rect,
        buf: &mut ratatui::buffer::Buffer,
    ) {
        let key = (hash(src), area.width, area.height);
        let mut cache = self.cache.borrow_mut();
        if cache.get(&key).is_none_or(|(cached, _)| **cached != *src) {
            let protocol = cached(src).and_then(|img| {
                self.picker
                    .new_protocol(
                        image::DynamicImage::ImageRgba8((*img).clone()),
                        area.as_size(),
                        ratatui_image::Resize::Fit(None),
                    )
                    .ok()
            });
            cache.put(key, (src.into(), protocol));
        }
        if let Some((_, Some(p))) = cache.get(&key) {
            ratatui::widgets::Widget::render(ratatui_image::Image::new(p), area, buf);
        }
    }
}

fn hash(src: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    src.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD as B64;
    use image::ImageFormat;

    const BG: (u8, u8, u8) = (255, 255, 255);
    const RED: Rgba<u8> = Rgba([255, 0, 0, 255]);
    const BLUE: Rgba<u8> = Rgba([0, 0, 255, 255]);

    fn png(img: &RgbaImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png)
            .expect("encode png");
        out.into_inner()
    }

    /// `w`×`h` image: red upper half, blue lower half.
    fn two_tone(w: u32, h: u32) -> String {
        let img = RgbaImage::from_fn(w, h, |_, y| if y < h / 2 { RED } else { BLUE });
        B64.encode(png(&img))
    }

    fn width(line: &Line<'_>) -> usize {
        line.spans.iter().map(|s| s.content.chars().count()).sum()
    }

    #[test]
    fn tiny_png_fits_the_box() {
        // 4×2 pixels fit 4 columns unscaled: one line of 4 cells, red over blue.
        let lines = halfblocks(&two_tone(4, 2), 4, 10, None, BG).expect("decodes");
        assert_eq!(lines.len(), 1);
        assert_eq!(width(&lines[0]), 4);
        assert_eq!(lines[0].spans.len(), 1, "identical cells are merged");
        assert_eq!(lines[0].spans[0].content, "▀▀▀▀");
        assert_eq!(lines[0].spans[0].style.fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(lines[0].spans[0].style.bg, Some(Color::Rgb(0, 0, 255)));

        // Scaled up to the box: 2×2 → 8×8 pixels = 4 lines of 8 cells.
        let lines = halfblocks(&two_tone(2, 2), 8, 8, None, BG).expect("decodes");
        assert_eq!(lines.len(), 4);
        assert!(lines.iter().all(|l| width(l) == 8));

        // Scaled down, limited by the height: 40×80 in 30×10 cells → 10×20 px = 10 lines × 10.
        let lines = halfblocks(&two_tone(40, 80), 30, 10, None, BG).expect("decodes");
        assert_eq!(lines.len(), 10);
        assert!(lines.iter().all(|l| width(l) == 10));

        assert_eq!(
            halfblocks(&two_tone(4, 2), 0, 10, None, BG),
            Some(Vec::new())
        );
    }

    #[test]
    fn cover_fills_and_crops() {
        // A 4×2 image covering a square box of 4 columns: 4×4 px = 2 lines of 4 cells.
        let lines = halfblocks(&two_tone(4, 2), 4, 10, Some(1.0), BG).expect("decodes");
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| width(l) == 4));
        // 16:9 box limited by 3 rows (6 px high) → 11×6 px.
        let lines = halfblocks(&two_tone(4, 4), 40, 3, Some(16.0 / 9.0), BG).expect("decodes");
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| width(l) == 11));
        // Invalid aspect falls back to contain.
        let lines = halfblocks(&two_tone(4, 2), 4, 10, Some(f64::NAN), BG).expect("decodes");
        assert_eq!(lines.len(), 1);
    }

    #[test]
    fn odd_rows_and_transparency_use_the_background() {
        let img = RgbaImage::from_pixel(1, 1, Rgba([0, 0, 0, 0]));
        let src = B64.encode(png(&img));
        let lines = halfblocks(&src, 1, 1, None, (10, 20, 30)).expect("decodes");
        let style = lines[0].spans[0].style;
        assert_eq!(style.fg, Some(Color::Rgb(10, 20, 30)));
        assert_eq!(style.bg, Some(Color::Rgb(10, 20, 30)));
        assert_eq!(blend(Rgba([255, 0, 0, 128]), (0, 0, 255)), (128, 0, 127));
    }

    #[test]
    fn jpeg_is_decoded() {
        let img = image::RgbImage::from_pixel(6, 4, image::Rgb([0, 128, 0]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Jpeg)
            .expect("encode jpeg");
        let src = format!("data:image/jpeg;base64,{}", B64.encode(out.into_inner()));
        assert_eq!(dimensions(&src), Some((6, 4)));
        let lines = halfblocks(&src, 6, 6, None, BG).expect("decodes");
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| width(l) == 6));
    }

    #[test]
    fn data_uri_prefix_is_accepted() {
        let b64 = two_tone(4, 2);
        for prefix in [
            "data:image/png;base64,",
            "DATA:image/png;charset=x;BASE64,",
            "  data:;base64,",
        ] {
            let src = format!("{prefix}{b64}");
            assert_eq!(dimensions(&src), Some((4, 2)), "{prefix}");
            assert!(halfblocks(&src, 4, 4, None, BG).is_some(), "{prefix}");
        }
        // Line breaks inside the base64 and missing padding are tolerated.
        let wrapped: String = b64
            .trim_end_matches('=')
            .as_bytes()
            .chunks(20)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(dimensions(&wrapped), Some((4, 2)));
        // A data URI that is not base64 is refused.
        assert_eq!(dimensions("data:image/png,%89PNG"), None);
    }

    #[test]
    fn invalid_input_is_none() {
        assert_eq!(halfblocks("not base64 at all!", 10, 10, None, BG), None);
        assert_eq!(dimensions("not base64 at all!"), None);
        // Valid base64, but not an image.
        let text = B64.encode("hello, world");
        assert_eq!(halfblocks(&text, 10, 10, None, BG), None);
        assert_eq!(dimensions(&text), None);
        // A truncated PNG.
        let mut bytes = png(&RgbaImage::from_pixel(8, 8, RED));
        bytes.truncate(bytes.len() / 2);
        assert_eq!(halfblocks(&B64.encode(bytes), 10, 10, None, BG), None);
        assert_eq!(halfblocks("", 10, 10, None, BG), None);
        // Too much base64.
        let huge = "A".repeat(MAX_BASE64_LEN + 4);
        assert_eq!(halfblocks(&huge, 10, 10, None, BG), None);
        assert_eq!(dimensions(&huge), None);
    }

    #[test]
    fn oversized_images_are_refused() {
        // A real image one pixel too wide.
        let wide = B64.encode(png(&RgbaImage::from_pixel(MAX_DIMENSION + 1, 1, RED)));
        assert_eq!(dimensions(&wide), None);
        assert_eq!(halfblocks(&wide, 10, 10, None, BG), None);

        // A tiny PNG whose header claims a size: believed by `dimensions` while within the
        // limits (so the forgery is well-formed), refused from the header when oversized.
        let forge = |size: u32| {
            let mut bytes = png(&RgbaImage::from_pixel(1, 1, RED));
            // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height.
            bytes[16..20].copy_from_slice(&size.to_be_bytes());
            bytes[20..24].copy_from_slice(&size.to_be_bytes());
            let crc = crc32(&bytes[12..29]);
            bytes[29..33].copy_from_slice(&crc.to_be_bytes());
            B64.encode(&bytes)
        };
        assert_eq!(dimensions(&forge(100)), Some((100, 100)));
        assert_eq!(
            halfblocks(&forge(100), 10, 10, None, BG),
            None,
            "pixel data missing"
        );
        let forged = forge(100_000);
        assert_eq!(dimensions(&forged), None);
        assert_eq!(halfblocks(&forged, 10, 10, None, BG), None);
    }

    #[test]
    fn huge_boxes_are_clamped() {
        let lines = halfblocks(&two_tone(1, 1000), u16::MAX, u16::MAX, None, BG).expect("decodes");
        assert_eq!(lines.len(), usize::from(MAX_ROWS));
    }

    /// CRC-32 (IEEE) as PNG chunks use it.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = u32::MAX;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
