//! Carries a photo's EXIF block (capture time, GPS position, camera) from the original
//! JPEG into its downsized copy, which the browser's canvas writes without any. The
//! canvas has already turned the pixels upright, so the copied orientation is set to 1
//! (a viewer would otherwise turn the photo a second time). Pure and bounds-checked:
//! any input, however broken, gives the copy unchanged rather than a panic.

const SOI: [u8; 2] = [0xFF, 0xD8];
const APP1: u8 = 0xE1;
const SOS: u8 = 0xDA;
const EXIF_ID: &[u8] = b"Exif\0\0";
const ORIENTATION: u16 = 0x0112;

/// `copy` with the EXIF segment of `original` inserted after its start marker; `copy`
/// itself when either is not a JPEG or the original has no EXIF.
pub fn carry_exif(original: &[u8], copy: &[u8]) -> Vec<u8> {
    match (exif_segment(original), copy.strip_prefix(&SOI)) {
        (Some(segment), Some(rest)) => {
            let mut segment = segment.to_vec();
            upright(&mut segment);
            let mut out = Vec::with_capacity(copy.len() + segment.len());
            out.extend_from_slice(&SOI);
            out.extend_from_slice(&segment);
            out.extend_from_slice(rest);
            out
        }
        _ => copy.to_vec(),
    }
}

/// The whole APP1 Exif segment (marker, length and payload) of a JPEG, if it has one.
fn exif_segment(jpeg: &[u8]) -> Option<&[u8]> {
    let mut at = SOI.len();
    if !jpeg.starts_with(&SOI) {
        return None;
    }
    loop {
        let marker = *jpeg.get(at + 1).filter(|_| jpeg.get(at) == Some(&0xFF))?;
        if marker == SOS {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([*jpeg.get(at + 2)?, *jpeg.get(at + 3)?]));
        let segment = jpeg.get(at..at + 2 + len)?;
        if marker == APP1 && segment.get(4..).is_some_and(|p| p.starts_with(EXIF_ID)) {
            return Some(segment);
        }
        at += 2 + len;
    }
}

/// Sets IFD0's orientation tag to 1 (upright) in an APP1 Exif segment, when it has one.
fn upright(segment: &mut [u8]) {
    let tiff = 4 + EXIF_ID.len();
    let Some(order) = segment.get(tiff..tiff + 2) else {
        return;
    };
    let big = match order {
        b"MM" => true,
        b"II" => false,
        _ => return,
    };
    let u16_at = |s: &[u8], at: usize| -> Option<u16> {
        let b = [*s.get(at)?, *s.get(at + 1)?];
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |s: &[u8], at: usize| -> Option<usize> {
        let b = [
            *s.get(at)?,
            *s.get(at + 1)?,
            *s.get(at + 2)?,
            *s.get(at + 3)?,
        ];
        let n = if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        };
        usize::try_from(n).ok()
    };
    let Some(ifd) = u32_at(segment, tiff + 4).and_then(|o| tiff.checked_add(o)) else {
        return;
    };
    let Some(entries) = u16_at(segment, ifd) else {
        return;
    };
    for n in 0..usize::from(entries) {
        let entry = ifd + 2 + 12 * n;
        if u16_at(segment, entry) == Some(ORIENTATION) {
            let one = if big { [0, 1] } else { [1, 0] };
            if let Some(value) = segment.get_mut(entry + 8..entry + 10) {
                value.copy_from_slice(&one);
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal JPEG head: SOI, an APP1 Exif block whose IFD0 holds the orientation,
    /// then SOS and a byte of "image".
    fn with_orientation(big: bool, orientation: u16) -> Vec<u8> {
        let (order, entries, tag, kind, count, offset): (&[u8], _, _, _, _, _) = if big {
            (
                b"MM\0\x2A",
                1_u16.to_be_bytes(),
                ORIENTATION.to_be_bytes(),
                3_u16.to_be_bytes(),
                1_u32.to_be_bytes(),
                8_u32.to_be_bytes(),
            )
        } else {
            (
                b"II\x2A\0",
                1_u16.to_le_bytes(),
                ORIENTATION.to_le_bytes(),
                3_u16.to_le_bytes(),
                1_u32.to_le_bytes(),
                8_u32.to_le_bytes(),
            )
        };
        let value = if big {
            orientation.to_be_bytes()
        } else {
            orientation.to_le_bytes()
        };
        let mut payload = EXIF_ID.to_vec();
        payload.extend_from_slice(order);
        payload.extend_from_slice(&offset);
        payload.extend_from_slice(&entries);
        payload.extend_from_slice(&tag);
        payload.extend_from_slice(&kind);
        payload.extend_from_slice(&count);
        payload.extend_from_slice(&value);
        payload.extend_from_slice(&[0, 0]);
        payload.extend_from_slice(&[0, 0, 0, 0]);
        let mut jpeg = SOI.to_vec();
        jpeg.extend_from_slice(&[0xFF, 0xE0, 0, 4, 0, 0]); // an APP0 before it
        jpeg.extend_from_slice(&[0xFF, APP1]);
        jpeg.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap_or(0).to_be_bytes());
        jpeg.extend_from_slice(&payload);
        jpeg.extend_from_slice(&[0xFF, SOS, 0, 2, 0x42]);
        jpeg
    }

    #[test]
    fn the_copy_gets_the_exif_block_upright() {
        for big in [true, false] {
            let original = with_orientation(big, 6);
            let copy = [0xFF, 0xD8, 0xFF, 0xE0, 0, 2, 0xFF, SOS, 0, 2, 0x99];
            let out = carry_exif(&original, &copy);
            let segment = exif_segment(&out).expect("exif carried");
            let mut expected = exif_segment(&with_orientation(big, 1))
                .expect("exif")
                .to_vec();
            upright(&mut expected);
            assert_eq!(segment, expected.as_slice(), "big-endian: {big}");
            assert!(out.ends_with(&copy[2..]), "the copy's own bytes follow");
        }
    }

    #[test]
    fn without_exif_or_a_jpeg_the_copy_is_unchanged() {
        let copy = [0xFF, 0xD8, 0xFF, SOS, 0, 2, 1];
        assert_eq!(carry_exif(&[0xFF, 0xD8, 0xFF, SOS, 0, 2], &copy), copy);
        assert_eq!(carry_exif(b"not a jpeg", &copy), copy);
        assert_eq!(carry_exif(&with_orientation(false, 3), b"PNG"), b"PNG");
    }

    #[test]
    fn broken_input_never_panics() {
        let good = with_orientation(true, 8);
        for cut in 0..good.len() {
            let _ = carry_exif(&good[..cut], &good);
            let mut bent = good.clone();
            bent[cut] ^= 0xFF;
            let _ = carry_exif(&bent, &good);
        }
        let _ = carry_exif(&[0xFF, 0xD8, 0xFF], &[0xFF, 0xD8]);
        let _ = carry_exif(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF], &[0xFF, 0xD8]);
    }
}
