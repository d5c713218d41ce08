//! `estatekit.GoodsRelease` and the records of a goods-release permit (物品放行): a thin
//! adapter over `estatekit::release`.
//!
//! Enums are their wire names (`"move_out"`, `"approved"`, `"warn"`); items are
//! `(name, quantity)` tuples in the permit's order; money is `decimal.Decimal`; days are
//! `datetime.date`, hours `datetime.time` (the estate's local time), instants
//! timezone-aware `datetime.datetime` values returned in UTC. Errors are the core's,
//! with its code and path: a permit in a state that does not allow the operation
//! (`permit_state`), outside its day or hours (`outside_window`), without consent
//! (`no_consent`) or blocked by arrears (`arrears_outstanding`) is a `StateError`,
//! anything else a `ValidationError`.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use estatekit::registry::ArrearsCheck;
use estatekit::release::{
    ArrearsRule, GoodsRelease, Item, Permit, PermitRequest, Reason, ReleaseError, ReleasePolicy,
};
use estatekit::tickets::WorkingHours;
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;
use pyo3::types::PyString;
use rust_decimal::Decimal;

use crate::checkin::{PyCheckinTemplate, PyChecklist};
use crate::receivables::PyReceivables;
use crate::record::{json_document, locked_getters, record, register, shared_eq, wrap_all};
use crate::registry::PyRegistry;
use crate::shared::Shared;
use crate::{to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(m: PyReleasePolicy, PyPermitRequest, PyPermit, PyGoodsRelease)
}

/// Parses a wire name of a release enum, naming `path` on failure (`unknown_value`).
fn enum_arg<T: FromStr<Err = ReleaseError>>(value: &str, path: &str) -> PyResult<T> {
    T::from_str(value).map_err(|e| {
        let (code, reason) = match &e {
            ReleaseError::InvalidField { code, reason, .. } => (*code, reason.clone()),
            other => (other.code(), other.to_string()),
        };
        validation_error(code, path, format!("{path}: {reason}"))
    })
}

/// A list of `(name, quantity)` pairs, named `path[i]` on failure.
fn items_arg(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Vec<Item>> {
    let wrong = |p: &str| {
        validation_error(
            "wrong_type",
            p,
            format!("{p}: expected a list of (name, quantity) pairs"),
        )
    };
    if obj.is_instance_of::<PyString>() {
        return Err(wrong(path));
    }
    let mut items = Vec::new();
    for (i, x) in obj.try_iter().map_err(|_| wrong(path))?.enumerate() {
        let x = x?;
        let p = format!("{path}[{i}]");
        let (name, quantity): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
            x.extract().map_err(|_| wrong(&p))?;
        let name = crate::args::text(&name).map_err(|_| {
            validation_error(
                "wrong_type",
                &format!("{p}.name"),
                format!("{p}.name: expected str"),
            )
        })?;
        let quantity: u32 = crate::args::int(&quantity).map_err(|_| {
            validation_error(
                "wrong_type",
                &format!("{p}.quantity"),
                format!("{p}.quantity: expected an int from 0 to 4294967295"),
            )
        })?;
        items.push(Item { name, quantity });
    }
    Ok(items)
}

fn item_pairs(items: &[Item]) -> Vec<(String, u32)> {
    items.iter().map(|i| (i.name.clone(), i.quantity)).collect()
}

record! {
    /// The office's rules for goods release: arrears "warn" (the default: withholding
    /// an owner's goods for a debt is legally risky) or "block"; the estate's UTC
    /// offset in minutes.
    pub(crate) struct PyReleasePolicy("ReleasePolicy", eq) { inner: ReleasePolicy }
    repr(arrears, utc_offset_minutes);
    |p| {
        /// "warn" or "block".
        arrears: &'static str = p.arrears.as_str(),
        /// The estate's offset from UTC, in minutes (the permit's day and hours).
        utc_offset_minutes: i32,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyReleasePolicy {
    /// A policy: arrears "warn" (default) or "block"; Beijing time (480) by default.
    #[new]
    #[pyo3(signature = (arrears = "warn", *, utc_offset_minutes = 480))]
    fn new(
        #[pyo3(from_py_with = crate::args::str_ref)] arrears: &str,
        #[pyo3(from_py_with = crate::args::int)] utc_offset_minutes: i32,
    ) -> PyResult<Self> {
        let arrears: ArrearsRule = enum_arg(arrears, "arrears")?;
        Ok(Self {
            inner: ReleasePolicy {
                arrears,
                utc_offset_minutes,
            },
        })
    }
}

record! {
    /// A permit as requested: the unit, the applicant (a person of the occupant
    /// registry), the items, the plate, the day and hours, the reason.
    pub(crate) struct PyPermitRequest("PermitRequest", eq) { inner: PermitRequest }
    repr(id, unit_id, applicant, pass_date, reason);
    |r| {
        /// The permit's number.
        id: String,
        /// The unit the goods leave.
        unit_id: String,
        /// The applicant's person id in the occupant registry.
        applicant: String,
        /// The applicant's identity reference (never a clear ID number).
        id_ref: Option<String>,
        /// `(name, quantity)` pairs, in order.
        items: Vec<(String, u32)> = item_pairs(&r.items),
        /// The vehicle's plate (normalised once requested), or None.
        plate: Option<String>,
        /// The day the permit is valid (local).
        pass_date: NaiveDate,
        /// The local hours `(start, end)` it is valid, or None (all day).
        window: Option<(NaiveTime, NaiveTime)> = r.window.map(|w| (w.start, w.end)),
        /// "move_out", "debris", "repair" or "other".
        reason: &'static str = r.reason.as_str(),
        /// A whole unit's move-out (starts the move-out formalities).
        whole_unit: bool,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPermitRequest {
    /// A permit request; `items` a list of `(name, quantity)` pairs; `reason`
    /// "move_out" | "debris" | "repair" | "other"; `window` `(start, end)` local times.
    #[new]
    #[pyo3(signature = (id, unit_id, applicant, items, pass_date, reason, *, id_ref = None, plate = None, window = None, whole_unit = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] id: String,
        #[pyo3(from_py_with = crate::args::text)] unit_id: String,
        #[pyo3(from_py_with = crate::args::text)] applicant: String,
        items: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::date)] pass_date: NaiveDate,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        #[pyo3(from_py_with = crate::args::opt_text)] id_ref: Option<String>,
        #[pyo3(from_py_with = crate::args::opt_text)] plate: Option<String>,
        window: Option<(NaiveTime, NaiveTime)>,
        whole_unit: bool,
    ) -> PyResult<Self> {
        let reason: Reason = enum_arg(reason, "reason")?;
        Ok(Self {
            inner: PermitRequest {
                id,
                unit_id,
                applicant,
                id_ref,
                items: items_arg(items, "items")?,
                plate,
                pass_date,
                window: window.map(|(s, e)| WorkingHours::new(s, e)),
                reason,
                whole_unit,
            },
        })
    }
}

record! {
    /// A permit and where it stands.
    pub(crate) struct PyPermit("Permit", eq) { inner: Permit }
    repr(id, state, arrears);
    |p| {
        /// The permit's number.
        id: String = p.request.id.clone(),
        /// As requested (its plate normalised).
        request: PyPermitRequest = p.request.clone().into(),
        /// "requested", "approved", "refused", "used" or "expired" (as recorded;
        /// `GoodsRelease.state_at` tells expiry).
        state: &'static str = p.state.as_str(),
        /// Whether the applicant could consent for the unit on the request's day.
        may_consent: bool,
        /// The unit's arrears at the request (principal and penalty).
        arrears: Decimal,
        /// Warnings for the approver (arrears owed).
        warnings: Vec<String>,
        /// When requested (UTC).
        requested_at: DateTime<Utc>,
        /// Who approved it.
        approved_by: Option<String>,
        /// The person who consented for an applicant who may not.
        consent_by: Option<String>,
        /// Why it was refused.
        refused_reason: Option<String>,
        /// When the goods went out (UTC).
        used_at: Option<DateTime<Utc>>,
        /// The guard who checked them.
        verified_by: Option<String>,
    }
}

/// The goods-release register of an estate (物品放行): permits requested with the
/// registry's consent and the book's arrears, approved or refused, checked once at
/// the gate on their day and in their hours; replayed from its events, so its JSON
/// restores exactly. Retrying an operation changes nothing.
#[pyclass(frozen, module = "estatekit", name = "GoodsRelease")]
pub(crate) struct PyGoodsRelease {
    inner: Shared<GoodsRelease>,
}

impl PyGoodsRelease {
    fn wrap(inner: GoodsRelease) -> Self {
        Self {
            inner: Shared::new("GoodsRelease", inner),
        }
    }
}

json_document! {
    /// Reads a saved register, replaying its events; errors name the first bad event
    /// (`events[1].action.permit_id`).
    PyGoodsRelease: GoodsRelease, shared
}

shared_eq! {
    PyGoodsRelease |a, b| a == b
}

locked_getters!(PyGoodsRelease |g| {
    /// The estate's id.
    estate_id: String = g.estate_id().to_owned(),
    /// The office's rules.
    policy: PyReleasePolicy = g.policy().clone().into(),
    /// The number of events recorded.
    event_count: usize = g.events().len(),
    /// Every permit, in the order requested.
    permits: Vec<PyPermit> = wrap_all(g.permits()),
});

#[guard(crate::panic_guard)]
#[pymethods]
impl PyGoodsRelease {
    /// An empty register of the estate `estate_id` (the default policy: arrears warn,
    /// Beijing time).
    #[new]
    #[pyo3(signature = (estate_id, policy = None))]
    fn new(
        #[pyo3(from_py_with = crate::args::str_ref)] estate_id: &str,
        policy: Option<PyRef<'_, PyReleasePolicy>>,
    ) -> PyResult<Self> {
        let policy = policy.map_or_else(ReleasePolicy::default, |p| p.inner.clone());
        GoodsRelease::new(estate_id, policy)
            .map(Self::wrap)
            .map_err(to_py)
    }
    /// The permit with this id, or None.
    fn permit(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] permit_id: &str,
    ) -> PyResult<Option<PyPermit>> {
        Ok(self
            .inner
            .lock()?
            .permit(permit_id)
            .cloned()
            .map(Into::into))
    }
    /// The permit's state at `at`: "expired" once its day has passed unused.
    fn state_at(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] permit_id: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<&'static str> {
        let s = self.inner.lock()?.state_at(permit_id, at).map_err(to_py)?;
        Ok(s.as_str())
    }
    /// The permits used on the local day `day`, in the order they went out.
    fn used_on(
        &self,
        #[pyo3(from_py_with = crate::args::date)] day: NaiveDate,
    ) -> PyResult<Vec<PyPermit>> {
        Ok(self
            .inner
            .lock()?
            .used_on(day)
            .into_iter()
            .cloned()
            .map(Into::into)
            .collect())
    }
    /// Requests a permit. The applicant must be a person of `registry`; whether they
    /// may consent for the unit is recorded. The unit's arrears are checked against
    /// `book` (a Receivables: principal and penalty outstanding on the request's day)
    /// or the plain amount `arrears` (exactly one of the two): a warning under the
    /// default policy, StateError `arrears_outstanding` under "block". The same request
    /// again is a retry.
    #[pyo3(signature = (permit, registry, *, book = None, arrears = None, actor, at))]
    #[allow(clippy::too_many_arguments)]
    fn request(
        &self,
        permit: PyRef<'_, PyPermitRequest>,
        registry: PyRef<'_, PyRegistry>,
        book: Option<PyRef<'_, PyReceivables>>,
        arrears: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyPermit> {
        let arrears = arrears
            .filter(|a| !a.is_none())
            .map(|a| crate::decimal_arg(a, "arrears"))
            .transpose()?;
        let permit = permit.inner.clone();
        let reg = registry.inner.lock()?;
        let held = book.as_ref().map(|b| b.inner.lock()).transpose()?;
        let check = match (&held, arrears) {
            (Some(b), None) => ArrearsCheck::Book(b),
            (None, Some(a)) => ArrearsCheck::Amount(a),
            (Some(_), Some(_)) => {
                return Err(validation_error(
                    "conflicting_fields",
                    "arrears",
                    "arrears: give book= or arrears=, not both".to_owned(),
                ));
            }
            (None, None) => {
                return Err(validation_error(
                    "missing_value",
                    "arrears",
                    "arrears: give book= (the receivables book) or arrears= (a Decimal)".to_owned(),
                ));
            }
        };
        let mut g = self.inner.lock()?;
        g.request(permit, &reg, check, actor, at)
            .map(|p| p.clone().into())
            .map_err(to_py)
    }
    /// Approves a requested permit. An applicant who may not consent needs
    /// `consent_by`, a person who may (checked in `registry`; StateError `no_consent`
    /// at `consent_by`).
    #[pyo3(signature = (permit_id, registry, *, consent_by = None, actor, at))]
    fn approve(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] permit_id: &str,
        registry: PyRef<'_, PyRegistry>,
        #[pyo3(from_py_with = crate::args::opt_text)] consent_by: Option<String>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyPermit> {
        let reg = registry.inner.lock()?;
        let mut g = self.inner.lock()?;
        g.approve(permit_id, consent_by.as_deref(), &reg, actor, at)
            .map(|p| p.clone().into())
            .map_err(to_py)
    }
    /// Refuses a requested permit, with the reason.
    #[pyo3(signature = (permit_id, reason, *, actor, at))]
    fn refuse(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] permit_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyPermit> {
        let mut g = self.inner.lock()?;
        g.refuse(permit_id, reason, actor, at)
            .map(|p| p.clone().into())
            .map_err(to_py)
    }
    /// The guard's check at the gate: on the permit's day and in its hours (StateError
    /// `outside_window`), the plate matching, no item beyond the permit's count
    /// (ValidationError `mismatch` at `plate`, `items[2].name`, `items[1].quantity`).
    /// Once: the same check again is a retry, another is `permit_state`.
    #[pyo3(signature = (permit_id, items, *, plate = None, actor, at))]
    fn verify(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] permit_id: &str,
        items: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::opt_text)] plate: Option<String>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyPermit> {
        let items = items_arg(items, "items")?;
        let mut g = self.inner.lock()?;
        g.verify(permit_id, plate.as_deref(), &items, actor, at)
            .map(|p| p.clone().into())
            .map_err(to_py)
    }
    /// Starts the move-out formalities of a whole unit's permit on `template`
    /// (`CheckinTemplate.default_move_out()`): a Checklist of the unit for its owner
    /// in `registry`, on the permit's day; completing it as "delivered" empties the unit
    /// with its final readings. ValidationError `missing_value` at `whole_unit`.
    fn start_move_out(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] permit_id: &str,
        template: PyRef<'_, PyCheckinTemplate>,
        registry: PyRef<'_, PyRegistry>,
    ) -> PyResult<PyChecklist> {
        let reg = registry.inner.lock()?;
        let g = self.inner.lock()?;
        g.start_move_out(permit_id, &template.inner, &reg)
            .map(PyChecklist::wrap)
            .map_err(to_py)
    }
    fn __repr__(&self) -> PyResult<String> {
        let g = self.inner.lock()?;
        Ok(format!(
            "GoodsRelease(estate_id={:?}, permits={})",
            g.estate_id(),
            g.permits().len()
        ))
    }
}
