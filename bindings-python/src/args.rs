//! Argument extraction shared by every exported function and method: integers are read
//! by value (`operator.index`, so an `int` subclass gives its value whatever its
//! `__str__` says) and `bool` is refused; strings must be valid Unicode (no lone
//! surrogates). A bad argument raises `estatekit.ValidationError` (code
//! `invalid_integer` or `invalid_text`) whose `path` is the argument's name: pyo3 adds
//! the note "while processing '<name>'" to an argument's extraction error, and
//! `ValidationError.add_note` (see `lib.rs`) turns that note into the path.
//!
//! Timestamps are read by [`instant`]: any timezone-aware `datetime.datetime`
//! (`timezone.utc`, `ZoneInfo("Asia/Shanghai")`, `timezone(timedelta(hours=8))`, …) is
//! converted to UTC; a naive one (no tzinfo, or a tzinfo whose `utcoffset` is `None`)
//! raises `ValidationError` code `naive_datetime` naming the argument.
//!
//! Used as `#[pyo3(from_py_with = crate::args::int)] scale: i64`, so the Rust type and
//! the default value stay as they are. Wrong types still raise pyo3's `TypeError`.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDateTime, PyDict, PyString, PyTzInfo};

/// An integer type an argument can be read as.
pub(crate) trait IntArg: Sized {
    const MIN: i128;
    const MAX: i128;
    fn from_i128(v: i128) -> Option<Self>;
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl IntArg for $t {
            const MIN: i128 = <$t>::MIN as i128;
            const MAX: i128 = <$t>::MAX as i128;
            fn from_i128(v: i128) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
        }
    )*};
}
int_arg!(i32, i64, u8, u16, u32, u64, usize);

/// A `ValidationError` about an argument whose name is not known yet: the path is
/// `suffix` (e.g. `""` or `"[2]"`), and the argument's name is prefixed by
/// `ValidationError.add_note` when pyo3 reports which argument failed.
pub(crate) fn argument_error(code: &str, suffix: &str, message: String) -> PyErr {
    let err = crate::raise(crate::ErrorClass::Validation, code, suffix, message);
    Python::attach(|py| {
        let _ = err.value(py).setattr("_estatekit_argument", true);
    });
    err
}

static INDEX: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `operator.index(obj)`: the exact `int` (a subclass's `__str__` is never used); a
/// non-integer type raises Python's usual TypeError.
pub(crate) fn int_value<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let index = INDEX.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("operator")?.getattr("index")?.unbind())
    })?;
    index.bind(py).call1((obj,))
}

fn int_at<T: IntArg>(obj: &Bound<'_, PyAny>, suffix: &str) -> PyResult<T> {
    if obj.is_instance_of::<PyBool>() {
        return Err(argument_error(
            "invalid_integer",
            suffix,
            format!(
                "expected an int, got bool {}",
                if obj.is_truthy()? { "True" } else { "False" }
            ),
        ));
    }
    let exact = int_value(obj)?;
    let out_of_range = || {
        let text = exact.str().map(|s| s.to_string()).unwrap_or_default();
        let shown = if text.len() > 40 {
            format!("{}…", &text[..40])
        } else {
            text
        };
        argument_error(
            "invalid_integer",
            suffix,
            format!("{shown} is out of range {}..={}", T::MIN, T::MAX),
        )
    };
    match exact.extract::<i128>() {
        Ok(v) => T::from_i128(v).ok_or_else(out_of_range),
        Err(_) => Err(out_of_range()),
    }
}

/// An integer argument (see the module doc).
pub(crate) fn int<T: IntArg>(obj: &Bound<'_, PyAny>) -> PyResult<T> {
    int_at(obj, "")
}

/// An optional integer argument (`None` is absent).
pub(crate) fn opt_int<T: IntArg>(obj: &Bound<'_, PyAny>) -> PyResult<Option<T>> {
    if obj.is_none() {
        Ok(None)
    } else {
        int_at(obj, "").map(Some)
    }
}

/// A `threads` argument: `None` (every core, `Some(0)` to the core) or a count from
/// 0 (also every core) to `estatekit.parallel` `MAX_THREADS` (256); a negative or
/// larger count raises `ValidationError` code `out_of_range` naming the argument.
pub(crate) fn threads(obj: &Bound<'_, PyAny>) -> PyResult<Option<u32>> {
    if obj.is_none() {
        return Ok(None);
    }
    if obj.is_instance_of::<PyBool>() {
        // `invalid_integer`, as for every integer argument.
        return int_at::<u32>(obj, "").map(Some);
    }
    let max = estatekit::parallel::MAX_THREADS;
    let exact = int_value(obj)?;
    match exact.extract::<u32>() {
        Ok(t) if t <= max => Ok(Some(t)),
        _ => {
            let text = exact.str().map(|s| s.to_string()).unwrap_or_default();
            let shown = match text.char_indices().nth(40) {
                Some((end, _)) => format!("{}…", &text[..end]),
                None => text,
            };
            Err(argument_error(
                "out_of_range",
                "",
                format!("{shown} is out of range 0..={max} (None or 0: every core)"),
            ))
        }
    }
}

/// The core's thread count of a `threads` argument (`None`: every core).
pub(crate) fn core_threads(threads: Option<u32>) -> u32 {
    threads.unwrap_or(0)
}

/// A list read item by item, a bad item named by its index (`days[2]`); a `str` is not
/// a sequence of `what`.
fn list_of<T>(
    obj: &Bound<'_, PyAny>,
    what: &str,
    item: impl Fn(&Bound<'_, PyAny>, &str) -> PyResult<T>,
) -> PyResult<Vec<T>> {
    if obj.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "expected a sequence of {what}, got str"
        )));
    }
    obj.try_iter()?
        .enumerate()
        .map(|(i, v)| item(&v?, &format!("[{i}]")))
        .collect()
}

/// A list of integers (`days[2]` names a bad one).
pub(crate) fn int_list<T: IntArg>(obj: &Bound<'_, PyAny>) -> PyResult<Vec<T>> {
    list_of(obj, "int", int_at)
}

/// A `str` borrowed as UTF-8; a lone surrogate is `invalid_text` at `suffix`.
fn str_at<'a>(obj: &'a Bound<'_, PyAny>, suffix: &str) -> PyResult<&'a str> {
    obj.cast::<PyString>()?.to_str().map_err(|_| {
        argument_error(
            "invalid_text",
            suffix,
            "the text is not valid Unicode (it holds a lone surrogate)".to_owned(),
        )
    })
}

fn text_at(obj: &Bound<'_, PyAny>, suffix: &str) -> PyResult<String> {
    str_at(obj, suffix).map(str::to_owned)
}

/// A string argument (see the module doc).
pub(crate) fn text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    text_at(obj, "")
}

/// A string argument kept as `&str` (so a literal default such as `"half_up"` stays
/// the Rust default and shows in the signature), borrowed from the Python string.
pub(crate) fn str_ref<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
    str_at(obj, "")
}

/// An optional string argument (`None` is absent).
pub(crate) fn opt_text(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if obj.is_none() {
        Ok(None)
    } else {
        text_at(obj, "").map(Some)
    }
}

/// A list of strings (`keywords[2]` names a bad one).
pub(crate) fn text_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    list_of(obj, "str", text_at)
}

/// An optional list of strings.
pub(crate) fn opt_text_list(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<String>>> {
    if obj.is_none() {
        Ok(None)
    } else {
        text_list(obj).map(Some)
    }
}

/// An optional dict of string to list of strings (`AccessPolicy(roles=...)`); a bad
/// key is named by the argument, a bad string in a list by key and index
/// (`roles.assign[1]`).
pub(crate) fn opt_text_list_map(
    obj: &Bound<'_, PyAny>,
) -> PyResult<Option<std::collections::BTreeMap<String, Vec<String>>>> {
    if obj.is_none() {
        return Ok(None);
    }
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in obj.cast::<PyDict>()?.iter() {
        let key = text_at(&k, "")?;
        if v.is_instance_of::<PyString>() {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "expected a sequence of str, got str",
            ));
        }
        let list = v
            .try_iter()?
            .enumerate()
            .map(|(i, x)| text_at(&x?, &format!(".{key}[{i}]")))
            .collect::<PyResult<Vec<String>>>()?;
        out.insert(key, list);
    }
    Ok(Some(out))
}

/// The instant of a timestamp (see the module doc) in UTC, or the code and message of
/// why it is refused: `naive_datetime`, or `out_of_range` when the instant in UTC is
/// outside the years 1–9999 (e.g. `datetime.min` at UTC+8). Not a datetime: TypeError.
pub(crate) fn utc_of(
    obj: &Bound<'_, PyAny>,
) -> PyResult<Result<DateTime<Utc>, (&'static str, String)>> {
    let py = obj.py();
    let dt = obj.cast::<PyDateTime>()?;
    if dt.call_method0("utcoffset")?.is_none() {
        return Ok(Err((
            "naive_datetime",
            "a naive datetime (without tzinfo) is ambiguous; give a timezone-aware one, \
             e.g. tzinfo=datetime.timezone.utc or ZoneInfo(\"Asia/Shanghai\")"
                .to_owned(),
        )));
    }
    match dt.call_method1("astimezone", (PyTzInfo::utc(py)?,)) {
        Ok(utc) => Ok(Ok(utc.extract::<DateTime<Utc>>()?)),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(py) => Ok(Err((
            "out_of_range",
            "the instant in UTC is outside the years 1-9999".to_owned(),
        ))),
        Err(e) => Err(e),
    }
}

fn instant_at(obj: &Bound<'_, PyAny>, suffix: &str) -> PyResult<DateTime<Utc>> {
    utc_of(obj)?.map_err(|(code, message)| argument_error(code, suffix, message))
}

/// A date argument (`crate::date_arg`'s rules): `ValidationError` `invalid_date`
/// named by the argument.
pub(crate) fn date(obj: &Bound<'_, PyAny>) -> PyResult<chrono::NaiveDate> {
    crate::date_of(obj).map_err(|message| argument_error("invalid_date", "", message))
}

/// A timestamp argument (see the module doc).
pub(crate) fn instant(obj: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    instant_at(obj, "")
}

/// `ValidationError.add_note`, run by pyo3 with "while processing '<name>'" when an
/// argument fails to extract: an error raised by the helpers above gets the name as
/// its path (and in its message); any other note is kept as a note.
pub(crate) const ADD_NOTE: &std::ffi::CStr = c"
def add_note(self, note, /):
    prefix = \"while processing '\"
    if getattr(self, '_estatekit_argument', False) and note.startswith(prefix) and note.endswith(\"'\"):
        self._estatekit_argument = False
        name = note[len(prefix):-1]
        self.path = (name[2:] if name.startswith('r#') else name) + self.path
        self.args = (self.path + ': ' + str(self.args[0]),) + tuple(self.args[1:])
        return
    if hasattr(BaseException, 'add_note'):
        BaseException.add_note(self, note)
";
