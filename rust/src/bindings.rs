//! PyO3 bindings: `unmask._core`.
//!
//! No panic crosses into Python: every entry point runs its work under `catch_unwind`
//! and turns a panic into `unmask._core.CoreError`, a subclass of
//! `unmask.errors.UnmaskError` made when the module is first imported.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

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

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", crate::VERSION)?;
    m.add("CoreError", core_error_type(py)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}
