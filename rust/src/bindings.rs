//! PyO3 bindings: `unmask._core`.
//!
//! No panic crosses into Python: every entry point runs its work under `catch_unwind`
//! and turns a panic into `unmask._core.CoreError`, a subclass of
//! `unmask.errors.UnmaskError` made when the module is first imported.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString, PyType};

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

type EntryTuple = (String, String, usize, u32, bool, bool, u32, u32);

#[pymethods]
impl SweepMatcher {
    #[new]
    fn new(
        py: Python<'_>,
        entries: Vec<EntryTuple>,
        hashes: Vec<(String, u32)>,
        ranges: Vec<(u32, u32, u32)>,
    ) -> PyResult<Self> {
        guarded(py, "SweepMatcher", || {
            let specs = entries
                .into_iter()
                .map(
                    |(key, type_, exact_from, index, word_first, word_last, first, last)| {
                        EntrySpec {
                            key,
                            kind: Kind::of_type(&type_),
                            exact_from,
                            index,
                            word_first,
                            word_last,
                            range: (first, last),
                        }
                    },
                )
                .collect();
            let inner = py
                .detach(|| Matcher::new(specs, hashes, ranges))
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

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", crate::VERSION)?;
    m.add("CoreError", core_error_type(py)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    m.add_class::<SweepMatcher>()?;
    Ok(())
}
