//! Technique names and synonyms found in sentences (see `unmask.extract.techniques`).
//!
//! The Python side keeps the rules (each a pattern, an optional second pattern that
//! must occur too, and the technique it names) and their triggers; patterns come in
//! the `regex` crate's syntax, translated from the Python tables by
//! `unmask.extract.techniques_regex` so that one occurs in a text exactly when the
//! Python pattern's `search` would find it.
//!
//! Per text (lower-cased by the caller): its separators (blanks, Python's `\s`, and
//! hyphens) folded to one blank, one Aho-Corasick pass over the folded text for the
//! triggers, then only the rules a trigger named tried with their own patterns. A
//! trigger is either a rule's whole (folded) name, counted where no ASCII letter or
//! digit touches it, or a literal word of a synonym's pattern. Every step is linear in
//! the text (the automaton, and each rule's regex at most once per text).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

/// One trigger: the rules whose whole name it is, and the rules it is a word of.
pub struct Trigger {
    pub whole: Vec<u32>,
    pub inner: Vec<u32>,
}

/// One rule: its pattern, the index of the pattern that must occur too, its group
/// (the technique, by index in the caller's sorted list).
pub struct Rule {
    pub pattern: usize,
    pub needs: Option<usize>,
    pub group: u32,
}

/// The compiled rules.
pub struct Names {
    automaton: AhoCorasick,
    triggers: Vec<Trigger>,
    rules: Vec<Rule>,
    /// Sources, compiled on first use (most rules are never tried in a process).
    sources: Vec<String>,
    patterns: Vec<OnceLock<Result<Regex, String>>>,
    groups: usize,
}

/// Python's `str.isspace()` (Rust's White_Space plus U+001C..U+001F).
fn python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `re.sub(r"[\s\-]+", " ", text)` with Python's `\s`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if c == '-' || python_space(c) {
            if !in_run {
                out.push(' ');
                in_run = true;
            }
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

fn ascii_alnum_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// A regex's compiled size limit: the rules are small, but `\p{L}` classes repeated a
/// few times grow; ten times the crate's default leaves room without being unbounded.
const SIZE_LIMIT: usize = 100 * (1 << 20);

impl Names {
    /// `triggers`: (word, whole-name rules, inner rules); `rules`: (pattern, needs,
    /// group); rule ids index `rules`, groups are below `groups`.
    pub fn new(
        triggers: &[(String, Vec<u32>, Vec<u32>)],
        rules: &[(String, Option<String>, u32)],
        groups: usize,
    ) -> Result<Names, String> {
        // Patterns shared by rules (a parent's name that several need) compile once.
        let mut sources: Vec<&str> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut compiled_rules = Vec::with_capacity(rules.len());
        for (pattern, needs, group) in rules {
            if (*group as usize) >= groups {
                return Err(format!("rule group {group} out of range ({groups} groups)"));
            }
            let p = intern(pattern.as_str(), &mut sources, &mut index);
            let n = needs
                .as_deref()
                .map(|src| intern(src, &mut sources, &mut index));
            compiled_rules.push(Rule {
                pattern: p,
                needs: n,
                group: *group,
            });
        }
        let sources: Vec<String> = sources.into_iter().map(str::to_owned).collect();
        let patterns = sources.iter().map(|_| OnceLock::new()).collect();
        let n_rules = rules.len() as u32;
        let mut words = Vec::with_capacity(triggers.len());
        let mut trig = Vec::with_capacity(triggers.len());
        for (word, whole, inner) in triggers {
            if word.is_empty() {
                return Err("an empty trigger".to_owned());
            }
            if whole.iter().chain(inner).any(|&r| r >= n_rules) {
                return Err(format!("trigger {word:?} names a rule out of range"));
            }
            words.push(word.as_str());
            trig.push(Trigger {
                whole: whole.clone(),
                inner: inner.clone(),
            });
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&words)
            .map_err(|e| format!("technique triggers: {e}"))?;
        Ok(Names {
            automaton,
            triggers: trig,
            rules: compiled_rules,
            sources,
            patterns,
            groups,
        })
    }

    /// The rules a trigger names in `low` (sorted, once each).
    pub fn candidates(&self, low: &str) -> Vec<u32> {
        let folded = fold(low);
        let bytes = folded.as_bytes();
        let mut seen = vec![false; self.rules.len()];
        for m in self.automaton.find_overlapping_iter(&folded) {
            let trigger = &self.triggers[m.pattern().as_usize()];
            for &r in &trigger.inner {
                seen[r as usize] = true;
            }
            if !trigger.whole.is_empty() {
                let before = m.start() > 0 && ascii_alnum_lower(bytes[m.start() - 1]);
                let after = m.end() < bytes.len() && ascii_alnum_lower(bytes[m.end()]);
                if !before && !after {
                    for &r in &trigger.whole {
                        seen[r as usize] = true;
                    }
                }
            }
        }
        (0..self.rules.len() as u32)
            .filter(|&r| seen[r as usize])
            .collect()
    }

    fn pattern(&self, k: usize) -> Result<&Regex, String> {
        self.patterns[k]
            .get_or_init(|| {
                let src = &self.sources[k];
                RegexBuilder::new(src)
                    .size_limit(SIZE_LIMIT)
                    .build()
                    .map_err(|e| format!("technique rule pattern {src:?}: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Compiles every pattern now (a table's error shows at once, not on first use).
    pub fn compile_all(&self) -> Result<(), String> {
        (0..self.patterns.len()).try_for_each(|k| self.pattern(k).map(|_| ()))
    }

    /// The groups (sorted, once each) of the rules that occur in `low`.
    pub fn hits(&self, low: &str) -> Result<Vec<u32>, String> {
        let mut found = vec![false; self.groups];
        for r in self.candidates(low) {
            let rule = &self.rules[r as usize];
            if found[rule.group as usize] {
                continue;
            }
            if self.pattern(rule.pattern)?.is_match(low)
                && match rule.needs {
                    Some(n) => self.pattern(n)?.is_match(low),
                    None => true,
                }
            {
                found[rule.group as usize] = true;
            }
        }
        Ok((0..self.groups as u32)
            .filter(|&g| found[g as usize])
            .collect())
    }
}

fn intern<'a>(
    src: &'a str,
    sources: &mut Vec<&'a str>,
    index: &mut HashMap<&'a str, usize>,
) -> usize {
    *index.entry(src).or_insert_with(|| {
        sources.push(src);
        sources.len() - 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        // Rule 0: "process injection" (a name); rule 1: a synonym needing rule 2's
        // pattern; rule 2: "at" (a short name).
        let rules = vec![
            (
                r"(?:^|[^a-z0-9])process(?:[\s\-])+injection(?:$|[^a-z0-9])".to_owned(),
                None,
                1,
            ),
            (
                r"(?:^|[^a-z0-9])inject\w* into".to_owned(),
                Some(r"process".to_owned()),
                1,
            ),
            (r"(?:^|[^a-z0-9])at(?:$|[^a-z0-9])".to_owned(), None, 0),
        ];
        let triggers = vec![
            ("process injection".to_owned(), vec![0], vec![]),
            ("inject".to_owned(), vec![], vec![1]),
            ("at".to_owned(), vec![2], vec![]),
        ];
        Names::new(&triggers, &rules, 2).expect("valid rules")
    }

    #[test]
    fn folding_joins_runs_of_blanks_and_hyphens() {
        assert_eq!(fold("a -\t\u{1f}b--c\u{a0}d"), "a b c d");
        assert_eq!(fold("--"), " ");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn a_whole_name_counts_only_between_non_alphanumerics() {
        let n = names();
        assert_eq!(n.candidates("that flat chat"), Vec::<u32>::new());
        assert_eq!(n.candidates("look at it"), vec![2]);
        assert_eq!(n.hits("look at it"), Ok(vec![0]));
        assert_eq!(n.hits("process-\n injection."), Ok(vec![1]));
    }

    #[test]
    fn a_rule_with_a_second_pattern_needs_both() {
        let n = names();
        assert_eq!(n.hits("it injects code into memory"), Ok(vec![]));
        assert_eq!(n.hits("it injects into a process"), Ok(vec![1]));
    }

    #[test]
    fn bad_tables_are_errors_not_panics() {
        let broken = Names::new(
            &[("x".to_owned(), vec![], vec![0])],
            &[("(".to_owned(), None, 0)],
            1,
        )
        .expect("compiled on first use");
        assert!(broken.compile_all().is_err());
        assert!(broken.hits("x").is_err());
        assert_eq!(broken.hits("y"), Ok(vec![]));
        assert!(Names::new(&[], &[("a".to_owned(), None, 3)], 1).is_err());
        let t = vec![("x".to_owned(), vec![5], vec![])];
        assert!(Names::new(&t, &[("a".to_owned(), None, 0)], 1).is_err());
        assert!(Names::new(&[(String::new(), vec![], vec![])], &[], 1).is_err());
    }
}
