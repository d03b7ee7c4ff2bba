//! The sweep matcher on any text and any literals: no panic, spans inside the text and
//! in order. Input: the first byte chooses how many literals, each literal is a line
//! of the next bytes (its kind from its first byte), the rest is the text.
#![no_main]

use _core::sweep::{EntrySpec, Kind, Matcher};
use libfuzzer_sys::fuzz_target;

const TYPES: [&str; 10] = [
    "domain",
    "ipv4",
    "ipv6",
    "ipv4_cidr",
    "url",
    "email",
    "md5",
    "file_name",
    "user_agent",
    "btc",
];

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(usize::from(count % 16) + 1, |&b| b == b'\n');
    let mut specs = Vec::new();
    let mut text: &[u8] = &[];
    let total = usize::from(count % 16) + 1;
    for (i, part) in parts.by_ref().enumerate() {
        if i + 1 == total {
            text = part;
            break;
        }
        let Some((&kind, key)) = part.split_first() else {
            continue;
        };
        let Ok(key) = std::str::from_utf8(key) else {
            continue;
        };
        specs.push(EntrySpec {
            key: key.as_bytes().to_vec(),
            kind: Kind::of_type(TYPES[usize::from(kind) % TYPES.len()]),
            exact_from: usize::from(kind / 16),
            index: i as u32,
            word_first: kind & 1 == 1,
            word_last: kind & 2 == 2,
            range: (u32::from(kind) << 24, u32::from(kind) << 24 | 0x00FF_FFFF),
        });
    }
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let hashes = vec![(b"ab".repeat(16), 99)];
    let ranges = vec![(0x0A00_0000, 0x0AFF_FFFF, 100)];
    let Ok(matcher) = Matcher::new(specs, hashes, ranges) else {
        return;
    };
    let t = text.as_bytes();
    let hits = matcher.scan(t, 0, t.len());
    for w in hits.windows(2) {
        assert!(w[0] <= w[1]);
    }
    for h in &hits {
        assert!(h.start < h.end && h.end <= t.len());
        assert!(text.is_char_boundary(h.start) && text.is_char_boundary(h.end));
    }
});
