//! `estatekit.PatrolBook` and the records of patrol rounds (巡查) and the building log
//! (巡楼记录): a thin adapter over `estatekit::patrols`.
//!
//! Enums are their wire names (`"decoration_site"`, `"on_time"`, `"absent"`);
//! `PatrolBook.label` gives their zh-CN and English labels. Instants (`at`, `as_of`)
//! are timezone-aware `datetime.datetime` values (naive ones are refused), returned in
//! UTC; days are `datetime.date` (the book's local dates); a window is a `(start, end)`
//! pair of local times (`datetime.time`, or `"HH:MM"` going in), end exclusive. Rates
//! and hours are `decimal.Decimal`. Errors are the core's, with its code and path: a
//! checkpoint visited twice in a task or a finding closed twice (`already_done`) is a
//! `StateError`, anything else a `ValidationError`.

use estatekit_ffi_guard::guard;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use estatekit::i18n::Label;
use estatekit::patrols::{
    self, CheckpointKind, PatrolBook, PatrolError, PatrolStats, Recurrence, TaskStatus, Timing,
};
use estatekit::tickets::WorkingHours;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use rust_decimal::Decimal;

use crate::fees::lang_arg;
use crate::record::{json_document, locked_getters, record, register, shared_eq, wrap_all};
use crate::shared::Shared;
use crate::tickets::{PyClassification, PyTicketClassifier};
use crate::{to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(
        m: PyCheckpoint, PyRecurrence, PyPlan, PyItemResult, PyVisit, PyTask, PyFinding,
           PyPatrolStats, PyPatrolBook
    )
}

/// Parses a wire name of a patrol enum, naming `path` on failure (`unknown_value`).
fn enum_arg<T: FromStr<Err = PatrolError>>(value: &str, path: &str) -> PyResult<T> {
    T::from_str(value).map_err(|e| {
        let reason = match &e {
            PatrolError::InvalidField { reason, .. } => reason.clone(),
            other => other.to_string(),
        };
        validation_error(e.code(), path, format!("{path}: {reason}"))
    })
}

/// The label of the wire name `value` of the enum `T` in `lang`.
fn label_of<T: FromStr<Err = PatrolError> + Label>(
    value: &str,
    lang: estatekit::i18n::Lang,
) -> PyResult<&'static str> {
    Ok(enum_arg::<T>(value, "value")?.label(lang))
}

type Window = (NaiveTime, NaiveTime);

fn window(w: &WorkingHours) -> Window {
    (w.start, w.end)
}

/// A local time: a `datetime.time`, or `"HH:MM"`; else `invalid_time` at `path`.
fn time_arg(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<NaiveTime> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return NaiveTime::parse_from_str(&text, "%H:%M").map_err(|e| {
            validation_error(
                "invalid_time",
                path,
                format!("{path}: {text:?} is not a time HH:MM: {e}"),
            )
        });
    }
    obj.extract::<NaiveTime>().map_err(|_| {
        validation_error(
            "invalid_time",
            path,
            format!("{path}: expected a datetime.time or \"HH:MM\""),
        )
    })
}

/// The windows of a plan: `(start, end)` pairs; `invalid_time` at `windows[j]...`.
fn windows_arg(objs: &[Bound<'_, PyAny>]) -> PyResult<Vec<WorkingHours>> {
    objs.iter()
        .enumerate()
        .map(|(j, w)| {
            let path = format!("windows[{j}]");
            let pair: Vec<Bound<'_, PyAny>> = w
                .try_iter()
                .and_then(|it| it.collect::<PyResult<Vec<_>>>())
                .ok()
                .filter(|p| p.len() == 2)
                .ok_or_else(|| {
                    validation_error(
                        "invalid_time",
                        &path,
                        format!("{path}: expected a (start, end) pair of local times"),
                    )
                })?;
            Ok(WorkingHours::new(
                time_arg(&pair[0], &format!("{path}.start"))?,
                time_arg(&pair[1], &format!("{path}.end"))?,
            ))
        })
        .collect()
}

// ---- the definition --------------------------------------------------------------------

record! {
    /// A place a patrol checks: where, its building (for the building log), what kind
    /// ("environment", "equipment", "decoration_site", "security") and the items to
    /// check.
    struct PyCheckpoint("Checkpoint", eq) { inner: patrols::Checkpoint }
    repr(id, name, kind);
    |c| {
        id: String,
        name: String,
        building_id: Option<String>,
        /// "environment", "equipment", "decoration_site" or "security".
        kind: &'static str = c.kind.as_str(),
        /// What to check (at least one item).
        items: Vec<String>,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyCheckpoint {
    #[new]
    #[pyo3(signature = (id, name, kind, items, *, building_id = None))]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] id: String,
        #[pyo3(from_py_with = crate::args::text)] name: String,
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
        #[pyo3(from_py_with = crate::args::text_list)] items: Vec<String>,
        #[pyo3(from_py_with = crate::args::opt_text)] building_id: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: patrols::Checkpoint {
                id,
                name,
                building_id,
                kind: enum_arg::<CheckpointKind>(kind, "kind")?,
                items,
            },
        })
    }
}

/// When a plan's rounds happen: `Recurrence.daily()`, `Recurrence.alternate_days(start)`
/// (every other day from `start`) or `Recurrence.weekdays(days)` (0 = Monday … 6 =
/// Sunday; one day is weekly).
#[pyclass(frozen, eq, module = "estatekit", name = "Recurrence")]
#[derive(PartialEq)]
struct PyRecurrence {
    inner: Recurrence,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyRecurrence {
    /// Every day.
    #[staticmethod]
    fn daily() -> Self {
        Self {
            inner: Recurrence::Daily,
        }
    }
    /// Every other day, from `start`.
    #[staticmethod]
    fn alternate_days(#[pyo3(from_py_with = crate::args::date)] start: NaiveDate) -> Self {
        Self {
            inner: Recurrence::AlternateDays(start),
        }
    }
    /// Given weekdays (0 = Monday … 6 = Sunday); checked by `PatrolBook` (empty:
    /// `empty_field`, beyond 6: `out_of_range`).
    #[staticmethod]
    fn weekdays(#[pyo3(from_py_with = crate::args::int_list)] days: Vec<u8>) -> Self {
        Self {
            inner: Recurrence::Weekdays(days),
        }
    }
    /// "daily", "alternate_days" or "weekdays".
    #[getter]
    fn kind(&self) -> &'static str {
        match self.inner {
            Recurrence::Daily => "daily",
            Recurrence::AlternateDays(_) => "alternate_days",
            Recurrence::Weekdays(_) => "weekdays",
        }
    }
    /// The first day of alternate days, else None.
    #[getter]
    fn start(&self) -> Option<NaiveDate> {
        match self.inner {
            Recurrence::AlternateDays(d) => Some(d),
            _ => None,
        }
    }
    /// The weekdays (0 = Monday), else empty.
    #[getter]
    fn days(&self) -> Vec<u32> {
        match &self.inner {
            Recurrence::Weekdays(d) => d.iter().map(|d| u32::from(*d)).collect(),
            _ => Vec::new(),
        }
    }
    /// Whether a round falls on the local day `day`.
    fn on(&self, #[pyo3(from_py_with = crate::args::date)] day: NaiveDate) -> bool {
        self.inner.on(day)
    }
    fn __repr__(&self) -> String {
        match &self.inner {
            Recurrence::Daily => "Recurrence.daily()".to_owned(),
            Recurrence::AlternateDays(d) => format!("Recurrence.alternate_days({d})"),
            Recurrence::Weekdays(d) => format!("Recurrence.weekdays({d:?})"),
        }
    }
}

record! {
    /// A patrol plan: a route of checkpoints, when (a `Recurrence` and windows of local
    /// time, one round per window), who patrols and who stands in.
    struct PyPlan("Plan", eq) { inner: patrols::Plan }
    repr(id, route, staff);
    |p| {
        id: String,
        /// The checkpoints' ids, in order.
        route: Vec<String>,
        recurrence: PyRecurrence = PyRecurrence { inner: p.recurrence.clone() },
        /// One round per window: (start, end) local times, end exclusive.
        windows: Vec<Window> = p.windows.iter().map(window).collect(),
        staff: String,
        deputy: Option<String>,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPlan {
    #[new]
    #[pyo3(signature = (id, route, recurrence, windows, staff, *, deputy = None))]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] id: String,
        #[pyo3(from_py_with = crate::args::text_list)] route: Vec<String>,
        recurrence: PyRef<'_, PyRecurrence>,
        windows: Vec<Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::args::text)] staff: String,
        #[pyo3(from_py_with = crate::args::opt_text)] deputy: Option<String>,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: patrols::Plan {
                id,
                route,
                recurrence: recurrence.inner.clone(),
                windows: windows_arg(&windows)?,
                staff,
                deputy,
            },
        })
    }
}

// ---- rounds ----------------------------------------------------------------------------

record! {
    /// An item's result at a visit: in order (`ok`) or not.
    struct PyItemResult("ItemResult", eq) { inner: patrols::ItemResult }
    repr(item, ok);
    |r| {
        item: String,
        ok: bool,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyItemResult {
    #[new]
    fn new(#[pyo3(from_py_with = crate::args::text)] item: String, ok: bool) -> Self {
        Self {
            inner: patrols::ItemResult { item, ok },
        }
    }
}

record! {
    /// A visit to a checkpoint in a task: when, by whom, every item's result, and a
    /// note (required when an item is not OK).
    struct PyVisit("Visit", eq) { inner: patrols::Visit }
    repr(checkpoint_id, at, by);
    |v| {
        checkpoint_id: String,
        at: DateTime<Utc>,
        by: String,
        results: Vec<PyItemResult> = wrap_all(&v.results),
        note: Option<String>,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyVisit {
    #[new]
    #[pyo3(signature = (checkpoint_id, at, by, results, *, note = None))]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] checkpoint_id: String,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::text)] by: String,
        results: Vec<PyRef<'_, PyItemResult>>,
        #[pyo3(from_py_with = crate::args::opt_text)] note: Option<String>,
    ) -> Self {
        Self {
            inner: patrols::Visit {
                checkpoint_id,
                at,
                by,
                results: results.iter().map(|r| r.inner.clone()).collect(),
                note,
            },
        }
    }
}

record! {
    /// A round of a plan on a local day, in one window (a copy; the `PatrolBook` holding
    /// it records its visits).
    struct PyTask("Task", eq) { inner: patrols::Task }
    repr(id, staff);
    |t| {
        /// `{plan}/{date}/{window index}`.
        id: String,
        plan_id: String,
        /// The local day.
        date: NaiveDate,
        /// (start, end) local times, end exclusive.
        window: Window = window(&t.window),
        staff: String,
        deputy: Option<String>,
        /// The visits, in time order.
        visits: Vec<PyVisit> = wrap_all(&t.visits),
    }
}

record! {
    /// An abnormal finding: a line of the building log, and a ticket to follow
    /// (`PatrolBook.finding_ticket`).
    struct PyFinding("Finding", eq) { inner: patrols::Finding }
    repr(id, checkpoint_id, failed);
    |f| {
        /// "F1", "F2", … in the order found.
        id: String,
        task_id: String,
        checkpoint_id: String,
        building_id: Option<String>,
        /// When found.
        at: DateTime<Utc>,
        /// Who found it.
        by: String,
        /// The items not OK.
        failed: Vec<String>,
        note: String,
        /// When closed (rectified), or None.
        closed_at: Option<DateTime<Utc>>,
    }
}

record! {
    /// Statistics of a group of tasks whose window has ended (`PatrolBook.statistics`).
    struct PyPatrolStats("PatrolStats", eq) { inner: PatrolStats }
    repr(key, tasks, completed, completion_rate, on_time_rate);
    |s| {
        /// The route's plan, or the person ("" for the whole book).
        key: String,
        /// Tasks whose window has ended.
        tasks: usize,
        /// Of them, completed.
        completed: usize,
        /// Of them, absent.
        absent: usize,
        /// completed ÷ tasks, 4 decimals; None without tasks.
        completion_rate: Option<Decimal>,
        /// Visits in those tasks.
        visits: usize,
        /// Of them, on time.
        on_time: usize,
        /// on_time ÷ visits, 4 decimals; None without visits.
        on_time_rate: Option<Decimal>,
        /// Checkpoints missed.
        missed_points: usize,
        /// Findings.
        findings: usize,
        /// Of them, closed.
        findings_closed: usize,
        /// Mean hours from finding to closure (2 decimals) of the closed ones, or None.
        mean_closure_hours: Option<Decimal>,
    }
}

// ---- the book --------------------------------------------------------------------------

/// A patrol book (巡查记录): checkpoints, plans, the tasks generated from them and the
/// findings of their visits, local time at a fixed UTC offset.
#[pyclass(frozen, module = "estatekit", name = "PatrolBook")]
struct PyPatrolBook {
    inner: Shared<PatrolBook>,
}

impl PyPatrolBook {
    fn wrap(inner: PatrolBook) -> Self {
        Self {
            inner: Shared::new("PatrolBook", inner),
        }
    }
}

json_document! {
    /// Read a patrol book saved with `to_json`: the definition is validated, and every
    /// task and finding must agree with it (a task's plan, id and window; visits on the
    /// route, once, in time order, with every item; findings numbered in order, of a
    /// visit that failed those items): ValidationError naming the first contradiction.
    PyPatrolBook: PatrolBook, shared
}

shared_eq! {
    /// Equal when the books are (definition, tasks, visits and findings).
    PyPatrolBook |a, b| a == b
}

locked_getters!(PyPatrolBook |b| {
    checkpoints: Vec<PyCheckpoint> = wrap_all(b.checkpoints()),
    plans: Vec<PyPlan> = wrap_all(b.plans()),
    /// The tasks generated, by date, then plan, then window.
    tasks: Vec<PyTask> = wrap_all(b.tasks()),
    /// The findings, in the order found.
    findings: Vec<PyFinding> = wrap_all(b.findings()),
});

/// The ticket a finding becomes, as the dict of `TicketFlow`'s arguments: id, unit,
/// channel, received_at, reporter, text, kind.
fn ticket_dict<'py>(
    py: Python<'py>,
    t: &estatekit::tickets::Ticket,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &t.id)?;
    d.set_item("unit", &t.unit)?;
    d.set_item("channel", t.channel.as_str())?;
    d.set_item("received_at", t.received_at)?;
    d.set_item("reporter", &t.reporter)?;
    d.set_item("text", &t.text)?;
    d.set_item("kind", t.kind.as_str())?;
    Ok(d)
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPatrolBook {
    /// A book of checkpoints and plans, local time at `utc_offset_minutes` (Beijing:
    /// 480). ValidationError: `empty_field` (ids, names, items, a route, windows, staff),
    /// `duplicate_id`, `unknown_reference` (a route's checkpoint, path
    /// 'plans[i].route[j]'), `out_of_range` (a window that does not end after it
    /// starts, a weekday beyond 6, an offset beyond ±18 hours).
    #[new]
    #[pyo3(signature = (checkpoints, plans, *, utc_offset_minutes))]
    fn new(
        checkpoints: Vec<PyRef<'_, PyCheckpoint>>,
        plans: Vec<PyRef<'_, PyPlan>>,
        #[pyo3(from_py_with = crate::args::int)] utc_offset_minutes: i32,
    ) -> PyResult<Self> {
        let checkpoints = checkpoints.iter().map(|c| c.inner.clone()).collect();
        let plans = plans.iter().map(|p| p.inner.clone()).collect();
        Ok(Self::wrap(
            PatrolBook::new(checkpoints, plans, utc_offset_minutes).map_err(to_py)?,
        ))
    }

    /// The label of an enum's wire name in `lang` ("zh-CN", "zh" or "en"): `kind` is
    /// "checkpoint_kind", "timing" or "task_status".
    #[staticmethod]
    #[pyo3(signature = (kind, value, lang = "zh-CN"))]
    fn label(
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] value: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] lang: &str,
    ) -> PyResult<&'static str> {
        let lang = lang_arg(lang)?;
        match kind {
            "checkpoint_kind" => label_of::<CheckpointKind>(value, lang),
            "timing" => label_of::<Timing>(value, lang),
            "task_status" => label_of::<TaskStatus>(value, lang),
            other => Err(validation_error(
                "unknown_value",
                "kind",
                format!(
                    "kind: unknown enum {other:?}; expected checkpoint_kind, timing or task_status"
                ),
            )),
        }
    }

    /// Generate the tasks of every plan for the local days `from_` to `to` inclusive (at
    /// most 366 days after `from_`: else ValidationError 'out_of_range', path 'to'). A
    /// task that exists already is kept, so generating the same days twice adds
    /// nothing. Returns the number of tasks added.
    #[pyo3(signature = (from_, to))]
    fn generate(
        &self,
        #[pyo3(from_py_with = crate::args::date)] from_: NaiveDate,
        #[pyo3(from_py_with = crate::args::date)] to: NaiveDate,
    ) -> PyResult<usize> {
        self.inner.lock()?.generate(from_, to).map_err(to_py)
    }

    /// Record a visit to a checkpoint of a task: every item of the checkpoint has a
    /// result; an item not OK needs a note ('missing_value', path 'note') and opens a
    /// finding, returned (else None). A checkpoint visited again in the task is
    /// StateError 'already_done'; one not on the route 'unknown_reference'
    /// ('checkpoint_id'); an `at` before the task's last visit 'out_of_range'.
    fn record_visit(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] task_id: &str,
        visit: PyRef<'_, PyVisit>,
    ) -> PyResult<Option<PyFinding>> {
        let v = visit.inner.clone();
        Ok(self
            .inner
            .lock()?
            .record_visit(task_id, v)
            .map_err(to_py)?
            .map(Into::into))
    }

    /// The ticket a finding becomes, with its classification by `classifier`: channel
    /// 'patrol', no unit (a common area), received when found, reported by the
    /// patroller, the text `{checkpoint}：{note}（未通过：{items}）`. Returns
    /// `(ticket, classification)`, the ticket a dict of `TicketFlow`'s arguments (id,
    /// unit, channel, received_at, reporter, text, kind):
    /// `TicketFlow(**ticket, category=c.category, urgency=c.urgency,
    /// department=c.department, receiver=...)`.
    fn finding_ticket<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] finding_id: &str,
        classifier: PyRef<'_, PyTicketClassifier>,
    ) -> PyResult<(Bound<'py, PyDict>, PyClassification)> {
        let (t, c) = self
            .inner
            .lock()?
            .finding_ticket(finding_id, &classifier.inner)
            .map_err(to_py)?;
        Ok((ticket_dict(py, &t)?, c.into()))
    }

    /// Record a finding closed (rectified) at `at`: StateError 'already_done' when it
    /// is closed already; 'out_of_range' (path 'at') before the finding.
    fn close_finding(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] finding_id: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<()> {
        self.inner
            .lock()?
            .close_finding(finding_id, at)
            .map_err(to_py)
    }

    /// The building log (巡楼记录) of a building for a local day: its findings in time
    /// order, as `HH:MM 检查点 by：items；note`.
    fn building_log(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] building_id: &str,
        #[pyo3(from_py_with = crate::args::date)] day: NaiveDate,
    ) -> PyResult<Vec<String>> {
        Ok(self.inner.lock()?.building_log(building_id, day))
    }

    /// Each checkpoint of a task's route with its timing at `as_of`: (checkpoint_id,
    /// "early" | "on_time" | "late" when visited, "missed" when not and the window is
    /// over, None while it may still be visited).
    fn point_timings(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] task_id: &str,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<Vec<(String, Option<&'static str>)>> {
        let p = self
            .inner
            .lock()?
            .point_timings(task_id, as_of)
            .map_err(to_py)?;
        Ok(p.into_iter()
            .map(|(c, t)| (c, t.map(|t| t.as_str())))
            .collect())
    }

    /// A task's status at `as_of`: "not_started", "in_progress", "completed",
    /// "overdue" or "absent".
    fn task_status(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] task_id: &str,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<&'static str> {
        self.inner
            .lock()?
            .task_status(task_id, as_of)
            .map(|s| s.as_str())
            .map_err(to_py)
    }

    /// Statistics of every task whose window ended by `as_of` (key "").
    fn statistics(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<PyPatrolStats> {
        Ok(self.inner.lock()?.statistics(as_of).into())
    }

    /// `statistics` per plan (route), in plan order (key: the plan's id).
    fn statistics_by_route(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<Vec<PyPatrolStats>> {
        Ok(self
            .inner
            .lock()?
            .statistics_by_route(as_of)
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// `statistics` per person assigned (the task's staff), in name order (key: the
    /// person).
    fn statistics_by_person(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<Vec<PyPatrolStats>> {
        Ok(self
            .inner
            .lock()?
            .statistics_by_person(as_of)
            .into_iter()
            .map(Into::into)
            .collect())
    }

    fn __repr__(&self) -> PyResult<String> {
        let b = self.inner.lock()?;
        Ok(format!(
            "PatrolBook(checkpoints={}, plans={}, tasks={}, findings={})",
            b.checkpoints().len(),
            b.plans().len(),
            b.tasks().len(),
            b.findings().len()
        ))
    }
}
