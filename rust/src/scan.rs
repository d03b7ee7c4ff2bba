//! The observable prefilter: the few windows of a text where an observable can be.
//!
//! Real reports are mostly prose. The text is reduced to *windows*: white-space
//! delimited tokens that hold a trigger character (`.` or `:` inside a token, `@`,
//! `\`, `/`, brackets and their full-width look-alikes), runs of 25+ ASCII letters and
//! digits (hashes, wallets) widened to their token, spaced defang marks (`user @
//! example [.] com`) widened to the tokens around them, CVE and AS numbers, dashed MAC
//! addresses, user agents, percent-encoded schemes, Cisco ESA's spaced URLs and
//! spelled-out dots. Inline base64 payloads (`;base64,...`) are cut out. Everything
//! outside the windows becomes a filler run of at most [`GAP`] characters (the
//! *compact* text), with a map back to the original offsets.
//!
//! Offsets are Python's: one per code point. The text is a slice of code units, each
//! one code point: bytes for ASCII text, `u32` otherwise (lone surrogates included).
//! White space is `str.isspace`'s and a digit is a Unicode decimal digit (Nd), as for
//! Python's `\s` and `\d`. Every step is linear: each rule is a bounded look at one
//! position, done once per position.

use std::sync::OnceLock;

/// Stands in for text outside the windows; matched by no pattern, not a boundary.
pub const FILLER: u32 = 0x01;
/// A gap between windows is written as at most this many fillers.
pub const GAP: usize = 8;
/// A token longer than this is covered piecewise (from each trigger, this far on and back).
const TRIG_SPAN: usize = 4097;
/// How far a token walk looks within one token.
const MAX_LOOK: usize = 256;
/// The shortest ASCII letter-and-digit run that opens a window on its own.
const MIN_RUN: usize = 25;

/// One character of a text (a code point).
pub trait Unit: Copy {
    fn cp(self) -> u32;
}

impl Unit for u8 {
    #[inline(always)]
    fn cp(self) -> u32 {
        u32::from(self)
    }
}

impl Unit for u32 {
    #[inline(always)]
    fn cp(self) -> u32 {
        self
    }
}

/// `str.isspace()` (and Python's `\s` in a `str` pattern).
#[inline]
pub fn is_space(c: u32) -> bool {
    matches!(
        c,
        0x09..=0x0d
            | 0x1c..=0x20
            | 0x85
            | 0xa0
            | 0x1680
            | 0x2000..=0x200a
            | 0x2028
            | 0x2029
            | 0x202f
            | 0x205f
            | 0x3000
    )
}

#[inline]
fn is_trigger(c: u32) -> bool {
    matches!(
        c,
        0x2e | 0x3a
            | 0x40
            | 0x5c
            | 0x5b
            | 0x5d
            | 0x7b
            | 0x7d
            | 0x2f
            | 0x3002
            | 0xff0e
            | 0xff61
            | 0xff1a
            | 0xff20
    )
}

#[inline]
fn is_ascii_alnum(c: u32) -> bool {
    c < 0x80 && (c as u8).is_ascii_alphanumeric()
}

#[inline]
fn is_blank(c: u32) -> bool {
    c == 0x20 || c == 0x09
}

#[inline]
fn is_hex(c: u32) -> bool {
    c < 0x80 && (c as u8).is_ascii_hexdigit()
}

/// A Unicode decimal digit (category Nd), as Python's `\d` in a `str` pattern.
fn is_digit(c: u32) -> bool {
    if c < 0x80 {
        return (c as u8).is_ascii_digit();
    }
    static ND: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let Some(ch) = char::from_u32(c) else {
        return false;
    };
    let mut buf = [0u8; 4];
    ND.get_or_init(|| regex::Regex::new(r"\A\d\z").ok())
        .as_ref()
        .is_some_and(|rx| rx.is_match(ch.encode_utf8(&mut buf)))
}

const C_SPACE: u8 = 1;
const C_TRIGGER: u8 = 2;
const C_ALNUM: u8 = 4;
const C_SPECIAL: u8 = 8;
const C_EXTRA: u8 = 16;
const C_SEMI: u8 = 32;
/// The bits a rule of [`Marks`] starts with.
const C_MARK: u8 = C_SPECIAL | C_EXTRA | C_SEMI;

/// Classes of the code points below 256 (the rest: [`class`]).
static LATIN1: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u32;
        let mut k = 0u8;
        if matches!(c, 0x09..=0x0d | 0x1c..=0x20 | 0x85 | 0xa0) {
            k |= C_SPACE;
        }
        if matches!(
            c,
            0x2e | 0x3a | 0x40 | 0x5c | 0x5b | 0x5d | 0x7b | 0x7d | 0x2f
        ) {
            k |= C_TRIGGER;
        }
        if (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) {
            k |= C_ALNUM;
        }
        if matches!(c, 0x40 | 0x5c | 0x5b | 0x5d | 0x28 | 0x29 | 0x7b | 0x7d) {
            k |= C_SPECIAL;
        }
        if matches!(
            c,
            0x43 | 0x63 | 0x41 | 0x61 | 0x2d | 0x4d | 0x25 | 0x3a | 0x20
        ) {
            k |= C_EXTRA;
        }
        if c == 0x3b {
            k |= C_SEMI;
        }
        table[i] = k;
        i += 1;
    }
    table
};

/// The class bits of a code point.
#[inline(always)]
fn class(c: u32) -> u8 {
    if c < 256 {
        LATIN1[c as usize]
    } else if is_space(c) {
        C_SPACE
    } else if is_trigger(c) {
        C_TRIGGER
    } else {
        0
    }
}

/// The text being scanned, with Python's token walks over it.
struct Text<'a, T: Unit> {
    t: &'a [T],
    n: usize,
}

impl<T: Unit> Text<'_, T> {
    #[inline(always)]
    fn cls(&self, i: usize) -> u8 {
        class(self.t[i].cp())
    }

    #[inline(always)]
    fn at(&self, i: usize) -> u32 {
        self.t[i].cp()
    }

    /// The code point at `i`, or 0 past either end.
    #[inline(always)]
    fn get(&self, i: usize) -> u32 {
        if i < self.n {
            self.t[i].cp()
        } else {
            0
        }
    }

    /// Whether `word` (ASCII) is at `i`.
    fn has(&self, i: usize, word: &[u8]) -> bool {
        i + word.len() <= self.n
            && word
                .iter()
                .enumerate()
                .all(|(k, &b)| self.at(i + k) == u32::from(b))
    }

    /// Whether `word` (lower-case ASCII letters) is at `i`, in any case.
    fn has_ci(&self, i: usize, word: &[u8]) -> bool {
        i + word.len() <= self.n
            && word.iter().enumerate().all(|(k, &b)| {
                let c = self.at(i + k);
                c == u32::from(b) || c == u32::from(b.to_ascii_uppercase())
            })
    }

    /// The end of the token that starts at `pos` (at most 256 characters on).
    fn head_fwd(&self, pos: usize) -> usize {
        let mut q = pos;
        while q < self.n && q - pos < MAX_LOOK && self.cls(q) & C_SPACE == 0 {
            q += 1;
        }
        q
    }

    /// The start of the token that ends at `pos` (at most 256 characters back).
    fn head_back(&self, pos: usize) -> usize {
        let mut q = pos;
        while q > 0 && pos - q < MAX_LOOK && self.cls(q - 1) & C_SPACE == 0 {
            q -= 1;
        }
        q
    }

    /// `end` moved on over up to `tokens` tokens on the same line: each step is up to 8
    /// blanks (space, tab, no-break space), not at a line break or the end, then a token.
    fn right(&self, mut end: usize, tokens: usize) -> usize {
        for _ in 0..tokens {
            let mut q = end;
            while q < self.n && q - end < 8 && matches!(self.at(q), 0x20 | 0x09 | 0xa0) {
                q += 1;
            }
            if q >= self.n || matches!(self.at(q), 0x0a | 0x0d) {
                break;
            }
            let next = self.head_fwd(q);
            if next == end {
                break;
            }
            end = next;
        }
        end
    }

    /// `start` moved back over up to `tokens` tokens on the same line.
    fn left(&self, mut start: usize, tokens: usize) -> usize {
        for _ in 0..tokens {
            let mut q = start;
            while q > 0 && start - q < 8 && matches!(self.at(q - 1), 0x20 | 0x09 | 0xa0) {
                q -= 1;
            }
            if q == 0 || matches!(self.at(q - 1), 0x0a | 0x0d) {
                break;
            }
            let next = self.head_back(q);
            if next == start {
                break;
            }
            start = next;
        }
        start
    }

    /// (the token's start at `pos` moved back `left` tokens, the token's end, that end
    /// moved on `right` tokens).
    fn widen(&self, pos: usize, left: usize, right: usize) -> (usize, usize, usize) {
        let end = self.head_fwd(pos);
        (
            self.left(self.head_back(pos), left),
            end,
            self.right(end, right),
        )
    }

    /// Whether a spaced defang mark is at `p` (a special character with a blank, a
    /// spelled-out "dot"/"at", a dot or an "@" next to it).
    fn special(&self, p: usize) -> bool {
        let c = self.at(p);
        let next = self.get(p + 1);
        let prev = if p > 0 { self.at(p - 1) } else { 0 };
        let open = matches!(c, 0x5b | 0x28 | 0x7b);
        let close = matches!(c, 0x5d | 0x29 | 0x7d);
        match c {
            0x40 => is_blank(next) || is_blank(prev),
            0x5c => is_ascii_alnum(next) || next == 0x25,
            _ if open => {
                if is_blank(next) {
                    return true;
                }
                if is_blank(prev)
                    && (next == 0x2e
                        || next == 0x40
                        || self.has(p + 1, b"dot")
                        || self.has(p + 1, b"DOT")
                        || self.has(p + 1, b"at")
                        || self.has(p + 1, b"AT"))
                {
                    return true;
                }
                // "[dot]", "( at )": the word, blanks, a closing bracket.
                let after = if self.has_ci(p + 1, b"dot") {
                    p + 4
                } else if self.has_ci(p + 1, b"at") {
                    p + 3
                } else {
                    return false;
                };
                let mut q = after;
                while q < self.n && is_blank(self.at(q)) {
                    q += 1;
                }
                matches!(self.get(q), 0x5d | 0x29 | 0x7d)
            }
            _ if close => {
                if is_blank(prev) {
                    return true;
                }
                if !is_blank(next) {
                    return false;
                }
                let word_start =
                    |k: usize| p > k && matches!(self.at(p - k - 1), 0x5b | 0x28 | 0x7b | 0x20);
                prev == 0x2e
                    || prev == 0x40
                    || (p >= 3 && self.has_ci(p - 3, b"dot") && word_start(3))
                    || (p >= 2 && self.has_ci(p - 2, b"at") && word_start(2))
            }
            _ => false,
        }
    }
}

/// The extra patterns that open a window, tried at each position in this order.
#[derive(Clone, Copy)]
enum Extra {
    CveUpper,
    CveLower,
    AsUpper,
    AsLower,
    DashedMac,
    Mozilla,
    PercentScheme,
    Esa,
    DotLower,
    DotUpper,
}

const EXTRAS: [Extra; 10] = [
    Extra::CveUpper,
    Extra::CveLower,
    Extra::AsUpper,
    Extra::AsLower,
    Extra::DashedMac,
    Extra::Mozilla,
    Extra::PercentScheme,
    Extra::Esa,
    Extra::DotLower,
    Extra::DotUpper,
];

#[inline]
fn is_dash(c: u32) -> bool {
    c == 0x2d || c == 0x5f || c == 0x20 || (0x2010..=0x2015).contains(&c) || c == 0x2212
}

impl<T: Unit> Text<'_, T> {
    /// The end of `extra`'s match at `p`, if it matches there.
    fn extra_at(&self, extra: Extra, p: usize) -> Option<usize> {
        match extra {
            Extra::CveUpper | Extra::CveLower => {
                let word: &[u8] = if matches!(extra, Extra::CveUpper) {
                    b"CVE"
                } else {
                    b"cve"
                };
                if !self.has(p, word) {
                    return None;
                }
                // "CVE[-_ dashes]?\d": the dash first, then without it.
                if is_dash(self.get(p + 3)) && p + 4 < self.n && is_digit(self.at(p + 4)) {
                    Some(p + 5)
                } else if p + 3 < self.n && is_digit(self.at(p + 3)) {
                    Some(p + 4)
                } else {
                    None
                }
            }
            Extra::AsUpper | Extra::AsLower => {
                let (word, n_char): (&[u8], u32) = if matches!(extra, Extra::AsUpper) {
                    (b"AS", 0x4e)
                } else {
                    (b"as", 0x6e)
                };
                if !self.has(p, word) {
                    return None;
                }
                // "AS[N ]? ?\d" in the engine's order of tries.
                let digit = |i: usize| i < self.n && is_digit(self.at(i));
                let x = self.get(p + 2);
                if x == n_char || x == 0x20 {
                    if self.get(p + 3) == 0x20 && digit(p + 4) {
                        return Some(p + 5);
                    }
                    if digit(p + 3) {
                        return Some(p + 4);
                    }
                }
                if x == 0x20 && digit(p + 3) {
                    return Some(p + 4);
                }
                if digit(p + 2) {
                    return Some(p + 3);
                }
                None
            }
            Extra::DashedMac => {
                let ok = self.at(p) == 0x2d
                    && is_hex(self.get(p + 1))
                    && is_hex(self.get(p + 2))
                    && self.get(p + 3) == 0x2d
                    && is_hex(self.get(p + 4))
                    && is_hex(self.get(p + 5))
                    && self.get(p + 6) == 0x2d;
                ok.then_some(p + 7)
            }
            Extra::Mozilla => self.has(p, b"Mozilla/").then_some(p + 8),
            Extra::PercentScheme => {
                let ok = self.has(p, b"%3")
                    && matches!(self.get(p + 2), 0x41 | 0x61)
                    && self.has(p + 3, b"%2")
                    && matches!(self.get(p + 5), 0x46 | 0x66)
                    && self.has(p + 6, b"%2")
                    && matches!(self.get(p + 8), 0x46 | 0x66);
                ok.then_some(p + 9)
            }
            Extra::Esa => {
                if !self.has(p, b"://") {
                    return None;
                }
                if is_blank(self.get(p + 3)) {
                    return Some(p + 4);
                }
                // "://label ." (a label of 1-63 letters, digits and hyphens).
                let mut q = p + 3;
                while q < self.n
                    && q - (p + 3) < 64
                    && (is_ascii_alnum(self.at(q)) || self.at(q) == 0x2d)
                {
                    q += 1;
                }
                let len = q - (p + 3);
                ((1..=63).contains(&len) && is_blank(self.get(q)) && self.get(q + 1) == 0x2e)
                    .then_some(q + 2)
            }
            Extra::DotLower => self.has(p, b" dot ").then_some(p + 5),
            Extra::DotUpper => self.has(p, b" DOT ").then_some(p + 5),
        }
    }
}

/// Sorted, merged `[start, end)` ranges of `t` that may hold observables.
pub fn windows<T: Unit>(t: &[T]) -> Vec<(usize, usize)> {
    let text = Text { t, n: t.len() };
    let n = text.n;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // Tokens (maximal runs of non-space): trigger tokens and long alphanumeric runs.
    let mut marks = Marks::new();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n {
        let k = text.cls(i);
        if k & C_SPACE != 0 {
            if k & C_MARK != 0 {
                marks.visit(&text, i, k, &mut spans);
            }
            i += 1;
            continue;
        }
        let s = i;
        let mut has_trigger = false;
        let mut run_start = usize::MAX;
        let mut prev_trigger = false;
        while i < n {
            let k = text.cls(i);
            if k & C_SPACE != 0 {
                break;
            }
            if k & C_MARK != 0 {
                marks.visit(&text, i, k, &mut spans);
            }
            // A trigger followed by a character of the token.
            has_trigger |= prev_trigger;
            prev_trigger = k & C_TRIGGER != 0;
            if k & C_ALNUM != 0 {
                if run_start == usize::MAX {
                    run_start = i;
                }
            } else if run_start != usize::MAX {
                if i - run_start >= MIN_RUN {
                    runs.push((run_start, i)); // widened once the token's end is known
                }
                run_start = usize::MAX;
            }
            i += 1;
        }
        let e = i;
        if run_start != usize::MAX && e - run_start >= MIN_RUN {
            runs.push((run_start, e));
        }
        // The runs of this token widened to it, at most 256 each side.
        for (rs, re) in runs.drain(..) {
            spans.push((s.max(rs.saturating_sub(MAX_LOOK)), e.min(re + MAX_LOOK)));
        }
        if has_trigger {
            if e - s > TRIG_SPAN {
                long_token(&text, s, e, &mut spans);
            } else {
                spans.push((s, e));
            }
        }
    }
    let mut merged = merge(spans);
    if !marks.holes.is_empty() {
        merged = exclude(merged, &marks.holes);
    }
    merged
}

/// A token longer than [`TRIG_SPAN`]: from each trigger (followed by a character of
/// the token) up to 4,096 characters on, and back from each trigger (preceded by one).
fn long_token<T: Unit>(text: &Text<'_, T>, s: usize, e: usize, spans: &mut Vec<(usize, usize)>) {
    let mut p = s;
    while p + 1 < e {
        if is_trigger(text.at(p)) {
            let end = (p + TRIG_SPAN).min(e);
            spans.push((p, end));
            p = end;
        } else {
            p += 1;
        }
    }
    // Backwards (the token reversed): a trigger with a character of the token after it
    // covers up to 4,096 characters before it; the next one is looked for before that.
    let mut o = e - 1; // candidates are below `o`
    while o > s {
        let q = o - 1;
        if is_trigger(text.at(q)) {
            let start = (q + 1).saturating_sub(TRIG_SPAN).max(s);
            spans.push((start, q + 1));
            o = start;
        } else {
            o = q;
        }
    }
}

/// The rules looked at one position at a time (spaced defang marks, the extra
/// patterns, base64 payloads), each with the state its own left-to-right scan keeps.
struct Marks {
    /// Where the next spaced mark may be (a mark inside the last one's token is skipped).
    pos: usize,
    /// Per extra pattern: where its next match may start, and the end of the last span
    /// a spelled-out dot opened (a match inside it opens none).
    next: [usize; EXTRAS.len()],
    covered: [usize; EXTRAS.len()],
    /// Where the next base64 payload may start, and the payloads found.
    b64_next: usize,
    holes: Vec<(usize, usize)>,
}

impl Marks {
    fn new() -> Self {
        Marks {
            pos: 0,
            next: [0; EXTRAS.len()],
            covered: [0; EXTRAS.len()],
            b64_next: 0,
            holes: Vec::new(),
        }
    }

    /// The rules at `p`, whose class is `k` (with one of the bits these rules start with).
    fn visit<T: Unit>(
        &mut self,
        text: &Text<'_, T>,
        p: usize,
        k: u8,
        spans: &mut Vec<(usize, usize)>,
    ) {
        if k & C_SPECIAL != 0 && p >= self.pos && text.special(p) {
            // A defang mark that may stand apart from its neighbours widens its window.
            let (start, end, wide_end) = text.widen(p, 3, 4);
            self.pos = end.max(p + 1);
            spans.push((start, wide_end));
        }
        if k & C_EXTRA != 0 {
            self.extras(text, p, spans);
        }
        if k & C_SEMI != 0 && p >= self.b64_next {
            if let Some(hole) = base64_at(text, p) {
                self.b64_next = hole.1;
                self.holes.push(hole);
            }
        }
    }

    fn extras<T: Unit>(&mut self, text: &Text<'_, T>, p: usize, spans: &mut Vec<(usize, usize)>) {
        let tries: &[usize] = match text.at(p) {
            0x43 => &[0],
            0x63 => &[1],
            0x41 => &[2],
            0x61 => &[3],
            0x2d => &[4],
            0x4d => &[5],
            0x25 => &[6],
            0x3a => &[7],
            _ => &[8, 9],
        };
        for &k in tries {
            let extra = EXTRAS[k];
            if p < self.next[k] {
                continue;
            }
            let Some(end) = text.extra_at(extra, p) else {
                continue;
            };
            self.next[k] = end;
            if p < self.covered[k] {
                continue;
            }
            match extra {
                Extra::Esa => {
                    let (start, _, wide_end) = text.widen(p, 0, 4);
                    spans.push((start, wide_end));
                }
                Extra::Mozilla => {
                    let limit = (p + 600).min(text.n);
                    let nl = (p..limit).find(|&q| text.at(q) == 0x0a).unwrap_or(limit);
                    spans.push((p, nl));
                }
                Extra::DotLower | Extra::DotUpper => {
                    let span = (text.left(p, 3), text.right(end, 3));
                    self.covered[k] = span.1;
                    spans.push(span);
                }
                _ => {
                    let (start, _, wide_end) = text.widen(p, 0, 2);
                    spans.push((start, wide_end));
                }
            }
        }
    }
}

/// The spans merged: a span that starts at most one character past all before it joins them.
fn merge(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len() / 2 + 1);
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The payload of inline base64 data at `p` (`;base64,` then 64 or more base64
/// characters), if there is one.
fn base64_at<T: Unit>(text: &Text<'_, T>, p: usize) -> Option<(usize, usize)> {
    if !text.has(p, b";base64,") {
        return None;
    }
    let s = p + 8;
    let mut q = s;
    while q < text.n && {
        let c = text.at(q);
        is_ascii_alnum(c) || c == 0x2b || c == 0x2f || c == 0x3d
    } {
        q += 1;
    }
    (q - s >= 64).then_some((s, q))
}

/// `spans` minus `holes` (both sorted, non-overlapping).
fn exclude(spans: Vec<(usize, usize)>, holes: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(spans.len() + holes.len());
    let mut h = 0;
    for (mut s, e) in spans {
        while h < holes.len() && holes[h].1 <= s {
            h += 1;
        }
        let mut k = h;
        let mut done = false;
        while k < holes.len() && holes[k].0 < e {
            let (hs, he) = holes[k];
            if s < hs {
                out.push((s, hs));
            }
            if e > he {
                s = he;
                k += 1;
            } else {
                done = true;
                break;
            }
        }
        if !done {
            out.push((s, e));
        }
    }
    out
}

/// The windows of a text (each with the character before it), gaps cut to [`GAP`]
/// fillers: the compact text's code points, and per window after a gap the compact
/// offset where it starts and what to add to reach the original offset.
pub struct Compact {
    pub text: Vec<u32>,
    pub starts: Vec<usize>,
    pub shifts: Vec<i64>,
}

/// See [`Compact`].
pub fn compact<T: Unit>(t: &[T]) -> Compact {
    let n = t.len();
    let wins = windows(t);
    if wins.is_empty() {
        return Compact {
            text: vec![FILLER; n.min(GAP)],
            starts: vec![0],
            shifts: vec![0],
        };
    }
    let mut text: Vec<u32> = Vec::new();
    let mut starts = vec![0usize];
    let mut shifts = vec![0i64];
    let mut prev_end = 0usize;
    for &(ws, we) in &wins {
        // Each window keeps the character before it, but never overlaps the one before.
        let start = ws.saturating_sub(1).max(prev_end);
        let gap = start - prev_end;
        text.extend(std::iter::repeat_n(FILLER, gap.min(GAP)));
        if gap > 0 {
            starts.push(text.len());
            shifts.push(start as i64 - text.len() as i64);
        }
        text.extend(t[start..we.max(start)].iter().map(|u| u.cp()));
        prev_end = we.max(start);
    }
    let tail = n - prev_end;
    text.extend(std::iter::repeat_n(FILLER, tail.min(GAP)));
    Compact {
        text,
        starts,
        shifts,
    }
}

/// Typographic quotes and brackets and their ASCII stand-ins (one for one, so offsets
/// do not move): quotes become angle brackets, which end every pattern.
pub fn typographic(c: u32) -> Option<u32> {
    Some(match c {
        0x00ab | 0x201c | 0x201e | 0x201f | 0x300c | 0x300e | 0x2018 | 0x201a | 0x201b | 0x2039
        | 0x3008 | 0x300a | 0xff1c => 0x3c,
        0x00bb | 0x201d | 0x300d | 0x300f | 0x2019 | 0x203a | 0x3009 | 0x300b | 0xff1e => 0x3e,
        0x3010 | 0x3014 | 0xff3b => 0x5b,
        0x3011 | 0x3015 | 0xff3d => 0x5d,
        0xff08 => 0x28,
        0xff09 => 0x29,
        0xff5b => 0x7b,
        0xff5d => 0x7d,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<(usize, usize)> {
        let t: Vec<u32> = s.chars().map(u32::from).collect();
        windows(t.as_slice())
    }

    #[test]
    fn trigger_tokens_and_runs_open_windows() {
        assert_eq!(w("see evil.com now"), vec![(4, 12)]);
        assert_eq!(w("plain words only"), vec![]);
        let hash = "a".repeat(32);
        assert_eq!(w(&format!("x {hash} y")), vec![(2, 34)]);
        // A trigger at the token's end (nothing after it) opens nothing.
        assert_eq!(w("end. of it:"), vec![]);
    }

    #[test]
    fn ascii_and_wide_units_agree() {
        let text =
            "mail bob @ example [.] com or CVE 2021 44228 and AS 13335, -aa-bb-cc Mozilla/5.0 (X)";
        let bytes = text.as_bytes();
        assert_eq!(windows(bytes), w(text));
        assert!(!windows(bytes).is_empty());
    }

    #[test]
    fn spaced_marks_widen_to_neighbouring_tokens() {
        // "bob @ example [.] com": the "@" reaches three tokens back and four on.
        assert_eq!(w("one two three bob @ example [.] com end"), vec![(4, 39)]);
        assert_eq!(w("user at example dot com"), vec![(0, 23)]);
    }

    #[test]
    fn base64_payloads_are_cut_out() {
        let payload = "QUJD".repeat(20);
        let text = format!("data:image/png;base64,{payload} x");
        assert_eq!(w(&text), vec![(0, 22)]);
    }

    #[test]
    fn long_tokens_are_covered_piecewise() {
        let text = format!("{}.{}", "-".repeat(5000), "_".repeat(5000));
        let spans = w(&text);
        assert_eq!(spans, vec![(5001 - TRIG_SPAN, 5000 + TRIG_SPAN)]);
    }

    #[test]
    fn compact_keeps_offsets_and_cuts_gaps() {
        let text = format!("{}evil.com{}", "word ".repeat(10), " tail".repeat(10));
        let t: Vec<u32> = text.chars().map(u32::from).collect();
        let c = compact(t.as_slice());
        let s: String = c
            .text
            .iter()
            .map(|&u| char::from_u32(u).unwrap_or('?'))
            .collect();
        assert_eq!(
            s,
            format!("{} evil.com{}", "\u{1}".repeat(GAP), "\u{1}".repeat(GAP))
        );
        assert_eq!(c.starts, vec![0, GAP]);
        assert_eq!(c.shifts, vec![0, 49 - GAP as i64]);
    }

    #[test]
    fn unicode_digits_count_as_digits() {
        assert!(is_digit(0x0663)); // ARABIC-INDIC DIGIT THREE
        assert!(!is_digit(0x00b2)); // SUPERSCRIPT TWO is No, not Nd
        assert!(!is_digit(0xd800));
        assert_eq!(w("CVE\u{0663}"), vec![(0, 4)]);
    }

    #[test]
    fn pathological_inputs_stay_linear() {
        for unit in [".", "1.", "[.]", " dot ", "@ ", "a", "-aa-bb-", ";base64,"] {
            let text = unit.repeat(200_000 / unit.len());
            let t: Vec<u32> = text.chars().map(u32::from).collect();
            let spans = windows(t.as_slice());
            assert!(spans.windows(2).all(|p| p[0].1 + 1 < p[1].0));
            assert!(spans.iter().all(|&(s, e)| s < e && e <= t.len()));
        }
    }
}

/// Letters, digits, "-" and "_": what a defang mark must stand between.
#[inline]
fn is_label(c: u32) -> bool {
    is_ascii_alnum(c) || c == 0x2d || c == 0x5f
}

#[inline]
fn is_open(c: u32) -> bool {
    matches!(c, 0x5b | 0x28 | 0x7b)
}

#[inline]
fn is_close(c: u32) -> bool {
    matches!(c, 0x5d | 0x29 | 0x7d)
}

/// A replacement of the refang edits: `[start, end)` becomes `text`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: &'static str,
}

impl<T: Unit> Text<'_, T> {
    /// The number of `pred` characters from `i` on, at most `max`.
    fn run(&self, i: usize, max: usize, pred: impl Fn(u32) -> bool) -> usize {
        let mut q = i;
        while q < self.n && q - i < max && pred(self.at(q)) {
            q += 1;
        }
        q - i
    }

    /// The start of the blanks (at most 4) just before `start`.
    fn lead(&self, start: usize) -> usize {
        let mut s = start;
        while s > 0 && is_blank(self.at(s - 1)) && start - s < 4 {
            s -= 1;
        }
        s
    }

    /// After a mark that ends at `q`: up to three blanks followed by a letter or digit.
    fn blanks_then_alnum(&self, q: usize) -> usize {
        let b = self.run(q, 4, is_blank);
        if (1..=3).contains(&b) && q + b < self.n && is_ascii_alnum(self.at(q + b)) {
            b
        } else {
            0
        }
    }

    /// A bracketed mark at `p` (an opening bracket): its end, and which mark.
    fn bracket_at(&self, p: usize) -> Option<(usize, Mark)> {
        if p > 0 && is_open(self.at(p - 1)) {
            return None; // not right after another opening bracket
        }
        let mut q = p + 1;
        let extra = self.run(q, 8, is_open);
        if extra > 7 {
            return None;
        }
        q += extra;
        q += self.run(q, 3, is_blank);
        let c = self.get(q);
        // "[.]", "[dot]", "( . ) "
        let dot = if c == 0x2e {
            1
        } else if self.has_ci(q, b"dot") {
            3
        } else {
            0
        };
        if dot > 0 {
            let mut e = q + dot;
            e += self.run(e, 3, is_blank);
            e += self.run(e, 8, is_close);
            e += self.blanks_then_alnum(e);
            return Some((e, Mark::Dot));
        }
        // "[@]", "(at)", "{ at } "
        let at = if c == 0x40 {
            1
        } else if self.has_ci(q, b"at") {
            2
        } else {
            0
        };
        if at > 0 {
            let mut e = q + at;
            e += self.run(e, 3, is_blank);
            let closes = self.run(e, 4, is_close);
            if closes >= 1 {
                e += closes;
                e += self.run(e, 3, is_blank);
                return Some((e, Mark::At));
            }
        }
        // "[://]", "[:/]", "[:]", "[/]", "[:\\]" then a closing bracket.
        let close_after = |len: usize| q + len < self.n && is_close(self.at(q + len));
        if self.has(q, b"://") && close_after(3) {
            return Some((q + 4, Mark::Colon("://")));
        }
        if self.has(q, b":/") && close_after(2) {
            return Some((q + 3, Mark::Colon(":/")));
        }
        if c == 0x3a && close_after(1) {
            return Some((q + 2, Mark::Colon(":")));
        }
        if c == 0x2f && close_after(1) {
            return Some((q + 2, Mark::Colon("/")));
        }
        if self.has(q, b":\\\\") && close_after(3) {
            return Some((q + 4, Mark::Colon("://")));
        }
        // "[/x": a bracket before a slash and a letter or digit.
        if c == 0x2f && q + 1 < self.n && is_ascii_alnum(self.at(q + 1)) {
            return Some((q + 1, Mark::Slash));
        }
        None
    }

    /// Whether the backslashes `[start, end)` (before a ".") separate path parts
    /// (`HKU\\.DEFAULT\\Software`, `C:\\Users\\bob\\.ssh`), not escape a dot.
    fn in_path(&self, start: usize, end: usize) -> bool {
        // A dotted segment that ends at another separator.
        let k = self.run(end + 1, 256, |c| !is_space(c) && c != 0x5c && c != 0x2f);
        if k <= 255 && self.get(end + 1 + k) == 0x5c {
            let b = self.run(end + 1 + k, usize::MAX, |c| c == 0x5c);
            if !matches!(self.get(end + 1 + k + b), 0x2e | 0x5f | 0x5c | 0x2d)
                || end + 1 + k + b >= self.n
            {
                return true;
            }
        }
        // Or a separator earlier in the same token (at most 256 characters back).
        let from = start.saturating_sub(256);
        let mut token = from;
        for q in (from..start).rev() {
            if matches!(self.at(q), 0x20 | 0x0a | 0x09) {
                token = q + 1;
                break;
            }
        }
        let mut q = token;
        while q < start {
            if self.at(q) == 0x5c {
                let mut r = q;
                while r < start && self.at(r) == 0x5c {
                    r += 1;
                }
                if r == start || !matches!(self.at(r), 0x2e | 0x5f | 0x2d) {
                    return true;
                }
                q = r;
            } else {
                q += 1;
            }
        }
        false
    }
}

/// Which bracketed mark.
#[derive(Clone, Copy)]
enum Mark {
    Dot,
    At,
    Colon(&'static str),
    Slash,
}

/// The punctuation refang edits of `t` (what `refang._edits` did), sorted: bracketed
/// and escaped dots, bracketed "@" and scheme colons, spaced "@", JSON-escaped slashes,
/// Cisco ESA's spaced URLs and full-width dots, colons, slashes and "@".
pub fn refang_edits<T: Unit>(t: &[T]) -> Vec<Edit> {
    let text = Text { t, n: t.len() };
    let n = text.n;
    let mut edits: Vec<Edit> = Vec::new();
    let mut add = |start: usize, end: usize, rep: &'static str| {
        edits.push(Edit {
            start,
            end,
            text: rep,
        })
    };
    let label_at = |i: usize| i < n && is_label(text.at(i));
    // Each rule is its own left-to-right scan of non-overlapping matches.
    let (
        mut next_bracket,
        mut next_cdot,
        mut next_bslash,
        mut next_eslash,
        mut next_spat,
        mut next_esa,
    ) = (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    for p in 0..n {
        let c = text.at(p);
        match c {
            0x5b | 0x28 | 0x7b if p >= next_bracket => {
                if let Some((end, mark)) = text.bracket_at(p) {
                    next_bracket = end;
                    match mark {
                        Mark::Dot => {
                            let s = if p > 0 && is_blank(text.at(p - 1)) {
                                text.lead(p)
                            } else {
                                p
                            };
                            if s > 0 && label_at(s - 1) && label_at(end) {
                                add(s, end, ".");
                            }
                        }
                        Mark::At => {
                            let s = text.lead(p);
                            if s > 0 && (label_at(s - 1) || matches!(text.at(s - 1), 0x2e | 0x2b)) {
                                add(s, end, "@");
                            }
                        }
                        // A slash right after a backslash would read as a JSON-escaped
                        // one on a second pass ("\\[/a"): left as written.
                        Mark::Colon("/") | Mark::Slash if p > 0 && text.at(p - 1) == 0x5c => {}
                        Mark::Colon(rep) => add(p, end, rep),
                        Mark::Slash => add(p, end, "/"),
                    }
                }
            }
            0x2e if p >= next_cdot => {
                // "evil.]com", "1\\.)1": a dot, blanks, closing brackets.
                let mut e = p + 1 + text.run(p + 1, 4, is_blank);
                if e - p - 1 > 3 {
                    continue;
                }
                let closes = text.run(e, 8, is_close);
                if closes == 0 {
                    continue;
                }
                e += closes;
                e += text.blanks_then_alnum(e);
                next_cdot = e;
                let mut s = p;
                while s > 0 && text.at(s - 1) == 0x5c && p - s < 15 {
                    s -= 1;
                }
                if s > 0 && label_at(s - 1) && label_at(e) {
                    add(s, e, ".");
                }
            }
            _ => {}
        }
        if c == 0x5c && p >= next_bslash {
            // "evil\\.com": backslashes (at most 16) before ".", "_" or "-".
            let r = text.run(p, 17, |c| c == 0x5c);
            if r <= 16 && matches!(text.get(p + r), 0x2e | 0x5f | 0x2d) && p + r < n {
                let end = p + r;
                next_bslash = end;
                if p > 0
                    && label_at(p - 1)
                    && end + 1 < n
                    && label_at(end + 1)
                    && (text.at(end) != 0x2e || !text.in_path(p, end))
                {
                    add(p, end, "");
                }
            }
        }
        if c == 0x5c && p >= next_eslash && text.get(p + 1) == 0x2f {
            next_eslash = p + 2;
            // JSON: "http:\\/\\/example.com\\/x". Not after a backslash (escaped itself),
            // nor after an opening bracket ("[\\/a" would become the bracketed slash
            // "[/a", undone again on a second pass).
            if p == 0 || !(text.at(p - 1) == 0x5c || is_open(text.at(p - 1))) {
                add(p, p + 2, "/");
            }
        }
        if c == 0x40 && p >= next_spat {
            if let Some(end) = spaced_at(&text, p) {
                next_spat = end;
                let s = text.lead(p);
                if (s != p || end != p + 1)
                    && s > 0
                    && (label_at(s - 1) || matches!(text.at(s - 1), 0x2e | 0x2b))
                {
                    add(s, end, "@");
                }
            }
        }
        if c == 0x3a && p >= next_esa && text.has(p, b"://") {
            if let Some(end) = esa_at(&text, p, &mut add) {
                next_esa = end;
            }
        }
        if matches!(c, 0x3002 | 0xff0e | 0xff61 | 0xff1a | 0xff0f | 0xff20) {
            let rep = match c {
                0xff1a => ":",
                0xff0f => "/",
                0xff20 => "@",
                _ => ".",
            };
            let joined = p > 0 && p + 1 < n && label_at(p - 1) && label_at(p + 1);
            if joined || (c == 0xff1a && text.has(p + 1, b"//")) {
                add(p, p + 1, rep);
            }
        }
    }
    edits.sort();
    edits
}

/// A spaced or bracket-closed "@" at `p` ("me @ example", "me @example" after a blank,
/// "me@} example"): the end of the mark.
fn spaced_at<T: Unit>(text: &Text<'_, T>, p: usize) -> Option<usize> {
    let host_start = |i: usize| i < text.n && (is_ascii_alnum(text.at(i)) || text.at(i) == 0x5b);
    let b = text.run(p + 1, 4, is_blank);
    if (1..=3).contains(&b) && host_start(p + 1 + b) {
        return Some(p + 1 + b);
    }
    if p > 0 && is_blank(text.at(p - 1)) && host_start(p + 1) {
        return Some(p + 1);
    }
    if b > 3 {
        return None;
    }
    let mut e = p + 1 + b;
    let closes = text.run(e, 5, is_close);
    if !(1..=4).contains(&closes) {
        return None;
    }
    e += closes;
    let b2 = text.run(e, 4, is_blank);
    if b2 > 3 {
        return None;
    }
    e += b2;
    host_start(e).then_some(e)
}

/// Cisco ESA's rewriting of a URL at `p` ("http:// example .com /path"): adds the edits
/// that drop its blanks and returns the match's end.
fn esa_at<T: Unit>(
    text: &Text<'_, T>,
    p: usize,
    add: &mut impl FnMut(usize, usize, &'static str),
) -> Option<usize> {
    let is_lbl = |c: u32| is_ascii_alnum(c) || c == 0x2d;
    let mut q = p + 3;
    let first = usize::from(q < text.n && is_blank(text.at(q)));
    q += first;
    let l = text.run(q, 64, is_lbl);
    if !(1..=63).contains(&l) {
        return None;
    }
    q += l;
    let mut blanks: Vec<(usize, &'static str)> = Vec::new();
    while blanks.len() < 8 && is_blank(text.get(q)) && text.get(q + 1) == 0x2e {
        let l = text.run(q + 2, 63, is_lbl);
        if l == 0 {
            break;
        }
        blanks.push((q, "."));
        q += 2 + l;
    }
    if blanks.is_empty() {
        return None;
    }
    if is_blank(text.get(q)) && text.get(q + 1) == 0x2f {
        blanks.push((q, "/"));
        q += 2;
    }
    if first == 1 {
        add(p + 3, p + 4, "");
    }
    for (b, rep) in blanks {
        add(b, b + 2, rep);
    }
    Some(q)
}

#[cfg(test)]
mod refang_tests {
    use super::*;

    fn apply(s: &str) -> String {
        let t: Vec<u32> = s.chars().map(u32::from).collect();
        let mut out = String::new();
        let mut pos = 0;
        for e in refang_edits(t.as_slice()) {
            if e.start < pos {
                continue;
            }
            out.extend(t[pos..e.start].iter().filter_map(|&c| char::from_u32(c)));
            out.push_str(e.text);
            pos = e.end;
        }
        out.extend(t[pos..].iter().filter_map(|&c| char::from_u32(c)));
        out
    }

    #[test]
    fn defang_forms_are_undone() {
        assert_eq!(apply("evil[.]com"), "evil.com");
        assert_eq!(apply("evil [ dot ] com"), "evil.com");
        assert_eq!(apply("evil.]com"), "evil.com");
        assert_eq!(apply("evil\\.com"), "evil.com");
        assert_eq!(apply("me[at]example.com"), "me@example.com");
        assert_eq!(apply("me @ example.com"), "me@example.com");
        assert_eq!(apply("hxxp[://]evil.com"), "hxxp://evil.com");
        assert_eq!(apply("http:\\/\\/evil.com"), "http://evil.com");
        assert_eq!(apply("http:// example .com /x"), "http://example.com/x");
        assert_eq!(apply("evil\u{3002}com"), "evil.com");
    }

    #[test]
    fn paths_and_prose_are_left_alone() {
        assert_eq!(apply("HKU\\.DEFAULT\\Software"), "HKU\\.DEFAULT\\Software");
        assert_eq!(apply("(dot) alone"), "(dot) alone");
        assert_eq!(apply("a [.] !"), "a [.] !");
        // More than seven extra brackets is no defang.
        assert_eq!(apply("a[[[[[[[[[.]b"), "a[[[[[[[[[.]b");
        // Refanging twice changes nothing: no slash is made after a backslash.
        assert_eq!(apply("\\[/a"), "\\[/a");
        assert_eq!(apply("\\[/]a"), "\\[/]a");
        assert_eq!(apply("[\\/a"), "[\\/a");
    }

    #[test]
    fn edits_stay_inside_and_never_grow() {
        for unit in [
            "[.]", "a[.]", "\\", "a\\.", "[[[[", "]]]]", " @ ", "://a .b", "a.]", "\\/",
        ] {
            let text = unit.repeat(20_000 / unit.len());
            let t: Vec<u32> = text.chars().map(u32::from).collect();
            let edits = refang_edits(t.as_slice());
            assert!(edits.windows(2).all(|p| p[0] <= p[1]));
            assert!(edits
                .iter()
                .all(|e| e.start < e.end && e.end <= t.len() && e.text.len() <= e.end - e.start));
        }
    }
}
