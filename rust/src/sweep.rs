//! The multi-pattern matching of `unmask sweep` (docs/defend-sweep.md, "How lines are
//! matched"): every literal found at once ([`Literals`]), the boundary rules of each
//! indicator type, CIDR ranges, hashes looked up by token, and percent-escaped lines.
//!
//! Offsets here are byte offsets in UTF-8 text; the bindings turn them into character
//! offsets. Letters are folded for ASCII only (`A`-`Z`), as the log is read. Every pass
//! is linear in the text (the literal scan, and single forward scans for addresses, hex
//! runs and escapes); boundary checks look at a bounded number of characters, except
//! the walks back over a subdomain's labels (at most 254 bytes) and over a URL's scheme
//! (scheme characters only, so each byte is walked at most once per match ending there).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::literals::{Literals, StartClass};

/// How a hit was found: one of `EXACT`, `SUBDOMAIN`, `IN_RANGE`, maybe with `DECODED`.
pub const EXACT: u8 = 0;
pub const SUBDOMAIN: u8 = 1;
pub const IN_RANGE: u8 = 2;
/// Set when the line wrote the hit with percent-escapes.
pub const DECODED: u8 = 4;

/// Hash lengths (hex digits) looked up by token.
const HASH_LENGTHS: [usize; 4] = [32, 40, 64, 128];

/// The boundary rules an entry is judged by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Domain,
    Ipv4Cidr,
    Ipv4,
    Ipv6,
    Email,
    Url,
    Hash,
    FileName,
    /// Word boundaries where the value starts or ends with a word character.
    Generic,
}

impl Kind {
    /// Where a literal of this kind may start (a necessary condition of its rules).
    fn start_class(self, word_first: bool) -> StartClass {
        match self {
            Kind::Domain | Kind::Email | Kind::Url | Kind::Hash | Kind::FileName => {
                StartClass::NotAfterAlnum
            }
            Kind::Ipv4 | Kind::Ipv4Cidr => StartClass::NotAfterDigit,
            Kind::Ipv6 => StartClass::NotAfterHex,
            Kind::Generic if word_first => StartClass::NotAfterAlnum,
            Kind::Generic => StartClass::Anywhere,
        }
    }

    /// The kind of an indicator type (as unmask names types).
    pub fn of_type(type_: &str) -> Kind {
        match type_ {
            "domain" => Kind::Domain,
            "ipv4_cidr" => Kind::Ipv4Cidr,
            "ipv4" => Kind::Ipv4,
            "ipv6" => Kind::Ipv6,
            "email" => Kind::Email,
            "url" => Kind::Url,
            "md5" | "sha1" | "sha256" | "sha512" => Kind::Hash,
            "file_name" => Kind::FileName,
            _ => Kind::Generic,
        }
    }
}

/// One literal to look for, as the Python side describes it.
#[derive(Clone, Debug)]
pub struct EntrySpec {
    /// The text as it must appear, UTF-8 (unfolded; a URL without its scheme; a CIDR's
    /// prefix).
    pub key: Vec<u8>,
    pub kind: Kind,
    /// Character offset in `key` from which the case must match (a URL's path, a wallet).
    pub exact_from: usize,
    /// The indicator's rank: hits are ordered by it after their span.
    pub index: u32,
    /// Generic kind only: the value starts / ends with a word character.
    pub word_first: bool,
    pub word_last: bool,
    /// CIDR only: first and last address of the range.
    pub range: (u32, u32),
}

#[derive(Clone, Debug)]
struct Entry {
    key: Vec<u8>,
    kind: Kind,
    exact_from: usize, // bytes
    index: u32,
    word_first: bool,
    word_last: bool,
    open_end: bool,
    range: (u32, u32),
}

/// A hit: byte span in the text, how it was found, the indicator's rank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub index: u32,
    pub how: u8,
    is_domain: bool,
}

/// The compiled matcher of an indicator set.
pub struct Matcher {
    literals: Literals,
    /// Per literal: the entries with that folded key.
    groups: Vec<Vec<Entry>>,
    /// Some key holds a newline: escapes are then decoded over the whole text, not per line.
    newline_in_key: bool,
    /// Hashes looked up by whole hex token (folded value -> ranks).
    hashes: HashMap<Vec<u8>, Vec<u32>>,
    /// Wide CIDR ranges (start, end, rank), sorted by start, with the running maximum of ends.
    ranges: Vec<(u32, u32, u32)>,
    reach: Vec<u32>,
}

impl Matcher {
    /// Builds the literal set. `hashes` are (folded value, rank) looked up by token;
    /// `ranges` (first, last, rank) are matched against every IPv4 address.
    pub fn new(
        entries: Vec<EntrySpec>,
        hashes: Vec<(Vec<u8>, u32)>,
        mut ranges: Vec<(u32, u32, u32)>,
    ) -> Result<Matcher, String> {
        let mut by_key: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut groups: Vec<Vec<Entry>> = Vec::new();
        let mut newline_in_key = false;
        for spec in entries {
            let folded = spec.key.to_ascii_lowercase();
            if folded.is_empty() {
                continue;
            }
            newline_in_key |= folded.contains(&b'\n');
            let exact_from = crate::text::char_to_byte(&spec.key, spec.exact_from);
            let open_end = matches!(spec.key.last(), Some(b'/' | b'?' | b'=' | b'&' | b'#'));
            let entry = Entry {
                key: spec.key,
                kind: spec.kind,
                exact_from,
                index: spec.index,
                word_first: spec.word_first,
                word_last: spec.word_last,
                open_end,
                range: spec.range,
            };
            let slot = *by_key.entry(folded.clone()).or_insert_with(|| {
                patterns.push(folded);
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[slot].push(entry);
        }
        // A literal that several entries share may start where the weakest rule allows.
        let weakness = |c: StartClass| match c {
            StartClass::NotAfterAlnum => 0,
            StartClass::NotAfterHex => 1,
            StartClass::NotAfterDigit => 2,
            StartClass::Anywhere => 3,
        };
        let literals: Vec<(Vec<u8>, StartClass)> = patterns
            .into_iter()
            .zip(&groups)
            .map(|(pattern, group)| {
                let class = group
                    .iter()
                    .map(|e| e.kind.start_class(e.word_first))
                    .max_by_key(|&c| weakness(c))
                    .unwrap_or(StartClass::Anywhere);
                (pattern, class)
            })
            .collect();
        let literals = Literals::new(&literals);
        let mut table: HashMap<Vec<u8>, Vec<u32>> = HashMap::new();
        for (value, index) in hashes {
            table
                .entry(value.to_ascii_lowercase())
                .or_default()
                .push(index);
        }
        ranges.sort_by_key(|r| (r.0, r.1));
        let mut reach = Vec::with_capacity(ranges.len());
        for r in &ranges {
            let top = reach.last().map_or(r.1, |&m: &u32| m.max(r.1));
            reach.push(top);
        }
        Ok(Matcher {
            literals,
            groups,
            newline_in_key,
            hashes: table,
            ranges,
            reach,
        })
    }

    /// Longest literal in bytes.
    pub fn longest(&self) -> usize {
        self.literals.longest()
    }

    /// Every hit in `text` ending in `(skip, limit]` (byte offsets), sorted by span and
    /// rank, a subdomain hit dropped where the same span is an exact domain hit.
    /// The text is UTF-8 (surrogates written as by Python's `surrogatepass` are read as
    /// characters that belong to no class).
    pub fn scan(&self, t: &[u8], skip: usize, limit: usize) -> Vec<Hit> {
        let limit = limit.min(t.len());
        let mut found: Vec<Hit> = Vec::new();
        if limit <= skip {
            return found;
        }
        if !self.groups.is_empty() {
            let from = skip.saturating_sub(self.literals.longest());
            self.literals.find(t, from, limit, |s, id| {
                let e = s + self.literals.len_of(id);
                if e <= skip {
                    return;
                }
                for entry in &self.groups[id as usize] {
                    if let Some((a, b, how)) = judge(t, s, e, entry) {
                        found.push(Hit {
                            start: a,
                            end: b,
                            index: entry.index,
                            how,
                            is_domain: entry.kind == Kind::Domain,
                        });
                    }
                }
            });
            if memchr::memchr(b'%', t).is_some() {
                self.decoded_hits(t, skip, limit, &mut found);
            }
        }
        if !self.hashes.is_empty() {
            self.hash_hits(t, skip, limit, &mut found);
        }
        if !self.ranges.is_empty() {
            self.range_hits(t, skip, limit, &mut found);
        }
        found.sort_unstable();
        found.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.index == b.index);
        let exact: std::collections::HashSet<(usize, usize)> = found
            .iter()
            .filter(|h| h.is_domain && h.how & !DECODED == EXACT)
            .map(|h| (h.start, h.end))
            .collect();
        if !exact.is_empty() {
            found.retain(|h| !(h.how & !DECODED == SUBDOMAIN && exact.contains(&(h.start, h.end))));
        }
        found
    }

    /// Matches in the text with its printable escapes (`%20`-`%7F`) decoded, reported
    /// with the span as written; only hits whose span holds an escape. Judging never
    /// looks across a newline, so each line with an escape is decoded on its own.
    fn decoded_hits(&self, t: &[u8], skip: usize, limit: usize, found: &mut Vec<Hit>) {
        let mut segments: Vec<(usize, usize)> = Vec::new();
        if self.newline_in_key {
            segments.push((0, t.len()));
        } else {
            let mut last_end = usize::MAX;
            for p in memchr::memchr_iter(b'%', t) {
                if last_end != usize::MAX && p < last_end {
                    continue;
                }
                let start = memchr::memrchr(b'\n', &t[..p]).map_or(0, |i| i + 1);
                let end = memchr::memchr(b'\n', &t[p..]).map_or(t.len(), |i| p + i);
                last_end = end;
                // A line ending at or before `skip` has nothing new, one starting past
                // `limit` is for the next block.
                if end <= skip || start >= limit {
                    continue;
                }
                segments.push((start, end));
            }
        }
        let mut plain: Vec<u8> = Vec::new();
        let mut escapes: Vec<usize> = Vec::new();
        for (seg_start, seg_end) in segments {
            let seg = &t[seg_start..seg_end];
            plain.clear();
            escapes.clear();
            let mut i = 0;
            while i < seg.len() {
                if seg[i] == b'%' && is_escape(seg, i) {
                    escapes.push(i);
                    plain.push(hex_value(seg[i + 1]) << 4 | hex_value(seg[i + 2]));
                    i += 3;
                } else {
                    plain.push(seg[i]);
                    i += 1;
                }
            }
            if escapes.is_empty() {
                continue;
            }
            // The k-th escape, at escapes[k] as written, is one byte at escapes[k] - 2k decoded.
            let decoded_at: Vec<usize> = escapes
                .iter()
                .enumerate()
                .map(|(k, &p)| p - 2 * k)
                .collect();
            let written = |d: usize| -> (usize, usize) {
                let k = decoded_at.partition_point(|&x| x < d);
                if k < decoded_at.len() && decoded_at[k] == d {
                    (escapes[k], 3)
                } else {
                    (d + 2 * k, 1)
                }
            };
            self.literals.find(&plain, 0, plain.len(), |s, id| {
                let e = s + self.literals.len_of(id);
                for entry in &self.groups[id as usize] {
                    let Some((a, b, how)) = judge(&plain, s, e, entry) else {
                        continue;
                    };
                    let start = seg_start + written(a).0;
                    let (tail, width) = written(b - 1);
                    let end = seg_start + tail + width;
                    if end <= skip || end > limit || end - start == b - a {
                        continue;
                    }
                    found.push(Hit {
                        start,
                        end,
                        index: entry.index,
                        how: how | DECODED,
                        is_domain: entry.kind == Kind::Domain,
                    });
                }
            });
        }
    }

    /// Whole hex tokens of hash length (nothing alphanumeric or `_` on either side).
    fn hash_hits(&self, t: &[u8], skip: usize, limit: usize, found: &mut Vec<Hit>) {
        let mut i = 0;
        let n = t.len();
        let mut key: Vec<u8> = Vec::with_capacity(128);
        while i < n {
            if !t[i].is_ascii_hexdigit() {
                i += 1;
                continue;
            }
            let s = i;
            while i < n && t[i].is_ascii_hexdigit() {
                i += 1;
            }
            let e = i;
            if e - s < 32 || e <= skip || e > limit || !HASH_LENGTHS.contains(&(e - s)) {
                continue;
            }
            if prev_char(t, s).is_some_and(word) || next_char(t, e).is_some_and(word) {
                continue;
            }
            key.clear();
            key.extend(t[s..e].iter().map(u8::to_ascii_lowercase));
            if let Some(ranks) = self.hashes.get(&key) {
                for &index in ranks {
                    found.push(Hit {
                        start: s,
                        end: e,
                        index,
                        how: EXACT,
                        is_domain: false,
                    });
                }
            }
        }
    }

    /// Every IPv4 address of the text looked up among the wide ranges.
    fn range_hits(&self, t: &[u8], skip: usize, limit: usize, found: &mut Vec<Hit>) {
        let lowest = self.ranges[0].0;
        let highest = *self.reach.last().unwrap_or(&0);
        let n = t.len();
        let mut i = 0;
        while i < n {
            if !t[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let starts_run = i == 0 || !t[i - 1].is_ascii_digit();
            let after_digit_dot = i >= 2 && t[i - 1] == b'.' && t[i - 2].is_ascii_digit();
            if !starts_run || after_digit_dot {
                i += 1;
                continue;
            }
            let Some((end, octets)) = address_at(t, i) else {
                i += 1;
                continue;
            };
            let s = i;
            i = end;
            if end <= skip || end > limit || octets.iter().any(|&o| o > 255) {
                continue;
            }
            let address = octets.iter().fold(0u32, |acc, &o| (acc << 8) | o);
            if address < lowest || address > highest {
                continue;
            }
            let mut j = self.ranges.partition_point(|r| r.0 <= address);
            while j > 0 && self.reach[j - 1] >= address {
                let (first, last, index) = self.ranges[j - 1];
                if first <= address && address <= last {
                    found.push(Hit {
                        start: s,
                        end,
                        index,
                        how: IN_RANGE,
                        is_domain: false,
                    });
                }
                j -= 1;
            }
        }
    }
}

fn is_escape(seg: &[u8], i: usize) -> bool {
    i + 2 < seg.len() && matches!(seg[i + 1], b'2'..=b'7') && seg[i + 2].is_ascii_hexdigit()
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// An address written at `s`: three groups of 1-3 digits and a dot, then 1-3 digits not
/// followed by a digit nor by a dot and a digit. Returns its end and its four numbers.
fn address_at(t: &[u8], s: usize) -> Option<(usize, [u32; 4])> {
    let n = t.len();
    let mut octets = [0u32; 4];
    let mut i = s;
    for (k, octet) in octets.iter_mut().enumerate() {
        let begin = i;
        while i < n && t[i].is_ascii_digit() && i - begin < 4 {
            i += 1;
        }
        let digits = i - begin;
        if digits == 0 || digits > 3 {
            return None;
        }
        *octet = t[begin..i]
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
        if k < 3 {
            if i >= n || t[i] != b'.' {
                return None;
            }
            i += 1;
        } else {
            if i < n && t[i].is_ascii_digit() {
                return None;
            }
            if i + 1 < n && t[i] == b'.' && t[i + 1].is_ascii_digit() {
                return None;
            }
        }
    }
    Some((i, octets))
}

// -- characters ------------------------------------------------------------------------

fn fold(c: char) -> char {
    c.to_ascii_lowercase()
}

/// The character (folded) that ends at byte `i`, or None at the start.
fn prev_char(t: &[u8], i: usize) -> Option<char> {
    prev_char_at(t, i).map(|(c, _)| c)
}

/// The character (folded) ending at byte `i` and the byte where it starts.
fn prev_char_at(t: &[u8], i: usize) -> Option<(char, usize)> {
    if i == 0 {
        return None;
    }
    let b = t[i - 1];
    if b < 0x80 {
        return Some((fold(char::from(b)), i - 1));
    }
    let mut start = i - 1;
    while start > 0 && (t[start] & 0xC0) == 0x80 && i - start < 4 {
        start -= 1;
    }
    let c = std::str::from_utf8(&t[start..i]).ok()?.chars().next()?;
    Some((c, start))
}

/// The character (folded) starting at byte `i`, or None at the end.
fn next_char(t: &[u8], i: usize) -> Option<char> {
    next_char_at(t, i).map(|(c, _)| c)
}

/// The character (folded) starting at byte `i` and the byte after it.
fn next_char_at(t: &[u8], i: usize) -> Option<(char, usize)> {
    let b = *t.get(i)?;
    if b < 0x80 {
        return Some((fold(char::from(b)), i + 1));
    }
    let width = match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        _ => 2,
    };
    let end = (i + width).min(t.len());
    let c = std::str::from_utf8(&t[i..end]).ok()?.chars().next()?;
    Some((c, i + c.len_utf8()))
}

/// A letter or a number outside ASCII (Python's `str.isalnum`: categories L and N).
pub fn unicode_alnum(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    static ALNUM: OnceLock<regex::Regex> = OnceLock::new();
    let re = ALNUM.get_or_init(|| regex::Regex::new(r"^[\p{L}\p{N}]$").expect("a valid class"));
    let mut buf = [0u8; 4];
    re.is_match(c.encode_utf8(&mut buf))
}

fn host(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
}

/// A word character: ASCII letter, digit or `_`, or a letter or number outside ASCII.
pub fn word(c: char) -> bool {
    c.is_ascii_lowercase()
        || c.is_ascii_uppercase()
        || c.is_ascii_digit()
        || c == '_'
        || unicode_alnum(c)
}

fn digit(c: char) -> bool {
    c.is_ascii_digit()
}

fn hex(c: char) -> bool {
    c.is_ascii_digit() || ('a'..='f').contains(&c)
}

fn email_local(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn url_more(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '~' | '%')
}

fn scheme(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '.' | '-')
}

/// No name character right after `e` (a dot counts when a word goes on after it).
fn after_ok(t: &[u8], e: usize, more: fn(char) -> bool) -> bool {
    let Some((c, next)) = next_char_at(t, e) else {
        return true;
    };
    if more(c) || unicode_alnum(c) {
        return false;
    }
    !(c == '.' && next_char(t, next).is_some_and(word))
}

/// A digit right before `s`, or a digit and a dot.
fn digit_before(t: &[u8], s: usize) -> bool {
    match prev_char_at(t, s) {
        Some((c, _)) if digit(c) => true,
        Some(('.', at)) => prev_char(t, at).is_some_and(digit),
        _ => false,
    }
}

/// Where a raw match at `[s, e)` really hits, and how; None when it is not a hit.
fn judge(t: &[u8], s: usize, e: usize, entry: &Entry) -> Option<(usize, usize, u8)> {
    if entry.exact_from < e - s && t[s + entry.exact_from..e] != entry.key[entry.exact_from..] {
        return None;
    }
    let before = prev_char_at(t, s);
    let b = before.map(|(c, _)| c);
    let b_is = |f: fn(char) -> bool| b.is_some_and(f);
    match entry.kind {
        Kind::Domain => {
            if !after_ok(t, e, host) || b_is(host) || b_is(unicode_alnum) {
                return None;
            }
            if let Some(('.', dot)) = before {
                if prev_char(t, dot).is_some_and(host) {
                    let mut head = dot;
                    let floor = s.saturating_sub(254);
                    while head > floor
                        && (host(fold(char::from(t[head - 1]))) || t[head - 1] == b'.')
                    {
                        head -= 1;
                    }
                    while head < e && t[head] == b'.' {
                        head += 1;
                    }
                    return Some((head, e, SUBDOMAIN));
                }
            }
            Some((s, e, EXACT))
        }
        Kind::Ipv4Cidr => {
            if digit_before(t, s) {
                return None;
            }
            let (end, octets) = address_at(t, s)?;
            if octets.iter().any(|&o| o > 255) {
                return None;
            }
            let address = octets.iter().fold(0u32, |acc, &o| (acc << 8) | o);
            let (first, last) = entry.range;
            if address < first || address > last {
                return None;
            }
            Some((s, end, IN_RANGE))
        }
        Kind::Ipv4 => {
            if let Some((c, next)) = next_char_at(t, e) {
                if digit(c) || (c == '.' && next_char(t, next).is_some_and(digit)) {
                    return None;
                }
            }
            if digit_before(t, s) {
                return None;
            }
            Some((s, e, EXACT))
        }
        Kind::Ipv6 => {
            let after = next_char_at(t, e);
            let a = after.map(|(c, _)| c);
            if b_is(hex) || b == Some(':') || a.is_some_and(hex) || a == Some(':') {
                return None;
            }
            if let Some(('.', next)) = after {
                if next_char(t, next).is_some_and(digit) {
                    return None;
                }
            }
            Some((s, e, EXACT))
        }
        Kind::Email => {
            if b_is(email_local) || !after_ok(t, e, host) {
                return None;
            }
            Some((s, e, EXACT))
        }
        Kind::Url => {
            if b_is(host) || b == Some('.') {
                return None;
            }
            if !entry.open_end && !after_ok(t, e, url_more) {
                return None;
            }
            let mut head = s;
            if s >= 3 && &t[s - 3..s] == b"://" {
                head = s - 3;
                while head > 0 && scheme(fold(char::from(t[head - 1]))) {
                    head -= 1;
                }
            }
            Some((head, e, EXACT))
        }
        Kind::Hash => {
            if b_is(word) || next_char(t, e).is_some_and(word) {
                return None;
            }
            Some((s, e, EXACT))
        }
        Kind::FileName => {
            if b_is(host) || b_is(unicode_alnum) || !after_ok(t, e, host) {
                return None;
            }
            if let Some(('.', dot)) = before {
                if prev_char(t, dot).is_some_and(word) {
                    return None;
                }
            }
            Some((s, e, EXACT))
        }
        Kind::Generic => {
            if entry.word_first && b_is(word) {
                return None;
            }
            if entry.word_last && next_char(t, e).is_some_and(word) {
                return None;
            }
            Some((s, e, EXACT))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(key: &str, type_: &str, index: u32) -> EntrySpec {
        let exact_from = key.chars().count();
        EntrySpec {
            key: key.as_bytes().to_vec(),
            kind: Kind::of_type(type_),
            exact_from,
            index,
            word_first: true,
            word_last: true,
            range: (0, 0),
        }
    }

    fn spans(m: &Matcher, text: &str) -> Vec<(String, u8)> {
        m.scan(text.as_bytes(), 0, text.len())
            .iter()
            .map(|h| (text[h.start..h.end].to_owned(), h.how))
            .collect()
    }

    #[test]
    fn domains_hit_on_label_boundaries_only() {
        let m = Matcher::new(vec![spec("evil-news.info", "domain", 0)], vec![], vec![]).unwrap();
        assert_eq!(
            spans(&m, "q EVIL-NEWS.INFO. A"),
            vec![("EVIL-NEWS.INFO".to_owned(), EXACT)]
        );
        assert!(spans(
            &m,
            "q notevil-news.info x-evil-news.info evil-news.info.au evil-news.infos"
        )
        .is_empty());
        assert_eq!(
            spans(&m, "a.b.evil-news.info:443"),
            vec![("a.b.evil-news.info".to_owned(), SUBDOMAIN)]
        );
        assert_eq!(spans(&m, "éevil-news.info"), vec![]);
        assert_eq!(
            spans(&m, "evil%2Dnews.info"),
            vec![("evil%2Dnews.info".to_owned(), EXACT | DECODED)]
        );
    }

    #[test]
    fn addresses_hit_on_digit_boundaries_and_ranges_by_interval() {
        let m = Matcher::new(
            vec![spec("10.1.1.1", "ipv4", 0)],
            vec![],
            vec![(0x0A00_0000, 0x0AFF_FFFF, 1)],
        )
        .unwrap();
        let found = m.scan(b"110.1.1.12 10.1.1.1 2.10.1.1.1 10.9.9.9", 0, 39);
        let got: Vec<(usize, usize, u32, u8)> = found
            .iter()
            .map(|h| (h.start, h.end, h.index, h.how))
            .collect();
        assert_eq!(
            got,
            vec![
                (11, 19, 0, EXACT),
                (11, 19, 1, IN_RANGE),
                (31, 39, 1, IN_RANGE)
            ]
        );
    }

    #[test]
    fn hashes_by_token_need_whole_tokens() {
        let sha = "ab".repeat(32);
        let m = Matcher::new(vec![], vec![(sha.clone().into_bytes(), 0)], vec![]).unwrap();
        let text = format!("{sha}.exe x{sha} {}", "ab".repeat(33));
        assert_eq!(m.scan(text.as_bytes(), 0, text.len()).len(), 1);
    }

    #[test]
    fn a_match_is_reported_once_across_skip_and_limit() {
        let m = Matcher::new(vec![spec("evil.com", "domain", 0)], vec![], vec![]).unwrap();
        let text = "evil.com evil.com";
        assert_eq!(m.scan(text.as_bytes(), 0, 8).len(), 1);
        assert_eq!(m.scan(text.as_bytes(), 8, 17).len(), 1);
        assert_eq!(m.scan(text.as_bytes(), 17, 17).len(), 0);
    }
}
