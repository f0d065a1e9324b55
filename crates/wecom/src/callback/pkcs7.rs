//! PKCS#7 with WeCom's 32-byte block (not AES's 16): pad values run from 1 to 32.

/// WeCom pads to multiples of 32 bytes, as its official `PKCS7Encoder` does.
pub(crate) const BLOCK: usize = 32;

/// Appends `k = 32 - len % 32` bytes of value `k` (a whole block when already aligned).
pub(crate) fn pad(buf: &mut Vec<u8>) {
    let k = BLOCK - buf.len() % BLOCK;
    // k is in 1..=32, so the cast is lossless.
    buf.resize(buf.len() + k, k as u8);
}

/// Returns the unpadded length, or `None` unless the buffer ends in `p` bytes of value `p`
/// with `1 <= p <= 32`.
///
/// Checking every pad byte (not just the last) is stricter than WeCom's samples, but WeCom
/// itself always pads correctly, so only corrupted or forged input is refused.
pub(crate) fn unpadded_len(buf: &[u8]) -> Option<usize> {
    let &p = buf.last()?;
    let p = usize::from(p);
    if p == 0 || p > BLOCK || p > buf.len() {
        return None;
    }
    let body = buf.len() - p;
    buf[body..]
        .iter()
        .all(|&b| usize::from(b) == p)
        .then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_every_length_to_a_multiple_of_32_and_back() {
        for len in 0..100 {
            let mut buf = vec![7u8; len];
            pad(&mut buf);
            assert_eq!(buf.len() % BLOCK, 0);
            assert!(buf.len() > len && buf.len() - len <= BLOCK);
            assert_eq!(unpadded_len(&buf), Some(len));
        }
    }

    #[test]
    fn accepts_pad_values_above_16() {
        let mut buf = vec![1u8; 2];
        buf.extend(std::iter::repeat_n(30u8, 30));
        assert_eq!(unpadded_len(&buf), Some(2));
    }

    #[test]
    fn rejects_zero_oversized_and_inconsistent_padding() {
        assert_eq!(unpadded_len(&[]), None);
        assert_eq!(unpadded_len(&[1, 2, 0]), None);
        assert_eq!(unpadded_len(&[33u8; 64]), None);
        assert_eq!(unpadded_len(&[3, 3]), None);
        assert_eq!(unpadded_len(&[9, 2, 3, 3]), None);
    }
}
