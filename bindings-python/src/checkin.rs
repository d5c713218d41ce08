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
use crate::record::{
    OrderedDict, json_document, locked_getters, record, register, shared_document, wrap_all,
};
use crate::shared::Shared;
use crate::tickets::PySavedDocument;
use crate::{date_arg, decimal_arg, to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(
        m: PyCheckinTemplate, PyCheckinStep, PyCheckinItem, PyChecklist,
           PyChecklistItem, PyDefect, PyCheckinEvent, PyTemplateMismatch,
           PyCompletionEffects, PyMeterBaseReading, PyChargeLine, PyOverdueRectification;
        audit_dates, awaiting_audit, overdue_rectifications
    )
}

/// Parses a snake_case enum argument, naming `path` on failure (`unknown_value`).
fn enum_arg<T: FromStr<Err = CheckinError>>(value: &str, path: &str) -> PyResult<T> {
    T::from_str(value).map_err(|e| {
        let (code, reason) = match &e {
            CheckinError::InvalidField { code, reason, .. } => (*code, reason.clone()),
            other => (other.code(), other.to_string()),
        };
        validation_error(code, path, format!("{path}: {reason}"))
    })
}

fn status_arg(value: &str, path: &str) -> PyResult<UnitStatus> {
    UnitStatus::from_str(value).map_err(|_| {
        validation_error(
            "unknown_value",
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

/// A checklist operation given as a dict: `action` names it, the other keys are its
/// arguments (as the operation's keyword arguments).
fn checklist_command(command: &Bound<'_, PyDict>) -> PyResult<checkin::Command> {
    use crate::tickets::{command_action, command_field, command_opt_text, command_text};
    let action = command_action(command, |a| match a {
        "complete" => &["item_code", "data"],
        "undo" => &["item_code", "reason"],
        "record_defect" => &[
            "location",
            "description",
            "category",
            "severity",
            "responsible",
        ],
        "mark_rectified" => &["defect_id", "note"],
        "reinspect" => &["defect_id", "passed", "note"],
        _ => &[],
    })?;
    let text = |name: &str| command_text(command, name);
    Ok(match action.as_str() {
        "complete" => checkin::Command::Complete {
            item: text("item_code")?,
            data: match command.get_item("data")? {
                Some(d) if !d.is_none() => {
                    let d = d.cast::<PyDict>().map_err(|_| {
                        validation_error(
                            "wrong_type",
                            "command.data",
                            "command.data: expected a dict".into(),
                        )
                    })?;
                    data_arg(Some(d))?
                }
                _ => ItemData::default(),
            },
        },
        "undo" => checkin::Command::Undo {
            item: text("item_code")?,
            reason: text("reason")?,
        },
        "record_defect" => checkin::Command::RecordDefect {
            defect: DefectInput {
                location: text("location")?,
                description: text("description")?,
                category: text("category")?,
                severity: enum_arg::<Severity>(&text("severity")?, "command.severity")?,
                responsible: enum_arg::<Responsible>(&text("responsible")?, "command.responsible")?,
            },
        },
        "mark_rectified" => checkin::Command::MarkRectified {
            defect: text("defect_id")?,
            note: command_opt_text(command, "note")?,
        },
        "reinspect" => checkin::Command::Reinspect {
            defect: text("defect_id")?,
            passed: command_field(command, "passed", |v| {
                v.cast::<pyo3::types::PyBool>()
                    .map(|b| b.is_true())
                    .map_err(PyErr::from)
            })?,
            note: command_opt_text(command, "note")?,
        },
        "finish" => checkin::Command::Finish,
        other => {
            return Err(validation_error(
                "unknown_value",
                "command.action",
                format!(
                    "command.action: unknown action {other:?}; expected complete, undo, record_defect, mark_rectified, reinspect or finish"
                ),
            ));
        }
    })
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
            v.cast::<PyString>()
                .map(|s| s.to_string())
                .map_err(|_| validation_error("wrong_type", &path, format!("{path}: expected str")))
        };
        match key.as_str() {
            "reading" => out.reading = Some(decimal_arg(&value, &path)?),
            "keys" => {
                let int = if value.is_instance_of::<pyo3::types::PyBool>() {
                    None
                } else {
                    crate::args::int_value(&value).ok()
                };
                let bad = |code: &str| {
                    validation_error(code, &path, format!("{path}: expected a non-negative int"))
                };
                let int = int.ok_or_else(|| bad("wrong_type"))?;
                // An int that is negative or beyond 2^32 - 1 keys.
                out.keys = Some(int.extract::<u32>().map_err(|_| bad("out_of_range"))?)
            }
            "signature_ref" => out.signature_ref = Some(text(&value)?),
            "receipt_ref" => out.receipt_ref = Some(text(&value)?),
            "note" => out.note = Some(text(&value)?),
            "outcome" => out.outcome = Some(enum_arg::<HandoverOutcome>(&text(&value)?, &path)?),
            _ => {
                return Err(validation_error(
                    "unknown_value",
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

record! {
    /// An item of a check-in template.
    struct PyCheckinItem("CheckinItem", eq) { inner: checkin::ItemDef }
    repr(code, kind, mandatory);
    |i| {
        code: String,
        kind: &'static str = i.kind.as_str(),
        name_zh: String,
        name_en: String,
        mandatory: bool,
        roles: Vec<&'static str> = i.roles.iter().map(|r| r.as_str()).collect(),
        amount: Option<Decimal>,
        /// A payment item's nature as written: fee, prepayment or deposit (none: a fee).
        nature: Option<&'static str> = i.nature.map(|n| n.as_str()),
        meter_kind: Option<&'static str> = i.meter_kind.map(|k| k.as_str()),
        keys: Option<u32>,
    }
}

record! {
    /// A step of a check-in template.
    struct PyCheckinStep("CheckinStep", eq) { inner: checkin::StepDef }
    repr(code, depends_on);
    |s| {
        code: String,
        name_zh: String,
        name_en: String,
        depends_on: Vec<String>,
        items: Vec<PyCheckinItem> = wrap_all(&s.items),
    }
}

record! {
    /// A validated check-in template: ordered steps with dependencies and items.
    pub(crate) struct PyCheckinTemplate("CheckinTemplate", eq) { inner: CheckinTemplate }
    repr(id, version);
    |t| {
        id: &str = t.id(),
        version: u32 = t.version(),
        steps: Vec<PyCheckinStep> = wrap_all(t.steps()),
        /// The item the manager completes to audit a check-in, if any.
        audit_item: Option<&str> = t.audit_item(),
        /// Days to rectify a defect, by severity.
        rectification_days: OrderedDict<&'static str, u32> = Severity::ALL
            .iter()
            .map(|s| (s.as_str(), t.rectification_days().days(*s)))
            .collect(),
    }
}

json_document! {
    /// Parse and validate a template JSON document.
    PyCheckinTemplate: CheckinTemplate
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
    /// The built-in move-out template (退租/搬出): application and permit, final meter
    /// readings, inspection, account and deposit settled, keys returned, sign-off and
    /// audit. `GoodsRelease.start_move_out` starts a checklist from it.
    #[staticmethod]
    fn default_move_out() -> Self {
        Self {
            inner: CheckinTemplate::default_move_out(),
        }
    }
    /// The item with this code, or None.
    fn item(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] code: &str,
    ) -> Option<PyCheckinItem> {
        self.inner.item(code).cloned().map(PyCheckinItem::from)
    }
}

record! {
    /// The state of one item of a checklist.
    struct PyChecklistItem("ChecklistItem") { inner: checkin::ItemState }
    repr(code, done);
    |i| {
        code: String,
        step: String,
        kind: &'static str = i.kind.as_str(),
        mandatory: bool,
        done: bool = i.is_done(),
        actor: Option<String> = i.completion.as_ref().map(|c| c.actor.clone()),
        role: Option<&'static str> = i.completion.as_ref().map(|c| c.role.as_str()),
        at: Option<DateTime<Utc>> = i.completion.as_ref().map(|c| c.at),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyChecklistItem {
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .completion
            .as_ref()
            .map(|c| data_dict(py, &c.data))
            .transpose()
    }
}

record! {
    /// A defect found at inspection.
    struct PyDefect("Defect") { inner: checkin::Defect }
    repr(id, severity, deadline, status);
    |d| {
        id: String,
        location: String,
        description: String,
        category: String,
        severity: &'static str = d.severity.as_str(),
        responsible: &'static str = d.responsible.as_str(),
        found_by: String,
        found_at: DateTime<Utc>,
        deadline: NaiveDate,
        status: &'static str = d.status.as_str(),
        rectified_at: Option<DateTime<Utc>>,
        /// Re-inspections as (actor, at, passed, note), oldest first.
        reinspections: Vec<(String, DateTime<Utc>, bool, Option<String>)> = d
            .reinspections
            .iter()
            .map(|r| (r.actor.clone(), r.at, r.passed, r.note.clone()))
            .collect(),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyDefect {
    /// True when not closed and the deadline is before `as_of`.
    fn is_overdue(&self, as_of: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.is_overdue(date_arg(as_of, "as_of")?))
    }
}

record! {
    /// An entry of a checklist's event log.
    struct PyCheckinEvent("CheckinEvent") { inner: checkin::Event }
    repr(at, actor, action, target);
    |e| {
        at: DateTime<Utc>,
        actor: String,
        role: &'static str = e.role.as_str(),
        action: &'static str = e.kind().as_str(),
        target: Option<String> = e.target().map(str::to_owned),
        passed: Option<bool> = e.passed(),
        note: Option<String> = e.note().map(str::to_owned),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyCheckinEvent {
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner.data().map(|d| data_dict(py, d)).transpose()
    }
}

record! {
    /// A difference between a saved checklist and the template it is restored against.
    struct PyTemplateMismatch("TemplateMismatch") { inner: checkin::Mismatch }
    repr(kind, path);
    |m| {
        kind: &'static str = m.kind.as_str(),
        path: String,
        detail: String,
    }
}

record! {
    /// A meter base reading that became a reading of the estate's meter.
    struct PyMeterBaseReading("MeterBaseReading") { inner: checkin::MeterBaseReading }
    repr(meter_id, date, value);
    |r| {
        item: String,
        meter_id: String,
        kind: &'static str = r.kind.as_str(),
        date: NaiveDate,
        value: Decimal,
        new_meter: bool,
    }
}

record! {
    /// Money collected at check-in, with its nature (fee, prepayment, deposit).
    struct PyChargeLine("ChargeLine") { inner: checkin::ChargeLine }
    repr(code, amount, nature);
    |c| {
        code: String,
        name_zh: String,
        name_en: String,
        amount: Decimal,
        /// fee (revenue), prepayment (credit against future bills) or deposit (a liability).
        nature: &'static str = c.nature.as_str(),
        receipt_ref: Option<String>,
    }
}

record! {
    /// What a completed check-in changes, and the changed estate.
    struct PyCompletionEffects("CompletionEffects") { inner: checkin::CompletionEffects }
    repr(unit_id, status_from, status_to, on);
    |e| {
        /// The estate with the unit's new status and the meter base readings.
        estate: PyEstate = PyEstate { inner: e.estate.clone() },
        unit_id: String = e.status.unit_id.clone(),
        status_from: &'static str = e.status.from.as_str(),
        status_to: &'static str = e.status.to.as_str(),
        on: NaiveDate = e.status.on,
        delivered_on: NaiveDate = e.status.delivered_on,
        readings: Vec<PyMeterBaseReading> = wrap_all(&e.readings),
        charges: Vec<PyChargeLine> = wrap_all(&e.charges),
        /// The money collected, of every nature (what the receipts add up to).
        total_charges: Decimal,
        /// Its fees (revenue).
        total_fees: Decimal,
        /// Its prepayments.
        total_prepayments: Decimal,
        /// Its deposits (a liability).
        total_deposits: Decimal,
    }
}

record! {
    /// A defect not closed by its deadline.
    struct PyOverdueRectification("OverdueRectification") { inner: checkin::OverdueRectification }
    repr(unit_id, defect_id, deadline, days_overdue);
    |o| {
        unit_id: String,
        owner: String,
        defect_id: String,
        location: String,
        description: String,
        severity: &'static str = o.severity.as_str(),
        responsible: &'static str = o.responsible.as_str(),
        deadline: NaiveDate,
        days_overdue: i64,
        status: &'static str = o.status.as_str(),
    }
}

/// The check-in of one unit by one owner, following a template. Every action is dated
/// in order: an `at` before the last event or the start day raises ValidationError
/// ('event_out_of_order', path 'at').
#[pyclass(frozen, module = "estatekit", name = "Checklist")]
pub(crate) struct PyChecklist {
    pub(crate) inner: Shared<Checklist>,
}

impl PyChecklist {
    pub(crate) fn wrap(inner: Checklist) -> Self {
        Self {
            inner: Shared::new("Checklist", inner),
        }
    }
}

locked_getters!(PyChecklist |c| {
    /// How many mutations the checklist has had (each operation that succeeded adds
    /// one); stored in the document, 0 for documents written before versions.
    version: u64 = c.version(),
    /// True once `finish` succeeded.
    is_complete: bool = c.is_complete(),
    /// True when the template's audit item is done.
    is_audited: bool = c.is_audited(),
    /// The handover outcome recorded by the inspection, if any.
    outcome: Option<&'static str> = c.outcome().map(|o| o.as_str()),
    unit_id: String = c.unit_id().to_owned(),
    owner: String = c.owner().to_owned(),
    mode: &'static str = c.mode().as_str(),
    started_on: NaiveDate = c.data().started_on,
    /// The estate's fixed UTC offset, minutes (0 for documents written without one).
    utc_offset_minutes: i32 = c.data().utc_offset_minutes,
    finished_at: Option<DateTime<Utc>> = c.finished_at(),
});

shared_document!(PyChecklist |c| -> PyCheckinTemplate { c.template().clone().into() });

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
        #[pyo3(from_py_with = crate::args::date)] started_on: NaiveDate,
        #[pyo3(from_py_with = crate::args::str_ref)] mode: &str,
        #[pyo3(from_py_with = crate::args::int)] utc_offset_minutes: i32,
    ) -> PyResult<Self> {
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

    /// Apply `command`, a dict naming the operation and its arguments
    /// (`{"action": "complete", "item_code": …, "data": {…}}`, `undo` with `item_code`
    /// and `reason`, `record_defect` with the defect's fields, `mark_rectified` with
    /// `defect_id` and `note`, `reinspect` with `defect_id`, `passed` and `note`,
    /// `finish`), by `actor` in `role` at `at`, and return the new document with its
    /// version in one call (`SavedDocument`): "complete then save" from several threads,
    /// keeping the highest version, never loses an item. On error nothing changes (the
    /// version neither).
    #[pyo3(signature = (command, *, actor, role, at, estate = None))]
    fn perform(
        &self,
        command: &Bound<'_, PyDict>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
        at: &Bound<'_, PyAny>,
        estate: Option<PyRef<'_, PyEstate>>,
    ) -> PyResult<PySavedDocument> {
        let command = checklist_command(command)?;
        let role: Role = enum_arg(role, "role")?;
        let at = at_arg(at, "at")?;
        self.inner
            .lock()?
            .perform(command, actor, role, at, estate.as_ref().map(|e| &e.inner))
            .map(PySavedDocument::from)
            .map_err(to_py)
    }

    /// The document and its version, read together.
    fn saved(&self) -> PyResult<PySavedDocument> {
        Ok(self.inner.lock()?.saved().into())
    }

    /// What `role` may do to item `item_code` now, to enable buttons ("complete",
    /// "undo", "record_defect" for the inspection item): exactly the operations that
    /// would succeed (with an actor, fitting data, an instant not before the last
    /// event). ValidationError `unknown_item` for an unknown code.
    #[pyo3(signature = (item_code, *, role))]
    fn allowed_item_actions(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] item_code: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
    ) -> PyResult<Vec<&'static str>> {
        let role: Role = enum_arg(role, "role")?;
        let actions = self
            .inner
            .lock()?
            .allowed_item_actions(item_code, role)
            .map_err(to_py)?;
        Ok(actions.into_iter().map(|a| a.as_str()).collect())
    }

    /// What `role` may do to defect `defect_id` now ("mark_rectified", "reinspect");
    /// ValidationError `unknown_defect` for an unknown id.
    #[pyo3(signature = (defect_id, *, role))]
    fn allowed_defect_actions(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] defect_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] role: &str,
    ) -> PyResult<Vec<&'static str>> {
        let role: Role = enum_arg(role, "role")?;
        let actions = self
            .inner
            .lock()?
            .allowed_defect_actions(defect_id, role)
            .map_err(to_py)?;
        Ok(actions.into_iter().map(|a| a.as_str()).collect())
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

    #[getter]
    fn template(&self) -> PyResult<PyCheckinTemplate> {
        Ok(PyCheckinTemplate {
            inner: self.inner.lock()?.template().clone(),
        })
    }
    #[getter]
    fn items(&self) -> PyResult<Vec<PyChecklistItem>> {
        Ok(wrap_all(self.inner.lock()?.items()))
    }
    #[getter]
    fn defects(&self) -> PyResult<Vec<PyDefect>> {
        Ok(wrap_all(self.inner.lock()?.defects()))
    }
    #[getter]
    fn events(&self) -> PyResult<Vec<PyCheckinEvent>> {
        Ok(wrap_all(self.inner.lock()?.events()))
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
                .map(PyTemplateMismatch::from)
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
    #[pyo3(from_py_with = crate::args::date)] from_: NaiveDate,
    #[pyo3(from_py_with = crate::args::date)] to: NaiveDate,
) -> PyResult<Vec<NaiveDate>> {
    let mode: Mode = enum_arg(mode, "mode")?;
    Ok(checkin::audit_dates(mode, from_, to))
}

/// The checklists (the same objects) completed by `as_of` and not yet audited.
#[guard(crate::panic_guard)]
#[pyfunction]
fn awaiting_audit<'py>(
    checklists: Vec<Bound<'py, PyChecklist>>,
    #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
) -> PyResult<Vec<Bound<'py, PyChecklist>>> {
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
    #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
) -> PyResult<Vec<PyOverdueRectification>> {
    let copies: Vec<Checklist> = checklists
        .iter()
        .map(|c| Ok(c.inner.lock()?.clone()))
        .collect::<PyResult<_>>()?;
    Ok(checkin::overdue_rectifications(&copies, as_of)
        .into_iter()
        .map(PyOverdueRectification::from)
        .collect())
}
