//! The observable prefilter on any text: no panic, windows valid and merged, the
//! compact map leads back to the same characters, ASCII and wide units agree; the
//! refang edits are sorted, inside the text and never longer than what they replace.
#![no_main]

use _core::scan::{compact, refang_edits, windows, FILLER};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let t: Vec<u32> = text.chars().map(u32::from).collect();
    let spans = windows(t.as_slice());
    assert!(spans.iter().all(|&(s, e)| s < e && e <= t.len()));
    assert!(spans.windows(2).all(|p| p[0].1 + 1 < p[1].0));
    if text.is_ascii() {
        assert_eq!(windows(text.as_bytes()), spans);
    }
    let c = compact(t.as_slice());
    assert_eq!(c.starts.len(), c.shifts.len());
    for (p, &ch) in c.text.iter().enumerate() {
        if ch == FILLER {
            continue;
        }
        let i = c.starts.partition_point(|&s| s <= p) - 1;
        let original = (p as i64 + c.shifts[i]) as usize;
        assert_eq!(t[original], ch);
    }
    let edits = refang_edits(t.as_slice());
    assert!(edits.windows(2).all(|p| p[0] <= p[1]));
    assert!(edits
        .iter()
        .all(|e| e.start < e.end && e.end <= t.len() && e.text.len() <= e.end - e.start));
    if text.is_ascii() {
        assert_eq!(refang_edits(text.as_bytes()), edits);
    }
});
