//! `estatekit.CheckinTemplate`, `Checklist` and the check-in queries.
//!
//! Timestamps (`at`) are timezone-aware `datetime.datetime` values (any offset; stored
//! in UTC); naive datetimes are refused. Results carry `datetime.timezone.utc`.

use estatekit_ffi_guard::guard;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use estatekit::checkin::{
    self, CheckinError, CheckinTemplate, Checklist, DefectInput, HandoverOutcome, ItemData, Mode,
    Responsible, Role, Severity,
};
use estatekit::estate::UnitStatus;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use rust_decimal::Decimal;

use crate::estate::PyEstate;
use crate::shared::Shared;
use crate::{date_arg, decimal_arg, to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCheckinTemplate>()?;
    m.add_class::<PyCheckinStep>()?;
    m.add_class::<PyCheckinItem>()?;
    m.add_class::<PyChecklist>()?;
    m.add_class::<PyChecklistItem>()?;
    m.add_class::<PyDefect>()?;
    m.add_class::<PyCheckinEvent>()?;
    m.add_class::<PyTemplateMismatch>()?;
    m.add_class::<PyCompletionEffects>()?;
    m.add_class::<PyMeterBaseReading>()?;
    m.add_class::<PyChargeLine>()?;
    m.add_class::<PyOverdueRectification>()?;
    m.add_function(wrap_pyfunction!(audit_dates, m)?)?;
    m.add_function(wrap_pyfunction!(awaiting_audit, m)?)?;
    m.add_function(wrap_pyfunction!(overdue_rectifications, m)?)?;
    Ok(())
}

/// Parses a snake_case enum argument, naming `path` on failure.
fn enum_arg<T: FromStr<Err = CheckinError>>(value: &str, path: &str) -> PyResult<T> {
    T::from_str(value).map_err(|e| {
        let reason = match &e {
            CheckinError::InvalidField { reason, .. } => reason.clone(),
            other => other.to_string(),
        };
        validation_error("invalid_field", path, format!("{path}: {reason}"))
    })
}

fn status_arg(value: &str, path: &str) -> PyResult<UnitStatus> {
    UnitStatus::from_str(value).map_err(|_| {
        validation_error(
            "invalid_field",
            path,
            format!("{path}: unknown unit status {value:?}"),
        )
    })
}

/// A timezone-aware `datetime.datetime`, converted to UTC ([`crate::args::utc_of`]);
/// a refused one is a `ValidationError` at `path`.
fn at_arg(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<DateTime<Utc>> {
    crate::args::utc_of(obj)?
        .map_err(|(code, message)| validation_error(code, path, format!("{path}: {message}")))
}

fn data_arg(data: Option<&Bound<'_, PyDict>>) -> PyResult<ItemData> {
    let mut out = ItemData::default();
    let Some(dict) = data else { return Ok(out) };
    for (key, value) in dict.iter() {
        let key: String = key.extract()?;
        let path = format!("data.{key}");
        if value.is_none() {
            continue;
        }
        let text = |v: &Bound<'_, PyAny>| -> PyResult<String> {
            v.cast::<PyString>().map(|s| s.to_string()).map_err(|_| {
                validation_error("invalid_field", &path, format!("{path}: expected str"))
            })
        };
        match key.as_str() {
            "reading" => out.reading = Some(decimal_arg(&value, &path)?),
            "keys" => {
                let number = if value.is_instance_of::<pyo3::types::PyBool>() {
                    None
                } else {
                    crate::args::int_value(&value)
                        .ok()
                        .and_then(|i| i.extract::<u32>().ok())
                };
                out.keys = Some(number.ok_or_else(|| {
                    validation_error(
                        "invalid_field",
                        &path,
                        format!("{path}: expected a non-negative int"),
                    )
                })?)
            }
            "signature_ref" => out.signature_ref = Some(text(&value)?),
            "receipt_ref" => out.receipt_ref = Some(text(&value)?),
            "note" => out.note = Some(text(&value)?),
            "outcome" => out.outcome = Some(enum_arg::<HandoverOutcome>(&text(&value)?, &path)?),
            _ => {
                return Err(validation_error(
                    "invalid_field",
                    &path,
                    format!(
                        "{path}: unknown field; expected reading, keys, signature_ref, receipt_ref, outcome or note"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

fn data_dict<'py>(py: Python<'py>, d: &ItemData) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    if let Some(v) = d.reading {
        dict.set_item("reading", v)?;
    }
    if let Some(v) = d.keys {
        dict.set_item("keys", v)?;
    }
    if let Some(v) = &d.signature_ref {
        dict.set_item("signature_ref", v)?;
    }
    if let Some(v) = &d.receipt_ref {
        dict.set_item("receipt_ref", v)?;
    }
    if let Some(v) = d.outcome {
        dict.set_item("outcome", v.as_str())?;
    }
    if let Some(v) = &d.note {
        dict.set_item("note", v)?;
    }
    Ok(dict)
}

/// An item of a check-in template.
#[pyclass(frozen, eq, module = "estatekit", name = "CheckinItem")]
#[derive(PartialEq)]
struct PyCheckinItem {
    inner: checkin::ItemDef,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyCheckinItem {
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    #[getter]
    fn name_zh(&self) -> &str {
        &self.inner.name_zh
    }
    #[getter]
    fn name_en(&self) -> &str {
        &self.inner.name_en
    }
    #[getter]
    fn mandatory(&self) -> bool {
        self.inner.mandatory
    }
    #[getter]
    fn roles(&self) -> Vec<&'static str> {
        self.inner.roles.iter().map(|r| r.as_str()).collect()
    }
    #[getter]
    fn amount(&self) -> Option<Decimal> {
        self.inner.amount
    }
    #[getter]
    fn meter_kind(&self) -> Option<&'static str> {
        self.inner.meter_kind.map(|k| k.as_str())
    }
    #[getter]
    fn keys(&self) -> Option<u32> {
        self.inner.keys
    }
    fn __repr__(&self) -> String {
        format!(
            "CheckinItem(code={:?}, kind={:?}, mandatory={})",
            self.inner.code,
            self.inner.kind.as_str(),
            if self.inner.mandatory {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// A step of a check-in template.
#[pyclass(frozen, eq, module = "estatekit", name = "CheckinStep")]
#[derive(PartialEq)]
struct PyCheckinStep {
    inner: checkin::StepDef,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyCheckinStep {
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }
    #[getter]
    fn name_zh(&self) -> &str {
        &self.inner.name_zh
    }
    #[getter]
    fn name_en(&self) -> &str {
        &self.inner.name_en
    }
    #[getter]
    fn depends_on(&self) -> Vec<String> {
        self.inner.depends_on.clone()
    }
    #[getter]
    fn items(&self) -> Vec<PyCheckinItem> {
        self.inner
            .items
            .iter()
            .map(|i| PyCheckinItem { inner: i.clone() })
            .collect()
    }
    fn __repr__(&self) -> String {
        format!(
            "CheckinStep(code={:?}, items={})",
            self.inner.code,
            self.inner.items.len()
        )
    }
}

/// A validated check-in template: ordered steps with dependencies and items.
#[pyclass(frozen, eq, module = "estatekit", name = "CheckinTemplate")]
#[derive(PartialEq)]
struct PyCheckinTemplate {
    inner: CheckinTemplate,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyCheckinTemplate {
    /// The built-in template of ordinary occupancy (eight steps, nine documents, six records).
    #[staticmethod]
    fn default() -> Self {
        Self {
            inner: CheckinTemplate::default_template(),
        }
    }
    /// Parse and validate a template JSON document.
    #[staticmethod]
    fn from_json(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: py
                .detach(|| CheckinTemplate::from_json(text))
                .map_err(to_py)?,
        })
    }
    /// The template as JSON; `from_json` reads it back unchanged.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }
    /// Pickle and `copy` through the JSON form: `(Cls.from_json, (self.to_json(),))`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let text = slf.borrow().to_json()?;
        Ok((slf.get_type().getattr("from_json")?, (text,)))
    }
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }
    #[getter]
    fn version(&self) -> u32 {
        self.inner.version()
    }
    #[getter]
    fn steps(&self) -> Vec<PyCheckinStep> {
        self.inner
            .steps()
            .iter()
            .map(|s| PyCheckinStep { inner: s.clone() })
            .collect()
    }
    /// The item with this code, or None.
    fn item(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] code: &str,
    ) -> Option<PyCheckinItem> {
        self.inner
            .item(code)
            .map(|i| PyCheckinItem { inner: i.clone() })
    }
    /// The item the manager completes to audit a check-in, if any.
    #[getter]
    fn audit_item(&self) -> Option<&str> {
        self.inner.audit_item()
    }
    /// Days to rectify a defect, by severity.
    #[getter]
    fn rectification_days<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for s in Severity::ALL {
            dict.set_item(s.as_str(), self.inner.rectification_days().days(*s))?;
        }
        Ok(dict)
    }
    fn __repr__(&self) -> String {
        format!(
            "CheckinTemplate(id={:?}, version={}, steps={})",
            self.inner.id(),
            self.inner.version(),
            self.inner.steps().len()
        )
    }
}

/// The state of one item of a checklist.
#[pyclass(frozen, module = "estatekit", name = "ChecklistItem")]
struct PyChecklistItem {
    inner: checkin::ItemState,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyChecklistItem {
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }
    #[getter]
    fn step(&self) -> &str {
        &self.inner.step
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    #[getter]
    fn mandatory(&self) -> bool {
        self.inner.mandatory
    }
    #[getter]
    fn done(&self) -> bool {
        self.inner.is_done()
    }
    #[getter]
    fn actor(&self) -> Option<&str> {
        self.inner.completion.as_ref().map(|c| c.actor.as_str())
    }
    #[getter]
    fn role(&self) -> Option<&'static str> {
        self.inner.completion.as_ref().map(|c| c.role.as_str())
    }
    #[getter]
    fn at(&self) -> Option<DateTime<Utc>> {
        self.inner.completion.as_ref().map(|c| c.at)
    }
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .completion
            .as_ref()
            .map(|c| data_dict(py, &c.data))
            .transpose()
    }
    fn __repr__(&self) -> String {
        format!(
            "ChecklistItem(code={:?}, done={})",
            self.inner.code,
            if self.inner.is_done() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// A defect found at inspection.
#[pyclass(frozen, module = "estatekit", name = "Defect")]
struct PyDefect {
    inner: checkin::Defect,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyDefect {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn location(&self) -> &str {
        &self.inner.location
    }
    #[getter]
    fn description(&self) -> &str {
        &self.inner.description
    }
    #[getter]
    fn category(&self) -> &str {
        &self.inner.category
    }
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity.as_str()
    }
    #[getter]
    fn responsible(&self) -> &'static str {
        self.inner.responsible.as_str()
    }
    #[getter]
    fn found_by(&self) -> &str {
        &self.inner.found_by
    }
    #[getter]
    fn found_at(&self) -> DateTime<Utc> {
        self.inner.found_at
    }
    #[getter]
    fn deadline(&self) -> NaiveDate {
        self.inner.deadline
    }
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }
    #[getter]
    fn rectified_at(&self) -> Option<DateTime<Utc>> {
        self.inner.rectified_at
    }
    /// Re-inspections as (actor, at, passed, note), oldest first.
    #[getter]
    fn reinspections(&self) -> Vec<(String, DateTime<Utc>, bool, Option<String>)> {
        self.inner
            .reinspections
            .iter()
            .map(|r| (r.actor.clone(), r.at, r.passed, r.note.clone()))
            .collect()
    }
    /// True when not closed and the deadline is before `as_of`.
    fn is_overdue(&self, as_of: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.is_overdue(date_arg(as_of, "as_of")?))
    }
    fn __repr__(&self) -> String {
        format!(
            "Defect(id={:?}, severity={:?}, deadline={}, status={:?})",
            self.inner.id,
            self.inner.severity.as_str(),
            self.inner.deadline,
            self.inner.status.as_str()
        )
    }
}

/// An entry of a checklist's event log.
#[pyclass(frozen, module = "estatekit", name = "CheckinEvent")]
struct PyCheckinEvent {
    inner: checkin::Event,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyCheckinEvent {
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.inner.at
    }
    #[getter]
    fn actor(&self) -> &str {
        &self.inner.actor
    }
    #[getter]
    fn role(&self) -> &'static str {
        self.inner.role.as_str()
    }
    #[getter]
    fn action(&self) -> &'static str {
        self.inner.kind().as_str()
    }
    #[getter]
    fn target(&self) -> Option<&str> {
        self.inner.target()
    }
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner.data().map(|d| data_dict(py, d)).transpose()
    }
    #[getter]
    fn passed(&self) -> Option<bool> {
        self.inner.passed()
    }
    #[getter]
    fn note(&self) -> Option<&str> {
        self.inner.note()
    }
    fn __repr__(&self) -> String {
        format!(
            "CheckinEvent(at={:?}, actor={:?}, action={:?}, target={:?})",
            self.inner.at.to_rfc3339(),
            self.inner.actor,
            self.inner.kind().as_str(),
            self.inner.target()
        )
    }
}

/// A difference between a saved checklist and the template it is restored against.
#[pyclass(frozen, module = "estatekit", name = "TemplateMismatch")]
struct PyTemplateMismatch {
    inner: checkin::Mismatch,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyTemplateMismatch {
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    #[getter]
    fn path(&self) -> &str {
        &self.inner.path
    }
    #[getter]
    fn detail(&self) -> &str {
        &self.inner.detail
    }
    fn __repr__(&self) -> String {
        format!(
            "TemplateMismatch(kind={:?}, path={:?})",
            self.inner.kind.as_str(),
            self.inner.path
        )
    }
}

/// A meter base reading that became a reading of the estate's meter.
#[pyclass(frozen, module = "estatekit", name = "MeterBaseReading")]
struct PyMeterBaseReading {
    inner: checkin::MeterBaseReading,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyMeterBaseReading {
    #[getter]
    fn item(&self) -> &str {
        &self.inner.item
    }
    #[getter]
    fn meter_id(&self) -> &str {
        &self.inner.meter_id
    }
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }
    #[getter]
    fn date(&self) -> NaiveDate {
        self.inner.date
    }
    #[getter]
    fn value(&self) -> Decimal {
        self.inner.value
    }
    #[getter]
    fn new_meter(&self) -> bool {
        self.inner.new_meter
    }
}

/// A check-in charge to bill.
#[pyclass(frozen, module = "estatekit", name = "ChargeLine")]
struct PyChargeLine {
    inner: checkin::ChargeLine,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyChargeLine {
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }
    #[getter]
    fn name_zh(&self) -> &str {
        &self.inner.name_zh
    }
    #[getter]
    fn name_en(&self) -> &str {
        &self.inner.name_en
    }
    #[getter]
    fn amount(&self) -> Decimal {
        self.inner.amount
    }
    #[getter]
    fn receipt_ref(&self) -> Option<&str> {
        self.inner.receipt_ref.as_deref()
    }
}

/// What a completed check-in changes, and the changed estate.
#[pyclass(frozen, module = "estatekit", name = "CompletionEffects")]
struct PyCompletionEffects {
    inner: checkin::CompletionEffects,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyCompletionEffects {
    /// The estate with the unit's new status and the meter base readings.
    #[getter]
    fn estate(&self) -> PyEstate {
        PyEstate {
            inner: self.inner.estate.clone(),
        }
    }
    #[getter]
    fn unit_id(&self) -> &str {
        &self.inner.status.unit_id
    }
    #[getter]
    fn status_from(&self) -> &'static str {
        self.inner.status.from.as_str()
    }
    #[getter]
    fn status_to(&self) -> &'static str {
        self.inner.status.to.as_str()
    }
    #[getter]
    fn on(&self) -> NaiveDate {
        self.inner.status.on
    }
    #[getter]
    fn delivered_on(&self) -> NaiveDate {
        self.inner.status.delivered_on
    }
    #[getter]
    fn readings(&self) -> Vec<PyMeterBaseReading> {
        self.inner
            .readings
            .iter()
            .map(|r| PyMeterBaseReading { inner: r.clone() })
            .collect()
    }
    #[getter]
    fn charges(&self) -> Vec<PyChargeLine> {
        self.inner
            .charges
            .iter()
            .map(|c| PyChargeLine { inner: c.clone() })
            .collect()
    }
    #[getter]
    fn total_charges(&self) -> Decimal {
        self.inner.total_charges
    }
}

/// A defect not closed by its deadline.
#[pyclass(frozen, module = "estatekit", name = "OverdueRectification")]
struct PyOverdueRectification {
    inner: checkin::OverdueRectification,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyOverdueRectification {
    #[getter]
    fn unit_id(&self) -> &str {
        &self.inner.unit_id
    }
    #[getter]
    fn owner(&self) -> &str {
        &self.inner.owner
    }
    #[getter]
    fn defect_id(&self) -> &str {
        &self.inner.defect_id
    }
    #[getter]
    fn location(&self) -> &str {
        &self.inner.location
    }
    #[getter]
    fn description(&self) -> &str {
        &self.inner.description
    }
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity.as_str()
    }
    #[getter]
    fn responsible(&self) -> &'static str {
        self.inner.responsible.as_str()
    }
    #[getter]
    fn deadline(&self) -> NaiveDate {
        self.inner.deadline
    }
    #[getter]
    fn days_overdue(&self) -> i64 {
        self.inner.days_overdue
    }
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }
    fn __repr__(&self) -> String {
        format!(
            "OverdueRectification(unit_id={:?}, defect_id={:?}, deadline={}, days_overdue={})",
            self.inner.unit_id, self.inner.defect_id, self.inner.deadline, self.inner.days_overdue
        )
    }
}

/// The check-in of one unit by one owner, following a template. Every action is dated
/// in order: an `at` before the last event or the start day raises ValidationError
/// ('event_out_of_order', path 'at').
#[pyclass(frozen, module = "estatekit", name = "Checklist")]
struct PyChecklist {
    inner: Shared<Checklist>,
}

impl PyChecklist {
    fn wrap(inner: Checklist) -> Self {
        Self {
            inner: Shared::new("Checklist", inner),
        }
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyChecklist {
    /// Start the check-in of `unit_id` by `owner` on `started_on`; every item open.
    /// `utc_offset_minutes`: the estate's fixed UTC offset (Beijing: 480), stored in the
    /// document; defect deadlines and delivery dates are local dates of it.
    #[staticmethod]
    #[pyo3(signature = (template, unit_id, owner, started_on, *, mode = "ordinary", utc_offset_minutes = 0))]
    fn start(
        template: PyRef<'_, PyCheckinTemplate>,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] owner: &str,
        started_on: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::str_ref)] mode: &str,
        #[pyo3(from_py_with = crate::args::int)] utc_offset_minutes: i32,
    ) -> PyResult<Self> {
        let started_on = date_arg(started_on, "started_on")?;
        let mode: Mode = enum_arg(mode, "mode")?;
        let inner = Checklist::start_with_utc_offset(
            &template.inner,
            unit_id,
            owner,
            started_on,
            mode,
            utc_offset_minutes,
        )
        .map_err(to_py)?;
        Ok(Self::wrap(inner))
    }

    /// Complete an item; `data` keys: reading, keys, signature_ref, receipt_ref, outcome, note.
    #[pyo3(signature = (item_code, *, actor, role, at, data = None, estate = None))]
    fn complete(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] item_code: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        at: &Bound<'_, PyAny>,
        data: Option<&Bound<'_, PyDict>>,
        estate: Option<PyRef<'_, PyEstate>>,
    ) -> PyResult<()> {
        let role: Role = enum_arg(role, "role")?;
        let at = at_arg(at, "at")?;
        let data = data_arg(data)?;
        self.inner
            .lock()?
            .complete(
                item_code,
                actor,
                role,
                at,
                data,
                estate.as_ref().map(|e| &e.inner),
            )
            .map_err(to_py)
    }

    /// Undo a done item, with a reason.
    #[pyo3(signature = (item_code, *, actor, role, at, reason))]
    fn undo(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] item_code: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        at: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
    ) -> PyResult<()> {
        let role: Role = enum_arg(role, "role")?;
        let at = at_arg(at, "at")?;
        self.inner
            .lock()?
            .undo(item_code, actor, role, at, reason)
            .map_err(to_py)
    }

    /// Complete the check-in; StateError while a mandatory item is open.
    #[pyo3(signature = (*, actor, role, at))]
    fn finish(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let role: Role = enum_arg(role, "role")?;
        let at = at_arg(at, "at")?;
        self.inner.lock()?.finish(actor, role, at).map_err(to_py)
    }

    /// Record a defect found at inspection; returns its id ("D1", …).
    #[pyo3(signature = (*, location, description, category, severity, responsible, actor, role, at))]
    #[allow(clippy::too_many_arguments)]
    fn record_defect(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] location: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] description: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] category: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] severity: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] responsible: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let input = DefectInput {
            location: location.to_owned(),
            description: description.to_owned(),
            category: category.to_owned(),
            severity: enum_arg::<Severity>(severity, "severity")?,
            responsible: enum_arg::<Responsible>(responsible, "responsible")?,
        };
        let role: Role = enum_arg(role, "role")?;
        let at = at_arg(at, "at")?;
        self.inner
            .lock()?
            .record_defect(input, actor, role, at)
            .map_err(to_py)
    }

    /// Report a defect rectified (awaiting re-inspection).
    #[pyo3(signature = (defect_id, *, actor, role, at, note = None))]
    fn mark_rectified(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] defect_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        at: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::opt_text)] note: Option<String>,
    ) -> PyResult<()> {
        let role: Role = enum_arg(role, "role")?;
        let at = at_arg(at, "at")?;
        self.inner
            .lock()?
            .mark_rectified(defect_id, actor, role, at, note)
            .map_err(to_py)
    }

    /// Re-inspect a defect: passed closes it, failed re-opens it.
    #[pyo3(signature = (defect_id, *, passed, actor, role, at, note = None))]
    fn reinspect(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] defect_id: &str,
        passed: bool,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        at: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::opt_text)] note: Option<String>,
    ) -> PyResult<()> {
        let role: Role = enum_arg(role, "role")?;
        let at = at_arg(at, "at")?;
        self.inner
            .lock()?
            .reinspect(defect_id, passed, actor, role, at, note)
            .map_err(to_py)
    }

    /// Steps that can be worked on now (dependencies done, items open).
    fn actionable(&self) -> PyResult<Vec<String>> {
        Ok(self.inner.lock()?.actionable())
    }

    /// The open mandatory items, in template order.
    fn missing(&self) -> PyResult<Vec<String>> {
        Ok(self.inner.lock()?.missing())
    }

    /// (mandatory items done, mandatory items in all).
    #[getter]
    fn progress(&self) -> PyResult<(usize, usize)> {
        let p = self.inner.lock()?.progress();
        Ok((p.done, p.total))
    }

    /// True once `finish` succeeded.
    #[getter]
    fn is_complete(&self) -> PyResult<bool> {
        Ok(self.inner.lock()?.is_complete())
    }

    /// True when the template's audit item is done.
    #[getter]
    fn is_audited(&self) -> PyResult<bool> {
        Ok(self.inner.lock()?.is_audited())
    }

    /// The handover outcome recorded by the inspection, if any.
    #[getter]
    fn outcome(&self) -> PyResult<Option<&'static str>> {
        Ok(self.inner.lock()?.outcome().map(|o| o.as_str()))
    }

    #[getter]
    fn unit_id(&self) -> PyResult<String> {
        Ok(self.inner.lock()?.unit_id().to_owned())
    }
    #[getter]
    fn owner(&self) -> PyResult<String> {
        Ok(self.inner.lock()?.owner().to_owned())
    }
    #[getter]
    fn mode(&self) -> PyResult<&'static str> {
        Ok(self.inner.lock()?.mode().as_str())
    }
    #[getter]
    fn started_on(&self) -> PyResult<NaiveDate> {
        Ok(self.inner.lock()?.data().started_on)
    }
    /// The estate's fixed UTC offset, minutes (0 for documents written without one).
    #[getter]
    fn utc_offset_minutes(&self) -> PyResult<i32> {
        Ok(self.inner.lock()?.data().utc_offset_minutes)
    }
    #[getter]
    fn finished_at(&self) -> PyResult<Option<DateTime<Utc>>> {
        Ok(self.inner.lock()?.finished_at())
    }
    #[getter]
    fn template(&self) -> PyResult<PyCheckinTemplate> {
        Ok(PyCheckinTemplate {
            inner: self.inner.lock()?.template().clone(),
        })
    }
    #[getter]
    fn items(&self) -> PyResult<Vec<PyChecklistItem>> {
        Ok(self
            .inner
            .lock()?
            .items()
            .iter()
            .map(|i| PyChecklistItem { inner: i.clone() })
            .collect())
    }
    #[getter]
    fn defects(&self) -> PyResult<Vec<PyDefect>> {
        Ok(self
            .inner
            .lock()?
            .defects()
            .iter()
            .map(|d| PyDefect { inner: d.clone() })
            .collect())
    }
    #[getter]
    fn events(&self) -> PyResult<Vec<PyCheckinEvent>> {
        Ok(self
            .inner
            .lock()?
            .events()
            .iter()
            .map(|e| PyCheckinEvent { inner: e.clone() })
            .collect())
    }

    /// The checklist as JSON (without the template).
    fn to_json(&self) -> PyResult<String> {
        Ok(self.inner.lock()?.to_json())
    }

    /// Restore a checklist saved with `to_json`, exactly; ValidationError
    /// (code 'template_mismatch') when the template differs. The event log is replayed
    /// through the operations and must give exactly what the document says; the first
    /// contradiction raises ValidationError: 'event_out_of_order' (path 'events[i].at'),
    /// 'role_not_allowed' ('events[i].role') or 'inconsistent_document' (e.g.
    /// 'events[3]', 'items.manager_audit.completion.role', 'defects[0].status').
    #[staticmethod]
    fn from_json(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
        template: PyRef<'_, PyCheckinTemplate>,
    ) -> PyResult<Self> {
        let template = &template.inner;
        Ok(Self::wrap(
            py.detach(|| Checklist::from_json(text, template))
                .map_err(to_py)?,
        ))
    }

    /// Restore against a possibly changed template: (checklist, mismatches). Events out
    /// of time order raise ValidationError; a contradiction with the event log (what
    /// `from_json` refuses) is listed as a mismatch of kind 'history'.
    #[staticmethod]
    fn restore(
        #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
        template: PyRef<'_, PyCheckinTemplate>,
    ) -> PyResult<(Self, Vec<PyTemplateMismatch>)> {
        let r = Checklist::restore(text, &template.inner).map_err(to_py)?;
        Ok((
            Self::wrap(r.checklist),
            r.mismatches
                .into_iter()
                .map(|m| PyTemplateMismatch { inner: m })
                .collect(),
        ))
    }

    /// The effects of the completed check-in on `estate` (unchanged): new unit status
    /// ('delivered' or 'occupied'), meter base readings, charges, and the new estate.
    #[pyo3(signature = (estate, *, status = "delivered"))]
    fn completion_effects(
        &self,
        estate: PyRef<'_, PyEstate>,
        #[pyo3(from_py_with = crate::args::str_ref)] status: &str,
    ) -> PyResult<PyCompletionEffects> {
        let status = status_arg(status, "status")?;
        let inner = checkin::completion_effects(&*self.inner.lock()?, &estate.inner, status)
            .map_err(to_py)?;
        Ok(PyCompletionEffects { inner })
    }

    /// Pickle and `copy` through the JSON form with the template:
    /// `(Checklist.from_json, (self.to_json(), self.template))`.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (String, PyCheckinTemplate))> {
        let (text, template) = {
            let c = slf.get().inner.lock()?;
            (c.to_json(), c.template().clone())
        };
        Ok((
            slf.get_type().getattr("from_json")?,
            (text, PyCheckinTemplate { inner: template }),
        ))
    }

    /// Equal when the same template, unit, owner, items, defects and events.
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        crate::shared::eq_by(&self.inner, other, |o: &Self| &o.inner, |a, b| a == b)
    }

    fn __repr__(&self) -> PyResult<String> {
        let c = self.inner.lock()?;
        let p = c.progress();
        Ok(format!(
            "Checklist(unit_id={:?}, owner={:?}, progress={}/{}, complete={})",
            c.unit_id(),
            c.owner(),
            p.done,
            p.total,
            if c.is_complete() { "True" } else { "False" }
        ))
    }

    /// Test hook: holds the lock while `callback()` runs, then panics if `panic`.
    #[cfg(feature = "test-hooks")]
    #[pyo3(signature = (callback, panic = false))]
    fn _hold_lock_for_test(&self, callback: &Bound<'_, PyAny>, panic: bool) -> PyResult<()> {
        self.inner.hold_for_test(callback, panic)
    }
}

/// The manager's audit days in [from_, to]: four a month when centralized, else one.
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (mode, from_, to))]
fn audit_dates(
    #[pyo3(from_py_with = crate::args::str_ref)] mode: &str,
    from_: &Bound<'_, PyAny>,
    to: &Bound<'_, PyAny>,
) -> PyResult<Vec<NaiveDate>> {
    let from_ = date_arg(from_, "from_")?;
    let to = date_arg(to, "to")?;
    let mode: Mode = enum_arg(mode, "mode")?;
    Ok(checkin::audit_dates(mode, from_, to))
}

/// The checklists (the same objects) completed by `as_of` and not yet audited.
#[guard(crate::panic_guard)]
#[pyfunction]
fn awaiting_audit<'py>(
    checklists: Vec<Bound<'py, PyChecklist>>,
    as_of: &Bound<'py, PyAny>,
) -> PyResult<Vec<Bound<'py, PyChecklist>>> {
    let as_of = date_arg(as_of, "as_of")?;
    let mut waiting = Vec::new();
    for c in checklists {
        if c.get().inner.lock()?.awaits_audit(as_of) {
            waiting.push(c);
        }
    }
    Ok(waiting)
}

/// Defects not closed by their deadline, across checklists, as of a date.
#[guard(crate::panic_guard)]
#[pyfunction]
fn overdue_rectifications(
    checklists: Vec<PyRef<'_, PyChecklist>>,
    as_of: &Bound<'_, PyAny>,
) -> PyResult<Vec<PyOverdueRectification>> {
    let as_of = date_arg(as_of, "as_of")?;
    let copies: Vec<Checklist> = checklists
        .iter()
        .map(|c| Ok(c.inner.lock()?.clone()))
        .collect::<PyResult<_>>()?;
    Ok(checkin::overdue_rectifications(&copies, as_of)
        .into_iter()
        .map(|inner| PyOverdueRectification { inner })
        .collect())
}
