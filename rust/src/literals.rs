//! Many literals found at once, case-insensitively for ASCII, by where they may start.
//!
//! Every sweep literal can only hit where the character before it is of some kind (a
//! domain never starts right after a letter or digit, an address never right after a
//! digit ...). So instead of running an automaton over every byte (whose tables for
//! 10,000 literals no longer fit in the cache), the text is walked once with two small
//! tables (may a literal of class `c` start here, after that byte?), and at each
//! candidate start the literals beginning there are looked up by their first one to
//! eight bytes: a one-bit filter first, then a hash table, then the bucket's literals
//! compared byte by byte (a sorted walk when the bucket is large). The result is every
//! occurrence of every literal whose start passes its class, which is all that the
//! boundary rules can accept.
//!
//! Work per byte is bounded by the literal set (at most eight filter probes per
//! candidate, and a bucket walk no deeper than the longest literal), so time is linear
//! in the text.

use std::collections::HashMap;

/// Where a literal may start: after a byte that is not an ASCII letter or digit, not a
/// digit, not a hex digit, or anywhere. (A non-ASCII character before always passes.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartClass {
    NotAfterAlnum = 0,
    NotAfterDigit = 1,
    NotAfterHex = 2,
    Anywhere = 3,
}

const FOLD: u64 = 0x2020_2020_2020_2020;
/// Buckets up to this size are compared one literal after another (their second eight
/// bytes first); larger ones are walked in sorted order.
const SMALL_BUCKET: usize = 64;

struct LenClass {
    len: usize,
    mask: u64,
    bits: Vec<u64>,
    shift: u32,
    buckets: HashMap<u64, u32>,
}

/// A compiled literal set.
pub struct Literals {
    /// Folded (ASCII lower case) literals, by id.
    patterns: Vec<Vec<u8>>,
    /// Per literal: its bytes 8..16 loosely folded, and the mask of those it has.
    second: Vec<(u64, u64)>,
    /// Per literal: the bit of its start class.
    class_bit: Vec<u8>,
    /// Per byte before a start: the classes that this byte allows.
    after: [u8; 256],
    /// Per loosely folded first two bytes: the classes of literals that begin so (a
    /// one-byte literal counts for every second byte).
    digrams: Vec<u8>,
    /// Per byte: may some literal start with it (at the start of the text)?
    any_first: [u8; 256],
    classes: Vec<LenClass>,
    /// Literal ids of each bucket, sorted by their folded bytes.
    buckets: Vec<Vec<u32>>,
    longest: usize,
}

fn hash(key: u64, shift: u32) -> usize {
    // Fibonacci hashing: the top bits of the product.
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

fn load8(t: &[u8], p: usize) -> u64 {
    if p + 8 <= t.len() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&t[p..p + 8]);
        u64::from_le_bytes(b)
    } else {
        let mut b = [0u8; 8];
        let n = t.len() - p;
        b[..n].copy_from_slice(&t[p..]);
        u64::from_le_bytes(b)
    }
}

impl Literals {
    /// `literals` as (text, start class); ids are their positions. Empty literals never match.
    pub fn new(literals: &[(Vec<u8>, StartClass)]) -> Literals {
        let mut after = [0u8; 256];
        for b in 0..=255u8 {
            let mut allowed = 1u8 << StartClass::Anywhere as u8;
            if !b.is_ascii_alphanumeric() {
                allowed |= 1 << StartClass::NotAfterAlnum as u8;
            }
            if !b.is_ascii_digit() {
                allowed |= 1 << StartClass::NotAfterDigit as u8;
            }
            if !b.is_ascii_hexdigit() {
                allowed |= 1 << StartClass::NotAfterHex as u8;
            }
            after[usize::from(b)] = allowed;
        }
        let mut first = [0u8; 256];
        let patterns: Vec<Vec<u8>> = literals
            .iter()
            .map(|(p, _)| p.to_ascii_lowercase())
            .collect();
        let mut by_len: [Vec<u32>; 8] = Default::default();
        for (id, (pattern, class)) in patterns
            .iter()
            .zip(literals.iter().map(|l| l.1))
            .enumerate()
        {
            let Some(&b) = pattern.first() else { continue };
            first[usize::from(b)] |= 1 << class as u8;
            first[usize::from(b.to_ascii_uppercase())] |= 1 << class as u8;
            by_len[pattern.len().min(8) - 1].push(id as u32);
        }
        let mut classes = Vec::new();
        let mut buckets: Vec<Vec<u32>> = Vec::new();
        for (k, ids) in by_len.iter().enumerate() {
            if ids.is_empty() {
                continue;
            }
            let len = k + 1;
            let mask = if len == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * len)) - 1
            };
            let wanted = (ids.len() * 16).next_power_of_two().clamp(1 << 12, 1 << 26);
            let log = wanted.trailing_zeros();
            let mut class = LenClass {
                len,
                mask,
                bits: vec![0u64; wanted / 64],
                shift: 64 - log,
                buckets: HashMap::new(),
            };
            for &id in ids {
                let key = (load8(&patterns[id as usize], 0) | FOLD) & mask;
                let h = hash(key, class.shift);
                class.bits[h / 64] |= 1 << (h % 64);
                let slot = *class.buckets.entry(key).or_insert_with(|| {
                    buckets.push(Vec::new());
                    (buckets.len() - 1) as u32
                });
                buckets[slot as usize].push(id);
            }
            classes.push(class);
        }
        for bucket in &mut buckets {
            bucket.sort_by(|&a, &b| patterns[a as usize].cmp(&patterns[b as usize]));
        }
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
        let mut digrams = vec![0u8; 65536];
        for (pattern, class) in patterns.iter().zip(literals.iter().map(|l| l.1)) {
            let Some(&b0) = pattern.first() else { continue };
            let hi = usize::from(b0 | 0x20) << 8;
            match pattern.get(1) {
                Some(&b1) => digrams[hi | usize::from(b1 | 0x20)] |= 1 << class as u8,
                None => {
                    for b1 in 0..256 {
                        digrams[hi | b1] |= 1 << class as u8;
                    }
                }
            }
        }
        let second = patterns
            .iter()
            .map(|p| {
                if p.len() <= 8 {
                    return (0, 0);
                }
                let n = (p.len() - 8).min(8);
                let mask = if n == 8 {
                    u64::MAX
                } else {
                    (1u64 << (8 * n)) - 1
                };
                ((load8(p, 8) | FOLD) & mask, mask)
            })
            .collect();
        // A text's first byte has no byte before it: any class may start there.
        let any_first = first;
        let class_bit = literals.iter().map(|l| 1u8 << l.1 as u8).collect();
        Literals {
            patterns,
            second,
            class_bit,
            after,
            digrams,
            any_first,
            classes,
            buckets,
            longest,
        }
    }

    /// Longest literal in bytes.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// The length of literal `id`.
    pub fn len_of(&self, id: u32) -> usize {
        self.patterns[id as usize].len()
    }

    /// Calls `found(start, id)` for every occurrence that starts in `[from, to)` and ends
    /// at or before `to`, in order of start.
    pub fn find(&self, t: &[u8], from: usize, to: usize, mut found: impl FnMut(usize, u32)) {
        let to = to.min(t.len());
        if self.classes.is_empty() || from >= to {
            return;
        }
        let shortest = self.classes[0].len;
        if to < shortest {
            return;
        }
        let last = to - shortest; // the last possible start
        let mut p = from;
        if p == 0 {
            if self.any_first[usize::from(t[0])] != 0 {
                self.probe(t, 0, to, &mut found);
            }
            p = 1;
        }
        // Candidate starts are gathered without branches, a window at a time, then probed.
        let mut candidates = [0u32; 4096];
        while p <= last {
            let end = (p + candidates.len()).min(last + 1);
            let mut n = 0usize;
            for q in p..end {
                let b1 = if q + 1 < t.len() { t[q + 1] } else { 0 };
                let digram = usize::from(t[q] | 0x20) << 8 | usize::from(b1 | 0x20);
                let ok = self.digrams[digram] & self.after[usize::from(t[q - 1])] != 0;
                candidates[n] = (q - p) as u32;
                n += usize::from(ok);
            }
            for &c in &candidates[..n] {
                self.probe(t, p + c as usize, to, &mut found);
            }
            p = end;
        }
    }

    /// The literals that start at `p` and end by `to`.
    fn probe(&self, t: &[u8], p: usize, to: usize, found: &mut impl FnMut(usize, u32)) {
        let w = load8(t, p) | FOLD;
        for class in &self.classes {
            if p + class.len > to {
                break;
            }
            let key = w & class.mask;
            let h = hash(key, class.shift);
            if class.bits[h / 64] & (1 << (h % 64)) == 0 {
                continue;
            }
            if let Some(&bucket) = class.buckets.get(&key) {
                self.verify(t, p, to, &self.buckets[bucket as usize], found);
            }
        }
    }

    fn verify(
        &self,
        t: &[u8],
        p: usize,
        to: usize,
        bucket: &[u32],
        found: &mut impl FnMut(usize, u32),
    ) {
        let allowed = if p == 0 {
            0xFF
        } else {
            self.after[usize::from(t[p - 1])]
        };
        let mut found = |p: usize, id: u32| {
            if self.class_bit[id as usize] & allowed != 0 {
                found(p, id);
            }
        };
        if bucket.len() <= SMALL_BUCKET {
            let w2 = if p + 8 < t.len() {
                load8(t, p + 8) | FOLD
            } else {
                FOLD
            };
            for &id in bucket {
                let pattern = &self.patterns[id as usize];
                let (key2, mask2) = self.second[id as usize];
                if p + pattern.len() > to || (w2 & mask2) != key2 {
                    continue;
                }
                if t[p..p + pattern.len()].eq_ignore_ascii_case(pattern) {
                    found(p, id);
                }
            }
            return;
        }
        // Sorted walk: the literals that are prefixes of t[p..] sort before their
        // extensions, so one narrowing pass over the bucket finds them all.
        let (mut lo, mut hi) = (0usize, bucket.len());
        let mut k = 0usize;
        loop {
            if lo < hi && self.patterns[bucket[lo] as usize].len() == k {
                found(p, bucket[lo]);
                lo += 1;
            }
            if lo >= hi || p + k >= to {
                return;
            }
            let c = t[p + k].to_ascii_lowercase();
            let range = &bucket[lo..hi];
            let start = range.partition_point(|&id| self.patterns[id as usize][k] < c);
            let end = range.partition_point(|&id| self.patterns[id as usize][k] <= c);
            hi = lo + end;
            lo += start;
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests_support {
    use super::*;

    pub fn all(lits: &[(&str, StartClass)], text: &str) -> Vec<(usize, usize)> {
        let owned: Vec<(Vec<u8>, StartClass)> = lits
            .iter()
            .map(|(s, c)| (s.as_bytes().to_vec(), *c))
            .collect();
        let set = Literals::new(&owned);
        let mut out = Vec::new();
        set.find(text.as_bytes(), 0, text.len(), |s, id| {
            out.push((s, id as usize))
        });
        out.sort_unstable();
        out
    }

    /// Every occurrence of every literal, found the slow way.
    pub fn naive(lits: &[(&str, StartClass)], text: &str) -> Vec<(usize, usize)> {
        let t = text.as_bytes();
        let mut out = Vec::new();
        for (id, (lit, class)) in lits.iter().enumerate() {
            let l = lit.as_bytes();
            if l.is_empty() {
                continue;
            }
            for s in 0..t.len() {
                if s + l.len() > t.len() || !t[s..s + l.len()].eq_ignore_ascii_case(l) {
                    continue;
                }
                let ok = s == 0
                    || match class {
                        StartClass::NotAfterAlnum => !t[s - 1].is_ascii_alphanumeric(),
                        StartClass::NotAfterDigit => !t[s - 1].is_ascii_digit(),
                        StartClass::NotAfterHex => !t[s - 1].is_ascii_hexdigit(),
                        StartClass::Anywhere => true,
                    };
                if ok {
                    out.push((s, id));
                }
            }
        }
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::{all, naive};
    use super::*;

    #[test]
    fn finds_every_occurrence_that_may_start_there() {
        let lits = [
            ("evil.com", StartClass::NotAfterAlnum),
            ("a.evil.com", StartClass::NotAfterAlnum),
            ("10.1.1.1", StartClass::NotAfterDigit),
            ("10.", StartClass::NotAfterDigit),
            ("/tmp/x", StartClass::Anywhere),
            ("ab", StartClass::NotAfterHex),
        ];
        let text = "A.EVIL.COM xevil.com 110.1.1.1 a10.1.1.1 //tmp/x/tmp/x gab 9ab";
        assert_eq!(all(&lits, text), naive(&lits, text));
        assert!(!all(&lits, text).is_empty());
    }

    #[test]
    fn large_buckets_are_walked_in_order() {
        let words: Vec<String> = (0..200).map(|i| format!("prefix-x{i}.com")).collect();
        let mut lits: Vec<(&str, StartClass)> = words
            .iter()
            .map(|w| (w.as_str(), StartClass::NotAfterAlnum))
            .collect();
        lits.push(("prefix-x1", StartClass::NotAfterAlnum));
        let text = "get prefix-x1.com prefix-x19.com PREFIX-X199.COM prefix-x2000.com";
        assert_eq!(all(&lits, text), naive(&lits, text));
    }
}

#[cfg(test)]
mod property {
    use super::*;

    /// A small deterministic generator (xorshift), so that the property runs in CI
    /// without a crate for it.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    #[test]
    fn agrees_with_a_naive_search_on_random_text() {
        let pieces = [
            "a", "B", "0", "9", ".", "-", "_", " ", "\n", "é", "evil", "EVIL", ".com", "10.", "1",
            "x", "/", "%2E", "@",
        ];
        let classes = [
            StartClass::NotAfterAlnum,
            StartClass::NotAfterDigit,
            StartClass::NotAfterHex,
            StartClass::Anywhere,
        ];
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..3000 {
            let count = 1 + rng.next() % 40;
            let mut lits: Vec<(String, StartClass)> = Vec::new();
            for _ in 0..count {
                let parts = 1 + rng.next() % 6;
                let lit: String = (0..parts).map(|_| rng.pick(&pieces)).collect();
                let class = classes[(rng.next() % 4) as usize];
                if !lits.iter().any(|(l, _)| l.eq_ignore_ascii_case(&lit)) {
                    lits.push((lit, class));
                }
            }
            let text: String = (0..rng.next() % 200).map(|_| rng.pick(&pieces)).collect();
            let borrowed: Vec<(&str, StartClass)> =
                lits.iter().map(|(l, c)| (l.as_str(), *c)).collect();
            assert_eq!(
                super::tests_support::all(&borrowed, &text),
                super::tests_support::naive(&borrowed, &text),
                "{text:?} {lits:?}"
            );
        }
    }
}
