use std::io::Cursor;

use image::{ImageFormat, RgbImage};

use super::*;

fn lines() -> Vec<String> {
    [
        "GT-2026-001 前海综合体二期",
        "2026-12-07 14:30 (UTC+8)",
        "深圳市南山区前海二单元 31.230416N 121.473701E",
        "张工",
    ]
    .map(String::from)
    .to_vec()
}

/// A smooth gradient, so JPEG round trips stay close to the source.
fn scene(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let r = u8::try_from(x * 255 / width).unwrap_or(0);
        let g = u8::try_from(y * 255 / height).unwrap_or(0);
        image::Rgb([r, g, 160])
    })
}

fn encode(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).expect("encodes");
    out.into_inner()
}

/// Mean absolute channel difference over rows `rows`.
fn diff(a: &RgbImage, b: &RgbImage, rows: std::ops::Range<u32>) -> f64 {
    let mut sum = 0u64;
    let mut n = 0u64;
    for y in rows {
        for x in 0..a.width() {
            for (p, q) in a.get_pixel(x, y).0.iter().zip(b.get_pixel(x, y).0) {
                sum += u64::from(p.abs_diff(q));
                n += 1;
            }
        }
    }
    sum as f64 / n as f64
}

/// Stamps `source` sent as `format` and checks the band changed and the top did not.
fn stamps(source: &RgbImage, format: ImageFormat) {
    let stamped = stamp(&encode(source, format), &lines()).expect("stamped");
    assert_eq!(
        image::guess_format(&stamped).expect("known format"),
        ImageFormat::Jpeg
    );
    let out = image::load_from_memory(&stamped)
        .expect("decodes")
        .into_rgb8();
    assert_eq!(out.dimensions(), source.dimensions());
    let h = source.height();
    let band = diff(source, &out, h - h / 20..h);
    let top = diff(source, &out, 0..h / 2);
    assert!(band > 40.0, "the bottom band is darkened: {band}");
    assert!(top < 3.0, "the top half is untouched: {top}");
}

#[test]
fn stamps_a_small_png() {
    stamps(&scene(640, 480), ImageFormat::Png);
}

#[test]
fn stamps_a_large_jpeg() {
    stamps(&scene(3000, 2000), ImageFormat::Jpeg);
}

#[test]
fn text_scales_with_the_width() {
    assert_eq!(scale_for(640), 1);
    assert_eq!(scale_for(4000), 6);
    assert_eq!(scale_for(1), 1);
}

#[test]
fn long_lines_wrap_and_the_band_is_capped() {
    let long = vec!["前海".repeat(30), "x".repeat(10)];
    let rows = layout(&long, 40, 10);
    assert_eq!(
        rows.len(),
        4,
        "60 full-width characters in rows of 20: {rows:?}"
    );
    assert!(
        rows.iter()
            .all(|r| r.chars().map(columns_of).sum::<u32>() <= 40)
    );
    let cut = layout(&long, 40, 2);
    assert_eq!(cut.len(), 2);
    assert!(cut[1].ends_with('…'));
    assert!(layout(&long, 40, 0).is_empty(), "no room, no band");
}

#[test]
fn chinese_and_ascii_have_glyphs() {
    for c in "前海综合体张工0123456789.:-()NE UTC+".chars() {
        assert!(unifont::get_glyph(c).is_some(), "{c}");
    }
}

#[test]
fn garbage_is_not_an_image() {
    assert!(matches!(
        stamp(b"definitely not a photo", &lines()),
        Err(WatermarkError::NotAnImage)
    ));
    assert!(matches!(
        stamp(&[], &lines()),
        Err(WatermarkError::NotAnImage)
    ));
}

#[test]
fn a_truncated_jpeg_is_an_error_not_a_panic() {
    let jpeg = encode(&scene(64, 64), ImageFormat::Jpeg);
    for len in [4, 40, jpeg.len() / 2] {
        assert!(stamp(&jpeg[..len], &lines()).is_err(), "cut at {len}");
    }
}

/// A real 16×16 JPEG whose frame header claims `width`×`height`: decoding it would fail,
/// so `TooLarge` shows the header alone was read.
fn lying_jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = encode(&scene(16, 16), ImageFormat::Jpeg);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    // Marker, length (2), precision (1), then height and width.
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

#[test]
fn oversized_headers_are_refused_before_decoding() {
    for (w, h) in [(13_000, 100), (100, 13_000), (8_000, 8_000)] {
        let result = stamp(&lying_jpeg(w, h), &lines());
        assert!(
            matches!(result, Err(WatermarkError::TooLarge { width, height })
                if (width, height) == (u32::from(w), u32::from(h))),
            "{w}x{h}: {result:?}"
        );
    }
}
