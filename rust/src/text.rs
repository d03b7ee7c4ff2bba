//! Byte offsets in UTF-8 and the character offsets Python uses.

/// The byte offset of character `chars` in `t` (its length when past the end).
pub fn char_to_byte(t: &[u8], chars: usize) -> usize {
    let mut seen = 0usize;
    for (i, &b) in t.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if seen == chars {
                return i;
            }
            seen += 1;
        }
    }
    t.len()
}

/// Turns byte offsets (each on a character boundary) into character offsets, in place.
pub fn bytes_to_chars(t: &[u8], offsets: &mut [usize]) {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&k| offsets[k]);
    let (mut at, mut chars) = (0usize, 0usize);
    for k in order {
        let target = offsets[k].min(t.len());
        chars += t[at..target].iter().filter(|&&b| b & 0xC0 != 0x80).count();
        at = target;
        offsets[k] = chars;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_through_multibyte_text() {
        let text = "aé€𝄞b".as_bytes();
        assert_eq!(char_to_byte(text, 0), 0);
        assert_eq!(char_to_byte(text, 2), 3);
        assert_eq!(char_to_byte(text, 4), 10);
        assert_eq!(char_to_byte(text, 9), text.len());
        let mut offsets = vec![10, 0, 3, 6, 11];
        bytes_to_chars(text, &mut offsets);
        assert_eq!(offsets, vec![4, 0, 2, 3, 5]);
    }
}
