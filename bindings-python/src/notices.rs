//! `estatekit.Notice`, `Audience`, `NoticePolicy`, `LeadTimeFinding`, `NoticeTracker`,
//! `NoticeEvent`, `PendingUnit`, `Coverage` and the notice functions
//! (`validate_notice`, `notice_audience_units`, `notice_header`, `notice_from_json`,
//! `notice_to_json`). This file converts; the rules are in `estatekit::notices`.
//!
//! Kinds and channels are their snake_case names; timestamps are timezone-aware
//! `datetime.datetime`s (converted to UTC, returned in UTC).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use estatekit::i18n::Lang;
use estatekit::notices::{
    self, Audience, Notice, NoticeChannel, NoticeError, NoticeEvent, NoticeKind, NoticePolicy,
    NoticeTracker,
};
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rust_decimal::Decimal;

use crate::estate::PyEstate;
use crate::record::{record, register};
use crate::shared::Shared;
use crate::to_py;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(
        m: PyAudience, PyNotice, PyNoticePolicy, PyLeadTimeFinding, PyNoticeEvent,
        PyPendingUnit, PyCoverage, PyNoticeTracker;
        validate_notice, notice_audience_units, notice_header, notice_from_json, notice_to_json
    )
}

/// A wire name of a notice enum, the error naming `path`.
fn wire<T: std::str::FromStr<Err = NoticeError>>(value: &str, path: &str) -> PyResult<T> {
    value.parse::<T>().map_err(|e| match e {
        NoticeError::UnknownValue {
            value, expected, ..
        } => to_py(NoticeError::UnknownValue {
            path: path.to_owned(),
            value,
            expected,
        }),
        other => to_py(other),
    })
}

/// An optional timestamp argument: None, or a timezone-aware datetime.
fn opt_instant(obj: &Bound<'_, PyAny>) -> PyResult<Option<DateTime<Utc>>> {
    if obj.is_none() {
        Ok(None)
    } else {
        crate::args::instant(obj).map(Some)
    }
}

/// Whom a notice is for: `Audience.estate()`, `Audience.buildings(ids)` or
/// `Audience.units(ids)`.
#[pyclass(frozen, eq, module = "estatekit", name = "Audience")]
#[derive(PartialEq)]
struct PyAudience {
    inner: Audience,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyAudience {
    /// Every delivered unit of the estate.
    #[staticmethod]
    fn estate() -> Self {
        Self {
            inner: Audience::Estate,
        }
    }
    /// Every delivered unit of these buildings.
    #[staticmethod]
    fn buildings(#[pyo3(from_py_with = crate::args::text_list)] ids: Vec<String>) -> Self {
        Self {
            inner: Audience::Buildings { ids },
        }
    }
    /// These units, whatever their status.
    #[staticmethod]
    fn units(#[pyo3(from_py_with = crate::args::text_list)] ids: Vec<String>) -> Self {
        Self {
            inner: Audience::Units { ids },
        }
    }
    /// `"estate"`, `"buildings"` or `"units"`.
    #[getter]
    fn scope(&self) -> &'static str {
        match self.inner {
            Audience::Estate => "estate",
            Audience::Buildings { .. } => "buildings",
            Audience::Units { .. } => "units",
        }
    }
    /// The building or unit ids (empty for the estate).
    #[getter]
    fn ids(&self) -> Vec<String> {
        match &self.inner {
            Audience::Estate => Vec::new(),
            Audience::Buildings { ids } | Audience::Units { ids } => ids.clone(),
        }
    }
    fn __repr__(&self) -> String {
        format!("Audience(scope={:?}, ids={:?})", self.scope(), self.ids())
    }
}

record! {
    /// A notice: what (kind), to whom (audience), when, the window it announces, and
    /// whether units must acknowledge it by `ack_due`.
    struct PyNotice("Notice", eq) { inner: Notice }
    repr(id, kind, title_zh);
    |n| {
        id: String,
        kind: &'static str = n.kind.as_str(),
        title_zh: String,
        title_en: Option<String>,
        body: String,
        audience: PyAudience = PyAudience { inner: n.audience.clone() },
        published_at: DateTime<Utc>,
        starts_at: Option<DateTime<Utc>>,
        ends_at: Option<DateTime<Utc>>,
        requires_ack: bool,
        ack_due: Option<DateTime<Utc>>,
        emergency: bool,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyNotice {
    #[new]
    #[pyo3(signature = (id, *, kind, title_zh, body, audience, published_at, title_en = None, starts_at = None, ends_at = None, requires_ack = false, ack_due = None, emergency = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] id: String,
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
        #[pyo3(from_py_with = crate::args::text)] title_zh: String,
        #[pyo3(from_py_with = crate::args::text)] body: String,
        audience: PyRef<'_, PyAudience>,
        #[pyo3(from_py_with = crate::args::instant)] published_at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::opt_text)] title_en: Option<String>,
        #[pyo3(from_py_with = opt_instant)] starts_at: Option<DateTime<Utc>>,
        #[pyo3(from_py_with = opt_instant)] ends_at: Option<DateTime<Utc>>,
        requires_ack: bool,
        #[pyo3(from_py_with = opt_instant)] ack_due: Option<DateTime<Utc>>,
        emergency: bool,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: Notice {
                id,
                kind: wire(kind, "kind")?,
                title_zh,
                title_en,
                body,
                audience: audience.inner.clone(),
                published_at,
                starts_at,
                ends_at,
                requires_ack,
                ack_due,
                emergency,
            },
        })
    }
    /// Pickle and `copy` through the JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let module = slf.py().import("estatekit._estatekit")?;
        Ok((
            module.getattr("notice_from_json")?,
            (slf.get().inner.to_json(),),
        ))
    }
}

#[guard(crate::panic_guard)]
#[pyfunction]
fn validate_notice(notice: PyRef<'_, PyNotice>, estate: PyRef<'_, PyEstate>) -> PyResult<()> {
    notice.inner.validate(&estate.inner).map_err(to_py)
}

/// The ids of the units `notice` reaches, in the estate's order, each once.
#[guard(crate::panic_guard)]
#[pyfunction]
fn notice_audience_units(
    notice: PyRef<'_, PyNotice>,
    estate: PyRef<'_, PyEstate>,
) -> PyResult<Vec<String>> {
    notice.inner.audience_units(&estate.inner).map_err(to_py)
}

/// The notice's header in `lang` ("zh-CN" or "en"), the window in local time at
/// `utc_offset_minutes`.
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (notice, lang = "zh-CN", utc_offset_minutes = 0))]
fn notice_header(
    notice: PyRef<'_, PyNotice>,
    #[pyo3(from_py_with = crate::args::str_ref)] lang: &str,
    #[pyo3(from_py_with = crate::args::int)] utc_offset_minutes: i32,
) -> PyResult<String> {
    let lang = lang.parse::<Lang>().map_err(to_py)?;
    notice.inner.header(lang, utc_offset_minutes).map_err(to_py)
}

/// Parses a notice JSON document (read, not validated).
#[guard(crate::panic_guard)]
#[pyfunction]
fn notice_from_json(#[pyo3(from_py_with = crate::args::str_ref)] text: &str) -> PyResult<PyNotice> {
    Notice::from_json(text).map(PyNotice::from).map_err(to_py)
}

/// The notice as JSON.
#[guard(crate::panic_guard)]
#[pyfunction]
fn notice_to_json(notice: PyRef<'_, PyNotice>) -> String {
    notice.inner.to_json()
}

/// Minimum lead times of planned outages, in hours by kind (default: water_outage 24,
/// power_outage 168).
#[pyclass(frozen, eq, module = "estatekit", name = "NoticePolicy")]
#[derive(PartialEq)]
struct PyNoticePolicy {
    inner: NoticePolicy,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyNoticePolicy {
    /// `lead_hours`: exactly these minimums (a kind left out has none); None: the
    /// defaults of the published rules.
    #[new]
    #[pyo3(signature = (lead_hours = None))]
    fn new(lead_hours: Option<Bound<'_, PyDict>>) -> PyResult<Self> {
        let Some(map) = lead_hours else {
            return Ok(Self {
                inner: NoticePolicy::default(),
            });
        };
        let mut hours = Vec::with_capacity(map.len());
        for (k, v) in map.iter() {
            let key = crate::args::text(&k)?;
            let kind: NoticeKind = wire(&key, "lead_hours")?;
            // Read by value (operator.index); the range is the core's rule.
            let value: i64 = crate::args::int(&v).inspect_err(|e| {
                Python::attach(|py| {
                    let _ = e.value(py).setattr("path", format!("lead_hours.{key}"));
                });
            })?;
            hours.push((kind, value));
        }
        NoticePolicy::new(hours)
            .map(|inner| Self { inner })
            .map_err(to_py)
    }
    /// Parses a policy JSON document.
    #[staticmethod]
    fn from_json(#[pyo3(from_py_with = crate::args::str_ref)] text: &str) -> PyResult<Self> {
        NoticePolicy::from_json(text)
            .map(|inner| Self { inner })
            .map_err(to_py)
    }
    /// The policy as JSON.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }
    /// Pickle and `copy` through the JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (slf.get().inner.to_json(),),
        ))
    }
    /// The minimum lead time of `kind` in hours, or None.
    fn lead_hours(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
    ) -> PyResult<Option<u32>> {
        Ok(self.inner.lead_hours(wire(kind, "kind")?))
    }
    /// Every kind with a minimum and its hours.
    fn all_lead_hours(&self) -> BTreeMap<&'static str, u32> {
        self.inner
            .all_lead_hours()
            .into_iter()
            .map(|(k, h)| (k.as_str(), h))
            .collect()
    }
    /// None if `notice` respects its kind's minimum lead time (or is an emergency);
    /// else the finding (code "lead_time_too_short").
    fn check(&self, notice: PyRef<'_, PyNotice>) -> Option<PyLeadTimeFinding> {
        self.inner.check(&notice.inner).map(PyLeadTimeFinding::from)
    }
    fn __repr__(&self) -> String {
        format!("NoticePolicy({})", self.inner.to_json())
    }
}

record! {
    /// A notice published later than its kind's minimum lead time.
    struct PyLeadTimeFinding("LeadTimeFinding") { inner: notices::LeadTimeFinding }
    repr(notice, kind, required_hours, actual_hours);
    |f| {
        code: &'static str = f.code(),
        path: &'static str = f.path(),
        notice: String,
        kind: &'static str = f.kind.as_str(),
        required_hours: u32,
        actual_hours: Decimal,
    }
}

/// A delivery (`NoticeEvent.delivery(unit, channel, at)`) or an acknowledgment
/// (`NoticeEvent.ack(unit, at, by)`).
#[pyclass(frozen, eq, module = "estatekit", name = "NoticeEvent")]
#[derive(PartialEq)]
struct PyNoticeEvent {
    inner: NoticeEvent,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyNoticeEvent {
    /// The notice reached `unit` through `channel` ("app", "sms", "paper", "board").
    #[staticmethod]
    fn delivery(
        #[pyo3(from_py_with = crate::args::text)] unit: String,
        #[pyo3(from_py_with = crate::args::str_ref)] channel: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: NoticeEvent::Delivery {
                unit,
                channel: wire::<NoticeChannel>(channel, "channel")?,
                at,
            },
        })
    }
    /// `by` acknowledged the notice for `unit`.
    #[staticmethod]
    fn ack(
        #[pyo3(from_py_with = crate::args::text)] unit: String,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::text)] by: String,
    ) -> Self {
        Self {
            inner: NoticeEvent::Ack { unit, at, by },
        }
    }
    /// `"delivery"` or `"ack"`.
    #[getter]
    fn r#type(&self) -> &'static str {
        match self.inner {
            NoticeEvent::Delivery { .. } => "delivery",
            NoticeEvent::Ack { .. } => "ack",
        }
    }
    #[getter]
    fn unit(&self) -> &str {
        self.inner.unit()
    }
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.inner.at()
    }
    /// The channel of a delivery; None for an acknowledgment.
    #[getter]
    fn channel(&self) -> Option<&'static str> {
        match &self.inner {
            NoticeEvent::Delivery { channel, .. } => Some(channel.as_str()),
            NoticeEvent::Ack { .. } => None,
        }
    }
    /// Who acknowledged; None for a delivery.
    #[getter]
    fn by(&self) -> Option<&str> {
        match &self.inner {
            NoticeEvent::Ack { by, .. } => Some(by),
            NoticeEvent::Delivery { .. } => None,
        }
    }
    fn __repr__(&self) -> String {
        format!(
            "NoticeEvent(type={:?}, unit={:?}, at={:?})",
            self.r#type(),
            self.inner.unit(),
            self.inner.at().to_rfc3339()
        )
    }
}

record! {
    /// A unit that has not acknowledged a notice.
    struct PyPendingUnit("PendingUnit") { inner: notices::PendingUnit }
    repr(unit, delivered, overdue);
    |p| {
        unit: String,
        delivered: bool,
        overdue: bool,
    }
}

record! {
    /// How far a notice has reached: counts and rates (Decimal, scale 4).
    struct PyCoverage("Coverage") { inner: notices::Coverage }
    repr(audience, delivered, acknowledged, delivery_rate, ack_rate);
    |c| {
        audience: usize,
        delivered: usize,
        acknowledged: usize,
        delivery_rate: Decimal,
        ack_rate: Decimal,
    }
}

/// The deliveries and acknowledgments of one notice (idempotent, order-independent).
#[pyclass(frozen, module = "estatekit", name = "NoticeTracker")]
struct PyNoticeTracker {
    inner: Shared<NoticeTracker>,
}

fn tracker(inner: NoticeTracker) -> PyNoticeTracker {
    PyNoticeTracker {
        inner: Shared::new("NoticeTracker", inner),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyNoticeTracker {
    /// A tracker of `notice`, validated against `estate`.
    #[new]
    fn new(notice: PyRef<'_, PyNotice>, estate: PyRef<'_, PyEstate>) -> PyResult<Self> {
        NoticeTracker::new(&notice.inner, &estate.inner)
            .map(tracker)
            .map_err(to_py)
    }
    /// Reads a tracker document.
    #[staticmethod]
    fn from_json(#[pyo3(from_py_with = crate::args::str_ref)] text: &str) -> PyResult<Self> {
        NoticeTracker::from_json(text).map(tracker).map_err(to_py)
    }
    /// The tracker as JSON (events in time order).
    fn to_json(&self) -> PyResult<String> {
        Ok(self.inner.lock()?.to_json())
    }
    /// Pickle and `copy` through the JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let text = slf.get().inner.lock()?.to_json();
        Ok((slf.get_type().getattr("from_json")?, (text,)))
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        crate::shared::eq_by(&self.inner, other, |o: &Self| &o.inner, |a, b| a == b)
    }
    /// The notice's id.
    #[getter]
    fn notice_id(&self) -> PyResult<String> {
        Ok(self.inner.lock()?.notice_id().to_owned())
    }
    /// The units the notice reaches, in the estate's order.
    #[getter]
    fn units(&self) -> PyResult<Vec<String>> {
        Ok(self.inner.lock()?.units().to_vec())
    }
    /// Records a delivery; True if new, False if recorded already.
    fn record_delivery(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] channel: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<bool> {
        let channel = wire::<NoticeChannel>(channel, "channel")?;
        self.inner
            .lock()?
            .record_delivery(unit, channel, at)
            .map_err(to_py)
    }
    /// Records an acknowledgment; True if new, False if recorded already.
    fn record_ack(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
        #[pyo3(from_py_with = crate::args::str_ref)] by: &str,
    ) -> PyResult<bool> {
        self.inner.lock()?.record_ack(unit, at, by).map_err(to_py)
    }
    /// Records a list of events, all or nothing; returns how many were new.
    fn import_events(&self, events: Vec<PyRef<'_, PyNoticeEvent>>) -> PyResult<usize> {
        let events: Vec<NoticeEvent> = events.iter().map(|e| e.inner.clone()).collect();
        self.inner.lock()?.import_events(&events).map_err(to_py)
    }
    /// Every distinct event, in time order.
    fn events(&self) -> PyResult<Vec<PyNoticeEvent>> {
        Ok(self
            .inner
            .lock()?
            .events()
            .into_iter()
            .map(|inner| PyNoticeEvent { inner })
            .collect())
    }
    /// The units that have not acknowledged by `as_of`, in the estate's order.
    fn pending(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<Vec<PyPendingUnit>> {
        Ok(self
            .inner
            .lock()?
            .pending(as_of)
            .into_iter()
            .map(PyPendingUnit::from)
            .collect())
    }
    /// Units reached and acknowledged, and the rates at scale 4.
    fn coverage(&self) -> PyResult<PyCoverage> {
        Ok(self.inner.lock()?.coverage().into())
    }
    fn __repr__(&self) -> PyResult<String> {
        let t = self.inner.lock()?;
        Ok(format!(
            "NoticeTracker(notice_id={:?}, units={}, events={})",
            t.notice_id(),
            t.units().len(),
            t.events().len()
        ))
    }
}
