//! The technique name matcher and the sentence scorer on any input: no panic; every
//! hit's rule was a candidate; scores are Ok with one row per sentence or an Err.
#![no_main]

use _core::names::Names;
use _core::scores::{technique_scores, Model};
use libfuzzer_sys::fuzz_target;

fn names() -> Names {
    let rules = vec![
        (
            r"(?:^|[^a-z0-9])process(?:[\s\x1C-\x1F\x{2D}])+injection(?:$|[^a-z0-9])".to_owned(),
            None,
            1,
        ),
        (
            r"(?:^|[^a-z0-9])inject[\p{L}\p{N}_]* into".to_owned(),
            Some(r"process".to_owned()),
            1,
        ),
        (r"(?:^|[^a-z0-9])at(?:$|[^a-z0-9])".to_owned(), None, 0),
        (
            r"(?:^|[^a-z0-9])phishing(?:$|[^ ]| (?:$|[^l]|l(?:$|[^i]|i(?:$|[^n]|n(?:$|[^k])))))"
                .to_owned(),
            None,
            2,
        ),
    ];
    let triggers = vec![
        ("process injection".to_owned(), vec![0], vec![]),
        ("inject".to_owned(), vec![], vec![1]),
        ("at".to_owned(), vec![2], vec![]),
        ("phishing".to_owned(), vec![], vec![3]),
    ];
    Names::new(&triggers, &rules, 3).expect("valid rules")
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let n = names();
        let low = text.to_lowercase();
        let candidates = n.candidates(&low);
        let hits = n.hits(&low).expect("patterns compile");
        let groups = [1u32, 1, 0, 2]; // each rule's group, as in names()
        assert!(hits
            .iter()
            .all(|g| candidates.iter().any(|&r| groups[r as usize] == *g)));
        assert!(hits.windows(2).all(|w| w[0] < w[1]));
    }
    // A small model and counts taken from the bytes (any of them may be out of range).
    if data.len() < 8 {
        return;
    }
    let n_labels = 1 + (data[0] % 8) as usize;
    let n_rows = 1 + (data[1] % 6) as usize;
    let mut ptr = vec![0i64];
    let (mut cols, mut vals) = (Vec::new(), Vec::new());
    for r in 0..n_rows {
        let len = data.get(2 + r).copied().unwrap_or(0) % 10;
        for j in 0..len {
            cols.push(i32::from(j % 9) - i32::from(data[2] % 2));
            vals.push(f32::from(data[(r + j as usize) % data.len()]) / 17.0 - 5.0);
        }
        ptr.push(cols.len() as i64);
    }
    let idf: Vec<f32> = (0..n_rows)
        .map(|r| f32::from(data[r % data.len()]) / 50.0)
        .collect();
    let bias = vec![0.5f32; n_labels];
    let model = Model {
        idf: &idf,
        ptr: &ptr,
        cols: &cols,
        vals: &vals,
        bias: &bias,
    };
    let logs: Vec<f32> = (1..=4).map(|t| (t as f32).ln()).collect();
    let body = &data[8..];
    let (mut sptr, mut ids, mut counts) = (vec![0i64], Vec::new(), Vec::new());
    for pair in body.chunks(2) {
        ids.push(i64::from(pair[0] % 8));
        counts.push(i64::from(pair.get(1).copied().unwrap_or(1) % 6));
        if pair[0] & 0x80 != 0 {
            sptr.push(ids.len() as i64);
        }
    }
    sptr.push(ids.len() as i64);
    if let Ok(out) = technique_scores(&sptr, &ids, &counts, &logs, &model) {
        assert_eq!(out.len(), (sptr.len() - 1) * n_labels);
    }
});
