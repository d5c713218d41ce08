//! Decoration management (装修管理): a renovation from application to deposit refund.
//!
//! - [`DecorationPolicy`]: the estate's rules as data: the scope catalogue (what is
//!   prohibited, what needs an approval or a document, after 建设部令第110号
//!   《住宅室内装饰装修管理办法》), the documents every application needs, the
//!   deadlines (review in working days, maximum duration, acceptance, refund), the
//!   working hours, the violation catalogue, the one-off fees and the deposit.
//!   [`DecorationPolicy::default_policy`] is the common practice.
//! - [`Decorations`]: the renovations of an estate, one open per unit: submit (the
//!   applicant must be able to consent for the unit, per the occupant
//!   [`Registry`](crate::registry::Registry)), approve or reject, fees and deposit
//!   received, works started (the unit becomes `decorating`), suspended and resumed,
//!   extended, completion reported, inspected (acceptance restores the unit's status),
//!   site-check violations and their rectification, passes returned, the deposit
//!   settled (refund = deposit − deductions, never below zero; a shortfall becomes a
//!   single charge on the unit or a claim on the contractor), closed. Every action is
//!   logged with actor, role and time; the JSON restores exactly by replaying the log.
//! - Queries: [`Decorations::overdue`] (review, duration, acceptance, refund,
//!   rectification), [`Decorations::statistics`], [`DecorationPolicy::work_allowed`]
//!   and [`Decorations::work_check`] (may noisy work go on in this unit now?).
//!
//! ```
//! use estatekit::decoration::{DecorationPolicy, WorkVerdict};
//! let policy = DecorationPolicy::default_policy();
//! // Wednesday 2026-11-04, 07:00 in Beijing (23:00 UTC the day before): no noisy work.
//! let check = policy.work_allowed("2026-11-03T23:00:00Z".parse()?, true);
//! assert_eq!(check.verdict, WorkVerdict::OutsideHours);
//! let check = policy.work_allowed("2026-11-04T01:00:00Z".parse()?, true); // 09:00
//! assert_eq!(check.verdict, WorkVerdict::Allowed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};

pub use desk::{
    DECORATIONS_FORMAT_VERSION, DecorationStats, Decorations, Overdue, StateCount, Submission,
};
pub use policy::{
    DECORATION_POLICY_FORMAT_VERSION, Damages, DecorationPolicy, DocumentDef, FeeBasis, FeeDef,
    ScopeItem, ViolationDef, WorkCheck, WorkSchedule, WorkWindows,
};
pub use renovation::{
    Action, Applicant, Contractor, Deduction, Event, Extension, FeeLine, Renovation, Settlement,
    UnpaidFee, Violation, ViolationInput, Worker,
};

mod desk;
mod example;
mod policy;
mod renovation;

/// The error of an unknown wire name of a decoration enum.
pub(crate) fn unknown_value(path: String, value: &str, expected: String) -> DecorationError {
    DecorationError::value(
        "unknown_value",
        path,
        format!("unknown value {value:?}; expected one of {expected}"),
    )
}

macro_rules! decoration_enum {
    ($(#[$meta:meta])* $name:ident ($path:literal) { $($body:tt)* }) => {
        crate::wire::wire_enum! {
            module: "estatekit::decoration", error: $crate::decoration::DecorationError,
            unknown: $crate::decoration::unknown_value,
            $(#[$meta])* $name ($path) { $($body)* }
        }
    };
}

decoration_enum! {
    /// Where a renovation stands.
    ///
    /// ```
    /// use estatekit::decoration::State;
    /// assert_eq!("in_progress".parse::<State>()?, State::InProgress);
    /// # Ok::<(), estatekit::decoration::DecorationError>(())
    /// ```
    State ("state") {
        /// Applied for, awaiting review (待审核).
        Submitted => "submitted",
        /// Refused at review (审核不通过); final.
        Rejected => "rejected",
        /// Approved; fees and deposit to be paid before works start (已审批).
        Approved => "approved",
        /// Works going on (装修中): the unit is `decorating`.
        InProgress => "in_progress",
        /// Works stopped for rectification (停工整改).
        Suspended => "suspended",
        /// The owner reported the works complete; awaiting acceptance (待验收).
        CompletionReported => "completion_reported",
        /// Acceptance failed (验收不合格): rectify, then report completion again.
        AcceptanceFailed => "acceptance_failed",
        /// Accepted (验收合格): the unit's status is restored; the deposit awaits settlement.
        Accepted => "accepted",
        /// The deposit is settled (押金已结算): the refund awaits payment.
        DepositSettled => "deposit_settled",
        /// The refund is paid (已完结); final.
        Closed => "closed",
    }
}

impl State {
    /// True for a renovation that still holds the unit (every state but rejected and
    /// closed): a unit has at most one open renovation.
    ///
    /// ```
    /// use estatekit::decoration::State;
    /// assert!(State::Accepted.is_open() && !State::Closed.is_open());
    /// ```
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Rejected | Self::Closed)
    }
}

decoration_enum! {
    /// Who may do what: the staff roles of decoration management.
    ///
    /// ```
    /// use estatekit::decoration::Role;
    /// assert_eq!(Role::Engineer.as_str(), "engineer");
    /// ```
    Role ("role") {
        /// Customer service (客服): takes applications, records completion reports.
        CustomerService => "customer_service",
        /// Customer-service manager (客服主管): approves, rejects, suspends, extends.
        Manager => "manager",
        /// Engineering (工程部): site checks, violations, acceptance.
        Engineer => "engineer",
        /// Security patrol (秩序维护/巡逻): site checks and violations.
        Security => "security",
        /// Finance (财务): fees, deposit, settlement, refund.
        Finance => "finance",
    }
}

decoration_enum! {
    /// What the scope catalogue says about an item of work.
    ///
    /// ```
    /// use estatekit::decoration::ScopeRule;
    /// assert_eq!(ScopeRule::NeedsApproval.as_str(), "needs_approval");
    /// ```
    ScopeRule ("rule") {
        /// Allowed, with the documents the item lists.
        Allowed => "allowed",
        /// Allowed only with an authority's approval (the documents the item lists).
        NeedsApproval => "needs_approval",
        /// Never allowed (e.g. load-bearing walls): an application with it is refused.
        Prohibited => "prohibited",
    }
}

decoration_enum! {
    /// On what right the applicant applies for the unit (from the occupant registry).
    ///
    /// ```
    /// use estatekit::decoration::Consent;
    /// assert_eq!(Consent::Tenant.as_str(), "tenant");
    /// ```
    Consent ("consent") {
        /// The owner.
        Owner => "owner",
        /// A co-owner.
        CoOwner => "co_owner",
        /// A tenant with the owner's written consent (its reference is kept).
        Tenant => "tenant",
    }
}

decoration_enum! {
    /// Who is liable for a violation or damage.
    ///
    /// ```
    /// use estatekit::decoration::Liable;
    /// assert_eq!(Liable::Contractor.as_str(), "contractor");
    /// ```
    Liable ("liable") {
        /// The owner's side (the owner, the household): deducted from the deposit; a
        /// shortfall becomes a single charge on the unit.
        Owner => "owner",
        /// The decoration contractor: deducted from the deposit; a shortfall becomes a
        /// claim on the contractor, not a charge on the unit.
        Contractor => "contractor",
        /// The property company's staff: never deducted; a claim record.
        Staff => "staff",
    }
}

decoration_enum! {
    /// What a deduction from the deposit is for.
    ///
    /// ```
    /// use estatekit::decoration::DeductionKind;
    /// assert_eq!(DeductionKind::UnreturnedPass.as_str(), "unreturned_pass");
    /// ```
    DeductionKind ("kind") {
        /// A violation's agreed damages, or assessed common-area damage.
        Violation => "violation",
        /// A worker's pass not returned.
        UnreturnedPass => "unreturned_pass",
        /// A renovation fee still unpaid in the book.
        UnpaidFee => "unpaid_fee",
    }
}

decoration_enum! {
    /// Which deadline is passed.
    ///
    /// ```
    /// use estatekit::decoration::OverdueKind;
    /// assert_eq!(OverdueKind::Refund.as_str(), "refund");
    /// ```
    OverdueKind ("kind") {
        /// Submitted and not reviewed within the policy's working days.
        Review => "review",
        /// Works going on (or suspended) past the planned end (with extensions).
        Duration => "duration",
        /// Completion reported and not inspected within the policy's days.
        Acceptance => "acceptance",
        /// Accepted and the refund not paid within the policy's days.
        Refund => "refund",
        /// A violation not rectified by its deadline.
        Rectification => "rectification",
    }
}

decoration_enum! {
    /// Whether work may go on (see [`DecorationPolicy::work_allowed`]).
    ///
    /// ```
    /// use estatekit::decoration::WorkVerdict;
    /// assert_eq!(WorkVerdict::RestDay.as_str(), "rest_day");
    /// ```
    WorkVerdict ("verdict") {
        /// Within the working hours of the day.
        Allowed => "allowed",
        /// A working day, outside its hours for this kind of work.
        OutsideHours => "outside_hours",
        /// A weekend or holiday with no hours for this kind of work.
        RestDay => "rest_day",
        /// The unit has no renovation whose works are going on.
        NoPermit => "no_permit",
        /// The unit's works are suspended (停工整改).
        Suspended => "suspended",
    }
}

decoration_enum! {
    /// Where a violation stands.
    ///
    /// ```
    /// use estatekit::decoration::ViolationStatus;
    /// assert_eq!(ViolationStatus::Rectified.as_str(), "rectified");
    /// ```
    ViolationStatus ("status") {
        /// Found; to be rectified by its deadline.
        Open => "open",
        /// Rectified (checked on site).
        Rectified => "rectified",
    }
}

/// Errors of the decoration module; each names the path of the field or record
/// concerned.
///
/// ```
/// use estatekit::decoration::DecorationPolicy;
/// let err = DecorationPolicy::from_json("{").unwrap_err();
/// assert_eq!((err.code(), err.path()), ("json", "$"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecorationError {
    /// A document larger than the loader reads, refused before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`.
        path: String,
        /// The document's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The JSON is malformed, has a wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where in the document (`$` for the whole).
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The document's `format_version` is not supported.
    #[error("{path}: unsupported format version {found}, expected {supported}")]
    UnsupportedFormatVersion {
        /// `format_version`.
        path: String,
        /// The version found.
        found: u32,
        /// The version this library reads.
        supported: u32,
    },
    /// A field has a bad value, `code` naming the cause (one of
    /// [`DecorationError::VALUE_CODES`]).
    ///
    /// ```
    /// use estatekit::decoration::{DecorationPolicy, DecorationError};
    /// let mut p = DecorationPolicy::default_policy();
    /// p.max_duration_days = 0;
    /// let err = p.validate().unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("out_of_range", "max_duration_days"));
    /// ```
    #[error("{path}: {reason}")]
    InvalidField {
        /// The field.
        path: String,
        /// The cause (one of [`DecorationError::VALUE_CODES`]).
        code: &'static str,
        /// Why it is bad.
        reason: String,
    },
    /// An id or code given twice.
    #[error("{path}: duplicate id {id:?}")]
    DuplicateId {
        /// E.g. `catalogue[3].code`.
        path: String,
        /// The id.
        id: String,
    },
    /// A scope item, document, fee or violation code the policy does not know.
    #[error("{path}: unknown {what} {code:?}")]
    UnknownCode {
        /// E.g. `scope[2]`.
        path: String,
        /// What kind of code (`scope item`, `document`, `violation`).
        what: &'static str,
        /// The code given.
        code: String,
    },
    /// An application includes work the catalogue prohibits.
    #[error("{path}: {item:?} ({name}) is prohibited")]
    ProhibitedScope {
        /// `scope[i]`.
        path: String,
        /// The item's code.
        item: String,
        /// Its name in Chinese.
        name: String,
    },
    /// An application lacks a document its scope, its contractor or its applicant needs.
    #[error("{path}: document {document:?} ({name}) is required by {required_by}")]
    MissingDocument {
        /// `documents`.
        path: String,
        /// The document's code.
        document: String,
        /// Its name in Chinese.
        name: String,
        /// What requires it: `every application`, `scope item "gas"`, `the contractor`,
        /// `a tenant applicant`.
        required_by: String,
    },
    /// The applicant is not a person the occupant registry knows (`code` is the
    /// registry's: `unknown_person`, …): bad input.
    #[error("{path}: {message}")]
    Consent {
        /// `applicant`.
        path: String,
        /// The registry's error code.
        code: &'static str,
        /// The registry's message.
        message: String,
    },
    /// The registry refuses the applicant's consent for the unit on that day (`code`
    /// is the registry's: `no_consent`, a state error as the registry raises it): a
    /// tenant without the owner's written consent, a household member, a role ended.
    #[error("{path}: {message}")]
    ConsentRefused {
        /// `applicant_id`.
        path: String,
        /// The registry's error code.
        code: &'static str,
        /// The registry's message.
        message: String,
    },
    /// The unit is not in the estate.
    #[error("{path}: unit {unit_id:?} is not in the estate")]
    UnknownUnit {
        /// `unit_id`.
        path: String,
        /// The unit.
        unit_id: String,
    },
    /// No renovation has this id.
    #[error("{path}: unknown renovation {id:?}")]
    UnknownRenovation {
        /// `renovation_id`.
        path: String,
        /// The id given.
        id: String,
    },
    /// The unit already has an open renovation.
    #[error("{path}: unit {unit_id:?} already has an open renovation {open:?}")]
    OpenRenovation {
        /// `unit_id`.
        path: String,
        /// The unit.
        unit_id: String,
        /// The open renovation's id.
        open: String,
    },
    /// The renovation's state does not allow the action.
    #[error("{path}: renovation {id:?} is {state}; cannot {action}")]
    RenovationState {
        /// `renovation_id`.
        path: String,
        /// The renovation.
        id: String,
        /// Its state.
        state: State,
        /// What was attempted.
        action: String,
    },
    /// Works cannot start before the fees and the deposit are received.
    #[error("{path}: renovation {id:?} cannot start: {missing} not received")]
    PaymentMissing {
        /// `renovation_id`.
        path: String,
        /// The renovation.
        id: String,
        /// `fees`, `deposit` or `fees and deposit`.
        missing: String,
    },
    /// Acceptance or settlement with violations still open.
    #[error("{path}: renovation {id:?} has open violation(s) {}", open.join(", "))]
    OpenViolations {
        /// `renovation_id`.
        path: String,
        /// The renovation.
        id: String,
        /// The open violations' ids.
        open: Vec<String>,
    },
    /// No violation of the renovation has this id.
    #[error("{path}: unknown violation {id:?}")]
    UnknownViolation {
        /// `violation_id`.
        path: String,
        /// The id given.
        id: String,
    },
    /// The role may not do this.
    #[error("{path}: role {role} may not {action}")]
    RoleNotAllowed {
        /// `role`.
        path: String,
        /// The role given.
        role: Role,
        /// What was attempted.
        action: String,
    },
    /// An action is dated before the renovation's last event.
    #[error("{path}: event at {at} is before {last} (the renovation's last event)")]
    EventOutOfOrder {
        /// `at`, or `renovations[i].events[j].at` in a loaded document.
        path: String,
        /// The time given.
        at: DateTime<Utc>,
        /// The last event's time.
        last: DateTime<Utc>,
    },
    /// A loaded document contradicts itself: a recorded state, or an event the
    /// operations refuse.
    #[error("{path}: {reason}")]
    InconsistentDocument {
        /// The first field or event that does not replay.
        path: String,
        /// What contradicts what.
        reason: String,
    },
}

crate::diagnostic::error_table! {
    DecorationError;
    code_example: "use estatekit::decoration::DecorationError;\nlet e = DecorationError::UnknownRenovation { path: \"renovation_id\".into(), id: \"R-9\".into() };\nassert_eq!(e.code(), \"unknown_renovation\");";
    path_example: "use estatekit::decoration::DecorationError;\nlet e = DecorationError::UnknownRenovation { path: \"renovation_id\".into(), id: \"R-9\".into() };\nassert_eq!(e.path(), \"renovation_id\");";
    DocumentTooLarge => "document_too_large";
    Json => "json";
    UnsupportedFormatVersion => "unsupported_format_version";
    InvalidField { code } => *code;
    DuplicateId => "duplicate_id";
    UnknownCode => "unknown_code";
    ProhibitedScope => "prohibited_scope";
    MissingDocument => "missing_document";
    Consent { code } => *code;
    ConsentRefused { code } => *code, state;
    UnknownUnit => "unknown_unit";
    UnknownRenovation => "unknown_renovation";
    OpenRenovation => "open_renovation", state;
    RenovationState => "renovation_state", state;
    PaymentMissing => "payment_missing", state;
    OpenViolations => "open_violations", state;
    UnknownViolation => "unknown_violation";
    RoleNotAllowed => "role_not_allowed";
    EventOutOfOrder => "event_out_of_order";
    InconsistentDocument => "inconsistent_document";
}

impl DecorationError {
    /// True for actions the renovation's state does not allow (as opposed to bad
    /// input). The bindings raise these as state errors.
    ///
    /// ```
    /// use estatekit::decoration::{DecorationError, State};
    /// let e = DecorationError::RenovationState { path: "renovation_id".into(), id: "R-1".into(),
    ///     state: State::Closed, action: "approve".into() };
    /// assert!(e.is_state());
    /// ```
    pub fn is_state(&self) -> bool {
        crate::diagnostic::Diagnostic::class(self) == crate::diagnostic::ErrorClass::State
    }

    /// `self` with `prefix.` put before its path (a loaded document's record); an
    /// error about the whole renovation (path `renovation_id`) names the record itself.
    pub(crate) fn under(mut self, prefix: &str) -> Self {
        let p = self.path_slot();
        *p = if p.is_empty() || p == "$" || p == "renovation_id" {
            prefix.to_owned()
        } else {
            format!("{prefix}.{p}")
        };
        self
    }
}

crate::diagnostic::value_codes! {
    DecorationError;
    example: "assert!(estatekit::decoration::DecorationError::VALUE_CODES.contains(&\"empty_field\"));";
    codes: [
        "empty_field",
        "missing_value",
        "conflicting_fields",
        "mismatch",
        "out_of_range",
        "negative",
        "too_many_decimals",
        "overflow",
        "unknown_value",
    ];
    /// [`DecorationError::InvalidField`] with `code`, one of [`DecorationError::VALUE_CODES`].
    fn value => InvalidField;
}

crate::i18n::labels!(State {
    Submitted => "待审核", "submitted";
    Rejected => "审核不通过", "rejected";
    Approved => "已审批", "approved";
    InProgress => "装修中", "in progress";
    Suspended => "停工整改", "suspended for rectification";
    CompletionReported => "待验收", "completion reported";
    AcceptanceFailed => "验收不合格", "acceptance failed";
    Accepted => "验收合格", "accepted";
    DepositSettled => "押金已结算", "deposit settled";
    Closed => "已完结", "closed";
});

crate::i18n::labels!(Role {
    CustomerService => "客服", "customer service";
    Manager => "客服主管", "customer-service manager";
    Engineer => "工程人员", "engineer";
    Security => "秩序维护员", "security patrol";
    Finance => "财务", "finance";
});

crate::i18n::labels!(ScopeRule {
    Allowed => "允许", "allowed";
    NeedsApproval => "需审批", "needs approval";
    Prohibited => "禁止", "prohibited";
});

crate::i18n::labels!(Consent {
    Owner => "业主", "owner";
    CoOwner => "共有人", "co-owner";
    Tenant => "租户（经业主书面同意）", "tenant with the owner's written consent";
});

crate::i18n::labels!(Liable {
    Owner => "业主方", "owner's side";
    Contractor => "装修施工方", "contractor";
    Staff => "物业员工", "property staff";
});

crate::i18n::labels!(DeductionKind {
    Violation => "违规赔偿", "violation damages";
    UnreturnedPass => "出入证未退还", "pass not returned";
    UnpaidFee => "装修费用未缴", "renovation fee unpaid";
});

crate::i18n::labels!(OverdueKind {
    Review => "审核超期", "review overdue";
    Duration => "装修超期", "works past the permitted end";
    Acceptance => "验收超期", "acceptance overdue";
    Refund => "押金退还超期", "deposit refund overdue";
    Rectification => "整改超期", "rectification overdue";
});

crate::i18n::labels!(WorkVerdict {
    Allowed => "允许施工", "work allowed";
    OutsideHours => "非施工时间", "outside working hours";
    RestDay => "节假日/休息日禁止施工", "no work on rest days and holidays";
    NoPermit => "无在施装修许可", "no renovation in progress";
    Suspended => "停工整改中", "works suspended";
});

crate::i18n::labels!(ViolationStatus {
    Open => "待整改", "open";
    Rectified => "已整改", "rectified";
});
