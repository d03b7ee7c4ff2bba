//! Many literals found at once, case-insensitively for ASCII, by where they may start.
//!
//! Every sweep literal can only start where the byte before it is of some kind (a domain
//! never starts right after a letter or digit, an address never right after a digit
//! ...), and with a byte of some kind (a digit, a letter ...). The text is walked once,
//! sixteen bytes at a time where the processor has SSE2: a few vector compares give the
//! positions where some literal may start by those two bytes, and only there (about one
//! byte in six on a log) is more looked at:
//!
//! 1. the byte pair, exactly, by two 256-entry tables (may a literal of class `c` start
//!    after that byte, with this one?);
//! 2. the first four bytes (loosely folded) by a hashed table that tells which key
//!    groups hold a literal beginning so (for literals shorter than four bytes, the
//!    first two by a table of pairs);
//! 3. per such group, the literal's first 1-7, 8 or 16 bytes looked up in an
//!    open-addressing hash table of keys;
//! 4. the key's bucket compared byte by byte (a sorted walk when it is large).
//!
//! The result is every occurrence of every literal whose start passes its class, which
//! is all that the boundary rules can accept. Work per byte is bounded by the literal
//! set (at most nine group look-ups per candidate, and a bucket walk no deeper than the
//! longest literal), so time is linear in the text.

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
/// Buckets up to this size are compared one literal after another (their bytes 8..16
/// first); larger ones are walked in sorted order.
const SMALL_BUCKET: usize = 64;
/// Key groups: literals of 1-7 bytes keyed by all of them, of 8-15 bytes by their first
/// eight, longer ones by their first sixteen.
const GROUP_KEYS: [usize; 9] = [1, 2, 3, 4, 5, 6, 7, 8, 16];

/// What the first byte of every literal of a class is: a digit, an ASCII letter or
/// digit, or anything.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FirstKind {
    None,
    Digit,
    Alnum,
    Any,
}

/// Keys of one length, in an open-addressing table (linear probing, half full at most).
struct Group {
    key_len: usize,
    mask_lo: u64,
    mask_hi: u64,
    /// (key lo, key hi, bucket + 1); bucket 0 marks an empty slot.
    slots: Vec<(u64, u64, u32)>,
    shift: u32,
    /// A one-bit filter of the keys (about sixteen bits a key), looked at first.
    bits: Vec<u64>,
    bits_shift: u32,
}

impl Group {
    fn lookup(&self, lo: u64, hi: u64) -> Option<u32> {
        let (lo, hi) = (lo & self.mask_lo, hi & self.mask_hi);
        let h = mix(lo, hi, self.bits_shift);
        if self.bits[h / 64] & (1 << (h % 64)) == 0 {
            return None;
        }
        let size = self.slots.len();
        let mut i = mix(lo, hi, self.shift);
        loop {
            let (a, b, bucket) = self.slots[i];
            if bucket == 0 {
                return None;
            }
            if a == lo && b == hi {
                return Some(bucket - 1);
            }
            i = (i + 1) & (size - 1);
        }
    }
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
    /// Per first byte: the classes of literals that may begin with it.
    first: [u8; 256],
    /// Per class: what its literals begin with (for the vector pass).
    first_kind: [FirstKind; 4],
    /// Per hashed, loosely folded first four bytes: the groups (bits) with a literal of
    /// four bytes or more that begins so.
    grams: Vec<u16>,
    gram_shift: u32,
    /// Per loosely folded first two bytes: the groups of literals shorter than four
    /// bytes that begin so (empty when there are none).
    pairs: Vec<u16>,
    groups: Vec<Group>,
    /// Literal ids of each bucket, sorted by their folded bytes.
    buckets: Vec<Vec<u32>>,
    shortest: usize,
    longest: usize,
}

/// Fibonacci hashing of a 128-bit key: the top bits of the product.
fn mix(lo: u64, hi: u64, shift: u32) -> usize {
    let k = lo ^ hi.rotate_left(29).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
}

fn gram_slot(w: u64, shift: u32) -> usize {
    ((w as u32).wrapping_mul(0x9E37_79B1) >> shift) as usize
}

fn load8(t: &[u8], p: usize) -> u64 {
    let mut b = [0u8; 8];
    if p + 8 <= t.len() {
        b.copy_from_slice(&t[p..p + 8]);
    } else if p < t.len() {
        let n = t.len() - p;
        b[..n].copy_from_slice(&t[p..]);
    }
    u64::from_le_bytes(b)
}

fn mask_of(n: usize) -> u64 {
    if n >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    }
}

fn group_of(len: usize) -> usize {
    if len >= 16 {
        8
    } else {
        len.min(8) - 1
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
        let patterns: Vec<Vec<u8>> = literals
            .iter()
            .map(|(p, _)| p.to_ascii_lowercase())
            .collect();
        let mut first = [0u8; 256];
        let mut first_kind = [FirstKind::None; 4];
        let mut by_group: [Vec<u32>; 9] = Default::default();
        // About four slots a literal, from 4,096 (8 KB) to 65,536 (128 KB).
        let gram_size = (literals.len() * 4)
            .next_power_of_two()
            .clamp(1 << 12, 1 << 16);
        let gram_shift = 32 - gram_size.trailing_zeros();
        let mut grams = vec![0u16; gram_size];
        let mut pairs: Vec<u16> = Vec::new();
        for (id, (pattern, class)) in patterns
            .iter()
            .zip(literals.iter().map(|l| l.1))
            .enumerate()
        {
            let Some(&b) = pattern.first() else { continue };
            let c = class as usize;
            first[usize::from(b)] |= 1 << c;
            first[usize::from(b.to_ascii_uppercase())] |= 1 << c;
            let kind = if b.is_ascii_digit() {
                FirstKind::Digit
            } else if b.is_ascii_alphanumeric() {
                FirstKind::Alnum
            } else {
                FirstKind::Any
            };
            first_kind[c] = match (first_kind[c], kind) {
                (FirstKind::None, k) | (k, FirstKind::None) => k,
                (FirstKind::Any, _) | (_, FirstKind::Any) => FirstKind::Any,
                (FirstKind::Digit, FirstKind::Digit) => FirstKind::Digit,
                _ => FirstKind::Alnum,
            };
            let g = group_of(pattern.len());
            by_group[g].push(id as u32);
            if pattern.len() >= 4 {
                grams[gram_slot(load8(pattern, 0) | FOLD, gram_shift)] |= 1 << g;
            } else {
                if pairs.is_empty() {
                    pairs = vec![0u16; 1 << 16];
                }
                let hi = usize::from(b | 0x20) << 8;
                match pattern.get(1) {
                    Some(&b1) => pairs[hi | usize::from(b1 | 0x20)] |= 1 << g,
                    None => {
                        for b1 in 0..256 {
                            pairs[hi | b1] |= 1 << g;
                        }
                    }
                }
            }
        }
        let mut groups = Vec::new();
        let mut buckets: Vec<Vec<u32>> = Vec::new();
        for (g, ids) in by_group.iter().enumerate() {
            let key_len = GROUP_KEYS[g];
            let size = (ids.len() * 2).next_power_of_two().max(16);
            let filter = (ids.len() * 16).next_power_of_two().clamp(1 << 12, 1 << 26);
            let mut group = Group {
                bits: vec![0u64; filter / 64],
                bits_shift: 64 - filter.trailing_zeros(),
                key_len,
                mask_lo: mask_of(key_len),
                mask_hi: mask_of(key_len.saturating_sub(8)),
                slots: vec![(0, 0, 0); if ids.is_empty() { 1 } else { size }],
                shift: 64 - size.trailing_zeros(),
            };
            for &id in ids {
                let p = &patterns[id as usize];
                let (lo, hi) = (
                    (load8(p, 0) | FOLD) & group.mask_lo,
                    (load8(p, 8) | FOLD) & group.mask_hi,
                );
                let h = mix(lo, hi, group.bits_shift);
                group.bits[h / 64] |= 1 << (h % 64);
                let mut i = mix(lo, hi, group.shift);
                loop {
                    let (a, b, bucket) = group.slots[i];
                    if bucket == 0 {
                        buckets.push(vec![id]);
                        group.slots[i] = (lo, hi, buckets.len() as u32);
                        break;
                    }
                    if a == lo && b == hi {
                        buckets[bucket as usize - 1].push(id);
                        break;
                    }
                    i = (i + 1) & (size - 1);
                }
            }
            groups.push(group);
        }
        for bucket in &mut buckets {
            bucket.sort_by(|&a, &b| patterns[a as usize].cmp(&patterns[b as usize]));
        }
        let longest = patterns.iter().map(Vec::len).max().unwrap_or(0);
        let shortest = patterns
            .iter()
            .map(Vec::len)
            .filter(|&n| n > 0)
            .min()
            .unwrap_or(0);
        let second = patterns
            .iter()
            .map(|p| {
                if p.len() <= 8 {
                    return (0, 0);
                }
                let mask = mask_of(p.len() - 8);
                ((load8(p, 8) | FOLD) & mask, mask)
            })
            .collect();
        let class_bit = literals.iter().map(|l| 1u8 << l.1 as u8).collect();
        Literals {
            patterns,
            second,
            class_bit,
            after,
            first,
            first_kind,
            grams,
            gram_shift,
            pairs,
            groups,
            buckets,
            shortest,
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
        if self.shortest == 0 || from >= to || to < self.shortest {
            return;
        }
        let last = to - self.shortest; // the last possible start
        let mut p = from;
        if p == 0 {
            if self.first[usize::from(t[0])] != 0 {
                self.probe(t, 0, to, &mut found);
            }
            p = 1;
        }
        #[cfg(target_arch = "x86_64")]
        {
            p = self.find_sse2(t, p, last, to, &mut found);
        }
        while p <= last {
            self.candidate(t, p, to, &mut found);
            p += 1;
        }
    }

    /// Probes `q` when a literal may start there by the byte before and the byte there.
    #[inline(always)]
    fn candidate(&self, t: &[u8], q: usize, to: usize, found: &mut impl FnMut(usize, u32)) {
        if self.first[usize::from(t[q])] & self.after[usize::from(t[q - 1])] != 0 {
            self.probe(t, q, to, found);
        }
    }

    /// The vector pass over `[p, last]` (p >= 1), sixteen starts at a time; returns where
    /// the scalar pass goes on.
    #[cfg(target_arch = "x86_64")]
    fn find_sse2(
        &self,
        t: &[u8],
        mut p: usize,
        last: usize,
        to: usize,
        found: &mut impl FnMut(usize, u32),
    ) -> usize {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of every x86_64 processor; loads are unaligned and stay
        // inside `t` (p - 1 >= 0 and p + 16 <= last + 1 <= t.len()).
        unsafe {
            let splat = |b: u8| _mm_set1_epi8(b as i8);
            // a <= k, unsigned, per byte.
            let le = |a: __m128i, k: u8| _mm_cmpeq_epi8(_mm_max_epu8(a, splat(k)), splat(k));
            let kinds = |x: __m128i| {
                let digit = le(_mm_sub_epi8(x, splat(b'0')), 9);
                let lower = _mm_sub_epi8(_mm_or_si128(x, splat(0x20)), splat(b'a'));
                let alnum = _mm_or_si128(digit, le(lower, 25));
                let hex = _mm_or_si128(digit, le(lower, 5));
                (digit, alnum, hex)
            };
            let ones = _mm_set1_epi8(-1);
            let none = _mm_setzero_si128();
            while p + 16 <= last + 1 {
                let prev = _mm_loadu_si128(t.as_ptr().add(p - 1) as *const __m128i);
                let cur = _mm_loadu_si128(t.as_ptr().add(p) as *const __m128i);
                let (pd, pa, ph) = kinds(prev);
                let (cd, ca, _) = kinds(cur);
                let mut any = none;
                for (c, not_before) in [
                    (StartClass::NotAfterAlnum, pa),
                    (StartClass::NotAfterDigit, pd),
                    (StartClass::NotAfterHex, ph),
                    (StartClass::Anywhere, none),
                ] {
                    let start = match self.first_kind[c as usize] {
                        FirstKind::None => continue,
                        FirstKind::Digit => cd,
                        FirstKind::Alnum => ca,
                        FirstKind::Any => ones,
                    };
                    any = _mm_or_si128(any, _mm_andnot_si128(not_before, start));
                }
                let mut bits = _mm_movemask_epi8(any) as u32;
                while bits != 0 {
                    let q = p + bits.trailing_zeros() as usize;
                    self.candidate(t, q, to, found);
                    bits &= bits - 1;
                }
                p += 16;
            }
        }
        p
    }

    /// The literals that start at `p` and end by `to`.
    #[inline]
    fn probe(&self, t: &[u8], p: usize, to: usize, found: &mut impl FnMut(usize, u32)) {
        let lo = load8(t, p) | FOLD;
        let mut groups = if p + 4 <= t.len() {
            self.grams[gram_slot(lo, self.gram_shift)]
        } else {
            0
        };
        if !self.pairs.is_empty() {
            let b1 = if p + 1 < t.len() { t[p + 1] } else { 0 };
            groups |= self.pairs[usize::from(t[p] | 0x20) << 8 | usize::from(b1 | 0x20)];
        }
        if groups == 0 {
            return;
        }
        let hi = if groups >> 8 != 0 {
            load8(t, p + 8) | FOLD
        } else {
            0
        };
        while groups != 0 {
            let group = &self.groups[groups.trailing_zeros() as usize];
            groups &= groups - 1;
            if p + group.key_len > to {
                break;
            }
            if let Some(bucket) = group.lookup(lo, hi) {
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

    /// Log-like lines and literals of every key group (1-7, 8-15, 16 and more bytes,
    /// buckets small and large): the vector pass, the groups and the buckets together
    /// find exactly what a naive search finds, at every alignment of the text.
    #[test]
    fn agrees_with_a_naive_search_on_log_like_lines() {
        let words = [
            "news",
            "Mail",
            "portal",
            "x",
            "7",
            "10",
            "secure-portal",
            "a1b2c3d4",
        ];
        let seps = [".", "-", " ", "\t", "/", ":", "%2E", "é", "", "\n"];
        let classes = [
            StartClass::NotAfterAlnum,
            StartClass::NotAfterDigit,
            StartClass::NotAfterHex,
            StartClass::Anywhere,
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..400 {
            let mut lits: Vec<(String, StartClass)> = Vec::new();
            // Many literals sharing a long prefix make one large bucket.
            let shared = if round % 4 == 0 { 80 } else { 0 };
            for i in 0..shared {
                lits.push((
                    format!("secure-portal-shared{i}.com"),
                    StartClass::NotAfterAlnum,
                ));
            }
            for _ in 0..(1 + rng.next() % 30) {
                let parts = 1 + rng.next() % 8;
                let mut lit = String::new();
                for k in 0..parts {
                    if k > 0 {
                        lit.push_str(rng.pick(&seps[..3]));
                    }
                    lit.push_str(rng.pick(&words));
                }
                let class = classes[(rng.next() % 4) as usize];
                if !lits.iter().any(|(l, _)| l.eq_ignore_ascii_case(&lit)) {
                    lits.push((lit, class));
                }
            }
            let mut text = String::new();
            for _ in 0..(rng.next() % 120) {
                if rng.next().is_multiple_of(5) {
                    let (lit, _) = &lits[(rng.next() % lits.len() as u64) as usize];
                    text.push_str(&lit.to_uppercase());
                } else {
                    text.push_str(rng.pick(&words));
                }
                text.push_str(rng.pick(&seps));
            }
            let borrowed: Vec<(&str, StartClass)> =
                lits.iter().map(|(l, c)| (l.as_str(), *c)).collect();
            for shift in 0..3 {
                let shifted = format!("{}{text}", " ".repeat(shift));
                assert_eq!(
                    super::tests_support::all(&borrowed, &shifted),
                    super::tests_support::naive(&borrowed, &shifted),
                    "{shifted:?}"
                );
            }
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
