//! Goods release on mobile (物品放行) and the move-out: the `GoodsRelease` object and its
//! records. A thin adapter over `estatekit::release`: every rule is the core's. Items
//! cross as [`ReleaseItem`] records (`(name, quantity)` tuples in Python), a permit's
//! hours as [`WorkingHours`] ("HH:MM" local times), instants as
//! [`Timestamp`](crate::Timestamp).

use std::sync::{Arc, MutexGuard};

use chrono::{NaiveDate, NaiveTime};
use estatekit::registry::ArrearsCheck;
use estatekit::release::{self, ArrearsRule, PermitState, Reason};
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::checkin::{CheckinTemplate, Checklist};
use crate::decoration::WorkingHours;
use crate::receivables::Receivables;
use crate::registry::Registry;
use crate::{EstateKitError, IntoCore, Timestamp, ToMobile};

/// What the unit's arrears do to a permit request: warn (the default: withholding an
/// owner's goods for a debt is legally risky) or block.
#[uniffi::remote(Enum)]
pub enum ArrearsRule {
    Warn,
    Block,
}

/// Why goods leave: moving out, renovation debris, a repair, other.
#[uniffi::remote(Enum)]
pub enum Reason {
    MoveOut,
    Debris,
    Repair,
    Other,
}

/// Where a permit stands.
#[uniffi::remote(Enum)]
pub enum PermitState {
    Requested,
    Approved,
    Refused,
    Used,
    Expired,
}

/// The office's rules for goods release: the arrears rule and the estate's UTC offset
/// in minutes (Beijing: 480).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReleasePolicy {
    /// Warn (the core's default) or block.
    pub arrears: ArrearsRule,
    /// The estate's offset from UTC, in minutes (the permit's day and hours).
    #[uniffi(default = 480)]
    pub utc_offset_minutes: i32,
}

impl From<release::ReleasePolicy> for ReleasePolicy {
    fn from(p: release::ReleasePolicy) -> Self {
        Self {
            arrears: p.arrears,
            utc_offset_minutes: p.utc_offset_minutes,
        }
    }
}

impl From<ReleasePolicy> for release::ReleasePolicy {
    fn from(p: ReleasePolicy) -> Self {
        Self {
            arrears: p.arrears,
            utc_offset_minutes: p.utc_offset_minutes,
        }
    }
}

crate::mirror_record! {
    /// An item of a permit, or one the guard counts at the gate (a `(name, quantity)`
    /// tuple in Python).
    #[derive(Eq, Hash)]
    pub struct ReleaseItem mirrors release::Item {
        /// What it is (冰箱, 纸箱).
        name: String,
        /// How many.
        quantity: i64,
    }
}

fn time_arg(text: &str, path: &str) -> Result<NaiveTime, EstateKitError> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| {
            EstateKitError::validation(
                "invalid_time",
                path,
                format!("{path}: expected a time \"HH:MM\", got {text:?}"),
            )
        })
}

/// A permit as requested: the unit, the applicant (a person of the occupant registry),
/// the items, the plate, the day and hours, the reason.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PermitRequest {
    /// The permit's number.
    pub id: String,
    /// The unit the goods leave.
    pub unit_id: String,
    /// The applicant's person id in the occupant registry.
    pub applicant: String,
    /// The items, in order.
    pub items: Vec<ReleaseItem>,
    /// The day the permit is valid (local).
    pub pass_date: NaiveDate,
    /// Why.
    pub reason: Reason,
    /// The applicant's identity reference (never a clear ID number).
    #[uniffi(default = None)]
    pub id_ref: Option<String>,
    /// The vehicle's plate (normalised once requested).
    #[uniffi(default = None)]
    pub plate: Option<String>,
    /// The local hours it is valid ("HH:MM"), or null (all day).
    #[uniffi(default = None)]
    pub window: Option<WorkingHours>,
    /// A whole unit's move-out (starts the move-out formalities).
    #[uniffi(default = false)]
    pub whole_unit: bool,
}

impl From<release::PermitRequest> for PermitRequest {
    fn from(r: release::PermitRequest) -> Self {
        Self {
            id: r.id,
            unit_id: r.unit_id,
            applicant: r.applicant,
            items: r.items.to_mobile(),
            pass_date: r.pass_date,
            reason: r.reason,
            id_ref: r.id_ref,
            plate: r.plate,
            window: r.window.map(|w| WorkingHours {
                start: w.start.format("%H:%M").to_string(),
                end: w.end.format("%H:%M").to_string(),
            }),
            whole_unit: r.whole_unit,
        }
    }
}

impl PermitRequest {
    fn into_core(self) -> Result<release::PermitRequest, EstateKitError> {
        let window = match self.window {
            Some(w) => Some(estatekit::tickets::WorkingHours::new(
                time_arg(&w.start, "window.start")?,
                time_arg(&w.end, "window.end")?,
            )),
            None => None,
        };
        Ok(release::PermitRequest {
            id: self.id,
            unit_id: self.unit_id,
            applicant: self.applicant,
            id_ref: self.id_ref,
            items: self.items.into_core("items")?,
            plate: self.plate,
            pass_date: self.pass_date,
            window,
            reason: self.reason,
            whole_unit: self.whole_unit,
        })
    }
}

/// A permit and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Permit {
    /// The permit's number.
    pub id: String,
    /// As requested (its plate normalised).
    pub request: PermitRequest,
    /// As recorded (`GoodsRelease.stateAt` tells expiry).
    pub state: PermitState,
    /// Whether the applicant could consent for the unit on the request's day.
    pub may_consent: bool,
    /// The unit's arrears at the request (principal and penalty).
    pub arrears: Decimal,
    /// Warnings for the approver (arrears owed).
    pub warnings: Vec<String>,
    /// When requested.
    pub requested_at: Timestamp,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// The person who consented for an applicant who may not.
    pub consent_by: Option<String>,
    /// Why it was refused.
    pub refused_reason: Option<String>,
    /// When the goods went out.
    pub used_at: Option<Timestamp>,
    /// The guard who checked them.
    pub verified_by: Option<String>,
}

impl From<&release::Permit> for Permit {
    fn from(p: &release::Permit) -> Self {
        Self {
            id: p.request.id.clone(),
            request: p.request.clone().into(),
            state: p.state,
            may_consent: p.may_consent,
            arrears: p.arrears,
            warnings: p.warnings.clone(),
            requested_at: p.requested_at,
            approved_by: p.approved_by.clone(),
            consent_by: p.consent_by.clone(),
            refused_reason: p.refused_reason.clone(),
            used_at: p.used_at,
            verified_by: p.verified_by.clone(),
        }
    }
}

crate::json_object! {
    /// The goods-release register of an estate (物品放行): permits requested with the
    /// registry's consent and the book's arrears, approved or refused, checked once at
    /// the gate on their day and in their hours; replayed from its events, so `toJson`
    /// / `fromJson` restore it exactly (thread-safe). Retrying an operation changes
    /// nothing.
    pub struct GoodsRelease(mutex release::GoodsRelease);
}

impl GoodsRelease {
    fn lock(&self) -> MutexGuard<'_, release::GoodsRelease> {
        // A poisoned lock only means another thread panicked mid-call; the register
        // changes only once an operation has succeeded.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl GoodsRelease {
    /// An empty register of the estate `estate_id` (default policy: arrears warn,
    /// Beijing time).
    #[uniffi::constructor(default(policy = None))]
    pub fn new(
        estate_id: String,
        policy: Option<ReleasePolicy>,
    ) -> Result<Arc<Self>, EstateKitError> {
        let policy = policy.map_or_else(release::ReleasePolicy::default, Into::into);
        Ok(Arc::new(Self {
            inner: std::sync::Mutex::new(release::GoodsRelease::new(&estate_id, policy)?),
        }))
    }

    /// The estate's id.
    pub fn estate_id(&self) -> String {
        self.lock().estate_id().to_owned()
    }

    /// The office's rules.
    pub fn policy(&self) -> ReleasePolicy {
        self.lock().policy().clone().into()
    }

    /// The number of events recorded.
    pub fn event_count(&self) -> i64 {
        self.lock().events().len().to_mobile()
    }

    /// Every permit, in the order requested.
    pub fn permits(&self) -> Vec<Permit> {
        self.lock().permits().iter().map(Into::into).collect()
    }

    /// The permit with this id.
    pub fn permit(&self, permit_id: String) -> Option<Permit> {
        self.lock().permit(&permit_id).map(Into::into)
    }

    /// The permit's state at `at`: expired once its day has passed unused.
    pub fn state_at(
        &self,
        permit_id: String,
        at: Timestamp,
    ) -> Result<PermitState, EstateKitError> {
        Ok(self.lock().state_at(&permit_id, at)?)
    }

    /// The permits used on the local day `day`, in the order they went out.
    pub fn used_on(&self, day: NaiveDate) -> Vec<Permit> {
        self.lock()
            .used_on(day)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Requests a permit. The applicant must be a person of `registry`; whether they
    /// may consent for the unit is recorded. The unit's arrears are checked against
    /// `book` (principal and penalty outstanding on the request's day) or the plain
    /// amount `arrears` (exactly one of the two): a warning under the default policy,
    /// `arrears_outstanding` under block. The same request again is a retry.
    #[uniffi::method(default(book = None, arrears = None))]
    pub fn request(
        &self,
        permit: PermitRequest,
        registry: Arc<Registry>,
        book: Option<Arc<Receivables>>,
        arrears: Option<Decimal>,
        actor: String,
        at: Timestamp,
    ) -> Result<Permit, EstateKitError> {
        let permit = permit.into_core()?;
        let reg = registry.lock();
        let held = book.as_ref().map(|b| b.lock());
        let check = match (&held, arrears) {
            (Some(b), None) => ArrearsCheck::Book(b),
            (None, Some(a)) => ArrearsCheck::Amount(a),
            (Some(_), Some(_)) => {
                return Err(EstateKitError::validation(
                    "conflicting_fields",
                    "arrears",
                    "arrears: give book or arrears, not both".to_owned(),
                ));
            }
            (None, None) => {
                return Err(EstateKitError::validation(
                    "missing_value",
                    "arrears",
                    "arrears: give book (the receivables book) or arrears (an amount)".to_owned(),
                ));
            }
        };
        Ok(self.lock().request(permit, &reg, check, &actor, at)?.into())
    }

    /// Approves a requested permit. An applicant who may not consent needs
    /// `consent_by`, a person who may (checked in `registry`; `no_consent` at
    /// `consent_by`).
    #[uniffi::method(default(consent_by = None))]
    pub fn approve(
        &self,
        permit_id: String,
        registry: Arc<Registry>,
        consent_by: Option<String>,
        actor: String,
        at: Timestamp,
    ) -> Result<Permit, EstateKitError> {
        let reg = registry.lock();
        Ok(self
            .lock()
            .approve(&permit_id, consent_by.as_deref(), &reg, &actor, at)?
            .into())
    }

    /// Refuses a requested permit, with the reason.
    pub fn refuse(
        &self,
        permit_id: String,
        reason: String,
        actor: String,
        at: Timestamp,
    ) -> Result<Permit, EstateKitError> {
        Ok(self.lock().refuse(&permit_id, &reason, &actor, at)?.into())
    }

    /// The guard's check at the gate: on the permit's day and in its hours
    /// (`outside_window`), the plate matching, no item beyond the permit's count
    /// (`mismatch` at `plate`, `items[2].name`, `items[1].quantity`). Once: the same
    /// check again is a retry, another is `permit_state`.
    #[uniffi::method(default(plate = None))]
    pub fn verify(
        &self,
        permit_id: String,
        items: Vec<ReleaseItem>,
        plate: Option<String>,
        actor: String,
        at: Timestamp,
    ) -> Result<Permit, EstateKitError> {
        let items: Vec<release::Item> = items.into_core("items")?;
        Ok(self
            .lock()
            .verify(&permit_id, plate.as_deref(), &items, &actor, at)?
            .into())
    }

    /// Starts the move-out formalities of a whole unit's permit on `template`
    /// (`CheckinTemplate.defaultMoveOut()`): a Checklist of the unit for its owner in
    /// `registry`, on the permit's day; completing it as delivered empties the unit with
    /// its final readings. `missing_value` at `whole_unit` for a permit that is not a
    /// whole unit's move-out.
    pub fn start_move_out(
        &self,
        permit_id: String,
        template: Arc<CheckinTemplate>,
        registry: Arc<Registry>,
    ) -> Result<Arc<Checklist>, EstateKitError> {
        let reg = registry.lock();
        let c = self
            .lock()
            .start_move_out(&permit_id, &template.inner, &reg)?;
        Ok(Checklist::wrap(c))
    }
}
