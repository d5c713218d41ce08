//! Tickets: classification, lifecycle, SLA and statistics.
//!
//! Timestamps cross as [`Timestamp`](crate::Timestamp): an ISO-8601 UTC string on the
//! wire (`2026-11-02T01:30:00Z`), `java.time.Instant` in Kotlin, `String` in Swift.

use estatekit_ffi_guard::guard;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use estatekit::tickets::VisitMode;
use estatekit::tickets::{
    self, Action, ActionKind, Channel, EvidenceField, SlaClock, Temperament, TicketKind,
    TicketState, TrainOptions, Urgency,
};

use crate::{EstateKitError, SavedDocument, ToMobile};

/// A UTC instant (ISO-8601 string on the wire).
pub use crate::Timestamp;

/// What was done to a ticket (an event's action). `TicketAction` on mobile, beside
/// check-in's `EventAction`.
#[uniffi::remote(Enum)]
#[uniffi(name = "TicketAction")]
pub enum ActionKind {
    Receive,
    Assign,
    Start,
    Pause,
    Resume,
    Resolve,
    ReturnVisit,
    ReturnVisitReached,
    ReturnVisitUnreachable,
    Close,
    Escalate,
}

#[uniffi::remote(Enum)]
pub enum Channel {
    Hotline,
    FrontDesk,
    App,
    Email,
    Forum,
    ContactBox,
    Patrol,
}

#[uniffi::remote(Enum)]
pub enum TicketKind {
    Complaint,
    RepairRequest,
    Consultation,
    Suggestion,
    Praise,
    ServiceRequest,
}

#[uniffi::remote(Enum)]
pub enum Urgency {
    Emergency,
    Urgent,
    Normal,
}

#[uniffi::remote(Enum)]
pub enum SlaClock {
    Minutes,
    BusinessMinutes,
    CalendarDays,
    WorkingDays,
}

#[uniffi::remote(Enum)]
pub enum Temperament {
    ProblemSolving,
    Venting,
    Expectation,
}

/// How a return visit was made.
#[uniffi::remote(Enum)]
pub enum VisitMode {
    Phone,
    Visit,
    App,
}

#[uniffi::remote(Enum)]
pub enum TicketState {
    Received,
    Assigned,
    InProgress,
    Paused,
    Resolved,
    ReturnVisited,
    Closed,
}

/// The field of a classification a piece of evidence supports.
#[uniffi::remote(Enum)]
pub enum EvidenceField {
    Category,
    Kind,
    Urgency,
    Temperament,
}

/// One reason for a classification.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Evidence {
    /// The field supported.
    pub field: EvidenceField,
    /// The label supported.
    pub label: String,
    /// The phrase (or model n-gram).
    pub phrase: String,
    /// Its weight (weight × occurrences, plus the lead bonus for a category phrase in
    /// the lead).
    pub weight: f64,
    /// Whether the phrase is in the lead of the text (its first sentence or title),
    /// where a category phrase weighs more.
    pub lead: bool,
}

/// The result of classifying one text.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Classification {
    /// Category code (or model label).
    pub category: String,
    /// Kind of ticket.
    pub kind: TicketKind,
    /// Urgency.
    pub urgency: Urgency,
    /// Complainant temperament.
    pub temperament: Temperament,
    /// How to handle the complainant, in the text's language.
    pub advice: String,
    /// Whether to report to the supervisor at once (every emergency).
    pub escalate: bool,
    /// What to do at once, in the text's language, when `escalate`.
    pub escalation_advice: Option<String>,
    /// Department to route to.
    pub department: String,
    /// Confidence in the category, 0–1.
    pub confidence: f64,
    /// Matched phrases and weights.
    pub evidence: Vec<Evidence>,
}

impl From<tickets::Classification> for Classification {
    fn from(c: tickets::Classification) -> Self {
        Self {
            category: c.category,
            kind: c.kind,
            urgency: c.urgency,
            temperament: c.temperament,
            advice: c.advice.to_owned(),
            escalate: c.escalate,
            escalation_advice: c.escalation_advice.map(str::to_owned),
            department: c.department,
            confidence: c.confidence,
            evidence: c
                .evidence
                .into_iter()
                .map(|e| Evidence {
                    field: e.field,
                    label: e.label.into(),
                    phrase: e.phrase.into(),
                    weight: e.weight,
                    lead: e.lead,
                })
                .collect(),
        }
    }
}

crate::json_object! {
    /// The ticket classifier (immutable, shareable across threads).
    pub struct TicketClassifier(tickets::TicketClassifier);
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl TicketClassifier {
    /// The built-in Chinese and English rules and routing table.
    #[uniffi::constructor]
    pub fn default() -> Arc<Self> {
        Arc::new(Self {
            inner: tickets::TicketClassifier::default_rules(),
        })
    }

    /// Built-in rules (unless `builtin` is false) extended by rule-set JSON documents.
    #[uniffi::constructor(default(builtin = true))]
    pub fn from_rules(rules: Vec<String>, builtin: bool) -> Result<Arc<Self>, EstateKitError> {
        let mut set = if builtin {
            tickets::RuleSet::builtin()
        } else {
            tickets::RuleSet::default()
        };
        for r in &rules {
            set = set.merge(tickets::RuleSet::from_json(r)?);
        }
        Ok(Arc::new(Self {
            inner: tickets::TicketClassifier::with_rules(set)?,
        }))
    }

    /// Learns a category model. Defaults: seed 0, the default options.
    #[uniffi::constructor(default(seed = 0, options))]
    pub fn train(
        texts: Vec<String>,
        labels: Vec<String>,
        seed: i64,
        options: TrainingOptions,
    ) -> Result<Arc<Self>, EstateKitError> {
        let o = options.into_core()?;
        Ok(Arc::new(Self {
            inner: tickets::TicketClassifier::train(
                &texts,
                &labels,
                crate::IntoCore::into_core(seed, "seed")?,
                &o,
            )?,
        }))
    }

    /// Classifies one text.
    pub fn classify(&self, text: String) -> Classification {
        self.inner.classify(&text).into()
    }

    /// Classifies many texts in one call, on `threads` threads (`null` or 0: every
    /// core; 1: the calling thread only; at most 256, else `out_of_range` at
    /// `threads`): the same results whatever the count.
    #[uniffi::method(default(threads = None))]
    pub fn classify_batch(
        &self,
        texts: Vec<String>,
        threads: Option<i32>,
    ) -> Result<Vec<Classification>, EstateKitError> {
        let threads = crate::threads_arg(threads)?;
        Ok(self
            .inner
            .classify_batch_threads(&texts, threads)
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Only the category of each text (the model alone when trained), in one call, on
    /// `threads` threads (as [`classify_batch`](Self::classify_batch)).
    #[uniffi::method(default(threads = None))]
    pub fn predict_batch(
        &self,
        texts: Vec<String>,
        threads: Option<i32>,
    ) -> Result<Vec<String>, EstateKitError> {
        let threads = crate::threads_arg(threads)?;
        Ok(self.inner.predict_batch_threads(&texts, threads))
    }

    /// The department a category is routed to.
    pub fn department(&self, category: String) -> String {
        self.inner.department(&category)
    }

    /// The model's labels (sorted), empty without a model.
    pub fn labels(&self) -> Option<Vec<String>> {
        self.inner.model().map(|m| m.labels().to_vec())
    }
}

/// The options of [`TicketClassifier::train`] (Python's keyword arguments); a null
/// option keeps its default. Each is checked as the core checks it: a value out of
/// range is `invalid_option` with the option's name as the path (`c`, `ngram_max`).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct TrainingOptions {
    /// Regularisation, > 0: larger fits the training data more closely; 0 (the default)
    /// is automatic: 1.0 under 10,000 training texts, 0.5 from 10,000.
    #[uniffi(default = None)]
    pub c: Option<f64>,
    /// Maximum passes over the data per class, 1–10,000 (default 100).
    #[uniffi(default = None)]
    pub epochs: Option<i32>,
    /// Stopping tolerance, > 0 (default 0.01).
    #[uniffi(default = None)]
    pub tol: Option<f64>,
    /// Longest character n-gram, 1–8 (default 4).
    #[uniffi(default = None)]
    pub ngram_max: Option<i32>,
    /// Longest word n-gram over spaced words, 0–3; 0 disables (the default).
    #[uniffi(default = None)]
    pub word_ngrams: Option<i32>,
    /// Hash space: 2^bits buckets, 10–24; 0 (the default) is automatic: at least 64
    /// buckets per distinct n-gram of the training texts, 2^16 to 2^24.
    #[uniffi(default = None)]
    pub buckets_bits: Option<i32>,
    /// Ignore features seen in fewer training documents; 0 (the default) is automatic
    /// (2 from 10,000 training texts, or for long texts full of n-grams of their own).
    #[uniffi(default = None)]
    pub min_df: Option<i32>,
    /// Drop features whose largest weight is below this share of the model's largest,
    /// in [0, 1) (default 0: keep all).
    #[uniffi(default = None)]
    pub prune: Option<f64>,
    /// Threads solving the classes' problems, 1–256 (default 1); the model is the
    /// same whatever the count.
    #[uniffi(default = None)]
    pub threads: Option<i32>,
}

impl TrainingOptions {
    fn into_core(self) -> Result<TrainOptions, EstateKitError> {
        let mut o = TrainOptions::default();
        let given = [
            ("c", self.c),
            ("epochs", self.epochs.map(f64::from)),
            ("tol", self.tol),
            ("ngram_max", self.ngram_max.map(f64::from)),
            ("word_ngrams", self.word_ngrams.map(f64::from)),
            ("buckets_bits", self.buckets_bits.map(f64::from)),
            ("min_df", self.min_df.map(f64::from)),
            ("prune", self.prune),
            ("threads", self.threads.map(f64::from)),
        ];
        for (name, value) in given {
            if let Some(v) = value {
                o.set(name, v)?;
            }
        }
        Ok(o)
    }
}

/// A business calendar.
#[derive(Debug, uniffi::Object)]
pub struct BusinessCalendar {
    pub(crate) inner: tickets::BusinessCalendar,
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl BusinessCalendar {
    /// Hours `start`–`end` ("HH:MM", local) on `days` (0 = Monday), with holidays and
    /// make-up working days (`workdays`, 调休补班: e.g. a Saturday that is worked, with
    /// the hours of the first weekday that has any).
    #[uniffi::constructor(default(utc_offset_minutes = 0, holidays = [], workdays = []))]
    pub fn weekly(
        start: String,
        end: String,
        days: Vec<i32>,
        utc_offset_minutes: i32,
        holidays: Vec<NaiveDate>,
        workdays: Vec<NaiveDate>,
    ) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: tickets::BusinessCalendar::weekly(
                &start,
                &end,
                &crate::IntoCore::<Vec<u32>>::into_core(days, "days")?,
                utc_offset_minutes,
            )?
            .with_holidays(holidays)
            .with_workdays(workdays),
        }))
    }

    /// Make-up working days (local dates).
    /// The fixed UTC offset of the calendar's local time, minutes.
    pub fn utc_offset_minutes(&self) -> i32 {
        self.inner.utc_offset_minutes()
    }

    /// Public holidays (local dates).
    pub fn holidays(&self) -> Vec<NaiveDate> {
        self.inner.holidays().iter().copied().collect()
    }

    pub fn workdays(&self) -> Vec<NaiveDate> {
        self.inner.workdays().iter().copied().collect()
    }

    /// Working seconds between two instants. Throws (`Validation`, `out_of_range`,
    /// path `argument`) only for an instant outside years 1–9999, as every timestamp.
    pub fn seconds_between(&self, start: Timestamp, end: Timestamp) -> Result<i64, EstateKitError> {
        Ok(self.inner.seconds_between(start, end))
    }

    /// The instant `seconds` working seconds after `start`. Negative seconds are
    /// `negative` (path `seconds`); no working time up to 9999-12-31 is
    /// `no_business_time`.
    pub fn add_seconds(&self, start: Timestamp, seconds: i64) -> Result<Timestamp, EstateKitError> {
        Ok(self.inner.add_seconds(start, seconds)?)
    }

    /// The deadline of `days` working days (N 个工作日内) from `start`: the close of
    /// business of the `days`th working day after the local date of `start` (the day
    /// of receipt never counts). 0 days are `out_of_range` (path `days`); too few
    /// working days up to 9999-12-31, `no_working_days`.
    pub fn add_working_days(
        &self,
        start: Timestamp,
        days: i64,
    ) -> Result<Timestamp, EstateKitError> {
        let days = crate::IntoCore::into_core(days, "days")?;
        Ok(self.inner.add_working_days(start, days)?)
    }

    /// Whether a local date is a working day (hours, not a holiday; make-up days count).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.inner.is_working_day(date)
    }
}

crate::json_object! {
    /// An SLA policy.
    pub struct SlaPolicy(tickets::SlaPolicy);
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl SlaPolicy {
    /// The default policy; with `calendar`, business minutes are working minutes and
    /// working-day targets can be used (the targets stay the same: normal tickets are
    /// resolved in 8 calendar days). A response due after the resolution due is
    /// brought forward to it unless `response_may_follow_resolution`.
    #[uniffi::constructor(default(calendar = None, response_may_follow_resolution = false))]
    pub fn new(
        calendar: Option<Arc<BusinessCalendar>>,
        response_may_follow_resolution: bool,
    ) -> Arc<Self> {
        let inner = match calendar {
            Some(c) => tickets::SlaPolicy::default().with_calendar(c.inner.clone()),
            None => tickets::SlaPolicy::default(),
        }
        .with_response_may_follow_resolution(response_may_follow_resolution);
        Arc::new(Self { inner })
    }

    /// Whether a response due may fall after the resolution due.
    pub fn response_may_follow_resolution(&self) -> bool {
        self.inner.response_may_follow_resolution
    }

    /// The targets for a ticket received at `received_at`, each with the clock it is
    /// counted in (`MINUTES` for business minutes on the wall clock).
    pub fn targets(
        &self,
        urgency: Urgency,
        category: String,
        received_at: Timestamp,
    ) -> Result<SlaTargets, EstateKitError> {
        Ok(self.inner.targets(urgency, &category, received_at)?.into())
    }
}

crate::json_object! {
    /// Who may do what to a ticket: roles per action, whether the handler may record the
    /// return visit (default no), whether first-contact ownership (首问负责制) is enforced.
    pub struct AccessPolicy(tickets::AccessPolicy);
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl AccessPolicy {
    /// A policy: `roles` maps a restricted action to the roles allowed it (null: the
    /// standard policy, nothing restricted). `RETURN_VISIT` governs every return visit;
    /// `RECEIVE`, `RETURN_VISIT_REACHED` and `RETURN_VISIT_UNREACHABLE` cannot be
    /// restricted (`unknown_value`, path `roles.<action>`).
    #[uniffi::constructor(default(roles = None, handler_may_record_return_visit = false, first_contact_ownership = false))]
    pub fn new(
        roles: Option<HashMap<ActionKind, Vec<String>>>,
        handler_may_record_return_visit: bool,
        first_contact_ownership: bool,
    ) -> Result<Arc<Self>, EstateKitError> {
        let roles = roles.unwrap_or_default();
        let mut inner = tickets::AccessPolicy::default()
            .with_handler_may_record_return_visit(handler_may_record_return_visit)
            .with_first_contact_ownership(first_contact_ownership);
        let mut roles: Vec<_> = roles.into_iter().collect();
        roles.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        for (action, list) in roles {
            inner = inner.allow(action.as_str(), list)?;
        }
        Ok(Arc::new(Self { inner }))
    }

    /// The restricted actions and their allowed roles.
    pub fn roles(&self) -> HashMap<ActionKind, Vec<String>> {
        self.inner
            .restricted()
            .iter()
            .filter_map(|(a, r)| Some((a.parse().ok()?, r.iter().cloned().collect())))
            .collect()
    }

    /// Whether the handler may record the return visit.
    pub fn handler_may_record_return_visit(&self) -> bool {
        self.inner.handler_may_record_return_visit()
    }

    /// Whether first-contact ownership is enforced.
    pub fn first_contact_ownership(&self) -> bool {
        self.inner.first_contact_ownership()
    }
}

fn policy_of(policy: Option<Arc<AccessPolicy>>) -> tickets::AccessPolicy {
    policy.map(|p| p.inner.clone()).unwrap_or_default()
}

/// Response and resolution targets, each an amount of a clock.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SlaTargets {
    /// `MINUTES` or `BUSINESS_MINUTES`.
    pub response_clock: SlaClock,
    /// Minutes.
    pub response_amount: i64,
    /// `MINUTES`, `BUSINESS_MINUTES`, `CALENDAR_DAYS` or `WORKING_DAYS`.
    pub resolution_clock: SlaClock,
    /// Minutes or days.
    pub resolution_amount: i64,
}

impl From<tickets::SlaTargets> for SlaTargets {
    fn from(t: tickets::SlaTargets) -> Self {
        Self {
            response_clock: t.response.clock,
            response_amount: t.response.amount.into(),
            resolution_clock: t.resolution.clock,
            resolution_amount: t.resolution.amount.into(),
        }
    }
}

/// Where a ticket stands against its SLA.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SlaStatus {
    /// The clock the response due was counted in.
    pub response_clock: SlaClock,
    /// The response target, in units of its clock.
    pub response_amount: i64,
    /// The clock the resolution due was counted in.
    pub resolution_clock: SlaClock,
    /// The resolution target, in units of its clock.
    pub resolution_amount: i64,
    /// Respond by.
    pub response_due: Timestamp,
    /// Resolve by; null while paused.
    pub resolution_due: Option<Timestamp>,
    /// Response time left, seconds (negative when overdue).
    pub response_remaining_seconds: i64,
    /// Resolution time left, seconds (negative when overdue).
    pub resolution_remaining_seconds: i64,
    /// Responded late, or overdue.
    pub response_breached: bool,
    /// Resolved late, or overdue.
    pub resolution_breached: bool,
    /// Waiting for the owner.
    pub paused: bool,
    /// The response due is the ticket's promised reply time.
    pub response_promised: bool,
    /// The response target's due fell after the resolution due and was brought forward.
    pub response_clamped: bool,
}

/// One entry of the event log.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketEvent {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// What was done (`TicketAction.ASSIGN`...; `RETURN_VISIT` only in legacy
    /// documents).
    pub action: ActionKind,
    /// State before.
    pub from_state: TicketState,
    /// State after.
    pub to_state: TicketState,
    /// The role the actor acted in, if the operation named one.
    #[uniffi(default = None)]
    pub role: Option<String>,
    /// The action's text: the assignee, the escalation, the pause reason, the note.
    pub detail: String,
}

/// A ticket being handled (thread-safe; actions are serialised).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Eq, Hash)]
pub struct TicketFlow {
    inner: Mutex<tickets::TicketFlow>,
}

crate::json_eq!(TicketFlow, |s| s.lock().to_json());

impl TicketFlow {
    fn lock(&self) -> MutexGuard<'_, tickets::TicketFlow> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn act(
        &self,
        action: Action,
        actor: String,
        role: Option<String>,
        at: Timestamp,
    ) -> Result<TicketState, EstateKitError> {
        Ok(self.lock().apply_as(action, &actor, role.as_deref(), at)?)
    }
}

/// TicketFlow operations `name(args..., actor, at, role = null)`: each applies the
/// action built from its arguments and returns the new state.
macro_rules! flow_actions {
    ($( $(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),*) => $action:expr; )*) => {
        #[guard(crate::panic_guard)]
        #[uniffi::export]
        impl TicketFlow {$(
            $(#[doc = $doc])*
            #[uniffi::method(default(role = None))]
            pub fn $name(
                &self,
                $($arg: $ty,)*
                actor: String,
                at: Timestamp,
                role: Option<String>,
            ) -> Result<TicketState, EstateKitError> {
                self.act($action, actor, role, at)
            }
        )*}
    };
}

flow_actions! {
    /// Hand the ticket to `to`, who then owns it. `role`: the role the actor acts in.
    assign(to: String) => Action::Assign { to };
    /// Start handling.
    start() => Action::Start;
    /// Wait for the owner.
    pause(reason: String) => Action::Pause { reason };
    /// Continue after a pause.
    resume() => Action::Resume;
    /// Mark as resolved.
    resolve(note: String) => Action::Resolve { note };
    /// Record the return visit; unsatisfied reopens the ticket. The handler (owner or
    /// last resolver) may not record it unless the policy allows.
    return_visit(satisfied: bool, note: String) => Action::ReturnVisit { satisfied, note };
    /// Record a return-visit attempt that did not reach the owner (the ticket stays
    /// resolved); after the policy's maximum the ticket may close without a rating.
    return_visit_unreachable(mode: VisitMode, note: String)
        => Action::ReturnVisitUnreachable { mode, note };
    /// Close the ticket.
    close() => Action::Close;
    /// Escalate to `to`.
    escalate(to: String, reason: String) => Action::Escalate { to, reason };
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl TicketFlow {
    /// A received ticket, owned by `receiver` until it is assigned or escalated; its
    /// operations are checked against `policy` (default: the standard policy).
    /// `utc_offset_minutes`: the estate's fixed UTC offset (Beijing: 480), stored in the
    /// document. `promised_reply_at`: the reply time promised to the owner (see
    /// `promiseReply`). `return_visit_policy`: which tickets must be return-visited
    /// (default: the standard `ReturnVisitPolicy`), stored in the document.
    #[uniffi::constructor(default(policy = None, utc_offset_minutes = 0, promised_reply_at = None, return_visit_policy = None))]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        unit: String,
        channel: Channel,
        received_at: Timestamp,
        reporter: String,
        text: String,
        kind: TicketKind,
        category: String,
        urgency: Urgency,
        department: String,
        receiver: String,
        policy: Option<Arc<AccessPolicy>>,
        utc_offset_minutes: i32,
        promised_reply_at: Option<Timestamp>,
        return_visit_policy: Option<Arc<ReturnVisitPolicy>>,
    ) -> Result<Arc<Self>, EstateKitError> {
        let ticket = tickets::Ticket::new(id, unit, channel, received_at, reporter, text, kind);
        let mut flow = tickets::TicketFlow::with_policy(
            ticket,
            category,
            urgency,
            department,
            receiver,
            policy_of(policy),
        )
        .with_utc_offset_minutes(utc_offset_minutes)?;
        if let Some(at) = promised_reply_at {
            flow = flow.with_promised_reply_at(at)?;
        }
        if let Some(p) = return_visit_policy {
            flow = flow.with_return_visit_policy(p.inner.clone())?;
        }
        Ok(Arc::new(Self {
            inner: Mutex::new(flow),
        }))
    }

    /// The estate's fixed UTC offset, minutes (0 for documents written without one).
    pub fn utc_offset_minutes(&self) -> i32 {
        self.lock().utc_offset_minutes()
    }

    /// Reads a flow written by `toJson`, replaying its event log under `policy`
    /// (default: the standard policy): a document that contradicts itself or the
    /// policy throws `Validation` (`inconsistent_document`, `event_out_of_order`,
    /// `not_permitted`) naming the first contradiction.
    #[uniffi::constructor(default(policy = None))]
    pub fn from_json(
        text: String,
        policy: Option<Arc<AccessPolicy>>,
    ) -> Result<Arc<Self>, EstateKitError> {
        let policy = policy_of(policy);
        Ok(Arc::new(Self {
            inner: Mutex::new(tickets::TicketFlow::from_json_with_policy(&text, &policy)?),
        }))
    }

    /// The access policy the operations are checked against.
    pub fn policy(&self) -> Arc<AccessPolicy> {
        Arc::new(AccessPolicy {
            inner: self.lock().policy().clone(),
        })
    }

    /// The flow as JSON.
    pub fn to_json(&self) -> String {
        self.lock().to_json()
    }

    /// The SLA status as of `as_of` (default policy if null); `no_business_time` when
    /// a deadline would fall after 9999-12-31.
    #[uniffi::method(default(policy = None))]
    pub fn sla(
        &self,
        as_of: Timestamp,
        policy: Option<Arc<SlaPolicy>>,
    ) -> Result<SlaStatus, EstateKitError> {
        let default = tickets::SlaPolicy::default();
        let p = policy.as_ref().map_or(&default, |p| &p.inner);
        let s = self.lock().sla(p, as_of)?;
        Ok(SlaStatus {
            response_clock: s.targets.response.clock,
            response_amount: s.targets.response.amount.into(),
            resolution_clock: s.targets.resolution.clock,
            resolution_amount: s.targets.resolution.amount.into(),
            response_due: s.response_due,
            resolution_due: s.resolution_due,
            response_remaining_seconds: s.response_remaining_seconds,
            resolution_remaining_seconds: s.resolution_remaining_seconds,
            response_breached: s.response_breached,
            resolution_breached: s.resolution_breached,
            paused: s.paused,
            response_promised: s.response_promised,
            response_clamped: s.response_clamped,
        })
    }

    /// Promise the owner a reply by `at` (承诺回复时间), replacing any earlier
    /// promise: it becomes the response due, even when later than the policy's. A time
    /// before the receipt is `invalid_option` (path `promised_reply_at`). Returns the new
    /// document with its version, as `perform` does.
    pub fn promise_reply(&self, at: Timestamp) -> Result<SavedDocument, EstateKitError> {
        Ok(self.lock().promise_reply(at)?.into())
    }

    /// The reply time promised to the owner, or null.
    pub fn promised_reply_at(&self) -> Option<Timestamp> {
        self.lock().promised_reply_at()
    }

    /// Ticket id.
    pub fn id(&self) -> String {
        self.lock().ticket().id.clone()
    }
    /// Current state.
    pub fn state(&self) -> TicketState {
        self.lock().state()
    }
    /// Current owner.
    pub fn owner(&self) -> String {
        self.lock().owner().to_owned()
    }
    /// Category code.
    pub fn category(&self) -> String {
        self.lock().category().to_owned()
    }
    /// Times escalated.
    pub fn escalations(&self) -> i64 {
        self.lock().escalations().into()
    }
    /// Times reopened.
    pub fn reopened(&self) -> i64 {
        self.lock().reopened().into()
    }
    /// The unit concerned.
    pub fn unit(&self) -> String {
        self.lock().ticket().unit.clone()
    }
    /// How the ticket came in.
    pub fn channel(&self) -> Channel {
        self.lock().ticket().channel
    }
    /// Complaint, repair request, …
    pub fn kind(&self) -> TicketKind {
        self.lock().ticket().kind
    }
    /// When it was received.
    pub fn received_at(&self) -> Timestamp {
        self.lock().ticket().received_at
    }
    /// The reporter's words.
    pub fn text(&self) -> String {
        self.lock().ticket().text.clone()
    }
    /// Who reported it.
    pub fn reporter(&self) -> String {
        self.lock().ticket().reporter.clone()
    }
    /// Urgency.
    pub fn urgency(&self) -> Urgency {
        self.lock().urgency()
    }
    /// The department handling it.
    pub fn department(&self) -> String {
        self.lock().department().to_owned()
    }
    /// Who received it.
    pub fn receiver(&self) -> String {
        self.lock().receiver().to_owned()
    }
    /// When it was first responded to.
    pub fn responded_at(&self) -> Option<Timestamp> {
        self.lock().responded_at()
    }
    /// When it was resolved.
    pub fn resolved_at(&self) -> Option<Timestamp> {
        self.lock().resolved_at()
    }
    /// The event log.
    pub fn events(&self) -> Vec<TicketEvent> {
        self.lock()
            .events()
            .iter()
            .map(|e| TicketEvent {
                at: e.at,
                actor: e.actor.clone(),
                action: e.action.kind(),
                from_state: e.from_state,
                to_state: e.to_state,
                role: e.role.clone(),
                detail: e.action.detail(),
            })
            .collect()
    }
}

/// Ticket statistics for a period.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TicketStatistics {
    /// Tickets received in the period.
    pub total: i64,
    /// Per category, sorted by code.
    pub by_category: HashMap<String, i64>,
    /// Per kind (every kind, 0 when none).
    pub by_kind: HashMap<TicketKind, i64>,
    /// Per channel (every channel, 0 when none).
    pub by_channel: HashMap<Channel, i64>,
    /// Per department, sorted.
    pub by_department: HashMap<String, i64>,
    /// Share of responses in time.
    pub response_rate: Option<f64>,
    /// Share of resolutions in time.
    pub resolution_rate: Option<f64>,
    /// Tickets resolved.
    pub resolved: i64,
    /// Mean hours to resolve.
    pub mean_hours_to_resolve: Option<f64>,
    /// Median hours to resolve.
    pub median_hours_to_resolve: Option<f64>,
    /// Return visits.
    pub return_visits: i64,
    /// Satisfied return visits.
    pub satisfied: i64,
    /// Satisfaction rate.
    pub satisfaction_rate: Option<f64>,
    /// `return_visit_satisfaction` reaches the policy's target with at least its
    /// minimum coverage.
    pub meets_satisfaction_target: bool,
    /// Complaints.
    pub complaints: i64,
    /// Complaints per 100 units.
    pub complaints_per_100_units: Option<f64>,
    /// Repeat ticket ids.
    pub repeat_tickets: Vec<String>,
    /// Resolved tickets of the period that must be return-visited.
    pub visits_required: i64,
    /// Of those, reached by their last visit.
    pub visits_reached: i64,
    /// Of the reached, satisfied.
    pub visits_satisfied: i64,
    /// Of the required, not reached after the maximum of unreachable attempts.
    pub visits_unreachable: i64,
    /// (reached + unreachable) / required.
    pub return_visit_rate: Option<f64>,
    /// unreachable / required.
    pub unreachable_rate: Option<f64>,
    /// satisfied / reached.
    pub return_visit_satisfaction: Option<f64>,
    /// reached / required.
    pub return_visit_coverage: Option<f64>,
    /// The satisfaction target applied.
    pub satisfaction_target: f64,
    /// The minimum coverage applied.
    pub min_coverage: f64,
}

fn counts(v: Vec<tickets::Count>) -> HashMap<String, i64> {
    v.into_iter()
        .map(|c| (c.key, c.count.to_mobile()))
        .collect()
}

/// Counts keyed by an enum's wire name (`repair_request`) as counts keyed by the enum.
fn enum_counts<K: std::str::FromStr + Eq + std::hash::Hash>(
    v: Vec<tickets::Count>,
) -> HashMap<K, i64> {
    v.into_iter()
        .filter_map(|c| Some((c.key.parse().ok()?, c.count.to_mobile())))
        .collect()
}

/// Statistics of the tickets received in `[start, end)`; SLA as of `end`; return
/// visits judged under `return_visit_policy` (default: the standard one).
#[guard(crate::panic_guard)]
#[uniffi::export(default(policy = None, return_visit_policy = None))]
pub fn ticket_statistics(
    flows: Vec<Arc<TicketFlow>>,
    start: Timestamp,
    end: Timestamp,
    units: i64,
    policy: Option<Arc<SlaPolicy>>,
    return_visit_policy: Option<Arc<ReturnVisitPolicy>>,
) -> Result<TicketStatistics, EstateKitError> {
    let flows: Vec<tickets::TicketFlow> = flows.iter().map(|f| f.lock().clone()).collect();
    let default = tickets::SlaPolicy::default();
    let p = policy.as_ref().map_or(&default, |p| &p.inner);
    let visits = return_visit_policy
        .map(|v| v.inner.clone())
        .unwrap_or_default();
    let units = crate::IntoCore::into_core(units, "units")?;
    let s = tickets::statistics_with_visits(&flows, start, end, units, p, &visits)?;
    Ok(TicketStatistics {
        total: s.total.to_mobile(),
        by_category: counts(s.by_category),
        by_kind: enum_counts(s.by_kind),
        by_channel: enum_counts(s.by_channel),
        by_department: counts(s.by_department),
        response_rate: s.sla.response_rate,
        resolution_rate: s.sla.resolution_rate,
        resolved: s.resolved.to_mobile(),
        mean_hours_to_resolve: s.mean_hours_to_resolve,
        median_hours_to_resolve: s.median_hours_to_resolve,
        return_visits: s.return_visits.to_mobile(),
        satisfied: s.satisfied.to_mobile(),
        satisfaction_rate: s.satisfaction_rate,
        meets_satisfaction_target: s.meets_satisfaction_target,
        complaints: s.complaints.to_mobile(),
        complaints_per_100_units: s.complaints_per_100_units,
        repeat_tickets: s.repeat_tickets,
        visits_required: s.visits_required.to_mobile(),
        visits_reached: s.visits_reached.to_mobile(),
        visits_satisfied: s.visits_satisfied.to_mobile(),
        visits_unreachable: s.visits_unreachable.to_mobile(),
        return_visit_rate: s.return_visit_rate,
        unreachable_rate: s.unreachable_rate,
        return_visit_satisfaction: s.return_visit_satisfaction,
        return_visit_coverage: s.return_visit_coverage,
        satisfaction_target: s.satisfaction_target,
        min_coverage: s.min_coverage,
    })
}

crate::json_object! {
    /// Which tickets must be return-visited, after how many unreachable attempts they may
    /// close, by when, and the satisfaction target statistics judge visits against.
    pub struct ReturnVisitPolicy(tickets::ReturnVisitPolicy);
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl ReturnVisitPolicy {
    /// A policy; null lists take the defaults (complaints and repair requests must be
    /// visited; patrol tickets are exempt).
    #[uniffi::constructor(default(required_kinds = None, exempt_channels = None, max_unreachable_attempts = 3, deadline_days = 3, satisfaction_target = 0.95, min_coverage = 0.8))]
    pub fn new(
        required_kinds: Option<Vec<TicketKind>>,
        exempt_channels: Option<Vec<Channel>>,
        max_unreachable_attempts: i64,
        deadline_days: i64,
        satisfaction_target: f64,
        min_coverage: f64,
    ) -> Result<Arc<Self>, EstateKitError> {
        let d = tickets::ReturnVisitPolicy::default();
        Ok(Arc::new(Self {
            inner: tickets::ReturnVisitPolicy::new(
                required_kinds.unwrap_or_else(|| d.required_kinds()),
                exempt_channels.unwrap_or_else(|| d.exempt_channels()),
                crate::IntoCore::into_core(max_unreachable_attempts, "max_unreachable_attempts")?,
                crate::IntoCore::into_core(deadline_days, "deadline_days")?,
                satisfaction_target,
                min_coverage,
            )?,
        }))
    }

    /// The kinds that must be visited.
    pub fn required_kinds(&self) -> Vec<TicketKind> {
        self.inner.required_kinds()
    }

    /// The channels whose tickets need no visit.
    pub fn exempt_channels(&self) -> Vec<Channel> {
        self.inner.exempt_channels()
    }

    /// Unreachable attempts after which a ticket may close without a rating.
    pub fn max_unreachable_attempts(&self) -> i64 {
        self.inner.max_unreachable_attempts().into()
    }

    /// Days after the local resolution date by whose end the visit is due.
    pub fn deadline_days(&self) -> i64 {
        self.inner.deadline_days().into()
    }

    /// The share of satisfied reached visits to reach.
    pub fn satisfaction_target(&self) -> f64 {
        self.inner.satisfaction_target()
    }

    /// The least share of must-visit resolved tickets reached for the target to count.
    pub fn min_coverage(&self) -> f64 {
        self.inner.min_coverage()
    }
}

/// One action on a ticket, as data: what `TicketFlow.perform` applies (a sealed class
/// in Kotlin).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TicketCommand {
    /// `assign(to, …)`.
    Assign { to: String },
    /// `start(…)`.
    Start,
    /// `pause(reason, …)`.
    Pause { reason: String },
    /// `resume(…)`.
    Resume,
    /// `resolve(note, …)`.
    Resolve { note: String },
    /// `returnVisit(satisfied, note, …)` (the legacy visit without a rating).
    ReturnVisit { satisfied: bool, note: String },
    /// `returnVisitReached(mode, rating, comment, …)`.
    ReturnVisitReached {
        mode: VisitMode,
        rating: i64,
        comment: String,
    },
    /// `returnVisitUnreachable(mode, note, …)`.
    ReturnVisitUnreachable { mode: VisitMode, note: String },
    /// `close(…)`.
    Close,
    /// `escalate(to, reason, …)`.
    Escalate { to: String, reason: String },
}

impl TryFrom<TicketCommand> for Action {
    type Error = EstateKitError;
    fn try_from(c: TicketCommand) -> Result<Self, EstateKitError> {
        Ok(match c {
            TicketCommand::Assign { to } => Action::Assign { to },
            TicketCommand::Start => Action::Start,
            TicketCommand::Pause { reason } => Action::Pause { reason },
            TicketCommand::Resume => Action::Resume,
            TicketCommand::Resolve { note } => Action::Resolve { note },
            TicketCommand::ReturnVisit { satisfied, note } => {
                Action::ReturnVisit { satisfied, note }
            }
            TicketCommand::ReturnVisitReached {
                mode,
                rating,
                comment,
            } => Action::ReturnVisitReached {
                mode,
                rating: crate::IntoCore::into_core(rating, "rating")?,
                comment,
            },
            TicketCommand::ReturnVisitUnreachable { mode, note } => {
                Action::ReturnVisitUnreachable { mode, note }
            }
            TicketCommand::Close => Action::Close,
            TicketCommand::Escalate { to, reason } => Action::Escalate { to, reason },
        })
    }
}

/// Allowed actions, versions and one-call saves of a flow.
#[guard(crate::panic_guard)]
#[uniffi::export]
impl TicketFlow {
    /// Applies `command` by `actor` (acting in `role`) at `at` and returns the new
    /// document with its version, in one call: saves from several coroutines, keeping
    /// the one with the highest version, never lose an action. On error nothing
    /// changes (the version neither).
    #[uniffi::method(default(role = None))]
    pub fn perform(
        &self,
        command: TicketCommand,
        actor: String,
        at: Timestamp,
        role: Option<String>,
    ) -> Result<SavedDocument, EstateKitError> {
        let action = Action::try_from(command)?;
        Ok(self
            .lock()
            .perform(action, &actor, role.as_deref(), at)?
            .into())
    }

    /// How many mutations the flow has had (each action that succeeded and each
    /// `promiseReply` adds one); stored in the document, 0 for documents written
    /// before versions.
    pub fn version(&self) -> i64 {
        self.lock().version().to_mobile()
    }

    /// The document and its version, read together (e.g. after `promiseReply`).
    pub fn saved(&self) -> SavedDocument {
        self.lock().saved().into()
    }

    /// The actions `actor`, acting in `role`, may apply now (to enable buttons):
    /// exactly those that would succeed (lifecycle, access policy, the return visit a
    /// close needs). Never `RECEIVE`; `RETURN_VISIT` is the legacy visit, allowed
    /// where the rated ones are.
    #[uniffi::method(default(role = None))]
    pub fn allowed_actions(&self, actor: String, role: Option<String>) -> Vec<ActionKind> {
        self.lock().allowed_actions(&actor, role.as_deref())
    }
}

/// Return visits of a flow.
#[guard(crate::panic_guard)]
#[uniffi::export]
impl TicketFlow {
    /// Record a return visit that reached the owner: `rating` 1..=5 (4 and 5
    /// satisfied; 1 to 3 reopen the ticket). Not by the handler unless the access
    /// policy allows.
    #[uniffi::method(default(role = None))]
    pub fn return_visit_reached(
        &self,
        mode: VisitMode,
        rating: i64,
        comment: String,
        actor: String,
        at: Timestamp,
        role: Option<String>,
    ) -> Result<TicketState, EstateKitError> {
        let rating = crate::IntoCore::into_core(rating, "rating")?;
        let action = Action::ReturnVisitReached {
            mode,
            rating,
            comment,
        };
        self.act(action, actor, role, at)
    }

    /// The return-visit policy the flow is handled under (null for documents written
    /// before return-visit policies: no visit required).
    pub fn return_visit_policy(&self) -> Option<Arc<ReturnVisitPolicy>> {
        self.lock()
            .return_visit_policy()
            .map(|p| Arc::new(ReturnVisitPolicy { inner: p.clone() }))
    }

    /// Whether the ticket must be return-visited before it closes.
    pub fn return_visit_required(&self) -> bool {
        self.lock().return_visit_required()
    }

    /// The outcome of the last visit that reached the owner, if any.
    pub fn satisfied(&self) -> Option<bool> {
        self.lock().satisfied()
    }

    /// The rating of the last visit that reached the owner (null if none, or legacy).
    pub fn rating(&self) -> Option<i64> {
        self.lock().rating().map(i64::from)
    }

    /// Unreachable attempts since the last resolution.
    pub fn unreachable_attempts(&self) -> i64 {
        self.lock().unreachable_attempts().into()
    }

    /// The estate's local date by which the visit is due (null when not required or
    /// not resolved).
    pub fn return_visit_due(&self) -> Option<NaiveDate> {
        self.lock().return_visit_due()
    }

    /// Whether the required visit is overdue as of `as_of`. Throws only for an instant
    /// outside years 1–9999 (`out_of_range`, path `argument`), as every timestamp.
    pub fn return_visit_overdue(&self, as_of: Timestamp) -> Result<bool, EstateKitError> {
        Ok(self.lock().return_visit_overdue(as_of))
    }
}

#[cfg(test)]
mod tests {
    use uniffi::{Lift, Lower};

    /// What a Swift caller gets for a timestamp string that is not an instant.
    fn lift(s: &str) -> Result<super::Timestamp, (String, String)> {
        let wire = <String as Lower<crate::UniFfiTag>>::lower(s.to_owned());
        <super::Timestamp as Lift<crate::UniFfiTag>>::try_lift(wire).map_err(|e| {
            match e.downcast::<crate::EstateKitError>() {
                Ok(crate::EstateKitError::Validation { code, detail, .. }) => (code, detail),
                other => panic!("expected a validation error, got {other:?}"),
            }
        })
    }

    #[test]
    fn timestamps_without_an_offset_are_typed_errors() {
        assert_eq!(
            lift("2026-11-02T09:00:00+08:00").map(|t| t.to_rfc3339()),
            Ok("2026-11-02T01:00:00+00:00".to_owned())
        );
        assert_eq!(
            lift("2026-11-02T09:00:00"),
            Err((
                "naive_datetime".to_owned(),
                "argument: \"2026-11-02T09:00:00\" has no UTC offset; give an instant such as \"2026-11-02T09:00:00Z\" or \"2026-11-02T09:00:00+08:00\"".to_owned()
            ))
        );
        assert_eq!(lift("yesterday").unwrap_err().0, "invalid_datetime");
    }
}
