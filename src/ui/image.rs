//! Pictures: decoding, scaling, half-block drawing, and the terminal's graphics protocol.
//!
//! **Half-blocks.** Every terminal cell shows two vertically stacked pixels: the cell holds
//! `▀`, whose foreground colour is the upper pixel and whose background colour is the lower
//! one. With the usual 1:2 cell shape those pixels are roughly square, so the picture keeps its
//! proportions. The output is deterministic and works in any terminal with true colour.
//!
//! **Bounds.** The images come from untrusted flows (`Image.src`, `ImageCarousel`, the `image`
//! of data-source items, NavigationList `start`), so everything is bounded: base64 longer than
//! [`MAX_BASE64_LEN`] is refused, images wider or taller than [`MAX_DIMENSION`] are refused
//! from their header before any pixel buffer is allocated, and a box is clamped to
//! [`MAX_COLS`] × [`MAX_ROWS`] cells. A refused picture gets a [`Refusal`], which the widgets
//! show in its place.
//!
//! **Caches.** Each picture is decoded once (kept at most [`MAX_KEPT`] pixels on its longer
//! side) and scaled once per size; the graphics protocol encodes it once per size. The caches
//! are bounded by the bytes they hold ([`BUDGET_SOURCES`], [`BUDGET_DECODED`],
//! [`BUDGET_SCALED`], [`BUDGET_ENCODED`]), the least recently used entry going first. A picture
//! is known by its text: the caches keep each source once and compare it, so a hash collision
//! is a miss, never another picture.

use std::cell::{Cell as StdCell, RefCell};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::sync::Arc;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use image::imageops::{self, FilterType};
use image::{ImageFormat, ImageReader, Limits, Rgba, RgbaImage};
use lru::LruCache;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Rect, Size};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui_image::picker::{Capability, Picker, ProtocolType};
use ratatui_image::protocol::Protocol;
use ratatui_image::protocol::iterm2::Iterm2;
use ratatui_image::protocol::kitty::Kitty;
use ratatui_image::protocol::sixel::Sixel;

/// Longest base64 text accepted (8 MiB), data-URI header excluded.
pub const MAX_BASE64_LEN: usize = 8 * 1024 * 1024;
/// Largest accepted image width or height, in pixels.
pub const MAX_DIMENSION: u32 = 4096;
/// Widest box drawn, in cells (`flowsim render --width` goes up to 400).
pub const MAX_COLS: u16 = 400;
/// Tallest box drawn, in cells.
pub const MAX_ROWS: u16 = 200;
/// Longest side, in pixels, of a decoded picture as kept: larger ones are scaled down once,
/// when decoded. More than the widest half-block box, and than a phone 60 columns wide
/// through a graphics protocol at 16 pixels a column.
pub const MAX_KEPT: u32 = 1024;
/// Bytes of picture sources the caches keep to know pictures again.
pub const BUDGET_SOURCES: usize = 32 * 1024 * 1024;
/// Bytes of decoded pixels kept.
pub const BUDGET_DECODED: usize = 48 * 1024 * 1024;
/// Bytes of half-block drawings kept.
pub const BUDGET_SCALED: usize = 16 * 1024 * 1024;
/// Bytes of encoded graphics (sixel, iTerm2 or kitty sequences) kept.
pub const BUDGET_ENCODED: usize = 32 * 1024 * 1024;
/// Upper bound for the decoder's own allocations.
const MAX_ALLOC: u64 = 128 * 1024 * 1024;

/// flowsim's lenient base64 (padding optional), here also tolerant of non-zero trailing bits.
const LENIENT: GeneralPurposeConfig =
    flowsim_endpoint::b64::LENIENT.with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// The box a picture is drawn into: at most `cols` × `rows` cells.
///
/// * `cover == None` (`scale-type: contain`): the whole image, scaled (up or down) to the
///   largest size that fits inside the box keeping its aspect ratio; the drawing is as large as
///   the scaled image, not padded to the box.
/// * `cover == Some(aspect)` (`scale-type: cover`): a box of that aspect ratio (width/height),
///   as large as fits, filled by the image and cropped around the centre. An aspect that is
///   not a positive finite number means `contain`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub cols: u16,
    pub rows: u16,
    pub cover: Option<f64>,
}

impl Fit {
    /// Exactly `cols` × `rows` cells, filled and cropped.
    pub fn fill(cols: u16, rows: u16) -> Fit {
        Fit {
            cols,
            rows,
            cover: Some(f64::from(cols) / (2.0 * f64::from(rows.max(1)))),
        }
    }

    fn aspect(&self) -> Option<f64> {
        self.cover
            .filter(|a| a.is_finite() && *a > 0.0)
            .map(|a| a.clamp(1.0 / 64.0, 64.0))
    }

    /// The pixel box of half-blocks: one pixel per column, two per row.
    fn pixels(&self) -> (u32, u32) {
        (
            u32::from(self.cols.min(MAX_COLS)),
            2 * u32::from(self.rows.min(MAX_ROWS)),
        )
    }

    fn key(&self) -> (u16, u16, u64) {
        (
            self.cols,
            self.rows,
            self.aspect().map_or(u64::MAX, f64::to_bits),
        )
    }
}

/// Why a picture is not drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not base64 text (or a data URI that is not base64).
    NotBase64,
    /// More base64 than [`MAX_BASE64_LEN`]: its length in bytes.
    TooLong(usize),
    /// Not a PNG or JPEG: the format when it is another known one ("WEBP", "GIF").
    Format(Option<String>),
    /// Wider or taller than [`MAX_DIMENSION`].
    TooLarge(u32, u32),
    /// The header is fine, the pixels are not (truncated or damaged): the format.
    Corrupt(&'static str),
    /// Over the client's size limit for item pictures, which it replaces by a placeholder
    /// (components.md §3.8 and §5.21: "Images over the limit will be replaced by a
    /// placeholder"): about `kb` KB against `limit` KB.
    OverLimit { kb: usize, limit: usize },
}

impl Refusal {
    /// At most six cells, for a thumbnail's placeholder.
    pub fn short(&self) -> String {
        match self {
            Refusal::NotBase64 => "base64".into(),
            Refusal::TooLong(_) => ">8 MB".into(),
            Refusal::Format(Some(f)) if f.len() <= 6 => f.clone(),
            Refusal::Format(_) => "format".into(),
            Refusal::TooLarge(..) => "huge".into(),
            Refusal::Corrupt(_) => "broken".into(),
            Refusal::OverLimit { limit, .. } => format!(">{limit}KB"),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotBase64 => write!(f, "not base64"),
            Refusal::TooLong(n) => write!(
                f,
                "{:.1} MB of base64, over {} MB",
                *n as f64 / 1048576.0,
                MAX_BASE64_LEN / 1048576
            ),
            Refusal::Format(Some(format)) => {
                write!(f, "a {format} picture; flowsim draws PNG and JPEG")
            }
            Refusal::Format(None) => write!(f, "not a PNG or JPEG picture"),
            Refusal::TooLarge(w, h) => {
                write!(f, "{w}×{h} pixels, over {MAX_DIMENSION}")
            }
            Refusal::Corrupt(format) => write!(f, "a damaged or truncated {format}"),
            Refusal::OverLimit { kb, limit } => {
                write!(f, "about {kb} KB, over the {limit} KB the client allows")
            }
        }
    }
}

/// How often pictures were decoded and scaled on this thread, and the bytes the caches hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub decodes: u64,
    pub scales: u64,
    pub source_bytes: usize,
    pub decoded_bytes: usize,
    pub scaled_bytes: usize,
}

/// The caches' counters and sizes on this thread (drawing happens on one thread).
pub fn stats() -> Stats {
    CACHES.with(|c| {
        let c = c.borrow();
        Stats {
            source_bytes: c.sources.bytes,
            decoded_bytes: c.decoded.bytes,
            scaled_bytes: c.scaled.bytes,
            ..c.stats
        }
    })
}

/// The cells `(cols, rows)` the picture takes when drawn with `fit`, from its header alone
/// (for layout; the pixels are decoded when the picture is drawn).
pub fn cells(src: &str, fit: Fit) -> Result<(u16, u16), Refusal> {
    let size = CACHES.with(|c| {
        let mut c = c.borrow_mut();
        let id = c.id(src)?;
        if let Some(known) = c.probes.get(&id) {
            return known.clone();
        }
        let probed = dimensions(src);
        c.probes.put(id, probed.clone(), REFUSAL_COST);
        probed
    })?;
    let (w, h) = target(size, fit);
    Ok((
        u16::try_from(w).unwrap_or(u16::MAX),
        u16::try_from(h.div_ceil(2)).unwrap_or(u16::MAX),
    ))
}

/// The picture `src` (a base64 PNG/JPEG, optionally a `data:image/...;base64,` URI) drawn
/// into `fit` as lines of `▀` cells whose foreground is the upper pixel and background the
/// lower one, `bg` behind transparent pixels and under the last row when the picture has an
/// odd number of pixel rows. Decoded once and scaled once per box and background (cached).
///
/// The drawing takes [`cells`] cells; no lines when the box has none.
pub fn halfblocks(
    src: &str,
    fit: Fit,
    bg: (u8, u8, u8),
) -> Result<Arc<Vec<Line<'static>>>, Refusal> {
    CACHES.with(|c| {
        let mut c = c.borrow_mut();
        let id = c.id(src)?;
        let (cols, rows, aspect) = fit.key();
        let key = (id, cols, rows, aspect, bg);
        if let Some(lines) = c.scaled.get(&key) {
            return Ok(Arc::clone(lines));
        }
        let (img, size) = c.decoded(id, src)?;
        let lines = Arc::new(scale(&img, size, fit, bg));
        c.stats.scales += 1;
        let cost = lines_cost(&lines);
        c.scaled.put(key, Arc::clone(&lines), cost);
        Ok(lines)
    })
}

/// Whether an item picture is within the client's limit of `limit_kb` KB, measured as the
/// validator measures it (three bytes per four characters of base64).
pub fn client_limit(src: &str, limit_kb: usize) -> Result<(), Refusal> {
    let kb = src.len() / 4 * 3 / 1024;
    if src.len() / 4 * 3 > limit_kb * 1024 {
        Err(Refusal::OverLimit {
            kb,
            limit: limit_kb,
        })
    } else {
        Ok(())
    }
}

/// Pixel size `(width, height)` of an image from its header, without decoding the pixels.
pub fn dimensions(src: &str) -> Result<(u32, u32), Refusal> {
    let bytes = base64_payload(src)?;
    let (reader, _) = reader(&bytes)?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| Refusal::Format(None))?;
    within_limits(w, h)?;
    Ok((w, h))
}

/// Decodes a base64 PNG/JPEG (optionally a data URI) to RGBA pixels, bounded as described in
/// the module docs, at full size.
pub fn decode(src: &str) -> Result<RgbaImage, Refusal> {
    let bytes = base64_payload(src)?;
    let (w, h) = {
        let (reader, _) = reader(&bytes)?;
        reader
            .into_dimensions()
            .map_err(|_| Refusal::Format(None))?
    };
    within_limits(w, h)?;
    let (mut reader, format) = reader(&bytes)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| Refusal::Corrupt(format))?;
    Ok(img.into_rgba8())
}

/// The picture scaled to the target of `size` (its size as decoded, before [`MAX_KEPT`]) in
/// `fit`, as half-block lines.
fn scale(img: &RgbaImage, size: (u32, u32), fit: Fit, bg: (u8, u8, u8)) -> Vec<Line<'static>> {
    let (tw, th) = target(size, fit);
    if tw == 0 || th == 0 {
        return Vec::new();
    }
    halfblock_lines(&resized(img, tw, th, fit.aspect().is_some()), bg)
}

/// `img` at exactly `w` × `h` pixels: stretched to them (its aspect is already theirs), or for
/// `cover`, cropped around the centre to their aspect first.
fn resized(img: &RgbaImage, w: u32, h: u32, cover: bool) -> RgbaImage {
    let (iw, ih) = img.dimensions();
    if !cover {
        return imageops::resize(img, w, h, FilterType::Triangle);
    }
    let aspect = f64::from(w) / f64::from(h);
    let (cw, ch) = if f64::from(iw) / f64::from(ih) > aspect {
        (scaled_len(ih, aspect, iw), ih)
    } else {
        (iw, scaled_len(iw, 1.0 / aspect, ih))
    };
    let cropped = imageops::crop_imm(img, (iw - cw) / 2, (ih - ch) / 2, cw, ch).to_image();
    imageops::resize(&cropped, w, h, FilterType::Triangle)
}

/// The drawing's size in half-block pixels for a picture of `(w, h)` pixels in `fit`.
fn target((w, h): (u32, u32), fit: Fit) -> (u32, u32) {
    let (box_w, box_h) = fit.pixels();
    if box_w == 0 || box_h == 0 || w == 0 || h == 0 {
        return (0, 0);
    }
    match fit.aspect() {
        None => {
            let scale = f64::min(
                f64::from(box_w) / f64::from(w),
                f64::from(box_h) / f64::from(h),
            );
            (scaled_len(w, scale, box_w), scaled_len(h, scale, box_h))
        }
        Some(aspect) => {
            // The largest box of that aspect inside box_w × box_h.
            let bh = scaled_len(box_w, 1.0 / aspect, u32::MAX);
            if bh > box_h {
                (scaled_len(box_h, aspect, box_w), box_h)
            } else {
                (box_w, bh)
            }
        }
    }
}

/// `len * scale` rounded, kept within `1..=max`.
fn scaled_len(len: u32, scale: f64, max: u32) -> u32 {
    let v = (f64::from(len) * scale).round();
    // `as` saturates for out-of-range floats; NaN becomes 0 and is clamped to 1.
    (v as u32).clamp(1, max.max(1))
}

fn within_limits(w: u32, h: u32) -> Result<(), Refusal> {
    if w == 0 || h == 0 {
        Err(Refusal::Format(None))
    } else if w > MAX_DIMENSION || h > MAX_DIMENSION {
        Err(Refusal::TooLarge(w, h))
    } else {
        Ok(())
    }
}

/// The base64 text of `src`: itself, or what follows the comma of a `data:…;base64,` URI.
fn base64_text(src: &str) -> Result<&str, Refusal> {
    let src = src.trim();
    let data = match src.get(..5) {
        Some(scheme) if scheme.eq_ignore_ascii_case("data:") => {
            let (header, data) = src[5..].split_once(',').ok_or(Refusal::NotBase64)?;
            let is_base64 = header
                .split(';')
                .any(|part| part.trim().eq_ignore_ascii_case("base64"));
            if !is_base64 {
                return Err(Refusal::NotBase64);
            }
            data
        }
        _ => src,
    };
    if data.len() > MAX_BASE64_LEN {
        return Err(Refusal::TooLong(data.len()));
    }
    Ok(data)
}

/// The bytes encoded in `src`: plain base64, or a `data:…;base64,` URI. Whitespace inside
/// the base64 text (line breaks) is ignored; standard and URL-safe alphabets are accepted.
fn base64_payload(src: &str) -> Result<Vec<u8>, Refusal> {
    let data = base64_text(src)?;
    let compact: Vec<u8> = data.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    STANDARD
        .decode(&compact)
        .or_else(|_| URL_SAFE.decode(&compact))
        .map_err(|_| Refusal::NotBase64)
}

type Reader<'a> = ImageReader<Cursor<&'a [u8]>>;

/// A reader for PNG/JPEG bytes, with the format's name. Reading the header allocates no
/// pixels; decoding is bounded by [`MAX_DIMENSION`] and the decoder's allocations.
fn reader(bytes: &[u8]) -> Result<(Reader<'_>, &'static str), Refusal> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Refusal::Format(None))?;
    let name = match reader.format() {
        Some(ImageFormat::Png) => "PNG",
        Some(ImageFormat::Jpeg) => "JPEG",
        Some(other) => {
            let name = other.extensions_str().first().map(|e| e.to_uppercase());
            return Err(Refusal::Format(name));
        }
        None => return Err(Refusal::Format(None)),
    };
    Ok((reader, name))
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

/// The memory half-block lines hold.
fn lines_cost(lines: &[Line<'_>]) -> usize {
    lines
        .iter()
        .map(|l| {
            size_of::<Line>()
                + l.spans
                    .iter()
                    .map(|s| size_of::<Span>() + s.content.len())
                    .sum::<usize>()
        })
        .sum()
}

/// A picture's number in the caches, given to its source text the first time it is seen.
type Id = u64;

/// A drawing's picture, box (columns, rows, aspect bits) and background.
type ScaledKey = (Id, u16, u16, u64, (u8, u8, u8));

/// An encoding's picture, cells and whether it covers them.
type EncodedKey = (Id, u16, u16, bool);

/// A decoded picture as kept, and its size as decoded.
type Decoded = Result<(Arc<RgbaImage>, (u32, u32)), Refusal>;

/// A least-recently-used cache bounded by the bytes its entries hold.
struct Budget<K: Hash + Eq, V> {
    lru: LruCache<K, (V, usize)>,
    bytes: usize,
    max: usize,
}

impl<K: Hash + Eq, V> Budget<K, V> {
    fn new(max: usize) -> Budget<K, V> {
        Budget {
            lru: LruCache::unbounded(),
            bytes: 0,
            max,
        }
    }

    fn get(&mut self, k: &K) -> Option<&V> {
        self.lru.get(k).map(|(v, _)| v)
    }

    /// Keeps `v`, costing `cost` bytes, dropping the least recently used entries over the
    /// budget. An entry larger than the whole budget is not kept.
    fn put(&mut self, k: K, v: V, cost: usize) {
        if cost > self.max {
            return;
        }
        if let Some((_, old)) = self.lru.put(k, (v, cost)) {
            self.bytes -= old;
        }
        self.bytes += cost;
        while self.bytes > self.max {
            match self.lru.pop_lru() {
                Some((_, (_, c))) => self.bytes -= c,
                None => break,
            }
        }
    }
}

/// The picture caches of a thread.
struct Caches {
    /// Sources by hash (those sharing a hash side by side), each with its [`Id`].
    sources: Budget<u64, Vec<(Box<str>, Id)>>,
    next: Id,
    /// Header sizes, for layout.
    probes: Budget<Id, Result<(u32, u32), Refusal>>,
    decoded: Budget<Id, Decoded>,
    scaled: Budget<ScaledKey, Arc<Vec<Line<'static>>>>,
    stats: Stats,
}

thread_local! {
    static CACHES: RefCell<Caches> = RefCell::new(Caches {
        sources: Budget::new(BUDGET_SOURCES),
        next: 0,
        // A size is a few dozen bytes: a million of them.
        probes: Budget::new(64 * 1024 * 1024),
        decoded: Budget::new(BUDGET_DECODED),
        scaled: Budget::new(BUDGET_SCALED),
        stats: Stats::default(),
    });
}

/// A refusal held in a cache costs about this much.
const REFUSAL_COST: usize = 64;

impl Caches {
    /// The picture's number; too much base64 is refused before it is looked at.
    fn id(&mut self, src: &str) -> Result<Id, Refusal> {
        base64_text(src)?;
        let hash = hash(src);
        if let Some(bucket) = self.sources.get(&hash)
            && let Some((_, id)) = bucket.iter().find(|(s, _)| **s == *src)
        {
            return Ok(*id);
        }
        let id = self.next;
        self.next += 1;
        let mut bucket = self
            .sources
            .lru
            .pop(&hash)
            .map(|(b, cost)| {
                self.sources.bytes -= cost;
                b
            })
            .unwrap_or_default();
        bucket.push((src.into(), id));
        let cost = bucket.iter().map(|(s, _)| s.len()).sum();
        self.sources.put(hash, bucket, cost);
        Ok(id)
    }

    /// The picture's pixels as kept, decoded once.
    fn decoded(&mut self, id: Id, src: &str) -> Decoded {
        if let Some(known) = self.decoded.get(&id) {
            return known.clone();
        }
        self.stats.decodes += 1;
        let decoded = decode(src).map(|img| {
            let size = img.dimensions();
            (Arc::new(kept(img)), size)
        });
        let cost = match &decoded {
            Ok((img, _)) => img.as_raw().len(),
            Err(_) => REFUSAL_COST,
        };
        self.decoded.put(id, decoded.clone(), cost);
        decoded
    }
}

/// `img`, scaled down to at most [`MAX_KEPT`] pixels on its longer side.
fn kept(img: RgbaImage) -> RgbaImage {
    let (w, h) = img.dimensions();
    if w.max(h) <= MAX_KEPT {
        return img;
    }
    let scale = f64::from(MAX_KEPT) / f64::from(w.max(h));
    imageops::thumbnail(
        &img,
        scaled_len(w, scale, MAX_KEPT),
        scaled_len(h, scale, MAX_KEPT),
    )
}

fn hash(src: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    src.hash(&mut hasher);
    hasher.finish()
}

/// A picture drawn as half-blocks at `area` of the buffer, which the terminal's graphics
/// protocol draws over once everything else is drawn — unless something was drawn over it
/// (an overlay, the snackbar), which the cells kept here tell.
pub struct Placed {
    src: String,
    area: Rect,
    cover: bool,
    cells: Vec<Cell>,
}

impl Placed {
    /// The picture `src` as `buf` holds it now at `area`, drawn with `cover` or contained.
    pub fn new(src: String, area: Rect, cover: bool, buf: &Buffer) -> Placed {
        let area = area.intersection(buf.area);
        Placed {
            src,
            area,
            cover,
            cells: area.positions().map(|p| buf[p].clone()).collect(),
        }
    }

    /// Nothing was drawn over the picture since it was placed.
    fn intact(&self, buf: &Buffer) -> bool {
        self.area.intersection(buf.area) == self.area
            && self
                .area
                .positions()
                .zip(&self.cells)
                .all(|(p, c)| buf[p] == *c)
    }
}

/// Real pictures through the terminal's graphics protocol (kitty, sixel or iTerm2, detected
/// with ratatui-image at start-up) drawn over the half-block cells, which stay as the
/// fallback. Each picture is scaled to exactly the pixels of its cells, its transparency
/// flattened onto the phone's background, so it covers every pixel of an earlier picture
/// there; encoded pictures are kept by picture, size and fit ([`BUDGET_ENCODED`]).
///
/// Sixel and iTerm2 pictures stay on the terminal's screen until text is written over them
/// (xterm erases graphics under written text, not under ECH; iTerm2 and WezTerm replace the
/// cells). A picture that goes away leaves cells that ratatui writes again, since they held
/// graphics (skipped cells) and now hold text; each picture also writes blanks over its own
/// cells before it is drawn, so a new picture never shows fragments of an old one.
pub struct Graphics {
    protocol: ProtocolType,
    tmux: bool,
    kitty_compression: bool,
    /// Pixels per cell.
    cell: (u16, u16),
    bg: (u8, u8, u8),
    cache: RefCell<Budget<EncodedKey, Option<Protocol>>>,
    encodes: StdCell<u64>,
}

impl Graphics {
    /// Graphics through `picker`, or `None` when it only knows half-blocks (which the body
    /// already draws).
    pub fn new(picker: Picker, bg: (u8, u8, u8)) -> Option<Graphics> {
        let protocol = picker.protocol_type();
        if protocol == ProtocolType::Halfblocks {
            return None;
        }
        let font = picker.font_size();
        Some(Graphics {
            protocol,
            tmux: picker.tmux_detected(),
            kitty_compression: picker
                .capabilities()
                .contains(&Capability::KittyCompression),
            cell: (font.width.clamp(1, 64), font.height.clamp(1, 64)),
            bg,
            cache: RefCell::new(Budget::new(BUDGET_ENCODED)),
            encodes: StdCell::new(0),
        })
    }

    /// The terminal's cells are now `width` × `height` pixels (its font changed): pictures are
    /// encoded again at the new size. Returns whether anything changed.
    pub fn set_cell_size(&mut self, width: u16, height: u16) -> bool {
        let cell = (width.clamp(1, 64), height.clamp(1, 64));
        if cell == self.cell {
            return false;
        }
        self.cell = cell;
        self.cache = RefCell::new(Budget::new(BUDGET_ENCODED));
        true
    }

    /// How many pictures were encoded for the terminal so far.
    pub fn encodes(&self) -> u64 {
        self.encodes.get()
    }

    /// The bytes of encoded pictures kept.
    pub fn encoded_bytes(&self) -> usize {
        self.cache.borrow().bytes
    }

    /// Encodes the picture `src` for `size` cells, unless it already is: the phone calls this
    /// as it paints the picture's half-blocks, while its pixels are at hand in the cache.
    pub fn prepare(&self, src: &str, size: Size, cover: bool) {
        self.prepared(src, size, cover);
    }

    /// [`Self::prepare`], returning where the encoding is kept unless `src` is refused.
    fn prepared(&self, src: &str, size: Size, cover: bool) -> Option<EncodedKey> {
        let id = CACHES.with(|c| c.borrow_mut().id(src)).ok()?;
        let key = (id, size.width, size.height, cover);
        let mut cache = self.cache.borrow_mut();
        if cache.get(&key).is_none() {
            let protocol = self.encode(src, id, size, cover);
            let cost = protocol.as_ref().map_or(REFUSAL_COST, |pr| self.cost(pr));
            cache.put(key, protocol, cost);
        }
        Some(key)
    }

    /// Draws the pictures nothing was drawn over, over their half-blocks.
    pub fn draw(&self, placed: &[Placed], buf: &mut Buffer) {
        for p in placed {
            // ratatui takes a picture's first cell for one cell wide, and writes a next cell
            // right after it without moving the cursor: a picture one cell wide would move it.
            if p.area.width < 2 || p.area.height == 0 || !p.intact(buf) {
                continue;
            }
            let Some(key) = self.prepared(&p.src, p.area.as_size(), p.cover) else {
                continue;
            };
            if let Some(Some(protocol)) = self.cache.borrow_mut().get(&key) {
                ratatui::widgets::Widget::render(ratatui_image::Image::new(protocol), p.area, buf);
                self.erase_first(p.area, buf);
            }
        }
    }

    /// The picture fitted to exactly the pixels of `size` cells, encoded for the terminal.
    fn encode(&self, src: &str, id: Id, size: Size, cover: bool) -> Option<Protocol> {
        let (img, _) = CACHES.with(|c| c.borrow_mut().decoded(id, src)).ok()?;
        let w = u32::from(size.width) * u32::from(self.cell.0);
        let h = u32::from(size.height) * u32::from(self.cell.1);
        let pixels = image::DynamicImage::ImageRgba8(flattened(&img, w, h, cover, self.bg));
        self.encodes.set(self.encodes.get() + 1);
        match self.protocol {
            ProtocolType::Sixel => Sixel::new(pixels, size, self.tmux)
                .ok()
                .map(Protocol::Sixel),
            ProtocolType::Iterm2 => Iterm2::new(pixels, size, self.tmux)
                .ok()
                .map(Protocol::ITerm2),
            ProtocolType::Kitty => Kitty::new(
                pixels,
                size,
                rand::random::<u32>().max(1),
                self.tmux,
                self.kitty_compression,
            )
            .ok()
            .map(Protocol::Kitty),
            ProtocolType::Halfblocks => None,
        }
    }

    /// The bytes an encoded picture holds: its escape sequence (kitty's, sent once, is about
    /// the base64 of its pixels).
    fn cost(&self, protocol: &Protocol) -> usize {
        match protocol {
            Protocol::Sixel(s) => s.data.len(),
            Protocol::ITerm2(i) => i.data.len(),
            Protocol::Kitty(_) | Protocol::Halfblocks(_) => {
                let size = protocol.size();
                let px = usize::from(size.width)
                    * usize::from(self.cell.0)
                    * usize::from(size.height)
                    * usize::from(self.cell.1);
                px * 4 / 3 * 4
            }
        }
    }

    /// Sixel and iTerm2 pictures are one escape sequence in the area's first cell: blanks are
    /// written over the whole area first, in the phone's background, so whatever graphics an
    /// earlier frame left there are erased before the picture is drawn. (ratatui-image clears
    /// with ECH, which xterm does not apply to graphics.) Kitty's pictures are placeholder
    /// characters in every cell, replaced as any text is.
    fn erase_first(&self, area: Rect, buf: &mut Buffer) {
        if self.protocol == ProtocolType::Kitty {
            return;
        }
        let Some(cell) = buf.cell_mut(area.as_position()) else {
            return;
        };
        let blanks = " ".repeat(usize::from(area.width));
        let mut seq = String::new();
        for _ in 0..area.height {
            seq.push_str(&blanks);
            seq.push_str(&format!("\x1b[{}D\x1b[1B", area.width));
        }
        seq.push_str(&format!("\x1b[{}A", area.height));
        seq.push_str(cell.symbol());
        let (r, g, b) = self.bg;
        cell.set_symbol(&seq)
            .set_style(Style::new().fg(Color::Rgb(r, g, b)).bg(Color::Rgb(r, g, b)));
    }
}

/// `img` at exactly `w` × `h` pixels, opaque over `bg`: cropped around the centre for `cover`,
/// else scaled to fit and centred with `bg` around it.
fn flattened(img: &RgbaImage, w: u32, h: u32, cover: bool, bg: (u8, u8, u8)) -> RgbaImage {
    let w = w.max(1);
    let h = h.max(1);
    let under = Rgba([bg.0, bg.1, bg.2, 255]);
    let mut out = RgbaImage::from_pixel(w, h, under);
    let (iw, ih) = img.dimensions();
    let (pw, ph) = if cover {
        (w, h)
    } else {
        let scale = f64::min(f64::from(w) / f64::from(iw), f64::from(h) / f64::from(ih));
        (scaled_len(iw, scale, w), scaled_len(ih, scale, h))
    };
    let picture = resized(img, pw, ph, cover);
    imageops::overlay(
        &mut out,
        &picture,
        i64::from((w - pw) / 2),
        i64::from((h - ph) / 2),
    );
    for px in out.pixels_mut() {
        let (r, g, b) = blend(*px, bg);
        *px = Rgba([r, g, b, 255]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD as B64;

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

    fn draw(
        src: &str,
        cols: u16,
        rows: u16,
        cover: Option<f64>,
    ) -> Result<Vec<Line<'static>>, Refusal> {
        halfblocks(src, Fit { cols, rows, cover }, BG).map(|l| l.to_vec())
    }

    #[test]
    fn tiny_png_fits_the_box() {
        // 4×2 pixels fit 4 columns unscaled: one line of 4 cells, red over blue.
        let lines = draw(&two_tone(4, 2), 4, 10, None).expect("decodes");
        assert_eq!(lines.len(), 1);
        assert_eq!(width(&lines[0]), 4);
        assert_eq!(lines[0].spans.len(), 1, "identical cells are merged");
        assert_eq!(lines[0].spans[0].content, "▀▀▀▀");
        assert_eq!(lines[0].spans[0].style.fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(lines[0].spans[0].style.bg, Some(Color::Rgb(0, 0, 255)));

        // Scaled up to the box: 2×2 → 8×8 pixels = 4 lines of 8 cells.
        let lines = draw(&two_tone(2, 2), 8, 8, None).expect("decodes");
        assert_eq!(lines.len(), 4);
        assert!(lines.iter().all(|l| width(l) == 8));

        // Scaled down, limited by the height: 40×80 in 30×10 cells → 10×20 px = 10 lines × 10.
        let src = two_tone(40, 80);
        let lines = draw(&src, 30, 10, None).expect("decodes");
        assert_eq!(lines.len(), 10);
        assert!(lines.iter().all(|l| width(l) == 10));
        assert_eq!(
            cells(
                &src,
                Fit {
                    cols: 30,
                    rows: 10,
                    cover: None
                }
            ),
            Ok((10, 10))
        );

        assert_eq!(draw(&two_tone(4, 2), 0, 10, None), Ok(Vec::new()));
    }

    #[test]
    fn cover_fills_and_crops() {
        // A 4×2 image covering a square box of 4 columns: 4×4 px = 2 lines of 4 cells.
        let lines = draw(&two_tone(4, 2), 4, 10, Some(1.0)).expect("decodes");
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| width(l) == 4));
        // 16:9 box limited by 3 rows (6 px high) → 11×6 px.
        let lines = draw(&two_tone(4, 4), 40, 3, Some(16.0 / 9.0)).expect("decodes");
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| width(l) == 11));
        // Invalid aspect falls back to contain.
        let lines = draw(&two_tone(4, 2), 4, 10, Some(f64::NAN)).expect("decodes");
        assert_eq!(lines.len(), 1);
        // `fill` takes exactly its cells, whatever the picture's shape.
        let src = two_tone(40, 4);
        assert_eq!(cells(&src, Fit::fill(6, 3)), Ok((6, 3)));
        let lines = halfblocks(&src, Fit::fill(6, 3), BG).expect("decodes");
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| width(l) == 6));
    }

    #[test]
    fn odd_rows_and_transparency_use_the_background() {
        let img = RgbaImage::from_pixel(1, 1, Rgba([0, 0, 0, 0]));
        let src = B64.encode(png(&img));
        let lines = halfblocks(
            &src,
            Fit {
                cols: 1,
                rows: 1,
                cover: None,
            },
            (10, 20, 30),
        )
        .expect("decodes");
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
        assert_eq!(dimensions(&src), Ok((6, 4)));
        let lines = draw(&src, 6, 6, None).expect("decodes");
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
            assert_eq!(dimensions(&src), Ok((4, 2)), "{prefix}");
            assert!(draw(&src, 4, 4, None).is_ok(), "{prefix}");
        }
        // Line breaks inside the base64 and missing padding are tolerated.
        let wrapped: String = b64
            .trim_end_matches('=')
            .as_bytes()
            .chunks(20)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(dimensions(&wrapped), Ok((4, 2)));
        // A data URI that is not base64 is refused.
        assert_eq!(dimensions("data:image/png,%89PNG"), Err(Refusal::NotBase64));
    }

    #[test]
    fn invalid_input_says_why() {
        assert_eq!(
            draw("not base64 at all!", 10, 10, None),
            Err(Refusal::NotBase64)
        );
        assert_eq!(dimensions("not base64 at all!"), Err(Refusal::NotBase64));
        // Valid base64, but not an image.
        let text = B64.encode("hello, world");
        assert_eq!(draw(&text, 10, 10, None), Err(Refusal::Format(None)));
        assert_eq!(dimensions(&text), Err(Refusal::Format(None)));
        // Another format, named.
        let gif = B64.encode(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;");
        assert_eq!(dimensions(&gif), Err(Refusal::Format(Some("GIF".into()))));
        assert_eq!(
            Refusal::Format(Some("GIF".into())).to_string(),
            "a GIF picture; flowsim draws PNG and JPEG"
        );
        // A truncated PNG: its header is fine, its pixels are not.
        let mut bytes = png(&RgbaImage::from_pixel(8, 8, RED));
        bytes.truncate(bytes.len() / 2);
        let truncated = B64.encode(bytes);
        assert_eq!(dimensions(&truncated), Ok((8, 8)));
        assert_eq!(draw(&truncated, 10, 10, None), Err(Refusal::Corrupt("PNG")));
        assert_eq!(draw("", 10, 10, None), Err(Refusal::Format(None)));
        // Too much base64, refused before it is decoded or kept.
        let huge = "A".repeat(MAX_BASE64_LEN + 4);
        assert_eq!(
            draw(&huge, 10, 10, None),
            Err(Refusal::TooLong(MAX_BASE64_LEN + 4))
        );
        assert_eq!(dimensions(&huge), Err(Refusal::TooLong(MAX_BASE64_LEN + 4)));
        assert!(stats().source_bytes < MAX_BASE64_LEN);
        // Every reason fits a thumbnail.
        for r in [
            Refusal::NotBase64,
            Refusal::TooLong(1),
            Refusal::Format(None),
            Refusal::Format(Some("WEBP".into())),
            Refusal::Format(Some("LONGNAME".into())),
            Refusal::TooLarge(1, 1),
            Refusal::Corrupt("JPEG"),
            Refusal::OverLimit {
                kb: 120,
                limit: 100,
            },
            Refusal::OverLimit {
                kb: 320,
                limit: 300,
            },
        ] {
            assert!(r.short().chars().count() <= 6, "{r:?}");
        }
    }

    #[test]
    fn oversized_images_are_refused() {
        // A real image one pixel too wide.
        let wide = B64.encode(png(&RgbaImage::from_pixel(MAX_DIMENSION + 1, 1, RED)));
        let refusal = Refusal::TooLarge(MAX_DIMENSION + 1, 1);
        assert_eq!(dimensions(&wide), Err(refusal.clone()));
        assert_eq!(draw(&wide, 10, 10, None), Err(refusal));

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
        assert_eq!(dimensions(&forge(100)), Ok((100, 100)));
        assert_eq!(
            draw(&forge(100), 10, 10, None),
            Err(Refusal::Corrupt("PNG")),
            "pixel data missing"
        );
        let forged = forge(100_000);
        assert_eq!(
            dimensions(&forged),
            Err(Refusal::TooLarge(100_000, 100_000))
        );
        assert_eq!(
            draw(&forged, 10, 10, None),
            Err(Refusal::TooLarge(100_000, 100_000))
        );
    }

    #[test]
    fn huge_boxes_are_clamped() {
        let lines = draw(&two_tone(1, 1000), u16::MAX, u16::MAX, None).expect("decodes");
        assert_eq!(lines.len(), usize::from(MAX_ROWS));
    }

    #[test]
    fn item_pictures_over_the_client_limit_are_refused() {
        let src = "A".repeat(140 * 1024);
        assert_eq!(client_limit(&src, 300), Ok(()));
        assert_eq!(
            client_limit(&src, 100),
            Err(Refusal::OverLimit {
                kb: 105,
                limit: 100
            })
        );
    }

    #[test]
    fn each_picture_is_decoded_once_and_scaled_once_per_size() {
        let src = two_tone(30, 20);
        let before = stats();
        for _ in 0..3 {
            draw(&src, 10, 10, None).expect("decodes");
            draw(&src, 6, 3, Some(1.0)).expect("decodes");
        }
        let after = stats();
        assert_eq!(after.decodes - before.decodes, 1);
        assert_eq!(after.scales - before.scales, 2);
        // Another background is another drawing of the same decoded picture.
        halfblocks(
            &src,
            Fit {
                cols: 10,
                rows: 10,
                cover: None,
            },
            (0, 0, 0),
        )
        .expect("decodes");
        assert_eq!(stats().decodes - before.decodes, 1);
        assert_eq!(stats().scales - before.scales, 3);
    }

    #[test]
    fn large_pictures_are_kept_small() {
        let src = B64.encode(png(&RgbaImage::from_pixel(3000, 1500, RED)));
        let before = stats().decoded_bytes;
        let lines = draw(&src, 40, 40, None).expect("decodes");
        assert_eq!((lines.len(), width(&lines[0])), (10, 40));
        // Kept at 1024×512, not 3000×1500.
        assert_eq!(stats().decoded_bytes - before, 1024 * 512 * 4);
    }

    #[test]
    fn budgets_drop_the_least_recently_used() {
        let mut b: Budget<u8, ()> = Budget::new(10);
        b.put(1, (), 4);
        b.put(2, (), 4);
        assert!(b.get(&1).is_some(), "1 is now the most recently used");
        b.put(3, (), 4);
        assert!(b.get(&2).is_none(), "2 was the least recently used");
        assert!(b.get(&1).is_some());
        assert_eq!(b.bytes, 8);
        b.put(4, (), 11);
        assert!(
            b.get(&4).is_none(),
            "larger than the whole budget: not kept"
        );
        assert_eq!(b.bytes, 8);
    }

    #[test]
    fn flattened_pictures_cover_every_pixel() {
        let img = RgbaImage::from_pixel(4, 2, Rgba([255, 0, 0, 0]));
        let out = flattened(&img, 10, 10, false, (1, 2, 3));
        assert_eq!(out.dimensions(), (10, 10));
        assert!(out.pixels().all(|p| *p == Rgba([1, 2, 3, 255])));
        let out = flattened(&RgbaImage::from_pixel(4, 2, RED), 9, 9, true, (1, 2, 3));
        assert!(out.pixels().all(|p| *p == RED), "cover fills the box");
    }

    fn graphics(protocol: ProtocolType) -> Graphics {
        let mut picker = Picker::halfblocks();
        picker.set_protocol_type(protocol);
        Graphics::new(picker, (1, 2, 3)).expect("a graphics protocol")
    }

    /// A 4×2-cell picture placed at (1, 1) of a 10×5 buffer, drawn by `g`.
    fn drawn(g: &Graphics, src: &str, area: Rect) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 5));
        let placed = Placed::new(src.to_string(), area, true, &buf);
        g.draw(&[placed], &mut buf);
        buf
    }

    #[test]
    fn sixel_and_iterm2_pictures_erase_their_cells_then_fill_them() {
        let src = two_tone(8, 8);
        let area = Rect::new(1, 1, 4, 2);
        // Blanks over each of the two rows, back to the start, then up again.
        let erase = "    \x1b[4D\x1b[1B    \x1b[4D\x1b[1B\x1b[2A";
        for (protocol, size) in [
            (ProtocolType::Sixel, "\"1;1;40;40"),
            (ProtocolType::Iterm2, "width=40px;height=40px"),
        ] {
            let g = graphics(protocol);
            let buf = drawn(&g, &src, area);
            let first = buf[(1, 1)].symbol();
            assert!(first.starts_with(erase), "{protocol:?}: {first:?}");
            assert!(
                first.contains(size),
                "{protocol:?}: exactly its cells' pixels"
            );
            assert_eq!(
                buf[(1, 1)].bg,
                Color::Rgb(1, 2, 3),
                "blanks in the background"
            );
            let skipped = area
                .positions()
                .filter(|p| buf[*p].diff_option == ratatui::buffer::CellDiffOption::Skip)
                .count();
            assert_eq!(
                skipped, 7,
                "{protocol:?}: the other cells are the picture's"
            );
        }
    }

    #[test]
    fn kitty_pictures_are_placeholders_sent_once() {
        let src = two_tone(8, 8);
        let area = Rect::new(1, 1, 4, 2);
        let g = graphics(ProtocolType::Kitty);
        let buf = drawn(&g, &src, area);
        assert!(
            buf[(1, 1)].symbol().starts_with("\x1b_G"),
            "transmitted first"
        );
        assert!(
            area.positions()
                .all(|p| buf[p].symbol().contains('\u{10EEEE}'))
        );
        let again = drawn(&g, &src, area);
        assert!(!again[(1, 1)].symbol().contains("\x1b_G"), "not sent twice");
        assert_eq!(g.encodes(), 1);
    }

    #[test]
    fn pictures_with_something_drawn_over_them_stay_half_blocks() {
        let src = two_tone(8, 8);
        let g = graphics(ProtocolType::Sixel);
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 5));
        let placed = Placed::new(src.clone(), Rect::new(1, 1, 4, 2), true, &buf);
        buf.set_string(3, 2, "x", Style::new());
        g.draw(&[placed], &mut buf);
        assert!(buf.content.iter().all(|c| !c.symbol().contains('\x1b')));
        // Nor is a picture one cell wide drawn: ratatui would write the next cell at the
        // terminal's cursor, wherever the picture left it.
        let buf = drawn(&g, &src, Rect::new(1, 1, 1, 2));
        assert!(buf.content.iter().all(|c| !c.symbol().contains('\x1b')));
    }

    #[test]
    fn a_new_cell_size_encodes_pictures_again() {
        let src = two_tone(8, 8);
        let area = Rect::new(1, 1, 4, 2);
        let mut g = graphics(ProtocolType::Sixel);
        drawn(&g, &src, area);
        assert!(!g.set_cell_size(10, 20), "the same size");
        assert!(g.set_cell_size(8, 16));
        let buf = drawn(&g, &src, area);
        assert!(buf[(1, 1)].symbol().contains("\"1;1;32;32"));
        assert_eq!(g.encodes(), 2);
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
