//! Check-in (入住 / 收楼): templates, checklists, inspection and defects, the effects
//! of a completed check-in on the estate, the manager's audit schedule.
//!
//! - [`CheckinTemplate`]: ordered steps with dependencies, each with items (documents
//!   issued, records made, signatures, payments, meter base readings, key handover,
//!   inspection), validated; [`CheckinTemplate::default_template`] is the procedure of
//!   the seeds (eight steps, nine documents, six records).
//! - [`Checklist`]: one check-in of one unit by one owner: complete and undo items,
//!   progress, what is missing, which steps are actionable, defects and their
//!   rectification, the event log, JSON that restores exactly.
//! - [`completion_effects`]: the unit's new status, the meter base readings and the
//!   check-in charges, as a new [`Estate`](crate::estate::Estate).
//! - [`audit_dates`], [`awaiting_audit`], [`overdue_rectifications`]: back-office queries.
//!
//! The enums have zh-CN and en labels ([`Label`](crate::i18n::Label)), e.g.
//! `HandoverOutcome::Refused.label(Lang::ZhCn)` is "拒绝收楼".
//!
//! ```
//! use estatekit::checkin::{CheckinTemplate, Checklist, ItemData, Mode, Role};
//! use chrono::{TimeZone, Utc};
//!
//! let template = CheckinTemplate::default_template();
//! let mut c = Checklist::start(&template, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
//! let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
//! c.complete("occupancy_notice_presented", "李四", Role::Receptionist, at, ItemData::default(), None)?;
//! assert_eq!(c.actionable(), ["document_review"]);
//! let err = c.finish("李四", Role::Receptionist, at).unwrap_err();
//! assert_eq!(err.code(), "checklist_incomplete");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

pub use audit::{OverdueRectification, audit_dates, awaiting_audit, overdue_rectifications};
pub use checklist::{
    Action, CHECKLIST_FORMAT_VERSION, Checklist, ChecklistData, Command, Completion, Defect,
    DefectInput, Event, EventAction, ItemData, ItemState, Mismatch, MismatchKind, Progress,
    Reinspection, Restored,
};
pub use effects::{
    ChargeLine, CompletionEffects, MeterBaseReading, StatusChange, completion_effects,
};
pub use template::{
    CheckinTemplate, ItemDef, RectificationDays, StepDef, TEMPLATE_FORMAT_VERSION, TemplateData,
};

/// The error of an unknown wire name of a check-in enum.
pub(crate) fn unknown_value(path: String, value: &str, expected: String) -> CheckinError {
    CheckinError::value(
        "unknown_value",
        path,
        format!("unknown value {value:?}; expected one of {expected}"),
    )
}

macro_rules! checkin_enum {
    ($(#[$meta:meta])* $name:ident ($path:literal) { $($body:tt)* }) => {
        crate::wire::wire_enum! {
            module: "estatekit::checkin", error: $crate::checkin::CheckinError,
            unknown: $crate::checkin::unknown_value,
            $(#[$meta])* $name ($path) { $($body)* }
        }
    };
}

mod audit;
mod checklist;
mod effects;
#[doc(hidden)]
pub mod ops;
mod template;

checkin_enum! {
    /// Who may complete an item: the staff roles of a service center.
    ///
    /// ```
    /// use estatekit::checkin::Role;
    /// assert_eq!("inspector".parse::<Role>()?, Role::Inspector);
    /// # Ok::<(), estatekit::checkin::CheckinError>(())
    /// ```
    Role ("role") {
        /// Front-desk receptionist (前台接待 / 客服).
        Receptionist => "receptionist",
        /// Engineering inspector who inspects the unit with the owner (验房员).
        Inspector => "inspector",
        /// Customer-service manager (客服经理).
        Manager => "manager",
    }
}

checkin_enum! {
    /// What an item of the procedure is.
    ///
    /// ```
    /// use estatekit::checkin::ItemKind;
    /// assert_eq!(ItemKind::MeterReading.as_str(), "meter_reading");
    /// ```
    ItemKind ("kind") {
        /// A document handed to the owner (发放资料).
        DocumentIssued => "document_issued",
        /// A record the service center keeps (记录).
        RecordMade => "record_made",
        /// The owner signs an agreement (签署); needs a signature reference.
        Signature => "signature",
        /// A check-in charge is paid (收费); has an amount; needs a receipt reference.
        Payment => "payment",
        /// A meter base reading (抄表底数); has a meter kind; needs the reading.
        MeterReading => "meter_reading",
        /// Keys handed over and signed for (交钥匙); needs the key count.
        KeyHandover => "key_handover",
        /// The joint inspection of the unit (验房); needs the handover outcome.
        Inspection => "inspection",
    }
}

checkin_enum! {
    /// What the money of a payment item is (款项性质): a fee earns the company
    /// revenue; a prepayment is the owner's money held against future bills; a
    /// deposit is a liability, refunded when its purpose ends (e.g. the decoration
    /// deposit, settled by [`decoration`](crate::decoration)).
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, PaymentNature};
    /// let t = CheckinTemplate::default_template();
    /// assert_eq!(t.item("decoration_deposit").unwrap().payment_nature(), Some(PaymentNature::Deposit));
    /// assert_eq!(t.item("management_fee_prepayment").unwrap().payment_nature(), Some(PaymentNature::Prepayment));
    /// ```
    PaymentNature ("nature") {
        /// A fee (收费): revenue.
        Fee => "fee",
        /// A prepayment (预收款): credit against future bills.
        Prepayment => "prepayment",
        /// A deposit (押金/保证金): a liability, refunded later.
        Deposit => "deposit",
    }
}

checkin_enum! {
    /// How check-ins are organized (入住方式).
    ///
    /// ```
    /// use estatekit::checkin::Mode;
    /// assert_eq!(Mode::Centralized.to_string(), "centralized");
    /// ```
    Mode ("mode") {
        /// Centralized occupancy (集中入住): a working group handles many units at once.
        Centralized => "centralized",
        /// Ordinary occupancy (平时入住): the customer-service department, one at a time.
        Ordinary => "ordinary",
    }
}

checkin_enum! {
    /// How serious a defect found at inspection is; sets the rectification deadline.
    ///
    /// ```
    /// use estatekit::checkin::Severity;
    /// assert!(Severity::Critical > Severity::Minor);
    /// ```
    Severity ("severity") {
        /// Cosmetic (e.g. a scratch on a door).
        Minor => "minor",
        /// Affects use (e.g. a window that does not close).
        Major => "major",
        /// Affects safety or habitability (e.g. water seepage, a live wire).
        Critical => "critical",
    }
}

checkin_enum! {
    /// Who must rectify a defect.
    ///
    /// ```
    /// use estatekit::checkin::Responsible;
    /// assert_eq!(Responsible::PropertyCompany.as_str(), "property_company");
    /// ```
    Responsible ("responsible") {
        /// The developer (开发商), e.g. under the quality guarantee.
        Developer => "developer",
        /// The owner.
        Owner => "owner",
        /// The property-management company (物业公司).
        PropertyCompany => "property_company",
    }
}

checkin_enum! {
    /// The outcome of the handover inspection (收楼结论).
    ///
    /// ```
    /// use estatekit::checkin::HandoverOutcome;
    /// assert_eq!(HandoverOutcome::AcceptedWithRectificationList.as_str(), "accepted_with_rectification_list");
    /// ```
    HandoverOutcome ("outcome") {
        /// Accepted, no open defect.
        Accepted => "accepted",
        /// Accepted; the open defects form the rectification list (整改清单).
        AcceptedWithRectificationList => "accepted_with_rectification_list",
        /// Refused: the owner does not take the unit until the defects are rectified.
        Refused => "refused",
    }
}

checkin_enum! {
    /// Where a defect stands.
    ///
    /// ```
    /// use estatekit::checkin::DefectStatus;
    /// assert_eq!(DefectStatus::Closed.as_str(), "closed");
    /// ```
    DefectStatus ("status") {
        /// Found, not yet rectified (or a re-inspection failed).
        Open => "open",
        /// Reported rectified, awaiting re-inspection.
        Rectified => "rectified",
        /// Re-inspection passed.
        Closed => "closed",
    }
}

checkin_enum! {
    /// What may be done to one item of a checklist (see
    /// [`Checklist::allowed_item_actions`]).
    ///
    /// ```
    /// use estatekit::checkin::ItemAction;
    /// assert_eq!(ItemAction::RecordDefect.as_str(), "record_defect");
    /// ```
    ItemAction ("action") {
        /// [`Checklist::complete`] it.
        Complete => "complete",
        /// [`Checklist::undo`] it.
        Undo => "undo",
        /// [`Checklist::record_defect`] (the inspection item only).
        RecordDefect => "record_defect",
    }
}

checkin_enum! {
    /// What may be done to one defect of a checklist (see
    /// [`Checklist::allowed_defect_actions`]).
    ///
    /// ```
    /// use estatekit::checkin::DefectAction;
    /// assert_eq!(DefectAction::MarkRectified.as_str(), "mark_rectified");
    /// ```
    DefectAction ("action") {
        /// [`Checklist::mark_rectified`].
        MarkRectified => "mark_rectified",
        /// [`Checklist::reinspect`].
        Reinspect => "reinspect",
    }
}

/// Errors of the check-in module; each names the path of the field or object concerned.
///
/// ```
/// use estatekit::checkin::CheckinTemplate;
/// let err = CheckinTemplate::from_json("{").unwrap_err();
/// assert_eq!((err.code(), err.path()), ("json", "$"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckinError {
    /// A document larger than the loader reads
    /// ([`MAX_DOCUMENT_BYTES`](crate::MAX_DOCUMENT_BYTES)), refused before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`: the whole document.
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
    /// A step or item code appears twice.
    #[error("{path}: duplicate code {code:?}")]
    DuplicateCode {
        /// E.g. `steps[2].items[1].code`.
        path: String,
        /// The code.
        code: String,
    },
    /// A step depends on a step that does not exist.
    #[error("{path}: step {step:?} depends on unknown step {depends_on:?}")]
    UnknownDependency {
        /// E.g. `steps[2].depends_on[0]`.
        path: String,
        /// The step.
        step: String,
        /// The unknown step code.
        depends_on: String,
    },
    /// Step dependencies form a cycle.
    #[error("{path}: dependency cycle {}", cycle.join(" -> "))]
    DependencyCycle {
        /// The `depends_on` of the first step of the cycle.
        path: String,
        /// The steps of the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },
    /// A field has a bad value, `code` naming the cause (one of
    /// [`CheckinError::VALUE_CODES`]): `empty_field` (an empty id, code, actor, owner,
    /// reason, list of steps, items or roles), `missing_value` (data an item kind
    /// requires: a reading, a payment's amount, a meter kind; `finished_by` without
    /// `finished_at` or the reverse), `conflicting_fields` (data an item kind does not
    /// record, an outcome that contradicts the defects, a mandatory audit item),
    /// `mismatch` (a key count other than the template's, a defect id out of
    /// sequence), `out_of_range` (no key handed over, an offset beyond ±18 hours, a
    /// deadline past the year 9999), `negative` (a payment item's amount), `overflow`
    /// (the check-in's charges), `unknown_value` (a name that is not one of the
    /// accepted values, a status a check-in does not set).
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
    /// let err = Checklist::start(&CheckinTemplate::default_template(), "1-603", " ",
    ///     "2026-11-02".parse()?, Mode::Ordinary).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("empty_field", "owner"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("{path}: {reason}")]
    InvalidField {
        /// The field.
        path: String,
        /// The cause (one of [`CheckinError::VALUE_CODES`]).
        code: &'static str,
        /// Why it is bad.
        reason: String,
    },
    /// No item of the template has this code.
    #[error("{path}: unknown item {item:?}")]
    UnknownItem {
        /// `item_code`.
        path: String,
        /// The code given.
        item: String,
    },
    /// The item's step depends on steps whose mandatory items are not all done.
    #[error("{path}: item {item:?} of step {step:?} waits for step(s) {}", unmet.join(", "))]
    DependenciesUnmet {
        /// `item_code`.
        path: String,
        /// The item.
        item: String,
        /// Its step.
        step: String,
        /// The steps not yet done, in template order.
        unmet: Vec<String>,
    },
    /// The item is already done (undo it first to redo it).
    #[error("{path}: item {item:?} is already completed")]
    AlreadyCompleted {
        /// `item_code`.
        path: String,
        /// The item.
        item: String,
    },
    /// The item is open, so there is nothing to undo.
    #[error("{path}: item {item:?} is not completed")]
    NotCompleted {
        /// `item_code`.
        path: String,
        /// The item.
        item: String,
    },
    /// Done items of later steps depend on this item's step: undo them first.
    #[error("{path}: item {item:?} cannot be undone while {} depend(s) on it", dependents.join(", "))]
    HasDependents {
        /// `item_code`.
        path: String,
        /// The item.
        item: String,
        /// Done items of dependent steps, in template order.
        dependents: Vec<String>,
    },
    /// A meter reading is below zero.
    #[error("{path}: a meter reading must not be negative, got {value}")]
    NegativeReading {
        /// `data.reading`.
        path: String,
        /// The reading.
        value: Decimal,
    },
    /// A meter reading is lower than the meter's previous reading in the estate.
    #[error("{path}: reading {value} is below meter {meter_id}'s previous reading {previous}")]
    DecreasingReading {
        /// `data.reading`.
        path: String,
        /// The estate's meter.
        meter_id: String,
        /// Its last reading.
        previous: Decimal,
        /// The reading given.
        value: Decimal,
    },
    /// The role may not do this.
    #[error("{path}: role {role} may not {action}; allowed: {}", allowed.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "))]
    RoleNotAllowed {
        /// `role`.
        path: String,
        /// The role given.
        role: Role,
        /// What was attempted, e.g. `complete item "joint_inspection"`.
        action: String,
        /// The roles allowed.
        allowed: Vec<Role>,
    },
    /// The check-in cannot complete: mandatory items are open.
    #[error("{path}: {} mandatory item(s) open: {}", missing.len(), missing.join(", "))]
    ChecklistIncomplete {
        /// `items`.
        path: String,
        /// The open mandatory items, in template order.
        missing: Vec<String>,
    },
    /// The handover was refused at inspection: the check-in cannot complete.
    #[error("{path}: the handover was refused at inspection; undo the inspection and re-inspect")]
    HandoverRefused {
        /// The inspection item, e.g. `items.joint_inspection`.
        path: String,
    },
    /// The check-in is already completed: it can only be audited.
    #[error("{path}: the check-in was completed; no further changes are allowed")]
    ChecklistFinished {
        /// `finished_at`.
        path: String,
    },
    /// The check-in is not completed yet.
    #[error("{path}: the check-in is not completed yet")]
    NotFinished {
        /// `finished_at`.
        path: String,
    },
    /// No defect has this id.
    #[error("{path}: unknown defect {id:?}")]
    UnknownDefect {
        /// `defect_id`.
        path: String,
        /// The id given.
        id: String,
    },
    /// The defect's status does not allow the operation.
    #[error("{path}: defect {id:?} is {status}; cannot {action}")]
    DefectState {
        /// `defect_id`.
        path: String,
        /// The defect.
        id: String,
        /// Its status.
        status: DefectStatus,
        /// What was attempted.
        action: String,
    },
    /// The unit is not in the estate.
    #[error("{path}: unit {unit_id:?} is not in the estate")]
    UnknownUnit {
        /// `unit_id`.
        path: String,
        /// The unit.
        unit_id: String,
    },
    /// The template does not match the checklist (see [`Checklist::restore`]).
    #[error("{path}: the checklist does not match the template: {}", mismatches.iter().map(|m| m.detail.as_str()).collect::<Vec<_>>().join("; "))]
    TemplateMismatch {
        /// `template`.
        path: String,
        /// What no longer matches.
        mismatches: Vec<Mismatch>,
    },
    /// The estate built from the check-in's effects is invalid.
    #[error("{path}: {message}")]
    Estate {
        /// The estate path, e.g. `meters[12].readings[2].date`.
        path: String,
        /// What the estate validation said.
        message: String,
    },
    /// An action is dated before the check-in's last event, or before the day the
    /// check-in started (a UTC date). Events are recorded in time order, as a ticket's
    /// are (same code, `event_out_of_order`).
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, Mode, Role};
    /// use chrono::{TimeZone, Utc};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let err = c.finish("李四", Role::Receptionist, Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap())
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("event_out_of_order", "at"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("{path}: event at {at} is before {last} (the check-in's last event, or its start)")]
    EventOutOfOrder {
        /// `at` for an operation; `events[i].at` for a loaded document.
        path: String,
        /// The time given.
        at: DateTime<Utc>,
        /// The earliest time allowed: the last event's, or the start day at 00:00 UTC.
        last: DateTime<Utc>,
    },
    /// A date or instant outside the years 1–9999 (UTC), refused as tickets refuse
    /// one: `at` for an operation, `started_on` when a checklist starts, `events[i].at`
    /// or `started_on` in a loaded document.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist, Mode, Role};
    /// let mut c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let err = c.finish("李四", Role::Receptionist, "+10000-01-01T00:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("out_of_range", "at"));
    /// assert_eq!(err.to_string(), "at: +10000-01-01 00:00:00 UTC is outside the supported years 1–9999 (UTC)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("{path}: {value} is outside the supported years 1–9999 (UTC)")]
    OutOfRange {
        /// `at`, `started_on`, or `events[i].at` in a loaded document.
        path: String,
        /// The date or instant given.
        value: String,
    },
    /// A saved checklist contradicts itself: its items, defects or completion are not
    /// what replaying its event log through the operations gives, or an event of the log
    /// is one the operations refuse. Names the first contradiction.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, Checklist};
    /// let t = CheckinTemplate::default_template();
    /// let walk = include_str!("../../tests/data/checkin_walk.json");
    /// // The manager's audit, recorded (in the items only) as done by a receptionist.
    /// let forged = walk.replacen(r#""actor": "赵六",
    ///         "role": "manager""#, r#""actor": "赵六",
    ///         "role": "receptionist""#, 1);
    /// let err = Checklist::from_json(&forged, &t).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("inconsistent_document", "items.manager_audit.completion.role"));
    /// ```
    #[error("{path}: {reason}")]
    InconsistentDocument {
        /// The first field that contradicts the event log (e.g.
        /// `items.manager_audit.completion.role`, `defects[0].status`, `finished_at`)
        /// or the event the operations refuse (e.g. `events[3]`, `events[3].target`).
        path: String,
        /// What contradicts what.
        reason: String,
    },
}

crate::diagnostic::error_table! {
    CheckinError;
    code_example: "use estatekit::checkin::CheckinError;\nlet e = CheckinError::UnknownItem { path: \"item_code\".into(), item: \"x\".into() };\nassert_eq!(e.code(), \"unknown_item\");";
    path_example: "use estatekit::checkin::CheckinError;\nlet e = CheckinError::UnknownItem { path: \"item_code\".into(), item: \"x\".into() };\nassert_eq!(e.path(), \"item_code\");";
    Json => "json";
    DocumentTooLarge => "document_too_large";
    UnsupportedFormatVersion => "unsupported_format_version";
    DuplicateCode => "duplicate_code";
    UnknownDependency => "unknown_dependency";
    DependencyCycle => "dependency_cycle";
    InvalidField { code } => *code;
    UnknownItem => "unknown_item";
    DependenciesUnmet => "dependencies_unmet", state;
    AlreadyCompleted => "already_completed", state;
    NotCompleted => "not_completed", state;
    HasDependents => "has_dependents", state;
    NegativeReading => "negative_reading";
    DecreasingReading => "decreasing_reading";
    RoleNotAllowed => "role_not_allowed";
    ChecklistIncomplete => "checklist_incomplete", state;
    HandoverRefused => "handover_refused", state;
    ChecklistFinished => "checklist_finished", state;
    NotFinished => "not_finished", state;
    UnknownDefect => "unknown_defect";
    DefectState => "defect_state", state;
    UnknownUnit => "unknown_unit";
    TemplateMismatch => "template_mismatch";
    Estate => "estate";
    EventOutOfOrder => "event_out_of_order";
    OutOfRange => "out_of_range";
    InconsistentDocument => "inconsistent_document";
}

impl CheckinError {
    /// True for operations the checklist's current state does not allow (a second
    /// completion, undoing an open item, changing a completed check-in, …), as opposed
    /// to bad input. The bindings raise these as state errors.
    ///
    /// ```
    /// use estatekit::checkin::CheckinError;
    /// let e = CheckinError::AlreadyCompleted { path: "item_code".into(), item: "x".into() };
    /// assert!(e.is_state());
    /// ```
    pub fn is_state(&self) -> bool {
        crate::diagnostic::Diagnostic::class(self) == crate::diagnostic::ErrorClass::State
    }
}

crate::diagnostic::value_codes! {
    CheckinError;
    example: "assert!(estatekit::checkin::CheckinError::VALUE_CODES.contains(&\"empty_field\"));";
    codes: [
        "empty_field",
        "missing_value",
        "conflicting_fields",
        "mismatch",
        "out_of_range",
        "negative",
        "overflow",
        "unknown_value",
    ];
    /// [`CheckinError::InvalidField`] with `code`, one of [`CheckinError::VALUE_CODES`].
    fn value => InvalidField;
}

crate::i18n::labels!(Role {
    Receptionist => "前台接待", "receptionist";
    Inspector => "验房员", "inspector";
    Manager => "客服经理", "customer-service manager";
});

crate::i18n::labels!(ItemKind {
    DocumentIssued => "发放资料", "document issued";
    RecordMade => "记录", "record made";
    Signature => "签署", "signature";
    Payment => "收费", "payment";
    MeterReading => "抄表底数", "meter base reading";
    KeyHandover => "交付钥匙", "key handover";
    Inspection => "验房", "inspection";
});

crate::i18n::labels!(PaymentNature {
    Fee => "费用", "fee";
    Prepayment => "预收款", "prepayment";
    Deposit => "押金", "deposit";
});

crate::i18n::labels!(Mode {
    Centralized => "集中入住", "centralized occupancy";
    Ordinary => "平时入住", "ordinary occupancy";
});

crate::i18n::labels!(Severity {
    Minor => "轻微", "minor";
    Major => "较严重", "major";
    Critical => "严重", "critical";
});

crate::i18n::labels!(Responsible {
    Developer => "开发商", "developer";
    Owner => "业主", "owner";
    PropertyCompany => "物业公司", "property company";
});

crate::i18n::labels!(HandoverOutcome {
    Accepted => "验收合格", "accepted";
    AcceptedWithRectificationList => "附整改清单收楼", "accepted with a rectification list";
    Refused => "拒绝收楼", "refused";
});

crate::i18n::labels!(DefectStatus {
    Open => "待整改", "open";
    Rectified => "已整改待复验", "rectified, awaiting re-inspection";
    Closed => "已关闭", "closed";
});
