//! Goods release (物品放行): the permit a guard checks at the gate.
//!
//! A [`GoodsRelease`] register holds the estate's permits. A permit names the unit,
//! the applicant (a person of the occupant registry, and whether they may consent for
//! the unit that day), an ID reference (never a clear ID number), the items with their
//! quantities, the vehicle plate, the day and optional hours it is valid for, and the
//! reason (moving out, renovation debris, a repair, other). It moves
//!
//! - `requested` → `approved` (an applicant who may not consent, a tenant without the
//!   owner's written consent, needs the consent of someone who may) or `refused`;
//! - `approved` → `used` once, at the gate on its day and in its hours: the guard's
//!   count of each item may not exceed the permit's, and the plate must match;
//! - `expired` when its day has passed unused.
//!
//! The unit's arrears are checked at the request, against the receivables book or an
//! amount: by default they only warn (withholding an owner's goods for a debt is
//! legally risky), a policy may block instead. Every change is an event in time order;
//! a saved register restores exactly, checked event by event; retries change nothing.
//!
//! ```
//! use estatekit::release::*;
//! let (mut g, _) = GoodsRelease::example()?;
//! let p = g.permit("GR-001").unwrap();
//! assert_eq!((p.state, p.arrears.to_string()), (PermitState::Approved, "381.65".into()));
//! assert_eq!(p.warnings, ["1-101 owes 381.65 (principal and penalty)"]);
//! // At the gate on the day: one item more than permitted is refused.
//! let seen = vec![Item::new("冰箱", 1), Item::new("纸箱", 13)];
//! let err = g.verify("GR-001", Some("浙A 12345"), &seen, "保安 刘", "2026-12-05T02:00:00Z".parse()?).unwrap_err();
//! assert_eq!((err.code(), err.path()), ("mismatch", "items[1].quantity"));
//! let seen = vec![Item::new("冰箱", 1), Item::new("纸箱", 12)];
//! assert_eq!(g.verify("GR-001", Some("浙a12345"), &seen, "保安 刘", "2026-12-05T02:00:00Z".parse()?)?.state, PermitState::Used);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::checkin::{CheckinTemplate, Checklist, Mode};
use crate::registry::{ArrearsCheck, Registry, normalise_plate};
use crate::tickets::WorkingHours;

mod example;

/// The version of the goods-release register's JSON this build reads and writes.
///
/// ```
/// assert_eq!(estatekit::release::RELEASE_FORMAT_VERSION, 1);
/// ```
pub const RELEASE_FORMAT_VERSION: u32 = 1;

pub(crate) fn unknown_value(path: String, value: &str, expected: String) -> ReleaseError {
    ReleaseError::value(
        "unknown_value",
        path,
        format!("unknown value {value:?}; expected one of {expected}"),
    )
}

macro_rules! release_enum {
    ($(#[$meta:meta])* $name:ident ($path:literal) { $($body:tt)* }) => {
        crate::wire::wire_enum! {
            module: "estatekit::release", error: $crate::release::ReleaseError,
            unknown: $crate::release::unknown_value,
            $(#[$meta])* $name ($path) { $($body)* }
        }
    };
}

release_enum! {
    /// Why goods leave.
    Reason ("reason") {
        /// Moving out (搬出).
        MoveOut => "move_out",
        /// Renovation debris (装修垃圾).
        Debris => "debris",
        /// Taken away for repair.
        Repair => "repair",
        /// Anything else.
        Other => "other",
    }
}

release_enum! {
    /// Where a permit stands.
    PermitState ("state") {
        /// Asked for.
        Requested => "requested",
        /// Approved, not yet used.
        Approved => "approved",
        /// Refused.
        Refused => "refused",
        /// Used at the gate.
        Used => "used",
        /// Its day passed unused.
        Expired => "expired",
    }
}

release_enum! {
    /// What the unit's arrears do to a request.
    ArrearsRule ("arrears") {
        /// A warning on the permit (the default).
        Warn => "warn",
        /// The request is refused.
        Block => "block",
    }
}

crate::i18n::labels!(Reason {
    MoveOut => "搬出", "moving out";
    Debris => "装修垃圾", "renovation debris";
    Repair => "送修", "repair";
    Other => "其他", "other";
});

crate::i18n::labels!(PermitState {
    Requested => "待审批", "requested";
    Approved => "已批准", "approved";
    Refused => "已拒绝", "refused";
    Used => "已放行", "used";
    Expired => "已过期", "expired";
});

crate::i18n::labels!(ArrearsRule {
    Warn => "提醒", "warn";
    Block => "拦截", "block";
});

/// Why a goods-release operation failed. Every variant has a stable
/// [`ReleaseError::code`] and the [`ReleaseError::path`] of the field concerned.
///
/// ```
/// let e = estatekit::release::ReleaseError::DuplicateId { path: "id".into(), id: "GR-1".into() };
/// assert_eq!((e.code(), e.path()), ("duplicate_id", "id"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReleaseError {
    /// A document larger than the loader reads, refused before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`.
        path: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The JSON is malformed, has a wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The document's `format_version` is not supported.
    #[error("{path}: unsupported format version {found}, expected {supported}")]
    UnsupportedFormatVersion {
        /// `format_version`.
        path: String,
        /// Found.
        found: u32,
        /// Read.
        supported: u32,
    },
    /// A field has a bad value (`code`: one of [`ReleaseError::VALUE_CODES`]).
    #[error("{path}: {reason}")]
    InvalidField {
        /// The field.
        path: String,
        /// The cause.
        code: &'static str,
        /// Why.
        reason: String,
    },
    /// An id given twice with different contents.
    #[error("{path}: duplicate id {id:?}")]
    DuplicateId {
        /// The field.
        path: String,
        /// The id.
        id: String,
    },
    /// An id that names nothing: a permit, unit or person.
    #[error("{path}: unknown {what} {id:?}")]
    UnknownReference {
        /// The field.
        path: String,
        /// What was looked for.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// The permit's state does not allow the operation (used already, refused,
    /// expired, not yet approved, …).
    #[error("{path}: permit {id} is {state}; cannot {action}")]
    PermitState {
        /// `permit_id`.
        path: String,
        /// The permit.
        id: String,
        /// Its state.
        state: PermitState,
        /// What was attempted.
        action: String,
    },
    /// Outside the permit's day or hours.
    #[error("{path}: {reason}")]
    OutsideWindow {
        /// `at`.
        path: String,
        /// Why.
        reason: String,
    },
    /// The person named may not consent for the unit (the occupant registry's answer).
    #[error("{path}: {reason}")]
    NoConsent {
        /// `consent_by`, or `applicant` when nobody consents.
        path: String,
        /// Why.
        reason: String,
    },
    /// The unit owes money and the policy blocks releases for arrears.
    #[error("{path}: unit {unit} owes {amount}")]
    ArrearsOutstanding {
        /// `arrears`.
        path: String,
        /// The unit.
        unit: String,
        /// Principal and penalty outstanding.
        amount: Decimal,
    },
    /// What the guard sees differs from the permit: an item not on it, more of an
    /// item, another plate.
    #[error("{path}: {reason}")]
    Mismatch {
        /// The item's or plate's field.
        path: String,
        /// What differs.
        reason: String,
    },
    /// The check-in engine refused the move-out checklist (its code and path).
    #[error("{path}: {message}")]
    Checkin {
        /// The field.
        path: String,
        /// The check-in error's code.
        code: &'static str,
        /// What it said.
        message: String,
    },
    /// An operation dated before the register's last event.
    #[error("{path}: {at} is before {last} (the register's last event)")]
    EventOutOfOrder {
        /// `at`.
        path: String,
        /// The time given.
        at: DateTime<Utc>,
        /// The last event's time.
        last: DateTime<Utc>,
    },
}

crate::diagnostic::error_table! {
    ReleaseError;
    code_example: "use estatekit::release::ReleaseError;\nlet e = ReleaseError::DuplicateId { path: \"id\".into(), id: \"GR-1\".into() };\nassert_eq!(e.code(), \"duplicate_id\");";
    path_example: "use estatekit::release::ReleaseError;\nlet e = ReleaseError::DuplicateId { path: \"id\".into(), id: \"GR-1\".into() };\nassert_eq!(e.path(), \"id\");";
    DocumentTooLarge => "document_too_large";
    Json => "json";
    UnsupportedFormatVersion => "unsupported_format_version";
    InvalidField { code } => *code;
    DuplicateId => "duplicate_id";
    UnknownReference => "unknown_reference";
    PermitState => "permit_state", state;
    OutsideWindow => "outside_window", state;
    NoConsent => "no_consent", state;
    ArrearsOutstanding => "arrears_outstanding", state;
    Mismatch => "mismatch";
    Checkin { code } => *code;
    EventOutOfOrder => "event_out_of_order", state;
}

crate::diagnostic::value_codes! {
    ReleaseError;
    example: "assert!(estatekit::release::ReleaseError::VALUE_CODES.contains(&\"clear_id_number\"));";
    codes: ["clear_id_number", "empty_field", "missing_value", "negative", "out_of_range", "unknown_value"];
    /// [`ReleaseError::InvalidField`] with `code`, one of [`ReleaseError::VALUE_CODES`].
    fn value => InvalidField;
}

/// The office's rules for goods release.
///
/// ```
/// let p = estatekit::release::ReleasePolicy::default();
/// assert_eq!((p.arrears.as_str(), p.utc_offset_minutes), ("warn", 480));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleasePolicy {
    /// What arrears do to a request (warn by default).
    pub arrears: ArrearsRule,
    /// The estate's offset from UTC, in minutes (the permit's day and hours).
    pub utc_offset_minutes: i32,
}

impl Default for ReleasePolicy {
    fn default() -> Self {
        ReleasePolicy {
            arrears: ArrearsRule::Warn,
            utc_offset_minutes: 480,
        }
    }
}

/// An item and how many.
///
/// ```
/// let i = estatekit::release::Item::new("纸箱", 12);
/// assert_eq!((i.name.as_str(), i.quantity), ("纸箱", 12));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// What (冰箱, 纸箱, 装修垃圾).
    pub name: String,
    /// How many.
    pub quantity: u32,
}

impl Item {
    /// An item.
    ///
    /// ```
    /// assert_eq!(estatekit::release::Item::new("沙发", 1).quantity, 1);
    /// ```
    pub fn new(name: &str, quantity: u32) -> Item {
        Item {
            name: name.to_owned(),
            quantity,
        }
    }
}

/// A permit as asked for.
///
/// ```
/// let r = estatekit::release::GoodsRelease::example_request();
/// assert_eq!((r.unit_id.as_str(), r.items.len()), ("1-101", 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermitRequest {
    /// The permit's number (放行条编号).
    pub id: String,
    /// The unit the goods leave.
    pub unit_id: String,
    /// The applicant: a person of the occupant registry.
    pub applicant: String,
    /// The applicant's ID reference: a reference of the office's or
    /// [`Registry::id_digest`]; a clear ID number is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_ref: Option<String>,
    /// What leaves.
    pub items: Vec<Item>,
    /// The vehicle's plate (normalised: spaces removed, upper case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plate: Option<String>,
    /// The local day it is valid for.
    pub pass_date: NaiveDate,
    /// The local hours it is valid in that day (none: all day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WorkingHours>,
    /// Why.
    pub reason: Reason,
    /// The whole unit moves out (its move-out formalities follow).
    #[serde(default)]
    pub whole_unit: bool,
}

/// A permit and where it stands.
///
/// ```
/// # let (g, _) = estatekit::release::GoodsRelease::example()?;
/// let p = g.permit("GR-001").unwrap();
/// assert_eq!((p.may_consent, p.approved_by.as_deref()), (true, Some("周经理")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permit {
    /// As asked for (its plate normalised).
    pub request: PermitRequest,
    /// Its state (an unused permit past its day is [`PermitState::Expired`] in
    /// [`GoodsRelease::state_at`]).
    pub state: PermitState,
    /// The applicant may consent for the unit on the request's day.
    pub may_consent: bool,
    /// The unit's arrears (principal and penalty) at the request.
    pub arrears: Decimal,
    /// Warnings for the approver (arrears).
    pub warnings: Vec<String>,
    /// When asked for.
    pub requested_at: DateTime<Utc>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// The person who consented for an applicant who may not.
    pub consent_by: Option<String>,
    /// Why it was refused.
    pub refused_reason: Option<String>,
    /// When it was used at the gate.
    pub used_at: Option<DateTime<Utc>>,
    /// The guard who verified it.
    pub verified_by: Option<String>,
}

/// What happened to the permits.
///
/// ```
/// # let (g, _) = estatekit::release::GoodsRelease::example()?;
/// assert!(matches!(g.events()[0].action, estatekit::release::ReleaseAction::Request { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ReleaseAction {
    /// A permit asked for, with the registry's and the book's answers at the time.
    Request {
        /// The request.
        permit: PermitRequest,
        /// The applicant may consent for the unit.
        may_consent: bool,
        /// The unit's arrears.
        #[serde(with = "crate::json::decimal")]
        arrears: Decimal,
    },
    /// Approved.
    Approve {
        /// The permit.
        permit_id: String,
        /// Who consented for an applicant who may not (checked in the registry).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consent_by: Option<String>,
    },
    /// Refused.
    Refuse {
        /// The permit.
        permit_id: String,
        /// Why.
        reason: String,
    },
    /// Verified and used at the gate.
    Use {
        /// The permit.
        permit_id: String,
        /// The plate seen.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plate: Option<String>,
        /// The items counted.
        items: Vec<Item>,
    },
}

/// An event of the register.
///
/// ```
/// # let (g, _) = estatekit::release::GoodsRelease::example()?;
/// assert_eq!(g.events()[1].actor, "周经理");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseEvent {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: ReleaseAction,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    format_version: u32,
    estate_id: String,
    policy: ReleasePolicy,
    #[serde(default)]
    events: Vec<ReleaseEvent>,
}

/// The estate's goods-release permits, replayed from their events.
///
/// ```
/// use estatekit::release::*;
/// let g = GoodsRelease::new("lakeside", ReleasePolicy::default())?;
/// assert!(g.permits().is_empty());
/// assert_eq!(GoodsRelease::from_json(&g.to_json())?, g);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoodsRelease {
    estate_id: String,
    policy: ReleasePolicy,
    events: Vec<ReleaseEvent>,
    permits: Vec<Permit>,
    /// The index of each permit by id (looked up, not scanned).
    permit_at: std::collections::HashMap<String, usize>,
}

fn non_empty(value: &str, path: &str) -> Result<(), ReleaseError> {
    if value.trim().is_empty() {
        return Err(ReleaseError::value(
            "empty_field",
            path,
            "must not be empty",
        ));
    }
    Ok(())
}

impl GoodsRelease {
    /// An empty register for an estate.
    ///
    /// # Errors
    /// `empty_field` (`estate_id`), `out_of_range` (`policy.utc_offset_minutes`).
    ///
    /// ```
    /// use estatekit::release::*;
    /// let p = ReleasePolicy { arrears: ArrearsRule::Block, utc_offset_minutes: 480 };
    /// assert_eq!(GoodsRelease::new("lakeside", p)?.policy().arrears, ArrearsRule::Block);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(estate_id: &str, policy: ReleasePolicy) -> Result<GoodsRelease, ReleaseError> {
        non_empty(estate_id, "estate_id")?;
        if policy.utc_offset_minutes.abs() > 18 * 60 {
            return Err(ReleaseError::value(
                "out_of_range",
                "policy.utc_offset_minutes",
                "beyond ±18 hours",
            ));
        }
        Ok(GoodsRelease {
            estate_id: estate_id.to_owned(),
            policy,
            events: Vec::new(),
            permits: Vec::new(),
            permit_at: std::collections::HashMap::new(),
        })
    }

    /// The estate's id.
    ///
    /// ```
    /// # let (g, _) = estatekit::release::GoodsRelease::example()?;
    /// assert_eq!(g.estate_id(), "lakeside");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn estate_id(&self) -> &str {
        &self.estate_id
    }

    /// The policy.
    ///
    /// ```
    /// # let (g, _) = estatekit::release::GoodsRelease::example()?;
    /// assert_eq!(g.policy().arrears.as_str(), "warn");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy(&self) -> &ReleasePolicy {
        &self.policy
    }

    /// Every event, in time order.
    ///
    /// ```
    /// # let (g, _) = estatekit::release::GoodsRelease::example()?;
    /// assert_eq!(g.events().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn events(&self) -> &[ReleaseEvent] {
        &self.events
    }

    /// Every permit, in the order asked for.
    ///
    /// ```
    /// # let (g, _) = estatekit::release::GoodsRelease::example()?;
    /// assert_eq!(g.permits().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn permits(&self) -> &[Permit] {
        &self.permits
    }

    /// A permit by id.
    ///
    /// ```
    /// # let (g, _) = estatekit::release::GoodsRelease::example()?;
    /// assert!(g.permit("GR-404").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn permit(&self, id: &str) -> Option<&Permit> {
        self.permit_at.get(id).map(|&i| &self.permits[i])
    }

    /// A permit's state at a time: an approved or requested permit whose day has
    /// passed is `expired`.
    ///
    /// # Errors
    /// [`ReleaseError::UnknownReference`] (`permit_id`), `out_of_range` (`at` outside
    /// the years 1–9999).
    ///
    /// ```
    /// # let (g, _) = estatekit::release::GoodsRelease::example()?;
    /// assert_eq!(g.state_at("GR-001", "2026-12-05T15:59:59Z".parse()?)?.as_str(), "approved");
    /// assert_eq!(g.state_at("GR-001", "2026-12-05T16:00:00Z".parse()?)?.as_str(), "expired");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn state_at(
        &self,
        permit_id: &str,
        at: DateTime<Utc>,
    ) -> Result<PermitState, ReleaseError> {
        let p = self.find(permit_id)?;
        Self::supported(at)?;
        Ok(self.effective(&self.permits[p], at))
    }

    /// The permits used at the gate on a local day, in the order used (the guard's
    /// log of goods out).
    ///
    /// ```
    /// # let (mut g, _) = estatekit::release::GoodsRelease::example()?;
    /// # let items = g.permit("GR-001").unwrap().request.items.clone();
    /// g.verify("GR-001", Some("浙A12345"), &items, "保安 刘", "2026-12-05T02:00:00Z".parse()?)?;
    /// assert_eq!(g.used_on("2026-12-05".parse()?).len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn used_on(&self, day: NaiveDate) -> Vec<&Permit> {
        let mut v: Vec<&Permit> = self
            .permits
            .iter()
            .filter(|p| p.used_at.is_some_and(|t| self.local(t).date() == day))
            .collect();
        v.sort_by_key(|p| p.used_at);
        v
    }

    fn effective(&self, p: &Permit, at: DateTime<Utc>) -> PermitState {
        match p.state {
            PermitState::Requested | PermitState::Approved
                if self.local(at).date() > p.request.pass_date =>
            {
                PermitState::Expired
            }
            s => s,
        }
    }

    fn supported(at: DateTime<Utc>) -> Result<(), ReleaseError> {
        if crate::diagnostic::in_supported_years(&at) {
            Ok(())
        } else {
            Err(ReleaseError::value(
                "out_of_range",
                "at",
                format!("{at} is outside the supported years 1–9999 (UTC)"),
            ))
        }
    }

    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        crate::clock::local(at, self.policy.utc_offset_minutes)
    }

    fn find(&self, id: &str) -> Result<usize, ReleaseError> {
        self.permit_at
            .get(id)
            .copied()
            .ok_or_else(|| ReleaseError::UnknownReference {
                path: "permit_id".into(),
                what: "permit",
                id: id.to_owned(),
            })
    }

    fn in_state(
        &self,
        i: usize,
        at: DateTime<Utc>,
        states: &[PermitState],
        action: &str,
    ) -> Result<(), ReleaseError> {
        let p = &self.permits[i];
        let s = self.effective(p, at);
        if states.contains(&s) {
            Ok(())
        } else {
            Err(ReleaseError::PermitState {
                path: "permit_id".into(),
                id: p.request.id.clone(),
                state: s,
                action: action.into(),
            })
        }
    }

    /// Checks an event against the register and applies it; nothing changes on error.
    fn apply(&mut self, e: &ReleaseEvent) -> Result<(), ReleaseError> {
        non_empty(&e.actor, "actor")?;
        if !crate::diagnostic::in_supported_years(&e.at) {
            return Err(ReleaseError::value(
                "out_of_range",
                "at",
                format!("{} is outside the supported years 1–9999 (UTC)", e.at),
            ));
        }
        if let Some(last) = self.events.last().map(|l| l.at).filter(|l| e.at < *l) {
            return Err(ReleaseError::EventOutOfOrder {
                path: "at".into(),
                at: e.at,
                last,
            });
        }
        match &e.action {
            ReleaseAction::Request {
                permit,
                may_consent,
                arrears,
            } => {
                let r = permit;
                non_empty(&r.id, "id")?;
                non_empty(&r.unit_id, "unit_id")?;
                non_empty(&r.applicant, "applicant")?;
                if let Some(id_ref) = &r.id_ref {
                    non_empty(id_ref, "id_ref")?;
                    if crate::registry::looks_like_id_number(id_ref) {
                        return Err(ReleaseError::value(
                            "clear_id_number",
                            "id_ref",
                            "a clear ID number is not kept: give a reference or Registry::id_digest",
                        ));
                    }
                }
                if r.items.is_empty() {
                    return Err(ReleaseError::value(
                        "missing_value",
                        "items",
                        "at least one item",
                    ));
                }
                for (i, it) in r.items.iter().enumerate() {
                    non_empty(&it.name, &format!("items[{i}].name"))?;
                    if it.quantity == 0 {
                        return Err(ReleaseError::value(
                            "out_of_range",
                            format!("items[{i}].quantity"),
                            "at least 1",
                        ));
                    }
                    if r.items[..i].iter().any(|x| x.name == it.name) {
                        return Err(ReleaseError::DuplicateId {
                            path: format!("items[{i}].name"),
                            id: it.name.clone(),
                        });
                    }
                }
                if let Some(p) = &r.plate {
                    non_empty(p, "plate")?;
                }
                if let Some(w) = &r.window {
                    if w.end <= w.start {
                        return Err(ReleaseError::value(
                            "out_of_range",
                            "window",
                            "the window must end after it starts",
                        ));
                    }
                }
                if r.pass_date < self.local(e.at).date() {
                    return Err(ReleaseError::value(
                        "out_of_range",
                        "pass_date",
                        format!("{} is before the request's day", r.pass_date),
                    ));
                }
                if *arrears < Decimal::ZERO {
                    return Err(ReleaseError::value(
                        "negative",
                        "arrears",
                        format!("arrears of {arrears} are below zero"),
                    ));
                }
                if self.permit(&r.id).is_some() {
                    return Err(ReleaseError::DuplicateId {
                        path: "id".into(),
                        id: r.id.clone(),
                    });
                }
                if *arrears > Decimal::ZERO && self.policy.arrears == ArrearsRule::Block {
                    return Err(ReleaseError::ArrearsOutstanding {
                        path: "arrears".into(),
                        unit: r.unit_id.clone(),
                        amount: *arrears,
                    });
                }
                let mut request = r.clone();
                request.plate = r.plate.as_deref().map(normalise_plate);
                let warnings = if *arrears > Decimal::ZERO {
                    vec![format!(
                        "{} owes {arrears} (principal and penalty)",
                        r.unit_id
                    )]
                } else {
                    Vec::new()
                };
                self.permit_at
                    .insert(request.id.clone(), self.permits.len());
                self.permits.push(Permit {
                    request,
                    state: PermitState::Requested,
                    may_consent: *may_consent,
                    arrears: *arrears,
                    warnings,
                    requested_at: e.at,
                    approved_by: None,
                    consent_by: None,
                    refused_reason: None,
                    used_at: None,
                    verified_by: None,
                });
            }
            ReleaseAction::Approve {
                permit_id,
                consent_by,
            } => {
                let i = self.find(permit_id)?;
                self.in_state(i, e.at, &[PermitState::Requested], "approve")?;
                match (self.permits[i].may_consent, consent_by) {
                    (false, None) => {
                        return Err(ReleaseError::NoConsent {
                            path: "consent_by".into(),
                            reason: format!(
                                "{} may not consent for {}: a person who may must consent",
                                self.permits[i].request.applicant, self.permits[i].request.unit_id
                            ),
                        });
                    }
                    (_, Some(c)) => non_empty(c, "consent_by")?,
                    (true, None) => {}
                }
                let p = &mut self.permits[i];
                p.state = PermitState::Approved;
                p.approved_by = Some(e.actor.clone());
                p.consent_by = consent_by.clone();
            }
            ReleaseAction::Refuse { permit_id, reason } => {
                let i = self.find(permit_id)?;
                self.in_state(i, e.at, &[PermitState::Requested], "refuse")?;
                non_empty(reason, "reason")?;
                let p = &mut self.permits[i];
                p.state = PermitState::Refused;
                p.refused_reason = Some(reason.clone());
            }
            ReleaseAction::Use {
                permit_id,
                plate,
                items,
            } => {
                let i = self.find(permit_id)?;
                self.in_state(i, e.at, &[PermitState::Approved], "let the goods out")?;
                let r = &self.permits[i].request;
                let local = self.local(e.at);
                if local.date() != r.pass_date {
                    return Err(ReleaseError::OutsideWindow {
                        path: "at".into(),
                        reason: format!(
                            "the permit is valid on {}, not {}",
                            r.pass_date,
                            local.date()
                        ),
                    });
                }
                if let Some(w) = &r.window {
                    let t = local.time();
                    if t < w.start || t >= w.end {
                        return Err(ReleaseError::OutsideWindow {
                            path: "at".into(),
                            reason: format!(
                                "{} is outside the permit's hours {}–{}",
                                t.format("%H:%M"),
                                w.start.format("%H:%M"),
                                w.end.format("%H:%M")
                            ),
                        });
                    }
                }
                if let Some(want) = &r.plate {
                    let seen = plate.as_deref().map(normalise_plate);
                    if seen.as_deref() != Some(want.as_str()) {
                        return Err(ReleaseError::Mismatch {
                            path: "plate".into(),
                            reason: format!(
                                "the permit names {want}, the vehicle is {}",
                                seen.as_deref().unwrap_or("none")
                            ),
                        });
                    }
                }
                for (j, it) in items.iter().enumerate() {
                    match r.items.iter().find(|x| x.name == it.name) {
                        None => {
                            return Err(ReleaseError::Mismatch {
                                path: format!("items[{j}].name"),
                                reason: format!("{} is not on the permit", it.name),
                            });
                        }
                        Some(x) if it.quantity > x.quantity => {
                            return Err(ReleaseError::Mismatch {
                                path: format!("items[{j}].quantity"),
                                reason: format!(
                                    "{} × {}; the permit allows {}",
                                    it.name, it.quantity, x.quantity
                                ),
                            });
                        }
                        Some(_) => {}
                    }
                    if items[..j].iter().any(|x| x.name == it.name) {
                        return Err(ReleaseError::DuplicateId {
                            path: format!("items[{j}].name"),
                            id: it.name.clone(),
                        });
                    }
                }
                let p = &mut self.permits[i];
                p.state = PermitState::Used;
                p.used_at = Some(e.at);
                p.verified_by = Some(e.actor.clone());
            }
        }
        self.events.push(e.clone());
        Ok(())
    }

    fn act(
        &mut self,
        actor: &str,
        at: DateTime<Utc>,
        action: ReleaseAction,
    ) -> Result<(), ReleaseError> {
        let e = ReleaseEvent {
            at,
            actor: actor.to_owned(),
            action,
        };
        // `apply` checks everything before it changes anything: no copy of the
        // register is needed for the operation to be all or nothing.
        self.apply(&e)
    }

    /// Records a request: whether the applicant may consent for the unit on the
    /// request's local day (the registry's answer), and the unit's arrears (the book's
    /// principal and penalty outstanding that day, or an amount), which warn or, under
    /// a blocking policy, refuse. The same request again is a retry and returns the
    /// permit.
    ///
    /// # Errors
    /// [`ReleaseError::UnknownReference`] (`applicant` not in the registry),
    /// [`ReleaseError::ArrearsOutstanding`] (blocking policy), `empty_field`,
    /// `missing_value` (`items`), `out_of_range` (a quantity of 0, `window`, a
    /// `pass_date` before the request), `clear_id_number` (`id_ref`), `negative`
    /// (`arrears`), [`ReleaseError::DuplicateId`] (`id` of another permit, an item
    /// twice), [`ReleaseError::EventOutOfOrder`]; the book's error as
    /// `unknown_reference` (`unit_id`).
    ///
    /// ```
    /// use estatekit::registry::ArrearsCheck;
    /// # let (mut g, registry) = estatekit::release::GoodsRelease::example()?;
    /// let mut r = estatekit::release::GoodsRelease::example_request();
    /// r.id = "GR-002".into();
    /// r.id_ref = Some("11010519491231002X".into());
    /// let err = g.request(r, &registry, ArrearsCheck::Amount(0.into()), "小陈", "2026-12-04T03:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("clear_id_number", "id_ref"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn request(
        &mut self,
        permit: PermitRequest,
        registry: &Registry,
        arrears: ArrearsCheck<'_>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&Permit, ReleaseError> {
        if let Some(&i) = self.permit_at.get(&permit.id) {
            let mut same = permit.clone();
            same.plate = permit.plate.as_deref().map(normalise_plate);
            if self.permits[i].request == same {
                return Ok(&self.permits[i]);
            }
        }
        if registry.person(&permit.applicant).is_none() {
            return Err(ReleaseError::UnknownReference {
                path: "applicant".into(),
                what: "person",
                id: permit.applicant.clone(),
            });
        }
        Self::supported(at)?;
        let on = self.local(at).date();
        let may_consent = registry
            .may_consent(&permit.unit_id, &permit.applicant, on)
            .is_ok();
        let owed = match arrears {
            ArrearsCheck::Amount(a) => a,
            ArrearsCheck::Book(book) => {
                let b = book.balance(&permit.unit_id, on).map_err(|e| {
                    ReleaseError::UnknownReference {
                        path: "unit_id".into(),
                        what: "unit of the book",
                        id: format!("{} ({e})", permit.unit_id),
                    }
                })?;
                b.principal_outstanding
                    .checked_add(b.penalty_outstanding)
                    .ok_or_else(|| {
                        ReleaseError::value("out_of_range", "arrears", "the arrears overflow")
                    })?
            }
        };
        let id = permit.id.clone();
        self.act(
            actor,
            at,
            ReleaseAction::Request {
                permit,
                may_consent,
                arrears: owed,
            },
        )?;
        Ok(&self.permits[self.find(&id)?])
    }

    /// Approves a requested permit. An applicant who may not consent for the unit
    /// needs `consent_by`: a person the registry says may consent on the approval's
    /// local day.
    ///
    /// # Errors
    /// [`ReleaseError::NoConsent`] (`consent_by`), [`ReleaseError::PermitState`],
    /// [`ReleaseError::UnknownReference`], [`ReleaseError::EventOutOfOrder`].
    ///
    /// ```
    /// # let (mut g, registry) = estatekit::release::GoodsRelease::example()?;
    /// let err = g.approve("GR-001", None, &registry, "周经理", "2026-12-04T03:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("permit_state", "permit_id")); // approved already
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn approve(
        &mut self,
        permit_id: &str,
        consent_by: Option<&str>,
        registry: &Registry,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&Permit, ReleaseError> {
        let i = self.find(permit_id)?;
        Self::supported(at)?;
        if let Some(c) = consent_by {
            let unit = &self.permits[i].request.unit_id;
            registry
                .may_consent(unit, c, self.local(at).date())
                .map_err(|e| ReleaseError::NoConsent {
                    path: "consent_by".into(),
                    reason: e.to_string(),
                })?;
        }
        let action = ReleaseAction::Approve {
            permit_id: permit_id.to_owned(),
            consent_by: consent_by.map(str::to_owned),
        };
        self.act(actor, at, action)?;
        Ok(&self.permits[i])
    }

    /// Refuses a requested permit.
    ///
    /// # Errors
    /// [`ReleaseError::PermitState`], `empty_field` (`reason`),
    /// [`ReleaseError::UnknownReference`], [`ReleaseError::EventOutOfOrder`].
    ///
    /// ```
    /// # let (mut g, _) = estatekit::release::GoodsRelease::example()?;
    /// let err = g.refuse("GR-001", "欠费", "周经理", "2026-12-04T03:00:00Z".parse()?).unwrap_err();
    /// assert_eq!(err.code(), "permit_state");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refuse(
        &mut self,
        permit_id: &str,
        reason: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&Permit, ReleaseError> {
        let action = ReleaseAction::Refuse {
            permit_id: permit_id.to_owned(),
            reason: reason.to_owned(),
        };
        self.act(actor, at, action)?;
        Ok(&self.permits[self.find(permit_id)?])
    }

    /// The guard verifies an approved permit at the gate and lets the goods out: on
    /// its local day and in its hours, the plate matching (when it names one), no item
    /// that is not on it and no more of one than it allows. Once: the same
    /// verification again is a retry; any other use is refused.
    ///
    /// # Errors
    /// [`ReleaseError::Mismatch`] (`plate`, `items[i].name`, `items[i].quantity`),
    /// [`ReleaseError::OutsideWindow`] (`at`), [`ReleaseError::PermitState`] (not
    /// approved, used, expired), [`ReleaseError::UnknownReference`],
    /// [`ReleaseError::EventOutOfOrder`].
    ///
    /// ```
    /// # let (mut g, _) = estatekit::release::GoodsRelease::example()?;
    /// # let items = g.permit("GR-001").unwrap().request.items.clone();
    /// // 07:00 Beijing: before the permit's 08:00–18:00.
    /// let err = g.verify("GR-001", Some("浙A12345"), &items, "保安 刘", "2026-12-04T23:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("outside_window", "at"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(
        &mut self,
        permit_id: &str,
        plate: Option<&str>,
        items: &[Item],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&Permit, ReleaseError> {
        let i = self.find(permit_id)?;
        let retry = self.events.iter().any(|e| {
            matches!(&e.action, ReleaseAction::Use { permit_id: p, plate: pl, items: it }
                if p == permit_id && pl.as_deref() == plate && it == items)
                && e.actor == actor
        });
        if retry {
            return Ok(&self.permits[i]);
        }
        let action = ReleaseAction::Use {
            permit_id: permit_id.to_owned(),
            plate: plate.map(str::to_owned),
            items: items.to_vec(),
        };
        self.act(actor, at, action)?;
        Ok(&self.permits[i])
    }

    /// Starts the move-out formalities of a whole unit's approved or used move-out
    /// permit: a checklist of `template` (normally
    /// [`CheckinTemplate::default_move_out`]: final meter readings, the account and the
    /// deposit settled, the keys returned) for the unit, in the applicant's name (from
    /// the registry), started on the permit's day. Its completion, through
    /// [`completion_effects`](crate::checkin::completion_effects) with
    /// `UnitStatus::Delivered`, leaves the unit empty and records the final readings.
    ///
    /// # Errors
    /// `missing_value` (`whole_unit`: not a whole unit's move-out),
    /// [`ReleaseError::PermitState`] (requested, refused or expired),
    /// [`ReleaseError::UnknownReference`] (`permit_id`; `applicant` not in the
    /// registry), [`ReleaseError::Checkin`] (the check-in engine's error).
    ///
    /// ```
    /// use estatekit::checkin::CheckinTemplate;
    /// # let (g, registry) = estatekit::release::GoodsRelease::example()?;
    /// let c = g.start_move_out("GR-001", &CheckinTemplate::default_move_out(), &registry)?;
    /// assert_eq!((c.unit_id(), c.owner(), c.template().id()), ("1-101", "王芳", "move_out"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_move_out(
        &self,
        permit_id: &str,
        template: &CheckinTemplate,
        registry: &Registry,
    ) -> Result<Checklist, ReleaseError> {
        let i = self.find(permit_id)?;
        let p = &self.permits[i];
        if !(p.request.whole_unit && p.request.reason == Reason::MoveOut) {
            return Err(ReleaseError::value(
                "missing_value",
                "whole_unit",
                format!("permit {permit_id} is not a whole unit's move-out"),
            ));
        }
        if !matches!(p.state, PermitState::Approved | PermitState::Used) {
            return Err(ReleaseError::PermitState {
                path: "permit_id".into(),
                id: permit_id.to_owned(),
                state: p.state,
                action: "start the move-out".into(),
            });
        }
        let person = registry.person(&p.request.applicant).ok_or_else(|| {
            ReleaseError::UnknownReference {
                path: "applicant".into(),
                what: "person",
                id: p.request.applicant.clone(),
            }
        })?;
        Checklist::start_with_utc_offset(
            template,
            &p.request.unit_id,
            &person.name,
            p.request.pass_date,
            Mode::Ordinary,
            self.policy.utc_offset_minutes,
        )
        .map_err(|e| ReleaseError::Checkin {
            path: e.path().to_owned(),
            code: e.code(),
            message: e.to_string(),
        })
    }

    /// Reads a register saved by [`GoodsRelease::to_json`], replaying its events.
    ///
    /// # Errors
    /// [`ReleaseError::DocumentTooLarge`], [`ReleaseError::Json`],
    /// [`ReleaseError::UnsupportedFormatVersion`], a bad policy, and the first event
    /// the register refuses, its path prefixed with `events[i].`.
    ///
    /// ```
    /// # let (g, _) = estatekit::release::GoodsRelease::example()?;
    /// let text = g.to_json().replace("\"quantity\": 12", "\"quantity\": 0");
    /// let err = estatekit::release::GoodsRelease::from_json(&text).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("out_of_range", "events[0].action.permit.items[1].quantity"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<GoodsRelease, ReleaseError> {
        crate::json::within_limit(text).map_err(|(size, limit)| {
            ReleaseError::DocumentTooLarge {
                path: "$".into(),
                size,
                limit,
            }
        })?;
        let doc: Document = crate::json::parse(text).map_err(|f| ReleaseError::Json {
            path: f.path,
            message: f.message,
        })?;
        if doc.format_version != RELEASE_FORMAT_VERSION {
            return Err(ReleaseError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: doc.format_version,
                supported: RELEASE_FORMAT_VERSION,
            });
        }
        let mut g = GoodsRelease::new(&doc.estate_id, doc.policy)?;
        for (i, e) in doc.events.iter().enumerate() {
            g.apply(e).map_err(|mut err| {
                let p = err.path_slot();
                let field = match (&e.action, p.as_str()) {
                    (_, "at" | "actor") => p.clone(),
                    (ReleaseAction::Request { .. }, "arrears") => "action.arrears".into(),
                    (ReleaseAction::Request { .. }, other) => format!("action.permit.{other}"),
                    (_, other) => format!("action.{other}"),
                };
                *p = format!("events[{i}].{field}");
                err
            })?;
        }
        Ok(g)
    }

    /// The register as pretty JSON: the estate, the policy and the events.
    ///
    /// ```
    /// # let (g, _) = estatekit::release::GoodsRelease::example()?;
    /// assert!(g.to_json().contains("\"type\": \"approve\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        let doc = Document {
            format_version: RELEASE_FORMAT_VERSION,
            estate_id: self.estate_id.clone(),
            policy: self.policy.clone(),
            events: self.events.clone(),
        };
        serde_json::to_string_pretty(&doc).expect("a goods-release register serializes")
    }
}
