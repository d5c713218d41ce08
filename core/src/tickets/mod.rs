//! Tickets (工单): complaints, repair requests, consultations, suggestions and praise.
//!
//! - [`Ticket`]: what came in, by which [`Channel`], when (UTC), from whom, about which unit.
//! - [`TicketClassifier`]: category (the 17 built-in category codes, e.g. `repair.plumbing`), kind,
//!   [`Urgency`], complainant [`Temperament`] with handling advice, and the department
//!   to route to, each with a confidence and its evidence (matched phrases and weights).
//!   Built-in rule sets for Chinese and English live in `core/data/ticket_rules_*.json`
//!   ([`RuleSet`], replaceable and extendable); [`TicketClassifier::train`] learns the
//!   category from an estate's own labelled history ([`TicketModel`]).
//! - [`SlaPolicy`] and [`BusinessCalendar`]: response and resolution deadlines, each
//!   target in its own clock ([`SlaClock`]: minutes, business minutes, calendar days,
//!   working days), a response never due after the resolution, a promised reply time
//!   per ticket, paused while waiting for the owner.
//! - [`TicketFlow`]: the lifecycle (received → assigned → in progress → resolved →
//!   return visit → closed), escalation and first-contact ownership (首问责任制);
//!   [`AccessPolicy`]: who may do what. A loaded flow document is replayed through the
//!   same operations, so it cannot contradict itself.
//! - [`statistics`]: counts, SLA compliance, time to resolve, satisfaction, repeats.
//! - [`ReturnVisitPolicy`]: which tickets must be return-visited (回访) before closing,
//!   after how many unreachable attempts they may close, by when, and the satisfaction
//!   target with its minimum coverage ([`statistics_with_visits`]).
//!
//! ```
//! use estatekit::tickets::{TicketClassifier, Urgency};
//!
//! let clf = TicketClassifier::default_rules();
//! let c = clf.classify("厨房水管爆裂，水漫到客厅了，快来人！");
//! assert_eq!(c.category, "repair.plumbing");
//! assert_eq!(c.urgency, Urgency::Emergency);
//! assert_eq!(c.department, "engineering");
//! assert!(!c.evidence.is_empty());
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod access;
mod lifecycle;
mod model;
#[doc(hidden)]
pub mod ops;
mod rules;
mod shared;
mod sla;
mod stats;
mod visits;

pub use access::{AccessPolicy, GOVERNED_ACTIONS};
pub use lifecycle::{Action, ActionKind, Event, MAX_REBUILT_EVENTS, TicketFlow, TicketState};
pub use model::{MAX_CLASSES, MODEL_FORMAT_VERSION, TicketModel, TrainOptions};
pub use rules::{
    CategoryRule, Classification, Evidence, EvidenceField, LEAD_BONUS, MAX_PHRASE_BYTES,
    MAX_PHRASES, MAX_RULES_JSON_BYTES, Phrases, RULES_FORMAT_VERSION, RuleSet, TemperamentRules,
    TicketClassifier, default_departments,
};
pub use shared::SharedStr;
pub use sla::{
    BusinessCalendar, SlaClock, SlaPolicy, SlaStatus, SlaTarget, SlaTargets, WorkingHours,
    calendar_horizon,
};
pub use stats::statistics_with_visits;
pub use stats::{Count, SATISFACTION_TARGET, SlaCompliance, TicketStatistics, statistics};
pub use visits::{ReturnVisitPolicy, SATISFIED_RATING, VisitMode};

/// The default category codes, in the taxonomy's order (ties between categories go
/// to the earlier one).
///
/// ```
/// assert_eq!(estatekit::tickets::CATEGORIES.len(), 17);
/// assert_eq!(estatekit::tickets::CATEGORIES[0], "repair.plumbing");
/// ```
pub const CATEGORIES: &[&str] = &[
    "repair.plumbing",
    "repair.electrical",
    "repair.elevator",
    "repair.facility",
    "house_quality",
    "planning_design",
    "decoration",
    "security",
    "cleaning",
    "greening",
    "noise",
    "parking",
    "fees",
    "sales_contract",
    "staff_service",
    "neighbour",
    "other",
];

/// The error of an unknown wire name of a ticket enum.
pub(crate) fn unknown_value(path: String, value: &str, expected: String) -> TicketError {
    TicketError::UnknownValue {
        path,
        value: value.to_owned(),
        expected,
    }
}

macro_rules! ticket_enum {
    ($(#[$meta:meta])* $name:ident { $($body:tt)* }) => {
        crate::wire::wire_enum! {
            module: "estatekit::tickets", error: $crate::tickets::TicketError,
            unknown: $crate::tickets::unknown_value,
            $(#[$meta])* $name (stringify!($name)) { $($body)* }
        }
    };
}
pub(crate) use ticket_enum;

ticket_enum! {
    /// How a ticket came in (受理渠道).
    ///
    /// ```
    /// use estatekit::tickets::Channel;
    /// assert_eq!("contact_box".parse::<Channel>()?, Channel::ContactBox);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    Channel {
        /// Customer-service hotline (服务热线).
        Hotline => "hotline",
        /// Front desk of the service centre (前台).
        FrontDesk => "front_desk",
        /// The butler app (App).
        App => "app",
        /// E-mail (邮件).
        Email => "email",
        /// Owners' forum (业主论坛).
        Forum => "forum",
        /// Contact box (意见箱).
        ContactBox => "contact_box",
        /// Found on patrol (巡查).
        Patrol => "patrol",
    }
}

ticket_enum! {
    /// What a ticket is (工单类型).
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::TicketKind::RepairRequest.as_str(), "repair_request");
    /// ```
    TicketKind {
        /// A complaint (投诉).
        Complaint => "complaint",
        /// A repair request (报修).
        RepairRequest => "repair_request",
        /// A question (咨询).
        Consultation => "consultation",
        /// A suggestion (建议).
        Suggestion => "suggestion",
        /// Praise (表扬): a thank-you, also for a repair, unless it asks for something.
        Praise => "praise",
        /// A request for a routine service (申请/求助): a goods release pass (放行条),
        /// vehicle registration, decoration formalities, an ownership transfer, parcels,
        /// a key loan; also what a text with no sign of its kind is taken to be (see
        /// [`TicketClassifier`]).
        ServiceRequest => "service_request",
    }
}

ticket_enum! {
    /// How fast a ticket needs an answer. Ordered: `Emergency < Urgent < Normal`
    /// (the most urgent first).
    ///
    /// ```
    /// use estatekit::tickets::Urgency;
    /// assert!(Urgency::Emergency < Urgency::Urgent);
    /// ```
    Urgency {
        /// Fire, smoke, gas leak, burst pipe or flooding, electric shock, a person
        /// trapped in an elevator: on-site response at once (紧急).
        Emergency => "emergency",
        /// Needs handling the same day (加急).
        Urgent => "urgent",
        /// Everything else (一般).
        Normal => "normal",
    }
}

ticket_enum! {
    /// The complainant's temperament (seed 000, complaint handling methods).
    ///
    /// ```
    /// use estatekit::tickets::Temperament;
    /// assert_eq!(Temperament::Venting.advice(estatekit::i18n::Lang::En), "Listen attentively; let the owner finish, stabilise their mood, then record the facts.");
    /// ```
    Temperament {
        /// Wants the problem solved: well-founded, rational, possibly angry, clear,
        /// repeats key points (解决问题型).
        ProblemSolving => "problem_solving",
        /// Venting: anger, loud, fast, unclear views, simple repeated reasons (发泄型).
        Venting => "venting",
        /// Out of some expectation: no anger, self-explanation, comparisons (期望型).
        Expectation => "expectation",
    }
}

impl Temperament {
    /// How to handle a complainant of this temperament (seed 000).
    ///
    /// ```
    /// use estatekit::tickets::Temperament;
    /// use estatekit::i18n::Lang;
    /// assert_eq!(Temperament::Expectation.advice(Lang::ZhCn), "识别其期望，表达改进的意向。");
    /// ```
    pub fn advice(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang;
        match (self, lang) {
            (Self::ProblemSolving, Lang::En) => {
                "Listen, identify the problem, state how it will be improved, handle it and reply in time."
            }
            (Self::ProblemSolving, Lang::ZhCn) => "倾听、识别问题并表达改进意向，及时处理并答复。",
            (Self::Venting, Lang::En) => {
                "Listen attentively; let the owner finish, stabilise their mood, then record the facts."
            }
            (Self::Venting, Lang::ZhCn) => "耐心倾听，让业主说完，稳定情绪后再记录事实。",
            (Self::Expectation, Lang::En) => {
                "Identify the expectation and state the intention to improve."
            }
            (Self::Expectation, Lang::ZhCn) => "识别其期望，表达改进的意向。",
        }
    }
}

/// A ticket as received. `received_at` is UTC.
///
/// ```
/// use estatekit::tickets::{Channel, Ticket, TicketKind};
/// let t = Ticket::new("T1", "1-201", Channel::Hotline, "2026-11-02T01:30:00Z".parse()?,
///                     "王女士", "卫生间漏水", TicketKind::RepairRequest);
/// assert_eq!(t.unit, "1-201");
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    /// Ticket id, unique within the estate.
    pub id: String,
    /// The unit concerned (may be empty for common areas).
    pub unit: String,
    /// How it came in.
    pub channel: Channel,
    /// When it was received (UTC).
    pub received_at: DateTime<Utc>,
    /// Who reported it.
    pub reporter: String,
    /// The owner's words.
    pub text: String,
    /// Complaint, repair request, consultation, suggestion, praise or service request.
    pub kind: TicketKind,
}

impl Ticket {
    /// Builds a ticket.
    ///
    /// ```
    /// use estatekit::tickets::{Channel, Ticket, TicketKind};
    /// let t = Ticket::new("T2", "", Channel::Patrol, chrono::DateTime::UNIX_EPOCH, "巡查员",
    ///                     "2号楼消防通道堆放杂物", TicketKind::Complaint);
    /// assert_eq!(t.channel, Channel::Patrol);
    /// ```
    pub fn new(
        id: impl Into<String>,
        unit: impl Into<String>,
        channel: Channel,
        received_at: DateTime<Utc>,
        reporter: impl Into<String>,
        text: impl Into<String>,
        kind: TicketKind,
    ) -> Self {
        Self {
            id: id.into(),
            unit: unit.into(),
            channel,
            received_at,
            reporter: reporter.into(),
            text: text.into(),
            kind,
        }
    }
}

/// Errors of the tickets module.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TicketError {
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
    /// A name is not one of the known values.
    #[error("{path}: unknown value {value:?}; expected one of {expected}")]
    UnknownValue {
        /// The field.
        path: String,
        /// The value given.
        value: String,
        /// The accepted values.
        expected: String,
    },
    /// A rule set is malformed (JSON or content).
    #[error("rules: {path}: {message}")]
    InvalidRules {
        /// The bad field, e.g. `categories[2].phrases`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A rule set is larger than a classifier takes ([`MAX_PHRASES`],
    /// [`MAX_PHRASE_BYTES`], or a rule-set document
    /// over [`MAX_RULES_JSON_BYTES`]).
    #[error("rules: {path}: {message}")]
    RulesTooLarge {
        /// `phrases`, or `$` for a document.
        path: String,
        /// The size and the limit.
        message: String,
    },
    /// A model document is malformed.
    #[error("model: {path}: {message}")]
    InvalidModel {
        /// The bad field, e.g. `weights[0]`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A ticket or flow document is malformed.
    #[error("{path}: {message}")]
    InvalidDocument {
        /// The bad field.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// No training examples.
    #[error("texts: the training set is empty")]
    EmptyTrainingSet,
    /// Texts and labels differ in number.
    #[error("labels: {labels} labels for {texts} texts")]
    LengthMismatch {
        /// Number of texts.
        texts: usize,
        /// Number of labels.
        labels: usize,
    },
    /// All labels are the same: there is nothing to learn.
    #[error("labels: every label is {label:?}; at least two classes are needed")]
    SingleClass {
        /// The only label.
        label: String,
    },
    /// More distinct labels than a model can be trained with
    /// ([`MAX_CLASSES`]): training costs time in proportion
    /// to classes × texts and memory to classes × features, so e.g. one label per text
    /// would be quadratic.
    #[error("labels: {classes} distinct labels; a model is trained with at most {max} classes")]
    TooManyClasses {
        /// Distinct labels given.
        classes: usize,
        /// The limit.
        max: usize,
    },
    /// A training option is out of range or unknown.
    #[error("{name}: {reason}")]
    InvalidOption {
        /// The option.
        name: String,
        /// Why it is refused.
        reason: String,
    },
    /// A business calendar has no working hours on any day.
    #[error("calendar.hours: the calendar has no working hours on any weekday")]
    NoWorkingHours,
    /// No deadline within the [`calendar_horizon`]:
    /// the calendar has less working time than asked for between `from` and the
    /// horizon (e.g. holidays on every working day ahead), or calendar time runs past it.
    #[error(
        "{path}: no business time for {seconds} s after {from} up to the calendar's horizon 9999-12-31"
    )]
    NoBusinessTime {
        /// `calendar`.
        path: String,
        /// Counted from.
        from: DateTime<Utc>,
        /// The working seconds asked for.
        seconds: i64,
    },
    /// No deadline within the [`calendar_horizon`]
    /// for a `working_days` target: fewer working days than asked for lie between
    /// `from` and the horizon.
    #[error(
        "{path}: fewer than {days} working days after {from} up to the calendar's horizon 9999-12-31"
    )]
    NoWorkingDays {
        /// `calendar`.
        path: String,
        /// Counted from.
        from: DateTime<Utc>,
        /// The working days asked for.
        days: u32,
    },
    /// A calendar or SLA policy value is invalid, `code` naming the cause (one of
    /// [`TicketError::VALUE_CODES`]): `json` (a malformed document or an unknown
    /// field), `out_of_range` (an offset beyond ±18 hours, a weekday outside 0–6, not 7
    /// weekdays, 0 days, an amount above 2^32 − 1), `negative` (negative seconds or
    /// minutes), `invalid_time` (not `HH:MM`), `ends_before_starts` (a working period
    /// whose end is not after its start), `overlapping_periods`, `missing_value` (no
    /// clock, no targets for an urgency, working days without a calendar),
    /// `conflicting_fields` (two clocks, a target given in both forms, a clock the
    /// target does not take), `unknown_value` (an unknown urgency).
    ///
    /// ```
    /// use estatekit::tickets::BusinessCalendar;
    /// let e = BusinessCalendar::weekly("09:00", "25:00", &[0], 0).unwrap_err();
    /// assert_eq!((e.code(), e.path().as_str()), ("invalid_time", "end"));
    /// ```
    #[error("{path}: {reason}")]
    InvalidSla {
        /// The bad field.
        path: String,
        /// The cause (one of [`TicketError::VALUE_CODES`]).
        code: &'static str,
        /// Why.
        reason: String,
    },
    /// The action is not allowed in the ticket's current state.
    #[error("ticket {ticket}: cannot {action} a ticket that is {state}")]
    InvalidTransition {
        /// Ticket id.
        ticket: String,
        /// The current state.
        state: TicketState,
        /// The action refused.
        action: &'static str,
    },
    /// An event is dated before the previous one.
    #[error("{path}: event at {at} is before the last event at {last} (ticket {ticket})")]
    EventOutOfOrder {
        /// `at` for an operation, `events[i].at` in a loaded document.
        path: String,
        /// Ticket id.
        ticket: String,
        /// The event time given.
        at: DateTime<Utc>,
        /// The time of the last event.
        last: DateTime<Utc>,
    },
    /// The [`AccessPolicy`] does not let this actor (in this role) do this action.
    #[error("{path}: {actor} may not {action} ticket {ticket}: {reason}")]
    NotPermitted {
        /// `role` (a role not allowed, or none given) or `actor` (first-contact
        /// ownership, the handler's own return visit); prefixed by `events[i].` in a
        /// loaded document.
        path: String,
        /// Ticket id.
        ticket: String,
        /// The action refused.
        action: &'static str,
        /// Who tried.
        actor: String,
        /// Which rule refused it.
        reason: String,
    },
    /// An access or return-visit policy value is invalid, `code` naming the cause
    /// (one of [`TicketError::VALUE_CODES`]): `json` (a malformed document or an
    /// unknown field), `unknown_value` (an action that cannot be restricted),
    /// `empty_field` (no roles, an empty role), `out_of_range` (0 attempts, more than
    /// 366 days, a share outside 0–1).
    ///
    /// ```
    /// use estatekit::tickets::AccessPolicy;
    /// let e = AccessPolicy::default().allow("close", [""]).unwrap_err();
    /// assert_eq!((e.code(), e.path().as_str()), ("empty_field", "roles.close[0]"));
    /// ```
    #[error("{path}: {reason}")]
    InvalidPolicy {
        /// The bad field, e.g. `roles.close`.
        path: String,
        /// The cause (one of [`TicketError::VALUE_CODES`]).
        code: &'static str,
        /// Why.
        reason: String,
    },
    /// A flow document that parses but contradicts itself: its event log cannot be
    /// replayed, or leads elsewhere than the document says.
    #[error("{path}: {message}")]
    InconsistentDocument {
        /// The first field that contradicts the replayed history, e.g. `state` or
        /// `events[2].action`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Closing a ticket that must be return-visited
    /// ([`ReturnVisitPolicy::requires`](crate::tickets::ReturnVisitPolicy::requires))
    /// without a visit that reached the owner and with fewer unreachable attempts than
    /// the policy's `max_unreachable_attempts` since the last resolution.
    #[error(
        "ticket {ticket}: a {kind} must be return-visited before it is closed; no visit reached the owner and {attempts} of {max} unreachable attempts were made"
    )]
    ReturnVisitRequired {
        /// Ticket id.
        ticket: String,
        /// The ticket's kind.
        kind: TicketKind,
        /// Unreachable attempts since the last resolution.
        attempts: u32,
        /// Attempts after which the ticket may close.
        max: u32,
    },
    /// An instant outside the years 1–9999 (UTC), refused as checklists refuse one:
    /// `at` for an action, `promised_reply_at`, and in a loaded document
    /// `ticket.received_at` or `events[i].at`.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t = Ticket::new("T1", "1-101", Channel::Hotline, "2026-11-02T00:00:00Z".parse().unwrap(), "业主", "漏水", TicketKind::RepairRequest);
    /// let mut f = TicketFlow::new(t, "repair.plumbing", Urgency::Normal, "engineering", "小张");
    /// let err = f.apply(Action::Start, "小张", "+10000-01-01T00:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("out_of_range", "at"));
    /// assert_eq!(err.to_string(), "at: +10000-01-01 00:00:00 UTC is outside the supported years 1–9999 (UTC)");
    /// ```
    #[error("{path}: {value} is outside the supported years 1–9999 (UTC)")]
    OutOfRange {
        /// `at`, `promised_reply_at`, `ticket.received_at` or `events[i].at`.
        path: String,
        /// The instant given.
        value: String,
    },
    /// A period whose end is not after its start.
    #[error("period: end {end} is not after start {start}")]
    InvalidPeriod {
        /// Start.
        start: DateTime<Utc>,
        /// End.
        end: DateTime<Utc>,
    },
}

crate::diagnostic::value_codes! {
    TicketError;
    example: "assert!(estatekit::tickets::TicketError::VALUE_CODES.contains(&\"overlapping_periods\"));";
    codes: [
        "json",
        "out_of_range",
        "negative",
        "invalid_time",
        "ends_before_starts",
        "overlapping_periods",
        "missing_value",
        "conflicting_fields",
        "unknown_value",
        "empty_field",
    ];
    /// [`TicketError::InvalidSla`] with `code`, one of [`TicketError::VALUE_CODES`].
    fn sla => InvalidSla;
    /// [`TicketError::InvalidPolicy`] with `code`, one of [`TicketError::VALUE_CODES`].
    fn policy => InvalidPolicy;
}

impl TicketError {
    /// A stable snake_case code for the error kind.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::TicketError::EmptyTrainingSet.code(), "empty_training_set");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownValue { .. } => "unknown_value",
            Self::InvalidRules { .. } => "invalid_rules",
            Self::DocumentTooLarge { .. } => "document_too_large",
            Self::RulesTooLarge { .. } => "rules_too_large",
            Self::InvalidModel { .. } => "invalid_model",
            Self::InvalidDocument { .. } => "invalid_document",
            Self::EmptyTrainingSet => "empty_training_set",
            Self::LengthMismatch { .. } => "length_mismatch",
            Self::SingleClass { .. } => "single_class",
            Self::TooManyClasses { .. } => "too_many_classes",
            Self::InvalidOption { .. } => "invalid_option",
            Self::NoWorkingHours => "no_working_hours",
            Self::InvalidSla { code, .. } | Self::InvalidPolicy { code, .. } => code,
            Self::NoBusinessTime { .. } => "no_business_time",
            Self::NoWorkingDays { .. } => "no_working_days",
            Self::InvalidTransition { .. } => "invalid_transition",
            Self::EventOutOfOrder { .. } => "event_out_of_order",
            Self::InvalidPeriod { .. } => "invalid_period",
            Self::OutOfRange { .. } => "out_of_range",
            Self::NotPermitted { .. } => "not_permitted",
            Self::InconsistentDocument { .. } => "inconsistent_document",
            Self::ReturnVisitRequired { .. } => "return_visit_required",
        }
    }

    /// The field or object the error is about.
    ///
    /// ```
    /// use estatekit::tickets::TicketError;
    /// assert_eq!(TicketError::LengthMismatch { texts: 2, labels: 1 }.path(), "labels");
    /// assert_eq!(TicketError::NoWorkingHours.path(), "calendar.hours");
    /// ```
    pub fn path(&self) -> String {
        match self {
            Self::UnknownValue { path, .. }
            | Self::InvalidRules { path, .. }
            | Self::DocumentTooLarge { path, .. }
            | Self::RulesTooLarge { path, .. }
            | Self::InvalidModel { path, .. }
            | Self::InvalidSla { path, .. }
            | Self::NoBusinessTime { path, .. }
            | Self::NoWorkingDays { path, .. }
            | Self::InvalidDocument { path, .. }
            | Self::EventOutOfOrder { path, .. }
            | Self::NotPermitted { path, .. }
            | Self::InvalidPolicy { path, .. }
            | Self::OutOfRange { path, .. }
            | Self::InconsistentDocument { path, .. } => path.clone(),
            Self::EmptyTrainingSet => "texts".to_owned(),
            Self::LengthMismatch { .. }
            | Self::SingleClass { .. }
            | Self::TooManyClasses { .. } => "labels".to_owned(),
            Self::InvalidOption { name, .. } => name.clone(),
            Self::NoWorkingHours => "calendar.hours".to_owned(),
            Self::InvalidTransition { ticket, .. } => format!("ticket.{ticket}.state"),
            Self::InvalidPeriod { .. } => "period".to_owned(),
            Self::ReturnVisitRequired { ticket, .. } => format!("ticket.{ticket}.return_visit"),
        }
    }

    /// True for errors about the state of a ticket (an invalid lifecycle transition, or
    /// closing before the required return visit), as opposed to bad input. Bindings
    /// raise `StateError` for these.
    ///
    /// ```
    /// assert!(!estatekit::tickets::TicketError::NoWorkingHours.is_state());
    /// ```
    pub fn is_state(&self) -> bool {
        matches!(
            self,
            Self::InvalidTransition { .. } | Self::ReturnVisitRequired { .. }
        )
    }
}
