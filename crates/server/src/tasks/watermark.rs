//! Watermarks for site check-in photos: a dark band along the bottom with who, where and
//! when, so a photo shown in a site dispute carries its context. Glyphs come from GNU
//! Unifont compiled into the binary (the whole BMP, Chinese included), so the server needs
//! no font file.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{
    DynamicImage, ImageDecoder as _, ImageError, ImageFormat, ImageReader, Limits, RgbImage,
};

/// Longest side accepted.
pub const MAX_SIDE: u32 = 12_000;
/// Most pixels accepted (a 50 MP phone camera is the largest in use).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Memory the decoder may take: 50 MP of RGBA with room to spare.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Output JPEG quality: text stays crisp, the file stays phone-sized.
const QUALITY: u8 = 85;
/// Band darkening: pixels keep this many 256ths of their brightness.
const KEEP: u16 = 110;
/// At most this share (in tenths) of the height is covered, so the scene stays visible.
const MAX_BAND_TENTHS: u32 = 4;
/// Unifont cells are 16 pixels high, 8 (half width) or 16 (full width) wide.
const CELL: u32 = 16;
const HALF: u32 = 8;

/// Why a photo could not be stamped.
#[derive(Debug, thiserror::Error)]
pub enum WatermarkError {
    /// Neither JPEG nor PNG.
    #[error("not a JPEG or PNG image")]
    NotAnImage,
    /// Refused before decoding.
    #[error("image of {width}x{height} is too large")]
    TooLarge {
        /// Width in the header.
        width: u32,
        /// Height in the header.
        height: u32,
    },
    /// Corrupt or truncated data, or the decoder hit its memory limit.
    #[error("cannot decode the image: {0}")]
    Decode(#[source] ImageError),
    /// Encoding the stamped JPEG failed.
    #[error("cannot encode the stamped image: {0}")]
    Encode(#[source] ImageError),
}

/// Decodes `photo` (JPEG or PNG), turns it upright per its EXIF orientation, draws `lines`
/// in a band along the bottom and returns the result as a JPEG.
pub fn stamp(photo: &[u8], lines: &[String]) -> Result<Vec<u8>, WatermarkError> {
    let mut image = decode(photo)?.into_rgb8();
    draw_band(&mut image, lines);
    let mut out = Vec::with_capacity(photo.len());
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&image)
        .map_err(WatermarkError::Encode)?;
    Ok(out)
}

/// Reads the header first and refuses oversized images before any pixel is decoded.
fn decode(photo: &[u8]) -> Result<DynamicImage, WatermarkError> {
    let mut reader = ImageReader::new(Cursor::new(photo))
        .with_guessed_format()
        .map_err(|e| WatermarkError::Decode(ImageError::IoError(e)))?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(WatermarkError::NotAnImage);
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    // Building the decoder parses only the headers.
    let mut decoder = reader.into_decoder().map_err(WatermarkError::Decode)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoder.total_bytes() > MAX_DECODE_BYTES
    {
        return Err(WatermarkError::TooLarge { width, height });
    }
    // A broken EXIF block is no reason to refuse the photo: keep it as stored.
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(WatermarkError::Decode)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

/// Glyph size multiplier: about 40 full-width characters per line at any width.
fn scale_for(width: u32) -> u32 {
    (width.saturating_add(360) / 720).max(1)
}

/// Darkens a band along the bottom and writes `lines` in white on it.
fn draw_band(image: &mut RgbImage, lines: &[String]) {
    let (width, height) = image.dimensions();
    let scale = scale_for(width);
    let margin = HALF * scale;
    let line_height = (CELL + CELL / 4) * scale;
    let columns = width.saturating_sub(2 * margin) / (HALF * scale);
    let room = (height * MAX_BAND_TENTHS / 10).saturating_sub(2 * margin);
    let fit = usize::try_from(room / line_height).unwrap_or(usize::MAX);
    let rows = layout(lines, columns, fit);
    if rows.is_empty() {
        return;
    }
    let count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let band = (count * line_height + 2 * margin).min(height);
    let top = height - band;
    for y in top..height {
        for x in 0..width {
            let pixel = image.get_pixel_mut(x, y);
            for channel in &mut pixel.0 {
                *channel = u8::try_from(u16::from(*channel) * KEEP / 256).unwrap_or(u8::MAX);
            }
        }
    }
    let mut y = top + margin + (CELL / 8) * scale;
    for row in &rows {
        let mut x = margin;
        for c in row.chars() {
            x += draw_glyph(image, c, x, y, scale);
        }
        y += line_height;
    }
}

/// Columns (half-width cells) that `c` takes; unknown glyphs are drawn as a full-width box.
fn columns_of(c: char) -> u32 {
    unifont::get_glyph(c).map_or(2, |g| if g.is_fullwidth() { 2 } else { 1 })
}

/// Wraps `lines` to `columns` half-width cells, keeping at most `fit` rows; a cut is
/// marked with an ellipsis.
fn layout(lines: &[String], columns: u32, fit: usize) -> Vec<String> {
    if columns < 2 || fit == 0 {
        return Vec::new();
    }
    let mut rows = Vec::new();
    for line in lines {
        let mut row = String::new();
        let mut used = 0;
        // Control characters have boxed glyphs in Unifont; a space reads better.
        for c in line.chars().map(|c| if c.is_control() { ' ' } else { c }) {
            let w = columns_of(c);
            if used + w > columns {
                rows.push(std::mem::take(&mut row));
                used = 0;
            }
            row.push(c);
            used += w;
        }
        rows.push(row);
    }
    if rows.len() > fit {
        rows.truncate(fit);
        if let Some(last) = rows.last_mut() {
            let mut used: u32 = last.chars().map(columns_of).sum();
            while used + columns_of('…') > columns {
                match last.pop() {
                    Some(c) => used -= columns_of(c),
                    None => break,
                }
            }
            last.push('…');
        }
    }
    rows
}

/// Draws `c` with its top-left corner at (`x`, `y`); returns the width advanced.
fn draw_glyph(image: &mut RgbImage, c: char, x: u32, y: u32, scale: u32) -> u32 {
    let glyph = unifont::get_glyph(c);
    let cols = columns_of(c) * HALF;
    for gy in 0..CELL {
        for gx in 0..cols {
            let on = match glyph {
                Some(g) => g.get_pixel(gx as usize, gy as usize),
                // A hollow box, so a missing character is visibly missing.
                None => {
                    (gx == 1 || gx == cols - 2 || gy == 1 || gy == CELL - 2)
                        && (1..cols - 1).contains(&gx)
                        && (1..CELL - 1).contains(&gy)
                }
            };
            if on {
                fill(image, x + gx * scale, y + gy * scale, scale);
            }
        }
    }
    cols * scale
}

/// Paints a white `size`×`size` square, clipped to the image.
fn fill(image: &mut RgbImage, x: u32, y: u32, size: u32) {
    let (width, height) = image.dimensions();
    for py in y..(y + size).min(height) {
        for px in x..(x + size).min(width) {
            image.put_pixel(px, py, image::Rgb([255, 255, 255]));
        }
    }
}

#[cfg(test)]
mod tests;
