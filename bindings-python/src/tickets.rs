//! `estatekit.TicketClassifier`, `TicketFlow`, `SlaPolicy`, `BusinessCalendar`,
//! `ticket_statistics` and their result types.
//!
//! Timestamps are any timezone-aware `datetime.datetime` (read by `crate::args::instant`,
//! converted to UTC; naive ones raise `ValidationError` `naive_datetime`), returned in UTC.

use estatekit_ffi_guard::guard;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use estatekit::tickets::{
    self, AccessPolicy, Action, BusinessCalendar, Channel, SlaPolicy, Ticket, TicketClassifier,
    TicketError, TicketFlow, TicketKind, TrainOptions, Urgency,
};
use estatekit::tickets::{ReturnVisitPolicy, VisitMode};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString};

use crate::record::{
    OrderedDict, json_document, locked_getters, record, register, shared_document, wrap_all,
};
use crate::shared::Shared;
use crate::{EstateKitError, date_arg, to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(
        m: PyTicketClassifier, PyClassification, PyEvidence, PyBusinessCalendar,
           PySlaPolicy, PySlaStatus, PyAccessPolicy, PyTicketFlow,
           PyTicketEvent, PyTicketStatistics, PyReturnVisitPolicy, PySavedDocument;
        ticket_statistics
    )
}

record! {
    /// A document and its version, read together: what `perform` on a `Checklist` or a
    /// `TicketFlow` returns, so saves from several threads can be ordered (keep the
    /// highest `version`).
    pub(crate) struct PySavedDocument("SavedDocument", eq) { inner: estatekit::Saved }
    repr(version);
    |s| {
        /// How many mutations the document had when it was written.
        version: u64,
        /// The document (`to_json()`).
        json: String,
    }
}

/// A command's field `name`: what `pick` makes of it, or a `ValidationError` at path
/// `command.<name>`: `missing_value` when it is missing; when `pick` refuses it, the
/// code of the `EstateKitError` it raised (`invalid_integer`, `invalid_text`, …), or
/// `wrong_type` for any other error (a `TypeError`: a list for a text).
pub(crate) fn command_field<'py, T>(
    command: &Bound<'py, PyDict>,
    name: &str,
    pick: impl FnOnce(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<T> {
    let path = format!("command.{name}");
    let value = command
        .get_item(name)?
        .ok_or_else(|| validation_error("missing_value", &path, format!("{path}: missing")))?;
    pick(&value).map_err(|e| {
        let py = command.py();
        let code = if e.is_instance(py, &py.get_type::<EstateKitError>()) {
            e.value(py)
                .getattr("code")
                .and_then(|c| c.extract::<String>())
                .ok()
        } else {
            None
        };
        validation_error(
            code.as_deref().unwrap_or("wrong_type"),
            &path,
            format!("{path}: {}", e.value(py)),
        )
    })
}

/// A command's text field.
pub(crate) fn command_text(command: &Bound<'_, PyDict>, name: &str) -> PyResult<String> {
    command_field(command, name, |v| crate::args::text(v))
}

/// A command's optional text field (absent or None: none).
pub(crate) fn command_opt_text(
    command: &Bound<'_, PyDict>,
    name: &str,
) -> PyResult<Option<String>> {
    match command.get_item(name)? {
        Some(v) if !v.is_none() => command_text(command, name).map(Some),
        _ => Ok(None),
    }
}

/// A command's `action` and the check that it has no field but `allowed`.
pub(crate) fn command_action(
    command: &Bound<'_, PyDict>,
    allowed: impl Fn(&str) -> &'static [&'static str],
) -> PyResult<String> {
    let action = command_text(command, "action")?;
    let fields = allowed(&action);
    for key in command.keys() {
        let key: String = key.extract()?;
        if key != "action" && !fields.contains(&key.as_str()) {
            let path = format!("command.{key}");
            return Err(validation_error(
                "unknown_value",
                &path,
                format!(
                    "{path}: not a field of {action:?}; expected {}",
                    fields.join(", ")
                ),
            ));
        }
    }
    Ok(action)
}

/// A ticket action given as a dict shaped like an event of the flow's document:
/// `{"action": "assign", "to": "李工"}`.
fn ticket_command(command: &Bound<'_, PyDict>) -> PyResult<Action> {
    let action = command_action(command, |a| match a {
        "assign" => &["to"],
        "pause" => &["reason"],
        "resolve" => &["note"],
        "return_visit" => &["satisfied", "note"],
        "return_visit_reached" => &["mode", "rating", "comment"],
        "return_visit_unreachable" => &["mode", "note"],
        "escalate" => &["to", "reason"],
        _ => &[],
    })?;
    let text = |name: &str| command_text(command, name);
    let note = |name: &str| command_opt_text(command, name).map(Option::unwrap_or_default);
    let mode = || enum_arg::<VisitMode>(&text("mode")?, "command.mode");
    Ok(match action.as_str() {
        "assign" => Action::Assign { to: text("to")? },
        "start" => Action::Start,
        "pause" => Action::Pause {
            reason: text("reason")?,
        },
        "resume" => Action::Resume,
        "resolve" => Action::Resolve {
            note: note("note")?,
        },
        "return_visit" => Action::ReturnVisit {
            satisfied: command_field(command, "satisfied", |v| {
                v.cast::<pyo3::types::PyBool>()
                    .map(|b| b.is_true())
                    .map_err(PyErr::from)
            })?,
            note: note("note")?,
        },
        "return_visit_reached" => Action::ReturnVisitReached {
            mode: mode()?,
            rating: command_field(command, "rating", |v| crate::args::int(v))?,
            comment: note("comment")?,
        },
        "return_visit_unreachable" => Action::ReturnVisitUnreachable {
            mode: mode()?,
            note: note("note")?,
        },
        "close" => Action::Close,
        "escalate" => Action::Escalate {
            to: text("to")?,
            reason: text("reason")?,
        },
        other => {
            return Err(validation_error(
                "unknown_value",
                "command.action",
                format!(
                    "command.action: unknown action {other:?}; expected assign, start, pause, resume, resolve, return_visit, return_visit_reached, return_visit_unreachable, close or escalate"
                ),
            ));
        }
    })
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyTicketFlow {
    /// Apply `command` (a dict shaped like an event of the document, e.g.
    /// `{"action": "assign", "to": "李工"}`) by `actor` at `at` and return the new
    /// document with its version in one call (`SavedDocument`): saves from several
    /// threads, keeping the highest version, never lose an action. On error nothing
    /// changes (the version neither).
    #[pyo3(signature = (command, *, actor, at, role = None))]
    fn perform(
        &self,
        command: &Bound<'_, PyDict>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::opt_text)] role: Option<String>,
    ) -> PyResult<PySavedDocument> {
        let action = ticket_command(command)?;
        self.inner
            .lock()?
            .perform(action, actor, role.as_deref(), at)
            .map(PySavedDocument::from)
            .map_err(to_py)
    }

    /// The document and its version, read together (e.g. after `promise_reply`).
    fn saved(&self) -> PyResult<PySavedDocument> {
        Ok(self.inner.lock()?.saved().into())
    }

    /// The actions (names) `actor`, acting in `role`, may apply now, to enable buttons:
    /// exactly those that would succeed (lifecycle, access policy, the return visit a
    /// close needs). Never "receive"; "return_visit" is the legacy visit, allowed where
    /// the rated ones are.
    #[pyo3(signature = (actor, role = None))]
    fn allowed_actions(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::opt_text)] role: Option<String>,
    ) -> PyResult<Vec<&'static str>> {
        Ok(self
            .inner
            .lock()?
            .allowed_actions(actor, role.as_deref())
            .into_iter()
            .map(|a| a.as_str())
            .collect())
    }
}

/// Parses a snake_case enum argument, naming the argument in the error.
fn enum_arg<T: FromStr<Err = TicketError>>(value: &str, path: &str) -> PyResult<T> {
    value.parse::<T>().map_err(|e| match e {
        TicketError::UnknownValue {
            value, expected, ..
        } => to_py(TicketError::UnknownValue {
            path: path.to_owned(),
            value,
            expected,
        }),
        other => to_py(other),
    })
}

record! {
    /// One reason for a classification.
    struct PyEvidence("Evidence") { inner: tickets::Evidence }
    repr(field, label, phrase, weight);
    |e| {
        field: &'static str = e.field.as_str(),
        label: String = e.label.to_string(),
        phrase: String = e.phrase.to_string(),
        weight: f64,
        /// Whether the phrase is in the lead of the text (its first sentence or
        /// title), where a category phrase weighs more.
        lead: bool,
    }
}

record! {
    /// The result of classifying one text.
    pub(crate) struct PyClassification("Classification") { inner: tickets::Classification }
    repr(category, kind, urgency, temperament, department, confidence);
    |c| {
        category: String,
        kind: &'static str = c.kind.as_str(),
        urgency: &'static str = c.urgency.as_str(),
        temperament: &'static str = c.temperament.as_str(),
        advice: &'static str,
        /// Whether to report the ticket to the supervisor at once (every emergency).
        escalate: bool,
        /// What to do at once, in the text's language, when `escalate`; else None.
        escalation_advice: Option<&'static str>,
        department: String,
        confidence: f64,
        evidence: Vec<PyEvidence> = wrap_all(&c.evidence),
    }
}
record! {
    /// Ticket classifier: built-in rules, or rules plus a trained category model.
    pub(crate) struct PyTicketClassifier("TicketClassifier") { inner: TicketClassifier }
    |c| {
        /// The model's labels (sorted), or None without a trained model.
        labels: Option<Vec<String>> = c.model().map(|m| m.labels().to_vec()),
    }
}

fn train_options(options: Option<&Bound<'_, PyDict>>) -> PyResult<TrainOptions> {
    let mut o = TrainOptions::default();
    if let Some(opts) = options {
        for (k, v) in opts.iter() {
            let name: String = k.extract()?;
            if !(v.is_instance_of::<PyInt>() || v.is_instance_of::<PyFloat>()) {
                return Err(validation_error(
                    "invalid_option",
                    &name,
                    format!("{name}: expected a number"),
                ));
            }
            let value: f64 = v.extract()?;
            o.set(&name, value).map_err(to_py)?;
        }
    }
    Ok(o)
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyTicketClassifier {
    /// The built-in Chinese and English rules and routing table.
    #[staticmethod]
    fn default() -> Self {
        Self {
            inner: TicketClassifier::default_rules(),
        }
    }

    /// Built-in rules extended by rule-set JSON documents (later ones win), or only
    /// the given rules with `builtin=False`.
    #[staticmethod]
    #[pyo3(signature = (*rules, builtin = true))]
    fn from_rules(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::text_list)] rules: Vec<String>,
        builtin: bool,
    ) -> PyResult<Self> {
        py.detach(|| {
            let mut set = if builtin {
                tickets::RuleSet::builtin()
            } else {
                tickets::RuleSet::default()
            };
            for r in &rules {
                set = set.merge(tickets::RuleSet::from_json(r)?);
            }
            TicketClassifier::with_rules(set)
        })
        .map(|inner| Self { inner })
        .map_err(to_py)
    }

    /// Learns a category model from labelled texts (deterministic for a seed).
    /// Options: c, epochs, tol, ngram_max, word_ngrams, buckets_bits, min_df, prune,
    /// threads (classes solved in parallel; the model is the same whatever the count).
    /// c = 0 (the default) is automatic: 1.0 under 10,000 training texts, 0.5 from
    /// 10,000, where min_df (0, automatic) is 2 too; buckets_bits = 0 (the default) is automatic, 64 buckets or more per distinct n-gram.
    #[staticmethod]
    #[pyo3(signature = (texts, labels, *, seed = 0, **options))]
    fn train(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::text_list)] texts: Vec<String>,
        #[pyo3(from_py_with = crate::args::text_list)] labels: Vec<String>,
        #[pyo3(from_py_with = crate::args::int)] seed: u64,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let o = train_options(options)?;
        py.detach(|| TicketClassifier::train(&texts, &labels, seed, &o))
            .map(|inner| Self { inner })
            .map_err(to_py)
    }

    /// Reads a classifier (or a bare model) written by `to_json`.
    #[staticmethod]
    fn from_json(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
    ) -> PyResult<Self> {
        py.detach(|| TicketClassifier::from_json(text))
            .map(|inner| Self { inner })
            .map_err(to_py)
    }

    /// The classifier (rules and model) as JSON.
    fn to_json(&self, py: Python<'_>) -> String {
        py.detach(|| self.inner.to_json())
    }

    /// Pickle and `copy` through the JSON form: `(Cls.from_json, (self.to_json(),))`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let inner = &slf.get().inner;
        let text = slf.py().detach(|| inner.to_json());
        Ok((slf.get_type().getattr("from_json")?, (text,)))
    }

    /// Equal when the JSON forms are equal (the same rules, routing and model).
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Self>().is_ok_and(|o| {
            let (a, b) = (&self.inner, &o.get().inner);
            std::ptr::eq(a, b) || py.detach(|| a.to_json() == b.to_json())
        })
    }

    /// Classifies one text.
    fn classify(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
    ) -> PyClassification {
        self.inner.classify(text).into()
    }

    /// Classifies many texts in one call on `threads` threads (None: every core; 1:
    /// the caller's thread only), the same result whatever the count (the GIL is
    /// released while classifying; results are built in chunks to stay in cache).
    #[pyo3(signature = (texts, *, threads = None))]
    fn classify_batch(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::text_list)] texts: Vec<String>,
        #[pyo3(from_py_with = crate::args::threads)] threads: Option<u32>,
    ) -> Vec<PyClassification> {
        let threads = crate::args::core_threads(threads);
        let mut out = Vec::with_capacity(texts.len());
        // 2,048 texts a thread at a time.
        let chunk = 2048 * estatekit::parallel::resolve(threads);
        for chunk in texts.chunks(chunk) {
            let results = py.detach(|| self.inner.classify_batch_threads(chunk, threads));
            out.extend(results.into_iter().map(PyClassification::from));
        }
        out
    }

    /// Classifies many texts (as `classify_batch`) into an Arrow table, one row a
    /// text: category, kind, urgency, temperament, escalate, department,
    /// confidence, advice, escalation_advice (no evidence).
    #[pyo3(signature = (texts, *, threads = None))]
    fn classify_arrow(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::text_list)] texts: Vec<String>,
        #[pyo3(from_py_with = crate::args::threads)] threads: Option<u32>,
    ) -> crate::arrow::PyArrowTable {
        let threads = crate::args::core_threads(threads);
        let batch = py.detach(|| {
            estatekit::arrow::classifications(&self.inner.classify_batch_threads(&texts, threads))
        });
        crate::arrow::PyArrowTable { batch }
    }

    /// Only the category of each text (model only when trained: no rules, no
    /// evidence), in one call without the GIL, on `threads` threads (None: every core;
    /// 1: the caller's thread only), the same result whatever the count.
    #[pyo3(signature = (texts, *, threads = None))]
    fn predict_batch<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::text_list)] texts: Vec<String>,
        #[pyo3(from_py_with = crate::args::threads)] threads: Option<u32>,
    ) -> PyResult<Bound<'py, PyList>> {
        let threads = crate::args::core_threads(threads);
        match self.inner.model() {
            // One Python string per label shared by the results.
            Some(model) => {
                let labels: Vec<Bound<'py, PyString>> = model
                    .labels()
                    .iter()
                    .map(|l| PyString::new(py, l))
                    .collect();
                if estatekit::parallel::resolve(threads) == 1 {
                    let indices = py.detach(|| model.predict_indices(&texts));
                    return PyList::new(py, indices.into_iter().map(|i| &labels[i]));
                }
                let predicted = py.detach(|| self.inner.predict_batch_threads(&texts, threads));
                // The labels are sorted: each prediction is found among them.
                let sorted = model.labels();
                let items = predicted.iter().map(|p| {
                    match sorted.binary_search_by(|l| l.as_str().cmp(p.as_str())) {
                        Ok(i) => labels[i].clone(),
                        Err(_) => PyString::new(py, p),
                    }
                });
                PyList::new(py, items)
            }
            None => PyList::new(
                py,
                py.detach(|| self.inner.predict_batch_threads(&texts, threads)),
            ),
        }
    }

    /// The department a category is routed to.
    fn department(&self, #[pyo3(from_py_with = crate::args::str_ref)] category: &str) -> String {
        self.inner.department(category)
    }

    fn __repr__(&self) -> String {
        match self.inner.model() {
            Some(m) => format!("TicketClassifier(model labels={})", m.labels().len()),
            None => "TicketClassifier(rules)".to_owned(),
        }
    }
}

record! {
    /// Working hours per weekday, holidays and the UTC offset of local time.
    pub(crate) struct PyBusinessCalendar("BusinessCalendar") { inner: BusinessCalendar }
    |c| {
        utc_offset_minutes: i32 = c.utc_offset_minutes(),
        holidays: Vec<chrono::NaiveDate> = c.holidays().iter().copied().collect(),
        /// Make-up working days (local dates), worked with the hours of the first weekday
        /// that has any.
        workdays: Vec<chrono::NaiveDate> = c.workdays().iter().copied().collect(),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyBusinessCalendar {
    /// Hours `start`–`end` ("HH:MM", local) on `days` (0 = Monday), plus holidays and
    /// make-up working days (`workdays`, 调休补班: e.g. a Saturday that is worked).
    #[staticmethod]
    #[pyo3(signature = (start, end, days, *, utc_offset_minutes = 0, holidays = Vec::new(), workdays = Vec::new()))]
    fn weekly(
        #[pyo3(from_py_with = crate::args::str_ref)] start: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] end: &str,
        #[pyo3(from_py_with = crate::args::int_list)] days: Vec<u32>,
        #[pyo3(from_py_with = crate::args::int)] utc_offset_minutes: i32,
        holidays: Vec<Bound<'_, PyAny>>,
        workdays: Vec<Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let holidays = holidays
            .iter()
            .enumerate()
            .map(|(i, h)| date_arg(h, &format!("holidays[{i}]")))
            .collect::<PyResult<Vec<_>>>()?;
        let workdays = workdays
            .iter()
            .enumerate()
            .map(|(i, h)| date_arg(h, &format!("workdays[{i}]")))
            .collect::<PyResult<Vec<_>>>()?;
        let inner = BusinessCalendar::weekly(start, end, &days, utc_offset_minutes)
            .map_err(to_py)?
            .with_holidays(holidays)
            .with_workdays(workdays);
        Ok(Self { inner })
    }

    /// Working seconds between two instants.
    fn seconds_between(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] start: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::instant)] end: DateTime<Utc>,
    ) -> i64 {
        self.inner.seconds_between(start, end)
    }

    /// The instant `seconds` working seconds after `start`. Negative seconds raise
    /// ValidationError `negative` (path `seconds`); no working time up to
    /// 9999-12-31 raises ValidationError `no_business_time`.
    fn add_seconds(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] start: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::int)] seconds: i64,
    ) -> PyResult<DateTime<Utc>> {
        self.inner.add_seconds(start, seconds).map_err(to_py)
    }

    /// The deadline of `days` working days (N 个工作日内) from `start`: the close of
    /// business of the `days`th working day after the local date of `start` (the day
    /// of receipt never counts). 0 days raise ValidationError `out_of_range` (path
    /// `days`); too few working days up to 9999-12-31, `no_working_days`.
    fn add_working_days(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] start: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::int)] days: u32,
    ) -> PyResult<DateTime<Utc>> {
        self.inner.add_working_days(start, days).map_err(to_py)
    }

    /// Whether a local date is a working day (hours, not a holiday; make-up days count).
    fn is_working_day(&self, date: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.is_working_day(date_arg(date, "date")?))
    }
}

record! {
    /// SLA policy: response and resolution targets by urgency and category.
    struct PySlaPolicy("SlaPolicy", eq) { inner: SlaPolicy }
    |p| {
        /// Whether a response due may fall after the resolution due.
        response_may_follow_resolution: bool = p.response_may_follow_resolution,
    }
}

json_document! {
    /// Parses a policy JSON document.
    PySlaPolicy: SlaPolicy
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PySlaPolicy {
    /// The default policy; with `calendar`, `business_minutes` are working minutes
    /// and `working_days` targets can be used (the targets stay the same: normal
    /// tickets are resolved in 8 calendar days). A response due after the resolution
    /// due is brought forward to it unless `response_may_follow_resolution`.
    #[new]
    #[pyo3(signature = (*, calendar = None, response_may_follow_resolution = false))]
    fn new(
        calendar: Option<PyRef<'_, PyBusinessCalendar>>,
        response_may_follow_resolution: bool,
    ) -> Self {
        let inner = match calendar {
            Some(c) => SlaPolicy::default().with_calendar(c.inner.clone()),
            None => SlaPolicy::default(),
        }
        .with_response_may_follow_resolution(response_may_follow_resolution);
        Self { inner }
    }

    /// `((response_clock, amount), (resolution_clock, amount))` for a ticket received
    /// at `received_at`, e.g. `(("business_minutes", 120), ("working_days", 8))`; the
    /// clock is the one counted in (`minutes` for business minutes on the wall clock).
    fn targets(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] urgency: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] category: &str,
        #[pyo3(from_py_with = crate::args::instant)] received_at: DateTime<Utc>,
    ) -> PyResult<(ClockAmount, ClockAmount)> {
        let t = self
            .inner
            .targets(enum_arg(urgency, "urgency")?, category, received_at)
            .map_err(to_py)?;
        Ok((
            (t.response.clock.as_str(), t.response.amount),
            (t.resolution.clock.as_str(), t.resolution.amount),
        ))
    }
}

record! {
    /// Who may do what to a ticket: roles per action, whether the handler may record the
    /// return visit (default no), whether first-contact ownership (首问负责制) is enforced.
    struct PyAccessPolicy("AccessPolicy", eq) { inner: AccessPolicy }
    |p| {
        /// The restricted actions and their allowed roles (sorted).
        roles: std::collections::BTreeMap<String, Vec<String>> = p
            .restricted()
            .iter()
            .map(|(a, r)| (a.clone(), r.iter().cloned().collect()))
            .collect(),
        handler_may_record_return_visit: bool = p.handler_may_record_return_visit(),
        first_contact_ownership: bool = p.first_contact_ownership(),
    }
}

json_document! {
    /// Parses a policy JSON document.
    PyAccessPolicy: AccessPolicy
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyAccessPolicy {
    /// `roles` maps actions (assign, start, pause, resume, resolve, return_visit,
    /// close, escalate) to the roles allowed to do them; actions left out are open to
    /// everyone. With no arguments: the default policy.
    #[new]
    #[pyo3(signature = (roles = None, *, handler_may_record_return_visit = false, first_contact_ownership = false))]
    fn new(
        #[pyo3(from_py_with = crate::args::opt_text_list_map)] roles: Option<
            std::collections::BTreeMap<String, Vec<String>>,
        >,
        handler_may_record_return_visit: bool,
        first_contact_ownership: bool,
    ) -> PyResult<Self> {
        let mut inner = AccessPolicy::default()
            .with_handler_may_record_return_visit(handler_may_record_return_visit)
            .with_first_contact_ownership(first_contact_ownership);
        for (action, list) in roles.unwrap_or_default() {
            inner = inner.allow(&action, list).map_err(to_py)?;
        }
        Ok(Self { inner })
    }

    fn __repr__(&self) -> String {
        format!("AccessPolicy({})", self.inner.to_json())
    }
}

record! {
    /// Where a ticket stands against its SLA.
    struct PySlaStatus("SlaStatus") { inner: tickets::SlaStatus }
    repr(response_due, resolution_due, response_breached, resolution_breached, paused);
    |s| {
        /// The clock the response due was counted in: `minutes` or `business_minutes`.
        response_clock: &'static str = s.targets.response.clock.as_str(),
        response_amount: u32 = s.targets.response.amount,
        /// `minutes`, `business_minutes`, `calendar_days` or `working_days`.
        resolution_clock: &'static str = s.targets.resolution.clock.as_str(),
        resolution_amount: u32 = s.targets.resolution.amount,
        /// The response due is the ticket's promised reply time.
        response_promised: bool,
        /// The response target's due fell after the resolution due and was brought forward.
        response_clamped: bool,
        response_due: DateTime<Utc>,
        resolution_due: Option<DateTime<Utc>>,
        response_remaining_seconds: i64,
        resolution_remaining_seconds: i64,
        response_breached: bool,
        resolution_breached: bool,
        paused: bool,
    }
}

record! {
    /// One entry of a ticket's event log.
    struct PyTicketEvent("TicketEvent") { inner: tickets::Event }
    repr(at, actor, action, from_state, to_state);
    |e| {
        at: DateTime<Utc>,
        actor: String,
        role: Option<String>,
        action: &'static str = e.action.name(),
        from_state: &'static str = e.from_state.as_str(),
        to_state: &'static str = e.to_state.as_str(),
        /// The action's text: the assignee, `to: reason` of an escalation, the pause
        /// reason, the resolution or visit note, the visit comment; else "".
        detail: String = e.action.detail(),
    }
}
/// A ticket being handled: triage, state, owner (首问责任制) and event log. Operations
/// take an optional `role` and are checked against the flow's `AccessPolicy`.
#[pyclass(frozen, module = "estatekit", name = "TicketFlow")]
struct PyTicketFlow {
    inner: Shared<TicketFlow>,
}

impl PyTicketFlow {
    fn wrap(inner: TicketFlow) -> Self {
        Self {
            inner: Shared::new("TicketFlow", inner),
        }
    }

    fn act(
        &self,
        action: Action,
        actor: &str,
        role: Option<&str>,
        at: DateTime<Utc>,
    ) -> PyResult<&'static str> {
        self.inner
            .lock()?
            .apply_as(action, actor, role, at)
            .map(|s| s.as_str())
            .map_err(to_py)
    }
}

/// A target as Python sees it: `(clock, amount)`, e.g. `("working_days", 8)`.
type ClockAmount = (&'static str, u32);

/// An optional timestamp argument: None, or a timezone-aware datetime.
fn opt_instant(obj: &Bound<'_, PyAny>) -> PyResult<Option<DateTime<Utc>>> {
    if obj.is_none() {
        Ok(None)
    } else {
        crate::args::instant(obj).map(Some)
    }
}

fn policy_arg(policy: Option<PyRef<'_, PyAccessPolicy>>) -> AccessPolicy {
    policy.map(|p| p.inner.clone()).unwrap_or_default()
}

locked_getters!(PyTicketFlow |f| {
    /// How many mutations the flow has had (each applied action and each
    /// `promise_reply` adds one); stored in the document, 0 for documents written
    /// before versions.
    version: u64 = f.version(),
    /// Whether the ticket must be return-visited before it closes.
    return_visit_required: bool = f.return_visit_required(),
    /// The rating of the last visit that reached the owner (`None` if none, or legacy).
    rating: Option<u8> = f.rating(),
    /// Unreachable attempts since the last resolution.
    unreachable_attempts: u32 = f.unreachable_attempts(),
    /// The estate's local date by which the visit is due (`None` when not required or
    /// not resolved).
    return_visit_due: Option<chrono::NaiveDate> = f.return_visit_due(),
    /// The reply time promised to the owner, or None.
    promised_reply_at: Option<DateTime<Utc>> = f.promised_reply_at(),
    id: String = f.ticket().id.to_owned(),
    unit: String = f.ticket().unit.to_owned(),
    channel: &'static str = f.ticket().channel.as_str(),
    kind: &'static str = f.ticket().kind.as_str(),
    /// The estate's fixed UTC offset, minutes (0 for documents written without one).
    utc_offset_minutes: i32 = f.utc_offset_minutes(),
    received_at: DateTime<Utc> = f.ticket().received_at,
    text: String = f.ticket().text.to_owned(),
    reporter: String = f.ticket().reporter.to_owned(),
    category: String = f.category().to_owned(),
    urgency: &'static str = f.urgency().as_str(),
    department: String = f.department().to_owned(),
    state: &'static str = f.state().as_str(),
    receiver: String = f.receiver().to_owned(),
    owner: String = f.owner().to_owned(),
    escalations: u32 = f.escalations(),
    reopened: u32 = f.reopened(),
    satisfied: Option<bool> = f.satisfied(),
    responded_at: Option<DateTime<Utc>> = f.responded_at(),
    resolved_at: Option<DateTime<Utc>> = f.resolved_at(),
});

/// TicketFlow operations `name(args..., *, actor, at, role=None)` whose arguments are
/// texts: each applies the action built from them and returns the new state.
macro_rules! flow_actions {
    ($( $(#[doc = $doc:literal])* $name:ident($($arg:ident),*) => $action:expr; )*) => {$(
        #[guard(crate::panic_guard)]
        #[pymethods]
        impl PyTicketFlow {
            $(#[doc = $doc])*
            #[pyo3(signature = ($($arg,)* *, actor, at, role = None))]
            fn $name(
                &self,
                $(#[pyo3(from_py_with = crate::args::text)] $arg: String,)*
                #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
                #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
                #[pyo3(from_py_with = crate::args::opt_text)] role: Option<String>,
            ) -> PyResult<&'static str> {
                self.act($action, actor, role.as_deref(), at)
            }
        }
    )*};
}

flow_actions! {
    /// Hand the ticket to `to`, who then owns it. Returns the new state.
    assign(to) => Action::Assign { to };
    /// Start handling.
    start() => Action::Start;
    /// Wait for the owner (stops the resolution clock).
    pause(reason) => Action::Pause { reason };
    /// Continue after a pause.
    resume() => Action::Resume;
    /// Mark as resolved.
    resolve(note) => Action::Resolve { note };
    /// Close the ticket.
    close() => Action::Close;
    /// Escalate to `to` (beyond the handler's authority).
    escalate(to, reason) => Action::Escalate { to, reason };
}

shared_document!(PyTicketFlow |f| -> PyAccessPolicy { f.policy().clone().into() });

#[guard(crate::panic_guard)]
#[pymethods]
impl PyTicketFlow {
    /// A received ticket, owned by `receiver` until it is assigned or escalated; its
    /// operations are checked against `policy` (default: `AccessPolicy()`).
    #[new]
    #[pyo3(signature = (id, *, unit, channel, received_at, reporter, text, kind, category, urgency, department, receiver, policy = None, utc_offset_minutes = 0, promised_reply_at = None, return_visit_policy = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] id: String,
        #[pyo3(from_py_with = crate::args::text)] unit: String,
        #[pyo3(from_py_with = crate::args::str_ref)] channel: &str,
        #[pyo3(from_py_with = crate::args::instant)] received_at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::text)] reporter: String,
        #[pyo3(from_py_with = crate::args::text)] text: String,
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
        #[pyo3(from_py_with = crate::args::text)] category: String,
        #[pyo3(from_py_with = crate::args::str_ref)] urgency: &str,
        #[pyo3(from_py_with = crate::args::text)] department: String,
        #[pyo3(from_py_with = crate::args::text)] receiver: String,
        policy: Option<PyRef<'_, PyAccessPolicy>>,
        #[pyo3(from_py_with = crate::args::int)] utc_offset_minutes: i32,
        #[pyo3(from_py_with = opt_instant)] promised_reply_at: Option<DateTime<Utc>>,
        return_visit_policy: Option<PyRef<'_, PyReturnVisitPolicy>>,
    ) -> PyResult<Self> {
        let channel: Channel = enum_arg(channel, "channel")?;
        let kind: TicketKind = enum_arg(kind, "kind")?;
        let urgency: Urgency = enum_arg(urgency, "urgency")?;
        let ticket = Ticket::new(id, unit, channel, received_at, reporter, text, kind);
        let flow = TicketFlow::with_policy(
            ticket,
            category,
            urgency,
            department,
            receiver,
            policy_arg(policy),
        )
        .with_utc_offset_minutes(utc_offset_minutes)
        .map_err(to_py)?;
        let flow = match promised_reply_at {
            Some(at) => flow.with_promised_reply_at(at).map_err(to_py)?,
            None => flow,
        };
        let flow = match return_visit_policy {
            Some(p) => flow
                .with_return_visit_policy(p.inner.clone())
                .map_err(to_py)?,
            None => flow,
        };
        Ok(Self::wrap(flow))
    }

    /// Reads a flow written by `to_json`, replaying its event log under `policy`
    /// (default: `AccessPolicy()`): a document that contradicts itself or the policy
    /// raises `ValidationError` (`inconsistent_document`, `event_out_of_order`,
    /// `not_permitted`) naming the first contradiction.
    #[staticmethod]
    #[pyo3(signature = (text, policy = None))]
    fn from_json(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
        policy: Option<PyRef<'_, PyAccessPolicy>>,
    ) -> PyResult<Self> {
        let policy = policy_arg(policy);
        py.detach(|| TicketFlow::from_json_with_policy(text, &policy))
            .map(Self::wrap)
            .map_err(to_py)
    }

    /// The access policy the operations are checked against.
    #[getter]
    fn policy(&self) -> PyResult<PyAccessPolicy> {
        Ok(PyAccessPolicy {
            inner: self.inner.lock()?.policy().clone(),
        })
    }

    /// Record the return visit; unsatisfied reopens the ticket. The handler (owner or
    /// last resolver) may not record it unless the policy allows.
    #[pyo3(signature = (satisfied, note = String::new(), *, actor, at, role = None))]
    fn return_visit(
        &self,
        satisfied: bool,
        #[pyo3(from_py_with = crate::args::text)] note: String,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::opt_text)] role: Option<String>,
    ) -> PyResult<&'static str> {
        let role = role.as_deref();
        self.act(Action::ReturnVisit { satisfied, note }, actor, role, at)
    }
    /// Record a return visit that reached the owner: `mode` (`phone`, `visit`, `app`),
    /// `rating` 1..=5 (4 and 5 satisfied; 1 to 3 reopen the ticket). Not by the handler
    /// unless the access policy allows.
    #[pyo3(signature = (mode, rating, comment = String::new(), *, actor, at, role = None))]
    #[allow(clippy::too_many_arguments)]
    fn return_visit_reached(
        &self,
        #[pyo3(from_py_with = crate::args::text)] mode: String,
        #[pyo3(from_py_with = crate::args::int)] rating: u8,
        #[pyo3(from_py_with = crate::args::text)] comment: String,
        #[pyo3(from_py_with = crate::args::text)] actor: String,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::opt_text)] role: Option<String>,
    ) -> PyResult<&'static str> {
        let mode: VisitMode = enum_arg(&mode, "mode")?;
        let action = Action::ReturnVisitReached {
            mode,
            rating,
            comment,
        };
        self.act(action, &actor, role.as_deref(), at)
    }
    /// Record a return-visit attempt that did not reach the owner (the ticket stays
    /// resolved); after the policy's maximum the ticket may close without a rating.
    #[pyo3(signature = (mode, note = String::new(), *, actor, at, role = None))]
    fn return_visit_unreachable(
        &self,
        #[pyo3(from_py_with = crate::args::text)] mode: String,
        #[pyo3(from_py_with = crate::args::text)] note: String,
        #[pyo3(from_py_with = crate::args::text)] actor: String,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::opt_text)] role: Option<String>,
    ) -> PyResult<&'static str> {
        let mode: VisitMode = enum_arg(&mode, "mode")?;
        let action = Action::ReturnVisitUnreachable { mode, note };
        self.act(action, &actor, role.as_deref(), at)
    }
    /// The return-visit policy the flow is handled under (`None` for a document
    /// written before return-visit policies: no visit required).
    #[getter]
    fn return_visit_policy(&self) -> PyResult<Option<PyReturnVisitPolicy>> {
        Ok(self
            .inner
            .lock()?
            .return_visit_policy()
            .map(|p| PyReturnVisitPolicy { inner: p.clone() }))
    }
    /// Whether the required visit is overdue as of `as_of`.
    fn return_visit_overdue(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<bool> {
        Ok(self.inner.lock()?.return_visit_overdue(as_of))
    }
    /// The SLA status as of `as_of` (default policy if none is given); ValidationError
    /// `no_business_time` when a deadline would fall after 9999-12-31.
    #[pyo3(signature = (as_of, policy = None))]
    fn sla(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
        policy: Option<PyRef<'_, PySlaPolicy>>,
    ) -> PyResult<PySlaStatus> {
        let policy = policy.map(|p| p.inner.clone()).unwrap_or_default();
        self.inner
            .lock()?
            .sla(&policy, as_of)
            .map(Into::into)
            .map_err(to_py)
    }

    /// Promise the owner a reply by `at` (承诺回复时间), replacing any earlier
    /// promise: it becomes the response due, even when later than the policy's. A time
    /// before the receipt raises ValidationError `invalid_option` (path
    /// `promised_reply_at`). Returns the new document with its version
    /// (`SavedDocument`), as `perform` does.
    fn promise_reply(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PySavedDocument> {
        self.inner
            .lock()?
            .promise_reply(at)
            .map(PySavedDocument::from)
            .map_err(to_py)
    }

    #[getter]
    fn events(&self) -> PyResult<Vec<PyTicketEvent>> {
        Ok(wrap_all(self.inner.lock()?.events()))
    }
    fn __repr__(&self) -> PyResult<String> {
        let f = self.inner.lock()?;
        Ok(format!(
            "TicketFlow(id={:?}, state={:?}, owner={:?}, category={:?})",
            f.ticket().id,
            f.state().as_str(),
            f.owner(),
            f.category()
        ))
    }
    /// Test hook: holds the lock while `callback()` runs, then panics if `panic`.
    #[cfg(feature = "test-hooks")]
    #[pyo3(signature = (callback, panic = false))]
    fn _hold_lock_for_test(&self, callback: &Bound<'_, PyAny>, panic: bool) -> PyResult<()> {
        self.inner.hold_for_test(callback, panic)
    }
}

record! {
    /// Ticket statistics for a period.
    struct PyTicketStatistics("TicketStatistics") { inner: tickets::TicketStatistics }
    repr(total, resolved, complaints);
    |s| {
        total: u64,
        response_rate: Option<f64> = s.sla.response_rate,
        resolution_rate: Option<f64> = s.sla.resolution_rate,
        resolved: u64,
        mean_hours_to_resolve: Option<f64>,
        median_hours_to_resolve: Option<f64>,
        return_visits: u64,
        satisfied: u64,
        satisfaction_rate: Option<f64>,
        /// Whether `return_visit_satisfaction` reaches the policy's target with at least
        /// its minimum coverage.
        meets_satisfaction_target: bool,
        /// Resolved tickets of the period that must be return-visited.
        visits_required: u64,
        /// Of those, reached by their last visit.
        visits_reached: u64,
        /// Of the reached, satisfied.
        visits_satisfied: u64,
        /// Of the required, not reached after the maximum of unreachable attempts.
        visits_unreachable: u64,
        /// (reached + unreachable) / required.
        return_visit_rate: Option<f64>,
        /// unreachable / required.
        unreachable_rate: Option<f64>,
        /// satisfied / reached.
        return_visit_satisfaction: Option<f64>,
        /// reached / required.
        return_visit_coverage: Option<f64>,
        /// The satisfaction target applied.
        satisfaction_target: f64,
        /// The minimum coverage applied.
        min_coverage: f64,
        complaints: u64,
        complaints_per_100_units: Option<f64>,
        repeat_tickets: Vec<String>,
        /// Counts per category, sorted by code.
        by_category: OrderedDict<String, u64> = counts(&s.by_category),
        /// Counts per kind, every kind in declaration order.
        by_kind: OrderedDict<String, u64> = counts(&s.by_kind),
        /// Counts per channel, every channel in declaration order.
        by_channel: OrderedDict<String, u64> = counts(&s.by_channel),
        /// Counts per department, sorted by name.
        by_department: OrderedDict<String, u64> = counts(&s.by_department),
    }
}

/// `{key: count}` in the statistics' order.
fn counts(v: &[tickets::Count]) -> OrderedDict<String, u64> {
    v.iter().map(|c| (c.key.clone(), c.count)).collect()
}
/// Statistics of the tickets received in `[start, end)`; SLA as of `end`; return
/// visits judged under `return_visit_policy` (default: `ReturnVisitPolicy()`).
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (flows, start, end, *, units, policy = None, return_visit_policy = None))]
fn ticket_statistics(
    py: Python<'_>,
    flows: Vec<PyRef<'_, PyTicketFlow>>,
    #[pyo3(from_py_with = crate::args::instant)] start: DateTime<Utc>,
    #[pyo3(from_py_with = crate::args::instant)] end: DateTime<Utc>,
    #[pyo3(from_py_with = crate::args::int)] units: u32,
    policy: Option<PyRef<'_, PySlaPolicy>>,
    return_visit_policy: Option<PyRef<'_, PyReturnVisitPolicy>>,
) -> PyResult<PyTicketStatistics> {
    let flows: Vec<TicketFlow> = flows
        .iter()
        .map(|f| Ok(f.inner.lock()?.clone()))
        .collect::<PyResult<_>>()?;
    let policy = policy.map(|p| p.inner.clone()).unwrap_or_default();
    let visits = return_visit_policy
        .map(|p| p.inner.clone())
        .unwrap_or_default();
    py.detach(|| tickets::statistics_with_visits(&flows, start, end, units, &policy, &visits))
        .map(PyTicketStatistics::from)
        .map_err(to_py)
}

record! {
    /// Which tickets must be return-visited, after how many unreachable attempts they may
    /// close, by when, and the satisfaction target statistics judge visits against.
    struct PyReturnVisitPolicy("ReturnVisitPolicy", eq) { inner: ReturnVisitPolicy }
    |p| {
        /// The kinds that must be visited, in declaration order.
        required_kinds: Vec<&'static str> = p.required_kinds().iter().map(|k| k.as_str()).collect(),
        /// The channels whose tickets need no visit, in declaration order.
        exempt_channels: Vec<&'static str> =
            p.exempt_channels().iter().map(|c| c.as_str()).collect(),
        /// Unreachable attempts after which a ticket may close without a rating.
        max_unreachable_attempts: u32 = p.max_unreachable_attempts(),
        /// Days after the local resolution date by whose end the visit is due.
        deadline_days: u32 = p.deadline_days(),
        /// The share of satisfied reached visits to reach.
        satisfaction_target: f64 = p.satisfaction_target(),
        /// The least share of must-visit resolved tickets reached for the target to count.
        min_coverage: f64 = p.min_coverage(),
    }
}

/// Parses a list of snake_case names, naming a bad one by its index (`required_kinds[1]`).
fn enum_list<T: FromStr<Err = TicketError>>(values: Vec<String>, path: &str) -> PyResult<Vec<T>> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| enum_arg(v, &format!("{path}[{i}]")))
        .collect()
}

json_document! {
    /// Parses a policy JSON document (every field optional); `ValidationError`
    /// `json` naming the field, or the cause (`out_of_range`).
    PyReturnVisitPolicy: ReturnVisitPolicy
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyReturnVisitPolicy {
    /// A policy; left-out lists take the defaults (complaints and repair requests
    /// must be visited; patrol tickets are exempt).
    #[new]
    #[pyo3(signature = (*, required_kinds = None, exempt_channels = None, max_unreachable_attempts = 3, deadline_days = 3, satisfaction_target = 0.95, min_coverage = 0.8))]
    fn new(
        #[pyo3(from_py_with = crate::args::opt_text_list)] required_kinds: Option<Vec<String>>,
        #[pyo3(from_py_with = crate::args::opt_text_list)] exempt_channels: Option<Vec<String>>,
        #[pyo3(from_py_with = crate::args::int)] max_unreachable_attempts: u32,
        #[pyo3(from_py_with = crate::args::int)] deadline_days: u32,
        satisfaction_target: f64,
        min_coverage: f64,
    ) -> PyResult<Self> {
        let d = ReturnVisitPolicy::default();
        let kinds = match required_kinds {
            Some(v) => enum_list::<TicketKind>(v, "required_kinds")?,
            None => d.required_kinds(),
        };
        let channels = match exempt_channels {
            Some(v) => enum_list::<Channel>(v, "exempt_channels")?,
            None => d.exempt_channels(),
        };
        ReturnVisitPolicy::new(
            kinds,
            channels,
            max_unreachable_attempts,
            deadline_days,
            satisfaction_target,
            min_coverage,
        )
        .map(|inner| Self { inner })
        .map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!("ReturnVisitPolicy({})", self.inner.to_json())
    }
}
