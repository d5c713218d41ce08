//! Python bindings for EstateKit (module `estatekit._estatekit`, re-exported as `estatekit`).
//!
//! A thin adapter: it converts arguments, results and errors, and nothing else. Every
//! rule lives in the `estatekit` core crate. One file per core module; each has a
//! `register` function called from the module init below.
//!
//! Errors: every core error implements the core's `Diagnostic` trait and becomes
//! `estatekit.ValidationError` (bad input; also a `ValueError`) or
//! `estatekit.StateError` (an operation the current state does not allow), both
//! subclasses of `estatekit.EstateKitError` and both carrying `.code` and `.path`,
//! and `.message_zh` / `.message_en` (`estatekit::diagnostic::localized`).
//!
//! No panic crosses into Python: every exported function and method is wrapped by
//! `#[guard(crate::panic_guard)]`, which turns a panic into `estatekit.InternalError`
//! (code `"internal"`) instead of pyo3's `PanicException` (a `BaseException` that
//! `except Exception` does not catch).

use std::str::FromStr;

use chrono::NaiveDate;
use estatekit::diagnostic::{self, Diagnostic};
use estatekit::money::{self, RoundingMode, RoundingPolicy};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyString, PyTuple, PyType};
use rust_decimal::Decimal;

mod args;
mod arrow;
mod checkin;
mod decoration;
mod dunning;
mod estate;
mod fees;
mod integrity;
mod keys;
mod money_py;
mod notices;
mod patrols;
mod receivables;
mod record;
mod registry;
mod release;
mod shared;
mod surveys;
mod tickets;

create_exception!(
    estatekit,
    EstateKitError,
    PyException,
    "Base class of every error raised by EstateKit."
);
create_exception!(
    estatekit,
    InternalError,
    EstateKitError,
    "A bug in EstateKit: an internal invariant failed (a Rust panic was caught at the \
     boundary). `code` is 'internal', `path` is empty; the message says what failed. \
     The process is not harmed; please report the message."
);
create_exception!(
    estatekit,
    StateError,
    EstateKitError,
    "An operation the current state does not allow (e.g. an invalid transition). \
     `code` is a stable snake_case kind, `path` names what it concerns."
);

static VALIDATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `estatekit.ValidationError(EstateKitError, ValueError)`: bad input. Built with
/// `type()` because it has two bases.
fn validation_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    VALIDATION_ERROR
        .get_or_try_init(py, || {
            let bases = PyTuple::new(py, [py.get_type::<EstateKitError>(), py.get_type::<PyValueError>()])?;
            let ns = PyDict::new(py);
            ns.set_item("__module__", "estatekit")?;
            ns.set_item(
                "__doc__",
                "Invalid input. Also a ValueError. `code` is a stable snake_case kind \
                 (e.g. 'negative_weight'), `path` names the bad field (e.g. 'units[3].gross_area').",
            )?;
            let code = PyDict::new(py);
            py.run(args::ADD_NOTE, Some(&code), None)?;
            ns.set_item("add_note", code.get_item("add_note")?)?;
            let ty = py.get_type::<PyType>().call1(("ValidationError", bases, ns))?;
            Ok::<_, PyErr>(ty.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

/// Which Python exception a core error becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// `estatekit.ValidationError` (also a `ValueError`).
    Validation,
    /// `estatekit.StateError`.
    State,
    /// `estatekit.InternalError`.
    Internal,
}

/// Converts any core error to its Python exception, with `code` and `path` set.
pub(crate) fn to_py<E: Diagnostic>(e: E) -> PyErr {
    let class = match e.class() {
        diagnostic::ErrorClass::Validation => ErrorClass::Validation,
        diagnostic::ErrorClass::State => ErrorClass::State,
    };
    raise(class, e.code(), &e.path(), e.to_string())
}

/// Builds an EstateKit exception of `class` carrying `code` and `path` attributes.
pub(crate) fn raise(class: ErrorClass, code: &str, path: &str, message: String) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let ty = match class {
                ErrorClass::Validation => validation_error_type(py)?.clone(),
                ErrorClass::State => py.get_type::<StateError>(),
                ErrorClass::Internal => py.get_type::<InternalError>(),
            };
            let err = ty.call1((message.clone(),))?;
            err.setattr("code", code)?;
            err.setattr("path", path)?;
            // What a UI shows: the core's zh-CN text for the code, the full English message.
            let zh = diagnostic::localized(code, path, &message, estatekit::i18n::Lang::ZhCn);
            err.setattr("message_zh", zh)?;
            err.setattr("message_en", message.clone())?;
            Ok(PyErr::from_value(err))
        };
        build().unwrap_or_else(|e| e)
    })
}

/// Used by `#[guard(crate::panic_guard)]` (crate `estatekit-ffi-guard`): runs a
/// function body and turns a panic into `estatekit.InternalError`.
pub(crate) mod panic_guard {
    use std::panic::{AssertUnwindSafe, catch_unwind};

    /// What a caught panic becomes.
    pub(crate) type Error = pyo3::PyErr;

    /// Runs `f`; a panic becomes `InternalError(code="internal")` with its message.
    pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Error> {
        catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            super::raise(
                super::ErrorClass::Internal,
                "internal",
                "",
                format!("internal error (please report): {what}"),
            )
        })
    }
}

/// Panics on purpose, to test that a panic surfaces as `InternalError`. Compiled only
/// with the `test-hooks` feature (the test command builds the wheel with it).
#[cfg(feature = "test-hooks")]
#[estatekit_ffi_guard::guard(crate::panic_guard)]
#[pyfunction]
fn _panic_for_test(#[pyo3(from_py_with = crate::args::str_ref)] message: &str) {
    panic!("{message}");
}

/// A `ValidationError` for a bad argument.
pub(crate) fn validation_error(code: &str, path: &str, message: String) -> PyErr {
    raise(ErrorClass::Validation, code, path, message)
}

/// Reads a money or quantity argument: `decimal.Decimal`, `int` or a decimal string,
/// by value and exactly. A `Decimal` is read as `decimal.Decimal.__str__` writes it, an `int`
/// through `operator.index` (a subclass's own `__str__` is never used), a string
/// strictly with `money::parse_decimal` (no `+`, spaces, `_`). Floats and bools are
/// refused (money is never a float), as are NaN, infinities, values beyond ±7.9e28
/// (`invalid_decimal`) and digits a `Decimal` cannot hold (`inexact_decimal`): nothing
/// is rounded on the way in.
pub(crate) fn decimal_arg(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Decimal> {
    let bad = |what: String| validation_error("invalid_decimal", path, format!("{path}: {what}"));
    let type_name = || {
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() {
        return Err(bad(format!(
            "expected decimal.Decimal, int or str, got {} (money is never a float)",
            type_name()
        )));
    }
    let text = if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow()
            .map_err(|_| {
                bad("the text is not valid Unicode (it holds a lone surrogate)".to_owned())
            })?
            .into_owned()
    } else if obj.is_instance_of::<PyInt>() {
        let exact = args::int_value(obj)?;
        exact.str()?.to_string()
    } else if obj.is_instance(py_decimal_type(obj.py())?)? {
        // `decimal.Decimal.__str__` of the value: exact (its digits as held), whatever
        // a subclass's own `__str__` says.
        py_decimal_type(obj.py())?
            .getattr("__str__")?
            .call1((obj,))?
            .extract::<String>()?
    } else {
        return Err(bad(format!(
            "expected decimal.Decimal, int or str, got {}",
            type_name()
        )));
    };
    let d = money::parse_decimal(&text, path).map_err(to_py)?;
    Ok(d)
}

/// An optional argument read by `read` (`decimal_arg`, `date_arg`): `None`, or the
/// argument left out, is absent.
pub(crate) fn opt<T>(
    obj: Option<&Bound<'_, PyAny>>,
    path: &str,
    read: fn(&Bound<'_, PyAny>, &str) -> PyResult<T>,
) -> PyResult<Option<T>> {
    obj.filter(|o| !o.is_none())
        .map(|o| read(o, path))
        .transpose()
}

/// Reads a date argument: a `datetime.date` (a `datetime.datetime` counts as its date,
/// as pyo3's own `NaiveDate` conversion does) or an ISO string of exactly the form
/// `YYYY-MM-DD`. Anything else raises `ValidationError` (code `invalid_date`, path
/// `path`). API arguments are strict: lenient forms such as `2026/11/05` are only for
/// the table importers.
pub(crate) fn date_arg(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<NaiveDate> {
    date_of(obj)
        .map_err(|message| validation_error("invalid_date", path, format!("{path}: {message}")))
}

/// The date of `obj` (see [`date_arg`]), or why it is not one.
pub(crate) fn date_of(obj: &Bound<'_, PyAny>) -> Result<NaiveDate, String> {
    let got = if obj.is_instance_of::<PyDate>() {
        match obj.extract::<NaiveDate>() {
            Ok(d) => return Ok(d),
            Err(_) => obj.repr().map(|r| r.to_string()).unwrap_or_default(),
        }
    } else if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_string();
        if let Some(d) = iso_date(&text) {
            return Ok(d);
        }
        format!("{text:?}")
    } else if obj.is_none() {
        "None".to_owned()
    } else {
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    Err(format!(
        "expected a date (datetime.date or \"YYYY-MM-DD\"), got {got}"
    ))
}

/// `YYYY-MM-DD` exactly (four-digit year from 0001, two-digit month and day), a real
/// calendar day; no sign, spaces, time or other separators.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        let part = &b[from..to];
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let year = i32::try_from(num(0, 4)?).ok().filter(|y| *y >= 1)?;
    NaiveDate::from_ymd_opt(year, num(5, 7)?, num(8, 10)?)
}

static DECIMAL_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn py_decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL_TYPE.import(py, "decimal", "Decimal")
}

/// The rounding policy from the `scale=` and `rounding=` keyword arguments.
pub(crate) fn policy_arg(scale: i64, rounding: &str) -> PyResult<RoundingPolicy> {
    let mode = RoundingMode::from_str(rounding).map_err(to_py)?;
    let scale = u32::try_from(scale).map_err(|_| {
        validation_error(
            "invalid_scale",
            "scale",
            format!("scale: {scale} is out of range 0..={}", money::MAX_SCALE),
        )
    })?;
    RoundingPolicy::new(scale, mode).map_err(to_py)
}

/// The native module; `estatekit/__init__.py` re-exports it.
#[pymodule]
fn _estatekit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("EstateKitError", py.get_type::<EstateKitError>())?;
    m.add("ValidationError", validation_error_type(py)?)?;
    m.add("StateError", py.get_type::<StateError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    // A test hook, kept out of `__all__` and the stubs (setattr, not add).
    #[cfg(feature = "test-hooks")]
    m.setattr("_panic_for_test", wrap_pyfunction!(_panic_for_test, m)?)?;
    money_py::register(m)?;
    estate::register(m)?;
    fees::register(m)?;
    receivables::register(m)?;
    dunning::register(m)?;
    checkin::register(m)?;
    tickets::register(m)?;
    integrity::register(m)?;
    arrow::register(m)?;
    notices::register(m)?;
    decoration::register(m)?;
    registry::register(m)?;
    surveys::register(m)?;
    patrols::register(m)?;
    keys::register(m)?;
    release::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Only `YYYY-MM-DD` with a real day is an API date string.
    #[test]
    fn iso_date_is_strict() {
        use chrono::NaiveDate;
        assert_eq!(
            super::iso_date("2026-11-05"),
            NaiveDate::from_ymd_opt(2026, 11, 5)
        );
        assert_eq!(
            super::iso_date("0001-01-01"),
            NaiveDate::from_ymd_opt(1, 1, 1)
        );
        for bad in [
            "2026/11/05",
            "2026-13-01",
            "2026-02-30",
            "2026-1-5",
            "2026-01-5 ",
            " 2026-01-05",
            "+2026-01-05",
            "0000-01-01",
            "2026-11-05T00:00",
            "20261105",
            "２０２６-11-05",
            "",
        ] {
            assert_eq!(super::iso_date(bad), None, "{bad:?}");
        }
    }
}
