//! Python bindings for EstateKit (module `estatekit._estatekit`, re-exported as `estatekit`).
//!
//! A thin adapter: it converts arguments, results and errors, and nothing else. Every
//! rule lives in the `estatekit` core crate.

use std::str::FromStr;

use estatekit::estate::{Building, Estate, EstateError, Meter, Reading, Unit};
use estatekit::money::{self, MoneyError, RoundingMode, RoundingPolicy};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString, PyTuple, PyType};
use rust_decimal::Decimal;

create_exception!(
    estatekit,
    EstateKitError,
    PyException,
    "Base class of every error raised by EstateKit."
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
            let ty = py.get_type::<PyType>().call1(("ValidationError", bases, ns))?;
            Ok::<_, PyErr>(ty.cast_into::<PyType>()?.unbind())
        })
        .map(|t| t.bind(py))
}

/// A `ValidationError` carrying `code` and `path` attributes.
fn validation_error(code: &str, path: &str, message: String) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let err = validation_error_type(py)?.call1((message.clone(),))?;
            err.setattr("code", code)?;
            err.setattr("path", path)?;
            Ok(PyErr::from_value(err))
        };
        build().unwrap_or_else(|e| e)
    })
}

fn money_err(e: MoneyError) -> PyErr {
    validation_error(e.code(), &e.path(), e.to_string())
}

fn estate_err(e: EstateError) -> PyErr {
    validation_error(e.code(), e.path(), e.to_string())
}

/// Reads a money or quantity argument: `decimal.Decimal`, `int` or a decimal string.
/// Floats are refused (money is never a float), as are NaN and infinities.
fn decimal_arg(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Decimal> {
    let bad = |what: String| validation_error("invalid_decimal", path, format!("{path}: {what}"));
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() {
        let ty = obj
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        return Err(bad(format!(
            "expected decimal.Decimal, int or str, got {ty} (money is never a float)"
        )));
    }
    let text = if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyString>() {
        obj.str()?.to_string()
    } else {
        let decimal = py_decimal_type(obj.py())?;
        if !obj.is_instance(decimal)? {
            let ty = obj
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            return Err(bad(format!(
                "expected decimal.Decimal, int or str, got {ty}"
            )));
        }
        obj.str()?.to_string()
    };
    Decimal::from_str(text.trim())
        .or_else(|_| Decimal::from_scientific(text.trim()))
        .map_err(|_| bad(format!("{text:?} is not a finite decimal within ±7.9e28")))
}

static DECIMAL_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn py_decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL_TYPE.import(py, "decimal", "Decimal")
}

fn policy_arg(scale: i64, rounding: &str) -> PyResult<RoundingPolicy> {
    let mode = RoundingMode::from_str(rounding).map_err(money_err)?;
    let scale = u32::try_from(scale).map_err(|_| {
        validation_error(
            "invalid_scale",
            "scale",
            format!("scale: {scale} is out of range 0..={}", money::MAX_SCALE),
        )
    })?;
    RoundingPolicy::new(scale, mode).map_err(money_err)
}

fn weights_arg(weights: &Bound<'_, PyAny>) -> PyResult<Vec<Decimal>> {
    let mut out = Vec::with_capacity(weights.len().unwrap_or(0));
    for (i, w) in weights.try_iter()?.enumerate() {
        out.push(decimal_arg(&w?, &format!("weights[{i}]"))?);
    }
    Ok(out)
}

/// Split `total` by `weights` so the parts sum exactly to `total` rounded to `scale`.
#[pyfunction]
#[pyo3(signature = (total, weights, *, scale = 2, rounding = "half_up"))]
fn allocate(
    py: Python<'_>,
    total: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    scale: i64,
    rounding: &str,
) -> PyResult<Vec<Decimal>> {
    Ok(allocate_detailed(py, total, weights, scale, rounding)?
        .inner
        .parts)
}

/// Like `allocate`, but also returns the rounded total and which parts were adjusted.
#[pyfunction]
#[pyo3(signature = (total, weights, *, scale = 2, rounding = "half_up"))]
fn allocate_detailed(
    py: Python<'_>,
    total: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    scale: i64,
    rounding: &str,
) -> PyResult<Allocation> {
    let policy = policy_arg(scale, rounding)?;
    let total = decimal_arg(total, "total")?;
    let weights = weights_arg(weights)?;
    let inner = py
        .detach(|| money::allocate(total, &weights, &policy))
        .map_err(money_err)?;
    Ok(Allocation { inner })
}

/// The result of `allocate_detailed`.
#[pyclass(frozen, module = "estatekit")]
struct Allocation {
    inner: money::Allocation,
}

#[pymethods]
impl Allocation {
    /// The amount split, rounded to the scale.
    #[getter]
    fn total(&self) -> Decimal {
        self.inner.total
    }
    /// The parts, in the order of the weights.
    #[getter]
    fn parts(&self) -> Vec<Decimal> {
        self.inner.parts.clone()
    }
    /// Indices of the parts that received one extra minor unit.
    #[getter]
    fn adjusted(&self) -> Vec<usize> {
        self.inner.adjusted.clone()
    }
    /// Sum of the minor units handed out as adjustments.
    #[getter]
    fn adjustment(&self) -> Decimal {
        self.inner.adjustment()
    }
    fn __repr__(&self) -> String {
        format!(
            "Allocation(total={}, parts={}, adjusted={:?})",
            self.inner.total,
            self.inner.parts.len(),
            self.inner.adjusted
        )
    }
}

/// An estate's rounding rule: decimal places and mode.
#[pyclass(frozen, eq, module = "estatekit", name = "RoundingPolicy")]
#[derive(PartialEq)]
struct PyRoundingPolicy {
    inner: RoundingPolicy,
}

#[pymethods]
impl PyRoundingPolicy {
    #[new]
    #[pyo3(signature = (scale = 2, mode = "half_up"))]
    fn new(scale: i64, mode: &str) -> PyResult<Self> {
        Ok(Self {
            inner: policy_arg(scale, mode)?,
        })
    }
    /// Decimal places kept.
    #[getter]
    fn scale(&self) -> u32 {
        self.inner.scale()
    }
    /// 'half_up', 'half_even', 'down' or 'up'.
    #[getter]
    fn mode(&self) -> &'static str {
        self.inner.mode().as_str()
    }
    /// Round an amount with this policy.
    fn round(&self, amount: &Bound<'_, PyAny>) -> PyResult<Decimal> {
        Ok(self.inner.round(decimal_arg(amount, "amount")?))
    }
    fn __repr__(&self) -> String {
        format!(
            "RoundingPolicy(scale={}, mode={:?})",
            self.inner.scale(),
            self.inner.mode().as_str()
        )
    }
}

/// A building of an estate.
#[pyclass(frozen, eq, module = "estatekit", name = "Building")]
#[derive(PartialEq)]
struct PyBuilding {
    inner: Building,
}

#[pymethods]
impl PyBuilding {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    fn __repr__(&self) -> String {
        format!(
            "Building(id={:?}, name={:?})",
            self.inner.id, self.inner.name
        )
    }
}

/// A unit (flat, shop, parking space, storage room).
#[pyclass(frozen, eq, module = "estatekit", name = "Unit")]
#[derive(PartialEq)]
struct PyUnit {
    inner: Unit,
}

#[pymethods]
impl PyUnit {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn building_id(&self) -> &str {
        &self.inner.building_id
    }
    #[getter]
    fn floor(&self) -> i32 {
        self.inner.floor
    }
    #[getter]
    fn number(&self) -> &str {
        &self.inner.number
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    #[getter]
    fn gross_area(&self) -> Decimal {
        self.inner.gross_area
    }
    #[getter]
    fn internal_area(&self) -> Option<Decimal> {
        self.inner.internal_area
    }
    #[getter]
    fn occupants(&self) -> u32 {
        self.inner.occupants
    }
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }
    #[getter]
    fn status_since(&self) -> Option<chrono::NaiveDate> {
        self.inner.status_since
    }
    #[getter]
    fn delivered_on(&self) -> Option<chrono::NaiveDate> {
        self.inner.delivered_on
    }
    #[getter]
    fn is_delivered(&self) -> bool {
        self.inner.is_delivered()
    }
    /// The fee area: internal if asked for and known, gross otherwise.
    #[pyo3(signature = (*, internal = false))]
    fn area(&self, internal: bool) -> Decimal {
        self.inner.area(internal)
    }
    fn __repr__(&self) -> String {
        let u = &self.inner;
        format!(
            "Unit(id={:?}, kind={:?}, gross_area=Decimal('{}'), status={:?})",
            u.id,
            u.kind.as_str(),
            u.gross_area,
            u.status.as_str()
        )
    }
}

/// A meter reading.
#[pyclass(frozen, eq, module = "estatekit", name = "Reading")]
#[derive(PartialEq)]
struct PyReading {
    inner: Reading,
}

#[pymethods]
impl PyReading {
    #[getter]
    fn date(&self) -> chrono::NaiveDate {
        self.inner.date
    }
    #[getter]
    fn value(&self) -> Decimal {
        self.inner.value
    }
    fn __repr__(&self) -> String {
        format!(
            "Reading(date={}, value=Decimal('{}'))",
            self.inner.date, self.inner.value
        )
    }
}

/// A meter: a unit's own, or a common/master meter when `unit_id` is None.
#[pyclass(frozen, eq, module = "estatekit", name = "Meter")]
#[derive(PartialEq)]
struct PyMeter {
    inner: Meter,
}

#[pymethods]
impl PyMeter {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn unit_id(&self) -> Option<&str> {
        self.inner.unit_id.as_deref()
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    #[getter]
    fn multiplier(&self) -> Decimal {
        self.inner.multiplier
    }
    #[getter]
    fn readings(&self) -> Vec<PyReading> {
        self.inner
            .readings
            .iter()
            .map(|r| PyReading { inner: r.clone() })
            .collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "Meter(id={:?}, unit_id={:?}, kind={:?})",
            self.inner.id,
            self.inner.unit_id,
            self.inner.kind.as_str()
        )
    }
}

/// Counts and areas of an estate.
#[pyclass(frozen, module = "estatekit")]
struct EstateSummary {
    #[pyo3(get)]
    buildings: usize,
    #[pyo3(get)]
    units: usize,
    by_kind: Vec<(&'static str, usize)>,
    by_status: Vec<(&'static str, usize)>,
    #[pyo3(get)]
    total_gross_area: Decimal,
    #[pyo3(get)]
    total_internal_area: Decimal,
    #[pyo3(get)]
    occupants: u32,
    #[pyo3(get)]
    meters: usize,
}

fn counts_dict<'py>(
    py: Python<'py>,
    counts: &[(&'static str, usize)],
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, n) in counts {
        dict.set_item(name, n)?;
    }
    Ok(dict)
}

#[pymethods]
impl EstateSummary {
    /// Units per kind, every kind in declaration order.
    #[getter]
    fn by_kind<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        counts_dict(py, &self.by_kind)
    }
    /// Units per status, every status in declaration order.
    #[getter]
    fn by_status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        counts_dict(py, &self.by_status)
    }
    fn __repr__(&self) -> String {
        format!(
            "EstateSummary(buildings={}, units={}, total_gross_area=Decimal('{}'))",
            self.buildings, self.units, self.total_gross_area
        )
    }
}

/// A validated estate: buildings, units, meters, rounding policy.
#[pyclass(frozen, eq, module = "estatekit", name = "Estate")]
#[derive(PartialEq)]
struct PyEstate {
    inner: Estate,
}

#[pymethods]
impl PyEstate {
    /// Parse and validate an estate JSON document.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let inner = py.detach(|| Estate::from_json(text)).map_err(estate_err)?;
        Ok(Self { inner })
    }
    /// The embedded demo estate (two buildings, 40 units).
    #[staticmethod]
    fn demo() -> Self {
        Self {
            inner: Estate::demo(),
        }
    }
    /// The estate as JSON; `from_json` reads it back unchanged.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }
    #[getter]
    fn currency(&self) -> &str {
        self.inner.currency()
    }
    #[getter]
    fn rounding(&self) -> PyRoundingPolicy {
        PyRoundingPolicy {
            inner: *self.inner.rounding(),
        }
    }
    #[getter]
    fn buildings(&self) -> Vec<PyBuilding> {
        self.inner
            .buildings()
            .iter()
            .map(|b| PyBuilding { inner: b.clone() })
            .collect()
    }
    #[getter]
    fn units(&self) -> Vec<PyUnit> {
        self.inner
            .units()
            .iter()
            .map(|u| PyUnit { inner: u.clone() })
            .collect()
    }
    #[getter]
    fn meters(&self) -> Vec<PyMeter> {
        self.inner
            .meters()
            .iter()
            .map(|m| PyMeter { inner: m.clone() })
            .collect()
    }
    /// The unit with this id, or None.
    fn unit(&self, id: &str) -> Option<PyUnit> {
        self.inner.unit(id).map(|u| PyUnit { inner: u.clone() })
    }
    /// The building with this id, or None.
    fn building(&self, id: &str) -> Option<PyBuilding> {
        self.inner
            .building(id)
            .map(|b| PyBuilding { inner: b.clone() })
    }
    /// The meter with this id, or None.
    fn meter(&self, id: &str) -> Option<PyMeter> {
        self.inner.meter(id).map(|m| PyMeter { inner: m.clone() })
    }
    /// The meters of one unit.
    fn meters_of(&self, unit_id: &str) -> Vec<PyMeter> {
        self.inner
            .meters_of(unit_id)
            .into_iter()
            .map(|m| PyMeter { inner: m.clone() })
            .collect()
    }
    /// Counts by kind and status, total areas, occupants.
    fn summary(&self) -> EstateSummary {
        let s = self.inner.summary();
        EstateSummary {
            buildings: s.buildings,
            units: s.units,
            by_kind: s
                .by_kind
                .into_iter()
                .map(|(k, n)| (k.as_str(), n))
                .collect(),
            by_status: s
                .by_status
                .into_iter()
                .map(|(k, n)| (k.as_str(), n))
                .collect(),
            total_gross_area: s.total_gross_area,
            total_internal_area: s.total_internal_area,
            occupants: s.occupants,
            meters: s.meters,
        }
    }
    fn __repr__(&self) -> String {
        format!(
            "Estate(id={:?}, name={:?}, units={})",
            self.inner.id(),
            self.inner.name(),
            self.inner.units().len()
        )
    }
}

/// The native module; `estatekit/__init__.py` re-exports it.
#[pymodule]
fn _estatekit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("EstateKitError", py.get_type::<EstateKitError>())?;
    m.add("ValidationError", validation_error_type(py)?)?;
    m.add_function(wrap_pyfunction!(allocate, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_detailed, m)?)?;
    m.add_class::<Allocation>()?;
    m.add_class::<PyRoundingPolicy>()?;
    m.add_class::<PyEstate>()?;
    m.add_class::<PyBuilding>()?;
    m.add_class::<PyUnit>()?;
    m.add_class::<PyMeter>()?;
    m.add_class::<PyReading>()?;
    m.add_class::<EstateSummary>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
