//! The technique stage's sentence features (see `unmask.extract.techniques`): tokens,
//! word pairs, file extensions, `syn:<id>` names, the neighbours' words, and their
//! counts per sentence by vocabulary row.
//!
//! Tokens are those of the regex `[a-z][a-z0-9_]*(?:[.\-][a-z0-9_]+)*|\d+` over the
//! sentence lower-cased (Unicode), longer than 30 characters dropped, numbers written
//! `0`. The regex crate matches leftmost-first, as Python's `re` does for this pattern.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// FNV-1a: features are short ASCII strings, and SipHash costs more than the look-up.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

fn token_regex() -> &'static regex::Regex {
    static TOKEN: OnceLock<regex::Regex> = OnceLock::new();
    TOKEN.get_or_init(|| {
        regex::Regex::new(r"[a-z][a-z0-9_]*(?:[.\-][a-z0-9_]+)*|\d+").expect("a valid pattern")
    })
}

/// The tokens of a sentence.
pub fn tokens(text: &str) -> Vec<String> {
    let lowered = text.to_lowercase();
    token_regex()
        .find_iter(&lowered)
        .filter(|m| m.as_str().chars().count() <= 30)
        .map(|m| {
            let tok = m.as_str();
            if tok.as_bytes()[0].is_ascii_lowercase() {
                tok.to_owned()
            } else {
                "0".to_owned()
            }
        })
        .collect()
}

/// The features of one sentence: its tokens, word pairs, `ext:` of dotted tokens and
/// `syn:<id>` for each technique named in it.
pub fn sentence_features(text: &str, hits: &[String]) -> Vec<String> {
    let toks = tokens(text);
    let mut feats = Vec::with_capacity(toks.len() * 2 + hits.len() + 4);
    feats.extend(toks.iter().cloned());
    feats.extend(toks.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    feats.extend(
        toks.iter()
            .filter_map(|t| t.rsplit_once('.').map(|(_, ext)| format!("ext:{ext}"))),
    );
    feats.extend(hits.iter().map(|h| format!("syn:{h}")));
    feats
}

/// Each sentence's features plus its neighbours' single words (prefixed `<` and `>`):
/// the features holding neither a blank nor a colon.
pub fn with_context(feats: &[Vec<String>]) -> Vec<Vec<String>> {
    let words: Vec<Vec<&str>> = feats
        .iter()
        .map(|fl| {
            fl.iter()
                .map(String::as_str)
                .filter(|f| !f.contains(' ') && !f.contains(':'))
                .collect()
        })
        .collect();
    let mut out = Vec::with_capacity(feats.len());
    for (i, fl) in feats.iter().enumerate() {
        let mut extra = fl.clone();
        if i > 0 {
            extra.extend(words[i - 1].iter().map(|w| format!("<{w}")));
        }
        if i + 1 < feats.len() {
            extra.extend(words[i + 1].iter().map(|w| format!(">{w}")));
        }
        out.push(extra);
    }
    out
}

/// Feature -> weight row.
pub struct Vocab {
    rows: FnvMap<Box<[u8]>, u32>,
    len: usize,
}

/// Per sentence, the rows of its known features in order of first occurrence, with
/// their counts: `ptr[i]..ptr[i+1]` index `ids` and `counts`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub ptr: Vec<i64>,
    pub ids: Vec<i64>,
    pub counts: Vec<i64>,
}

impl Vocab {
    /// From words in row order.
    pub fn from_words<S: AsRef<[u8]>>(words: &[S]) -> Vocab {
        let mut rows = FnvMap::default();
        rows.reserve(words.len());
        for (row, w) in words.iter().enumerate() {
            rows.insert(w.as_ref().to_vec().into_boxed_slice(), row as u32);
        }
        Vocab {
            rows,
            len: words.len(),
        }
    }

    /// From numpy's fixed-width byte strings (NUL-padded, `width` bytes each) and the
    /// row of each.
    pub fn from_fixed(blob: &[u8], width: usize, rows_of: &[i64]) -> Result<Vocab, String> {
        if width == 0 || blob.len() != width * rows_of.len() {
            return Err(format!(
                "vocabulary of {} bytes is not {} words of {width}",
                blob.len(),
                rows_of.len()
            ));
        }
        let mut rows = FnvMap::default();
        rows.reserve(rows_of.len());
        for (item, &row) in blob.chunks_exact(width).zip(rows_of) {
            let end = item.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            let row =
                u32::try_from(row).map_err(|_| format!("vocabulary row {row} out of range"))?;
            rows.insert(item[..end].to_vec().into_boxed_slice(), row);
        }
        Ok(Vocab {
            rows,
            len: rows_of.len(),
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, feature: &str) -> Option<u32> {
        self.rows.get(feature.as_bytes()).copied()
    }

    /// Counts of each feature list's known features.
    pub fn count<S: AsRef<str>>(&self, lists: &[Vec<S>]) -> Counts {
        let mut out = Counts {
            ptr: Vec::with_capacity(lists.len() + 1),
            ..Counts::default()
        };
        out.ptr.push(0);
        let mut slot: FnvMap<u32, usize> = FnvMap::default();
        for list in lists {
            slot.clear();
            let base = out.ids.len();
            for f in list {
                if let Some(row) = self.get(f.as_ref()) {
                    match slot.get(&row) {
                        Some(&k) => out.counts[k] += 1,
                        None => {
                            slot.insert(row, out.ids.len());
                            out.ids.push(i64::from(row));
                            out.counts.push(1);
                        }
                    }
                }
            }
            debug_assert!(out.ids.len() >= base);
            out.ptr.push(out.ids.len() as i64);
        }
        out
    }
}

/// Counts one sentence's features as they are made (no feature list is built).
struct Tally<'v> {
    vocab: &'v Vocab,
    buf: Vec<u8>,
    slot: FnvMap<u32, usize>,
    out: Counts,
}

impl Tally<'_> {
    fn add(&mut self) {
        if let Some(&row) = self.vocab.rows.get(&self.buf[..]) {
            match self.slot.get(&row) {
                Some(&k) => self.out.counts[k] += 1,
                None => {
                    self.slot.insert(row, self.out.ids.len());
                    self.out.ids.push(i64::from(row));
                    self.out.counts.push(1);
                }
            }
        }
    }

    fn feature(&mut self, parts: &[&[u8]]) {
        self.buf.clear();
        for p in parts {
            self.buf.extend_from_slice(p);
        }
        self.add();
    }

    fn end_sentence(&mut self) {
        self.slot.clear();
        self.out.ptr.push(self.out.ids.len() as i64);
    }
}

/// The counts of whole sentences: the features of [`sentence_features`], the
/// neighbours' words of [`with_context`] when `context`, looked up and counted in the
/// same order as those lists would be.
pub fn sentence_counts(
    vocab: &Vocab,
    texts: &[&str],
    hits: &[Vec<String>],
    context: bool,
) -> Counts {
    let toks: Vec<Vec<String>> = texts.iter().map(|t| tokens(t)).collect();
    let mut tally = Tally {
        vocab,
        buf: Vec::with_capacity(64),
        slot: FnvMap::default(),
        out: Counts::default(),
    };
    tally.out.ptr.push(0);
    for (i, words) in toks.iter().enumerate() {
        for w in words {
            tally.feature(&[w.as_bytes()]);
        }
        for pair in words.windows(2) {
            tally.feature(&[pair[0].as_bytes(), b" ", pair[1].as_bytes()]);
        }
        for w in words {
            if let Some((_, ext)) = w.rsplit_once('.') {
                tally.feature(&[b"ext:", ext.as_bytes()]);
            }
        }
        for h in hits.get(i).map_or(&[][..], Vec::as_slice) {
            tally.feature(&[b"syn:", h.as_bytes()]);
        }
        if context {
            // The neighbours' single words: their tokens (no token holds a blank or a colon).
            if i > 0 {
                for w in &toks[i - 1] {
                    tally.feature(&[b"<", w.as_bytes()]);
                }
            }
            if i + 1 < toks.len() {
                for w in &toks[i + 1] {
                    tally.feature(&[b">", w.as_bytes()]);
                }
            }
        }
        tally.end_sentence();
    }
    tally.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_case_number_and_skip_long_ones() {
        assert_eq!(
            tokens("Ran RUNDLL32.EXE via cmd-line 2024 ١٢"),
            vec!["ran", "rundll32.exe", "via", "cmd-line", "0", "0"]
        );
        assert_eq!(tokens(&"a".repeat(31)), Vec::<String>::new());
        assert_eq!(tokens("x.-y a..b"), vec!["x", "y", "a", "b"]);
    }

    #[test]
    fn features_and_context() {
        let f = sentence_features("Used evil.dll now", &["T1055".to_owned()]);
        assert_eq!(
            f,
            vec![
                "used",
                "evil.dll",
                "now",
                "used evil.dll",
                "evil.dll now",
                "ext:dll",
                "syn:T1055"
            ]
        );
        let ctx = with_context(&[
            vec!["a".to_owned(), "a b".to_owned()],
            vec!["c".to_owned(), "ext:x".to_owned()],
        ]);
        assert_eq!(ctx[0], vec!["a", "a b", ">c"]);
        assert_eq!(ctx[1], vec!["c", "ext:x", "<a"]);
    }

    #[test]
    fn sentence_counts_equal_counting_the_feature_lists() {
        let texts = [
            "Used evil.dll now.",
            "then evil.dll ran via cmd.exe",
            "",
            "x: y z",
        ];
        let hits = vec![
            vec!["T1055".to_owned()],
            vec![],
            vec!["T1".to_owned()],
            vec![],
        ];
        let feats: Vec<Vec<String>> = texts
            .iter()
            .zip(&hits)
            .map(|(t, h)| sentence_features(t, h))
            .collect();
        let mut words: Vec<String> = with_context(&feats).into_iter().flatten().collect();
        words.sort();
        words.dedup();
        words.retain(|w| w.len() % 3 != 0); // a vocabulary that lacks some features
        let vocab = Vocab::from_words(&words);
        for context in [true, false] {
            let lists = if context {
                with_context(&feats)
            } else {
                feats.clone()
            };
            assert_eq!(
                sentence_counts(&vocab, &texts, &hits, context),
                vocab.count(&lists)
            );
        }
    }

    #[test]
    fn counts_keep_first_occurrence_order() {
        let vocab = Vocab::from_words(&["b", "a", "c"]);
        let counts = vocab.count(&[vec!["a", "x", "b", "a"], vec![], vec!["c"]]);
        assert_eq!(
            counts,
            Counts {
                ptr: vec![0, 2, 2, 3],
                ids: vec![1, 0, 2],
                counts: vec![2, 1, 1]
            }
        );
        let fixed = Vocab::from_fixed(b"a\0b\0c\0", 2, &[1, 0, 2]).unwrap();
        assert_eq!(fixed.get("a"), Some(1));
        assert_eq!(fixed.get("c"), Some(2));
    }
}
