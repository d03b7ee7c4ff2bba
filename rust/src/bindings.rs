//! PyO3 bindings: `unmask._core`.
//!
//! No panic crosses into Python: every entry point runs its work under `catch_unwind`
//! and turns a panic into `unmask._core.CoreError`, a subclass of
//! `unmask.errors.UnmaskError` made when the module is first imported.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyString, PyType};

use crate::features::{self, Counts, Vocab};
use crate::names::Names;
use crate::scan;
use crate::sweep::{EntrySpec, Kind, Matcher};
use crate::text::{bytes_to_chars, char_to_byte};

static CORE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn core_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    CORE_ERROR
        .get_or_try_init(py, || {
            let base = py.import("unmask.errors")?.getattr("UnmaskError")?;
            let base = base.cast_into::<PyType>()?;
            PyErr::new_type(
                py,
                c"unmask._core.CoreError",
                Some(c"A failure inside unmask's compiled core (a bug: please report it)."),
                Some(&base),
                None,
            )
        })
        .map(|t| t.bind(py))
}

/// A `CoreError` with `message`.
pub(crate) fn core_error(py: Python<'_>, message: String) -> PyErr {
    match core_error_type(py) {
        Ok(kind) => match kind.call1((message,)) {
            Ok(value) => PyErr::from_value(value),
            Err(err) => err,
        },
        Err(err) => err,
    }
}

/// Runs `work`; a panic inside it becomes a `CoreError` (never an abort or a
/// `PanicException`).
pub(crate) fn guarded<T>(
    py: Python<'_>,
    what: &str,
    work: impl FnOnce() -> PyResult<T>,
) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(core_error(
                py,
                format!("{what}: internal error in the compiled core: {detail}"),
            ))
        }
    }
}

/// Panics on purpose, so that tests can check a panic arrives as `CoreError`.
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    guarded(py, "_panic_for_test", || -> PyResult<()> {
        panic!("deliberate test panic")
    })
}

/// The compiled sweep matcher of an indicator set (see `unmask.defend.sweep`).
///
/// `entries` are `(key, type, exact_from, rank, word_first, word_last, first, last)`:
/// the literal as it must appear, the indicator type, the character offset from which
/// the case must match, the indicator's rank (hits are ordered by span, then rank), two
/// word flags for types matched on word boundaries and a CIDR's first and last address.
/// `hashes` are `(value, rank)` looked up by whole hex token; `ranges` are
/// `(first, last, rank)` checked for every IPv4 address.
#[pyclass(frozen, module = "unmask._core")]
struct SweepMatcher {
    inner: Matcher,
}

type EntryTuple<'py> = (
    Bound<'py, PyString>,
    String,
    usize,
    u32,
    bool,
    bool,
    u32,
    u32,
);

/// A string's UTF-8 bytes (lone surrogates written as `surrogatepass` writes them).
fn utf8_bytes(text: &Bound<'_, PyString>) -> PyResult<Vec<u8>> {
    match text.to_str() {
        Ok(s) => Ok(s.as_bytes().to_vec()),
        Err(_) => Ok(text
            .call_method1("encode", ("utf-8", "surrogatepass"))?
            .cast_into::<PyBytes>()?
            .as_bytes()
            .to_vec()),
    }
}

#[pymethods]
impl SweepMatcher {
    #[new]
    fn new(
        py: Python<'_>,
        entries: Vec<EntryTuple<'_>>,
        hashes: Vec<(Bound<'_, PyString>, u32)>,
        ranges: Vec<(u32, u32, u32)>,
    ) -> PyResult<Self> {
        guarded(py, "SweepMatcher", || {
            let mut specs = Vec::with_capacity(entries.len());
            for (key, type_, exact_from, index, word_first, word_last, first, last) in entries {
                specs.push(EntrySpec {
                    key: utf8_bytes(&key)?,
                    kind: Kind::of_type(&type_),
                    exact_from,
                    index,
                    word_first,
                    word_last,
                    range: (first, last),
                });
            }
            let mut values = Vec::with_capacity(hashes.len());
            for (value, index) in hashes {
                values.push((utf8_bytes(&value)?, index));
            }
            let inner = py
                .detach(|| Matcher::new(specs, values, ranges))
                .map_err(|e| core_error(py, e))?;
            Ok(SweepMatcher { inner })
        })
    }

    /// Hits `(start, end, rank, how)` in `text` whose end lies in `(skip, limit]`
    /// (character offsets), sorted by span and rank; `how` is 0 exact, 1 subdomain,
    /// 2 in range, plus 4 when the text wrote the hit with percent-escapes.
    fn scan(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        skip: usize,
        limit: usize,
    ) -> PyResult<Vec<(usize, usize, u32, u8)>> {
        guarded(py, "SweepMatcher.scan", || {
            // Python's UTF-8 form of the string (for ASCII, its own buffer); a string
            // with lone surrogates is encoded with `surrogatepass`, so that offsets
            // still count characters.
            let encoded;
            let t: &[u8] = match text.to_str() {
                Ok(s) => s.as_bytes(),
                Err(_) => {
                    encoded = text
                        .call_method1("encode", ("utf-8", "surrogatepass"))?
                        .cast_into::<PyBytes>()?;
                    encoded.as_bytes()
                }
            };
            let ascii = t.is_ascii();
            let (skip_b, limit_b) = if ascii {
                (skip, limit)
            } else {
                (char_to_byte(t, skip), char_to_byte(t, limit))
            };
            let inner = &self.inner;
            let hits = py.detach(|| inner.scan(t, skip_b, limit_b));
            if ascii {
                return Ok(hits
                    .iter()
                    .map(|h| (h.start, h.end, h.index, h.how))
                    .collect());
            }
            let mut offsets: Vec<usize> = hits.iter().flat_map(|h| [h.start, h.end]).collect();
            bytes_to_chars(t, &mut offsets);
            Ok(hits
                .iter()
                .enumerate()
                .map(|(k, h)| (offsets[2 * k], offsets[2 * k + 1], h.index, h.how))
                .collect())
        })
    }
}

fn le_i64(data: &[u8]) -> PyResult<Vec<i64>> {
    if !data.len().is_multiple_of(8) {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "an int64 buffer's length is a multiple of 8",
        ));
    }
    Ok(data
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect())
}

fn i64_bytes<'py>(py: Python<'py>, values: &[i64]) -> Bound<'py, PyBytes> {
    let mut raw = Vec::with_capacity(values.len() * 8);
    for v in values {
        raw.extend_from_slice(&v.to_le_bytes());
    }
    PyBytes::new(py, &raw)
}

type CountBytes<'py> = (
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
);

fn counts_out<'py>(py: Python<'py>, c: &Counts) -> CountBytes<'py> {
    (
        i64_bytes(py, &c.ptr),
        i64_bytes(py, &c.ids),
        i64_bytes(py, &c.counts),
    )
}

/// A technique model's vocabulary (feature -> weight row), for counting sentence
/// features. Counts come back as three little-endian int64 buffers: `ptr` (one more
/// than the sentences), then the rows and their counts, each sentence's in order of
/// first occurrence.
#[pyclass(frozen, module = "unmask._core")]
struct TechniqueFeatures {
    vocab: Vocab,
}

#[pymethods]
impl TechniqueFeatures {
    /// From words in row order.
    #[new]
    fn new(py: Python<'_>, words: Vec<String>) -> PyResult<Self> {
        guarded(py, "TechniqueFeatures", || {
            Ok(TechniqueFeatures {
                vocab: Vocab::from_words(&words),
            })
        })
    }

    /// From a numpy fixed-width byte-string array's buffer and each word's row.
    #[staticmethod]
    fn from_fixed(py: Python<'_>, blob: &[u8], width: usize, rows: &[u8]) -> PyResult<Self> {
        guarded(py, "TechniqueFeatures.from_fixed", || {
            let rows = le_i64(rows)?;
            let vocab = Vocab::from_fixed(blob, width, &rows).map_err(|e| core_error(py, e))?;
            Ok(TechniqueFeatures { vocab })
        })
    }

    fn __len__(&self) -> usize {
        self.vocab.len()
    }

    /// The row of one feature, or None.
    fn row(&self, feature: &str) -> Option<u32> {
        self.vocab.get(feature)
    }

    /// Counts of ready-made feature lists.
    fn count_lists<'py>(
        &self,
        py: Python<'py>,
        lists: Vec<Vec<String>>,
    ) -> PyResult<CountBytes<'py>> {
        guarded(py, "TechniqueFeatures.count_lists", || {
            let counts = py.detach(|| self.vocab.count(&lists));
            Ok(counts_out(py, &counts))
        })
    }

    /// Counts of whole sentences: features (with the names in `hits`), the neighbours'
    /// words when `context`, and look-up, in one call.
    fn sentence_counts<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        hits: Vec<Vec<String>>,
        context: bool,
    ) -> PyResult<CountBytes<'py>> {
        guarded(py, "TechniqueFeatures.sentence_counts", || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let counts =
                py.detach(|| features::sentence_counts(&self.vocab, &refs, &hits, context));
            Ok(counts_out(py, &counts))
        })
    }
}

/// The technique stage's name and synonym rules (see `unmask.extract.techniques`):
/// `triggers` are `(word, whole-name rules, inner rules)`, `rules` are
/// `(pattern, needs, group)` in the `regex` crate's syntax, groups below `groups`.
#[pyclass(frozen, module = "unmask._core")]
struct TechniqueNames {
    inner: Names,
}

#[pymethods]
impl TechniqueNames {
    #[new]
    fn new(
        py: Python<'_>,
        triggers: Vec<(String, Vec<u32>, Vec<u32>)>,
        rules: Vec<(String, Option<String>, u32)>,
        groups: usize,
    ) -> PyResult<Self> {
        guarded(py, "TechniqueNames", || {
            let inner = py
                .detach(|| Names::new(&triggers, &rules, groups))
                .map_err(|e| core_error(py, e))?;
            Ok(TechniqueNames { inner })
        })
    }

    /// Per lower-cased text, the groups of the rules that occur in it (sorted).
    fn hits(&self, py: Python<'_>, texts: Vec<String>) -> PyResult<Vec<Vec<u32>>> {
        guarded(py, "TechniqueNames.hits", || {
            py.detach(|| {
                texts
                    .iter()
                    .map(|t| self.inner.hits(t))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| core_error(py, e))
        })
    }

    /// `text` with each run of blanks (Python's `\s`) and hyphens made one blank, as
    /// the matcher folds texts before looking for triggers.
    #[staticmethod]
    fn fold(text: &str) -> String {
        crate::names::fold(text)
    }

    /// Compiles every rule's pattern now (they are compiled on first use otherwise).
    fn compile_all(&self, py: Python<'_>) -> PyResult<()> {
        guarded(py, "TechniqueNames.compile_all", || {
            py.detach(|| self.inner.compile_all())
                .map_err(|e| core_error(py, e))
        })
    }

    /// The rules a trigger names in one lower-cased text (sorted): those tried.
    fn candidates(&self, py: Python<'_>, text: &str) -> PyResult<Vec<u32>> {
        guarded(py, "TechniqueNames.candidates", || {
            Ok(self.inner.candidates(text))
        })
    }
}

/// A C-contiguous buffer of `T` held for the length of one call.
struct Held<T: pyo3::buffer::Element> {
    buffer: pyo3::buffer::PyBuffer<T>,
}

impl<T: pyo3::buffer::Element> Held<T> {
    fn get(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let buffer = pyo3::buffer::PyBuffer::<T>::get(obj)?;
        if !buffer.is_c_contiguous() {
            return Err(core_error(py, format!("{what}: not a C-contiguous array")));
        }
        Ok(Held { buffer })
    }

    fn slice(&self) -> &[T] {
        match self.buffer.as_slice_ptr() {
            // SAFETY: the buffer is held (so its memory lives) and the GIL is held for
            // the whole call (no Python code runs that could write to the array); the
            // arrays passed here are the model's, which nothing writes to.
            Some(ptr) => unsafe { ptr.as_ref() },
            None => &[],
        }
    }
}

/// The features of each sentence (see `unmask.extract.techniques.sentence_features`).
#[pyfunction]
fn sentence_features(
    py: Python<'_>,
    texts: Vec<String>,
    hits: Vec<Vec<String>>,
) -> PyResult<Vec<Vec<String>>> {
    guarded(py, "sentence_features", || {
        Ok(texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                features::sentence_features(t, hits.get(i).map_or(&[][..], Vec::as_slice))
            })
            .collect())
    })
}

/// Raw technique scores of every sentence (see `crate::scores`): the counts as
/// `TechniqueFeatures` gives them (three little-endian int64 buffers), `logs[t - 1]`
/// the float32 `ln t` for every count, and the model's arrays (C-contiguous: idf,
/// bias and vals float32, ptr int64, cols int32). Returns a bytearray of
/// `sentences * labels` little-endian float32 values.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn technique_scores<'py>(
    py: Python<'py>,
    ptr: &[u8],
    ids: &[u8],
    counts: &[u8],
    logs: &Bound<'py, PyAny>,
    idf: &Bound<'py, PyAny>,
    wptr: &Bound<'py, PyAny>,
    cols: &Bound<'py, PyAny>,
    vals: &Bound<'py, PyAny>,
    bias: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyByteArray>> {
    guarded(py, "technique_scores", || {
        let (ptr, ids, counts) = (le_i64(ptr)?, le_i64(ids)?, le_i64(counts)?);
        let logs = Held::<f32>::get(py, logs, "logs")?;
        let idf = Held::<f32>::get(py, idf, "idf")?;
        let wptr = Held::<i64>::get(py, wptr, "ptr")?;
        let cols = Held::<i32>::get(py, cols, "cols")?;
        let vals = Held::<f32>::get(py, vals, "vals")?;
        let bias = Held::<f32>::get(py, bias, "bias")?;
        let model = crate::scores::Model {
            idf: idf.slice(),
            ptr: wptr.slice(),
            cols: cols.slice(),
            vals: vals.slice(),
            bias: bias.slice(),
        };
        let scores = crate::scores::technique_scores(&ptr, &ids, &counts, logs.slice(), &model)
            .map_err(|e| core_error(py, e))?;
        let out = PyByteArray::new_with(py, scores.len() * 4, |buf| {
            for (chunk, v) in buf.chunks_exact_mut(4).zip(&scores) {
                chunk.copy_from_slice(&v.to_le_bytes());
            }
            Ok(())
        })?;
        Ok(out)
    })
}

/// Each feature list plus its neighbours' single words (see `with_context`).
#[pyfunction]
fn with_context(py: Python<'_>, feats: Vec<Vec<String>>) -> PyResult<Vec<Vec<String>>> {
    guarded(py, "with_context", || Ok(features::with_context(&feats)))
}

/// A string's code points: its bytes when it is ASCII, else one `u32` each (lone
/// surrogates included).
enum Units {
    Ascii(Vec<u8>),
    Wide(Vec<u32>),
}

fn units(text: &Bound<'_, PyString>) -> PyResult<Units> {
    if let Ok(s) = text.to_str() {
        if s.is_ascii() {
            return Ok(Units::Ascii(s.as_bytes().to_vec()));
        }
        return Ok(Units::Wide(s.chars().map(u32::from).collect()));
    }
    let raw = text
        .call_method1("encode", ("utf-32-le", "surrogatepass"))?
        .cast_into::<PyBytes>()?;
    Ok(Units::Wide(
        raw.as_bytes()
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    ))
}

/// A `str` of code points (lone surrogates through `surrogatepass`).
fn py_text<'py>(py: Python<'py>, cps: &[u32]) -> PyResult<Bound<'py, PyAny>> {
    let mut s = String::with_capacity(cps.len());
    for &c in cps {
        match char::from_u32(c) {
            Some(ch) => s.push(ch),
            None => {
                let raw: Vec<u8> = cps.iter().flat_map(|c| c.to_le_bytes()).collect();
                return PyBytes::new(py, &raw)
                    .call_method1("decode", ("utf-32-le", "surrogatepass"));
            }
        }
    }
    Ok(PyString::new(py, &s).into_any())
}

/// The observable prefilter's windows of `text` (see `unmask.extract.observables.scan`).
#[pyfunction]
fn scan_windows(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Vec<(usize, usize)>> {
    let u = units(text)?;
    guarded(py, "scan_windows", || {
        Ok(match &u {
            Units::Ascii(t) => scan::windows(t.as_slice()),
            Units::Wide(t) => scan::windows(t.as_slice()),
        })
    })
}

type CompactTuple<'py> = (Bound<'py, PyAny>, Vec<usize>, Vec<i64>);

/// The compact windows text of `text`, and per window after a gap its start and shift.
#[pyfunction]
fn scan_compact<'py>(py: Python<'py>, text: &Bound<'py, PyString>) -> PyResult<CompactTuple<'py>> {
    let u = units(text)?;
    let c = guarded(py, "scan_compact", || {
        Ok(match &u {
            Units::Ascii(t) => scan::compact(t.as_slice()),
            Units::Wide(t) => scan::compact(t.as_slice()),
        })
    })?;
    Ok((py_text(py, &c.text)?, c.starts, c.shifts))
}

/// The punctuation refang edits of `text`, sorted: `(start, end, replacement)` (see
/// `unmask.extract.observables.refang`).
#[pyfunction]
fn refang_edits(
    py: Python<'_>,
    text: &Bound<'_, PyString>,
) -> PyResult<Vec<(usize, usize, &'static str)>> {
    let u = units(text)?;
    guarded(py, "refang_edits", || {
        let edits = match &u {
            Units::Ascii(t) => scan::refang_edits(t.as_slice()),
            Units::Wide(t) => scan::refang_edits(t.as_slice()),
        };
        Ok(edits
            .into_iter()
            .map(|e| (e.start, e.end, e.text))
            .collect())
    })
}

/// `text` with typographic quotes and brackets made ASCII, one for one (the same
/// object when there are none).
#[pyfunction]
fn plain_punctuation<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
) -> PyResult<Bound<'py, PyAny>> {
    if text.to_str().is_ok_and(str::is_ascii) {
        return Ok(text.clone().into_any());
    }
    let Units::Wide(mut cps) = units(text)? else {
        return Ok(text.clone().into_any());
    };
    let mut changed = false;
    for c in &mut cps {
        if let Some(plain) = scan::typographic(*c) {
            *c = plain;
            changed = true;
        }
    }
    if !changed {
        return Ok(text.clone().into_any());
    }
    py_text(py, &cps)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", crate::VERSION)?;
    m.add("CoreError", core_error_type(py)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add_class::<SweepMatcher>()?;
    m.add_class::<TechniqueFeatures>()?;
    m.add_class::<TechniqueNames>()?;
    m.add_function(wrap_pyfunction!(sentence_features, m)?)?;
    m.add_function(wrap_pyfunction!(with_context, m)?)?;
    m.add_function(wrap_pyfunction!(technique_scores, m)?)?;
    m.add_function(wrap_pyfunction!(scan_windows, m)?)?;
    m.add_function(wrap_pyfunction!(scan_compact, m)?)?;
    m.add_function(wrap_pyfunction!(plain_punctuation, m)?)?;
    m.add_function(wrap_pyfunction!(refang_edits, m)?)?;
    Ok(())
}
