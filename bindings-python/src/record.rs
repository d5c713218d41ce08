//! Declarations of the classes and dicts that show core values to Python.
//!
//! - `record!`: a frozen class over a core value, from its list of fields: the
//!   `#[pyclass(frozen)]` holding the value as `inner`, one `#[getter]` per field and a
//!   `__repr__` of the form `Name(field=<repr>, ...)` over chosen fields (tokenizers'
//!   `getter!` is the precedent). Other methods of the class go in a normal
//!   `#[pymethods]` block next to it (pyo3's `multiple-pymethods`).
//! - `locked_getters!`: the plain getters of an object holding a `Shared` value
//!   (`Ledger`, `TicketFlow`, `Checklist`), each reading under the lock.
//! - `dict_record!`: `ToDict` for a core value Python sees as a dict (a row, a set of
//!   figures); `dict_lists!`: getters of lists of such dicts; `dict_views!`: dated
//!   views (`aging(as_of)`, `balance(unit_id, as_of)`) returning such a dict.
//! - `json_document!` (`from_json`, `to_json`, `__reduce__` of a document class),
//!   `shared_document!` (the same, with `__eq__`, for a `Shared` document restored
//!   with a companion), `shared_eq!`, and `register!` (a module's classes and
//!   functions).
//! - `OrderedDict`: a field type for counts whose order is part of the API.
//!
//! Every generated `#[pymethods]` block is under `#[guard(crate::panic_guard)]`.
//!
//! ```ignore
//! record! {
//!     /// One line of a bill.
//!     pub(crate) struct PyBillLine("BillLine") { inner: BillLine }
//!     repr(item_code, amount);
//!     |l| {
//!         amount: Decimal,                        // l.amount, cloned
//!         /// A metered line billed on an estimated reading (估抄).
//!         estimated: bool,
//!         kind: &'static str = l.kind.as_str(),   // where Python's type differs
//!     }
//! }
//! ```
//!
//! A field without `= expr` returns the core field of the same name, cloned; with
//! `= expr` it returns `expr`, where the name between the bars is the core value.
//! `struct Py("Name", eq)` makes instances equal when their core values are; more
//! struct fields after `inner` are allowed (the record is then not `From` its value);
//! `repr(...)` may be left out when the class writes its own `__repr__`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

/// `Name(a=repr(obj.a), b=repr(obj.b))`: the `__repr__` of every record.
pub(crate) fn repr(obj: &Bound<'_, PyAny>, name: &str, fields: &[&str]) -> PyResult<String> {
    let mut out = format!("{name}(");
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let value = obj.getattr(PyString::new(obj.py(), field))?;
        out.push_str(field);
        out.push('=');
        out.push_str(&value.repr()?.to_cow()?);
    }
    out.push(')');
    Ok(out)
}

/// See the module doc.
macro_rules! record {
    // `eq`: equal when the core values are.
    ($(#[$meta:meta])* $vis:vis struct $py:ident($name:literal, eq) $($rest:tt)*) => {
        record!(@class $name [
            /// Equal when the core values are equal.
            fn __eq__(&self, other: &pyo3::Bound<'_, pyo3::PyAny>) -> bool {
                other.cast::<Self>().is_ok_and(|o| self.inner == o.get().inner)
            }
        ] $(#[$meta])* $vis struct $py $($rest)*);
    };
    ($(#[$meta:meta])* $vis:vis struct $py:ident($name:literal) $($rest:tt)*) => {
        record!(@class $name [] $(#[$meta])* $vis struct $py $($rest)*);
    };
    (
        @class $name:literal [$($eq:tt)*]
        $(#[$meta:meta])*
        $vis:vis struct $py:ident {
            inner: $inner:ty $(, $extra_field:ident : $extra_ty:ty)* $(,)?
        }
        $(repr($($repr_field:ident),* $(,)?);)?
        |$r:ident| {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty $(= $conv:expr)? ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[pyo3::pyclass(frozen, module = "estatekit", name = $name)]
        $vis struct $py {
            pub(crate) inner: $inner,
            $($extra_field: $extra_ty,)*
        }

        #[estatekit_ffi_guard::guard(crate::panic_guard)]
        #[pymethods]
        impl $py {
            $(
                $(#[doc = $doc])*
                #[getter]
                #[allow(unused_variables, clippy::clone_on_copy, clippy::wrong_self_convention)]
                fn $field(&self) -> $ty {
                    let $r = &self.inner;
                    record!(@get $r, $field $(, $conv)?)
                }
            )*
            $(
                fn __repr__(slf: &pyo3::Bound<'_, Self>) -> pyo3::PyResult<String> {
                    crate::record::repr(slf.as_any(), $name, &[$(stringify!($repr_field)),*])
                }
            )?
            $($eq)*
        }

        record!(@from $py, $inner, [$($extra_field)*]);
    };
    // A record holding only the core value is made from it.
    (@from $py:ident, $inner:ty, []) => {
        impl From<$inner> for $py {
            fn from(inner: $inner) -> Self {
                Self { inner }
            }
        }
    };
    (@from $py:ident, $inner:ty, [$($extra_field:ident)+]) => {};
    (@get $r:ident, $field:ident) => {
        $r.$field.clone()
    };
    (@get $r:ident, $field:ident, $conv:expr) => {
        $conv
    };
}
pub(crate) use record;

/// Records of copies of core values: `wrap_all(estate.units())` is `Vec<PyUnit>`.
pub(crate) fn wrap_all<'a, T: Clone + 'a, P: From<T>>(
    items: impl IntoIterator<Item = &'a T>,
) -> Vec<P> {
    items.into_iter().cloned().map(P::from).collect()
}

/// A core value that Python sees as a dict (a row of a table, a set of figures),
/// declared with [`dict_record!`].
pub(crate) trait ToDict {
    /// The value as a new dict, keys in declaration order.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>>;
}

/// `[item.to_dict() for item in items]`.
pub(crate) fn dicts<'py, 'a, T: ToDict + 'a>(
    py: Python<'py>,
    items: impl IntoIterator<Item = &'a T>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for item in items {
        list.append(item.to_dict(py)?)?;
    }
    Ok(list)
}

/// `ToDict` for core types from their lists of keys: `Type { key, other = |v| expr }`.
/// A key without `= ...` is the field of the same name (by reference); with
/// `= |v| expr` or `= |v, py| expr` it is `expr` (`v` the value, `py` the GIL token).
/// `r#ref` is the key `"ref"`.
macro_rules! dict_record {
    ($($ty:ty { $($key:ident $(= |$($arg:ident),+| $conv:expr)?),* $(,)? })*) => {$(
        impl crate::record::ToDict for $ty {
            fn to_dict<'py>(
                &self,
                py: pyo3::Python<'py>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyDict>> {
                let d = pyo3::types::PyDict::new(py);
                $(
                    d.set_item(
                        stringify!($key).trim_start_matches("r#"),
                        dict_record!(@get self, py, $key $(, [$($arg),+] $conv)?),
                    )?;
                )*
                Ok(d)
            }
        }
    )*};
    (@get $s:ident, $py:ident, $key:ident) => {
        &$s.$key
    };
    (@get $s:ident, $py:ident, $key:ident, [$v:ident] $conv:expr) => {{
        let $v = $s;
        $conv
    }};
    (@get $s:ident, $py:ident, $key:ident, [$v:ident, $p:ident] $conv:expr) => {{
        let ($v, $p) = ($s, $py);
        $conv
    }};
}
pub(crate) use dict_record;

/// Getters of lists of dicts (`ToDict`) of the fields of `inner`:
/// `dict_lists!(PyRowImport { posted, rejected })`.
macro_rules! dict_lists {
    ($py:ident { $( $(#[doc = $doc:literal])* $field:ident ),* $(,)? }) => {
        #[estatekit_ffi_guard::guard(crate::panic_guard)]
        #[pymethods]
        impl $py {
            $(
                $(#[doc = $doc])*
                #[getter]
                fn $field<'py>(
                    &self,
                    py: pyo3::Python<'py>,
                ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyList>> {
                    crate::record::dicts(py, &self.inner.$field)
                }
            )*
        }
    };
}
pub(crate) use dict_lists;

/// Getters of an object whose `inner` is a `Shared` value, each reading it under the
/// lock: `locked_getters!(PyLedger |l| { prepaid: Decimal = l.prepaid() })`.
macro_rules! locked_getters {
    (
        $py:ident |$v:ident| {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $conv:expr ),* $(,)?
        }
    ) => {
        #[estatekit_ffi_guard::guard(crate::panic_guard)]
        #[pymethods]
        impl $py {
            $(
                $(#[doc = $doc])*
                #[getter]
                fn $field(&self) -> pyo3::PyResult<$ty> {
                    let $v = self.inner.lock()?;
                    Ok($conv)
                }
            )*
        }
    };
}
pub(crate) use locked_getters;

/// `from_json`, `to_json` and `__reduce__` (pickle and `copy` through the JSON form)
/// of a class over a core document type with `from_json(&str) -> Result<_, E:
/// Diagnostic>` and `to_json(&self) -> String`; the doc comment is `from_json`'s.
/// `shared`: the class holds the document in a `Shared` (`Self::wrap`, read under the
/// lock).
macro_rules! json_document {
    ($(#[doc = $doc:literal])* $py:ident: $core:ty) => {
        json_document!(@impl [$(#[doc = $doc])*] $py, $core,
            inner => Self { inner }, s => s.inner.to_json());
    };
    ($(#[doc = $doc:literal])* $py:ident: $core:ty, shared) => {
        json_document!(@impl [$(#[doc = $doc])*] $py, $core,
            inner => Self::wrap(inner), s => s.inner.lock()?.to_json());
    };
    (
        @impl [$($doc:tt)*] $py:ident, $core:ty,
        $inner:ident => $wrap:expr, $s:ident => $to_json:expr
    ) => {
        #[estatekit_ffi_guard::guard(crate::panic_guard)]
        #[pymethods]
        impl $py {
            $($doc)*
            #[staticmethod]
            fn from_json(
                py: pyo3::Python<'_>,
                #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
            ) -> pyo3::PyResult<Self> {
                let $inner = py.detach(|| <$core>::from_json(text)).map_err(crate::to_py)?;
                Ok($wrap)
            }
            /// The document as JSON; `from_json` reads it back unchanged.
            fn to_json(&self) -> pyo3::PyResult<String> {
                let $s = self;
                Ok($to_json)
            }
            /// Pickle and `copy` through the JSON form: `(Cls.from_json, (self.to_json(),))`.
            fn __reduce__<'py>(
                slf: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<(pyo3::Bound<'py, pyo3::PyAny>, (String,))> {
                let $s = slf.get();
                Ok((slf.get_type().getattr("from_json")?, ($to_json,)))
            }
        }
    };
}
pub(crate) use json_document;

/// Methods returning the dict (`ToDict`) of a dated view of an object's `Shared`
/// value, read under the lock: `dict_views!(PyLedger |l, as_of| { aging =
/// l.aging(as_of) })`, or with a unit: `|b, unit_id, as_of|`. `as_of` is read by
/// `crate::args::date`, `unit_id` by `crate::args::str_ref`.
macro_rules! dict_views {
    ($py:ident |$v:ident, $as_of:ident| { $($views:tt)* }) => {
        dict_views!(@impl $py, $v, [
            #[pyo3(from_py_with = crate::args::date)] $as_of: chrono::NaiveDate
        ], $($views)*);
    };
    ($py:ident |$v:ident, $unit_id:ident, $as_of:ident| { $($views:tt)* }) => {
        dict_views!(@impl $py, $v, [
            #[pyo3(from_py_with = crate::args::str_ref)] $unit_id: &str,
            #[pyo3(from_py_with = crate::args::date)] $as_of: chrono::NaiveDate
        ], $($views)*);
    };
    (
        @impl $py:ident, $v:ident, $params:tt,
        $( $(#[doc = $doc:literal])* $name:ident = $call:expr ),* $(,)?
    ) => {
        $( dict_views!(@one $py, $v, $params, [$(#[doc = $doc])*] $name = $call); )*
    };
    (@one $py:ident, $v:ident, [$($params:tt)*], [$($doc:tt)*] $name:ident = $call:expr) => {
        #[estatekit_ffi_guard::guard(crate::panic_guard)]
        #[pymethods]
        impl $py {
            $($doc)*
            fn $name<'py>(
                &self,
                py: pyo3::Python<'py>,
                $($params)*
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyDict>> {
                let $v = self.inner.lock()?;
                crate::record::ToDict::to_dict(&$call.map_err(crate::to_py)?, py)
            }
        }
    };
}
pub(crate) use dict_views;

/// `__eq__` of an object holding a `Shared` value: `same(a, b)` on the two values
/// (`crate::shared::eq_by`: the same object is equal without locking, another type is
/// not equal).
macro_rules! shared_eq {
    ($(#[doc = $doc:literal])* $py:ident |$a:ident, $b:ident| $same:expr) => {
        #[estatekit_ffi_guard::guard(crate::panic_guard)]
        #[pymethods]
        impl $py {
            $(#[doc = $doc])*
            fn __eq__(&self, other: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<bool> {
                crate::shared::eq_by(&self.inner, other, |o: &Self| &o.inner, |$a, $b| $same)
            }
        }
    };
}
pub(crate) use shared_eq;

/// Adds classes and functions to the module: `register!(m: PyA, PyB; f, g)`.
macro_rules! register {
    ($m:ident: $($class:ty),* $(; $($function:ident),*)?) => {{
        $($m.add_class::<$class>()?;)*
        $($($m.add_function(pyo3::wrap_pyfunction!($function, $m)?)?;)*)?
        Ok(())
    }};
}
pub(crate) use register;

/// A dict in the order of its pairs (`{"residential": 30, "shop": 4, ...}`): a record
/// field type for counts whose order is part of the API (declaration order).
pub(crate) struct OrderedDict<K, V>(pub(crate) Vec<(K, V)>);

impl<K, V> FromIterator<(K, V)> for OrderedDict<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Self(pairs.into_iter().collect())
    }
}

impl<'py, K: IntoPyObject<'py>, V: IntoPyObject<'py>> IntoPyObject<'py> for OrderedDict<K, V> {
    type Target = PyDict;
    type Output = Bound<'py, PyDict>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (k, v) in self.0 {
            dict.set_item(k, v)?;
        }
        Ok(dict)
    }
}

/// `to_json`, `__reduce__` and `__eq__` of an object holding a `Shared` document that
/// `Cls.from_json(text, companion)` restores (a checklist with its template, a ticket
/// flow with its access policy): `shared_document!(PyChecklist |c| -> PyCheckinTemplate
/// { c.template().clone().into() })`. Equal when the documents are (the same
/// companion, history and state).
macro_rules! shared_document {
    ($py:ident |$v:ident| -> $with:ty { $companion:expr }) => {
        #[estatekit_ffi_guard::guard(crate::panic_guard)]
        #[pymethods]
        impl $py {
            /// The document as JSON.
            fn to_json(&self) -> pyo3::PyResult<String> {
                Ok(self.inner.lock()?.to_json())
            }
            /// Pickle and `copy` through the JSON form:
            /// `(Cls.from_json, (self.to_json(), companion))`.
            fn __reduce__<'py>(
                slf: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<(pyo3::Bound<'py, pyo3::PyAny>, (String, $with))> {
                let $v = slf.get().inner.lock()?;
                let from_json = slf.as_any().get_type().getattr("from_json")?;
                Ok((from_json, ($v.to_json(), $companion)))
            }
            /// Equal when the same document: companion, history and state.
            fn __eq__(&self, other: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<bool> {
                crate::shared::eq_by(&self.inner, other, |o: &Self| &o.inner, |a, b| a == b)
            }
        }
    };
}
pub(crate) use shared_document;
