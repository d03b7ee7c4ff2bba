//! The technique tokenizer and counter on any text: no panic, counts add up.
#![no_main]

use _core::features::{sentence_counts, sentence_features, Vocab};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let sentences: Vec<&str> = text.split('\n').collect();
    let hits: Vec<Vec<String>> = sentences.iter().map(|_| vec!["T1055".to_owned()]).collect();
    let feats: Vec<Vec<String>> = sentences
        .iter()
        .zip(&hits)
        .map(|(s, h)| sentence_features(s, h))
        .collect();
    let words: Vec<String> = feats.iter().flatten().step_by(2).cloned().collect();
    let vocab = Vocab::from_words(&words);
    let counts = sentence_counts(&vocab, &sentences, &hits, true);
    assert_eq!(counts.ptr.len(), sentences.len() + 1);
    assert_eq!(counts.ids.len(), counts.counts.len());
    assert!(counts.counts.iter().all(|&c| c > 0));
});
