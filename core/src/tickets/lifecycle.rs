//! The ticket lifecycle with its event log, escalation and first-contact ownership.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{AccessPolicy, SlaPolicy, SlaStatus, Ticket, TicketError, Urgency, ticket_enum};
use super::{ReturnVisitPolicy, SATISFIED_RATING, VisitMode};

/// The most events rebuilt for a flow document without an event log (each escalation
/// and reopening stands for events): a document claiming more is refused.
///
/// ```
/// assert_eq!(estatekit::tickets::MAX_REBUILT_EVENTS, 10_000);
/// ```
pub const MAX_REBUILT_EVENTS: u64 = 10_000;

ticket_enum! {
    /// Where a ticket is in its life.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::TicketState::InProgress.as_str(), "in_progress");
    /// ```
    TicketState {
        /// Received; the receiver owns it (首问责任制).
        Received => "received",
        /// Handed to a handler (or back to one after an unsatisfied return visit).
        Assigned => "assigned",
        /// Being handled.
        InProgress => "in_progress",
        /// Waiting for the owner (the resolution clock stops).
        Paused => "paused",
        /// Handled; waiting for the return visit.
        Resolved => "resolved",
        /// Return visit done, owner satisfied.
        ReturnVisited => "return_visited",
        /// Closed.
        Closed => "closed",
    }
}

ticket_enum! {
    /// What kind of thing was done to a ticket: an [`Action`] without its data, as an
    /// event log lists it (the wire name is [`Action::name`]).
    ///
    /// ```
    /// use estatekit::tickets::{Action, ActionKind};
    /// assert_eq!(Action::Assign { to: "李工".into() }.kind(), ActionKind::Assign);
    /// assert_eq!(ActionKind::ReturnVisitReached.as_str(), "return_visit_reached");
    /// ```
    ActionKind {
        /// The ticket was received (the first event).
        Receive => "receive",
        /// Handed to a handler.
        Assign => "assign",
        /// Handling started.
        Start => "start",
        /// Waiting for the owner.
        Pause => "pause",
        /// Handling continued after a pause.
        Resume => "resume",
        /// Resolved.
        Resolve => "resolve",
        /// A return visit as recorded before ratings (legacy documents).
        ReturnVisit => "return_visit",
        /// A return visit that reached the owner, with a rating.
        ReturnVisitReached => "return_visit_reached",
        /// A return visit attempt that did not reach the owner.
        ReturnVisitUnreachable => "return_visit_unreachable",
        /// Closed.
        Close => "close",
        /// Escalated.
        Escalate => "escalate",
    }
}

/// Something done to a ticket.
///
/// ```
/// use estatekit::tickets::Action;
/// assert_eq!(Action::Assign { to: "李工".into() }.name(), "assign");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// The ticket was received (the first event).
    Receive,
    /// Hand the ticket to a handler, who then owns it.
    Assign {
        /// The new owner.
        to: String,
    },
    /// Start handling (the response).
    Start,
    /// Wait for the owner (e.g. access to the unit); stops the resolution clock.
    Pause {
        /// Why.
        reason: String,
    },
    /// Continue after a pause.
    Resume,
    /// The problem is solved (or the question answered).
    Resolve {
        /// What was done.
        note: String,
    },
    /// The return visit (回访) as recorded before ratings (legacy; documents of older
    /// versions hold it): satisfied, or not (which reopens the ticket), without a mode
    /// or a rating. It counts as a visit that reached the owner; in statistics it is a
    /// reached visit, satisfied or not as recorded. New visits are
    /// [`Action::ReturnVisitReached`] or [`Action::ReturnVisitUnreachable`].
    ReturnVisit {
        /// Whether the owner is satisfied.
        satisfied: bool,
        /// What the owner said.
        note: String,
    },
    /// A return visit that reached the owner, with a rating of 1..=5: 4 or 5
    /// ([`SATISFIED_RATING`] and above) is satisfied and the ticket is return-visited;
    /// 1 to 3 is unsatisfied and reopens the ticket (back to its owner, assigned).
    ReturnVisitReached {
        /// Phone, in person or through the app.
        mode: VisitMode,
        /// The owner's rating, 1 (worst) to 5 (best).
        rating: u8,
        /// What the owner said.
        comment: String,
    },
    /// A return-visit attempt that did not reach the owner; the ticket stays resolved.
    /// After the [`ReturnVisitPolicy`]'s `max_unreachable_attempts` since the last
    /// resolution the ticket may close without a rating.
    ReturnVisitUnreachable {
        /// Phone, in person or through the app.
        mode: VisitMode,
        /// What happened (no answer, wrong number...).
        note: String,
    },
    /// Close the ticket.
    Close,
    /// Beyond the handler's authority: hand up to `to`, who then owns it.
    Escalate {
        /// The new owner (e.g. the customer-service manager).
        to: String,
        /// Why.
        reason: String,
    },
}

impl Action {
    /// The stable snake_case name of the action.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::Action::Resume.name(), "resume");
    /// ```
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The kind of the action, without its data.
    ///
    /// ```
    /// use estatekit::tickets::{Action, ActionKind};
    /// assert_eq!(Action::Pause { reason: "等业主".into() }.kind(), ActionKind::Pause);
    /// ```
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Receive => ActionKind::Receive,
            Self::Assign { .. } => ActionKind::Assign,
            Self::Start => ActionKind::Start,
            Self::Pause { .. } => ActionKind::Pause,
            Self::Resume => ActionKind::Resume,
            Self::Resolve { .. } => ActionKind::Resolve,
            Self::ReturnVisit { .. } => ActionKind::ReturnVisit,
            Self::ReturnVisitReached { .. } => ActionKind::ReturnVisitReached,
            Self::ReturnVisitUnreachable { .. } => ActionKind::ReturnVisitUnreachable,
            Self::Close => ActionKind::Close,
            Self::Escalate { .. } => ActionKind::Escalate,
        }
    }

    /// The action's text for an event log: the assignee, `"<to>: <reason>"` for an
    /// escalation, the pause reason, the resolution or return-visit note or comment;
    /// empty for the actions that carry none.
    ///
    /// ```
    /// use estatekit::tickets::Action;
    /// let a = Action::Escalate { to: "manager".into(), reason: "漏水扩大".into() };
    /// assert_eq!(a.detail(), "manager: 漏水扩大");
    /// assert_eq!(Action::Start.detail(), "");
    /// ```
    pub fn detail(&self) -> String {
        match self {
            Self::Assign { to } => to.clone(),
            Self::Escalate { to, reason } => format!("{to}: {reason}"),
            Self::Pause { reason } => reason.clone(),
            Self::Resolve { note } | Self::ReturnVisit { note, .. } => note.clone(),
            Self::ReturnVisitReached { comment, .. } => comment.clone(),
            Self::ReturnVisitUnreachable { note, .. } => note.clone(),
            Self::Receive | Self::Start | Self::Resume | Self::Close => String::new(),
        }
    }

    /// The name an [`AccessPolicy`] governs the action by: `return_visit` for every
    /// return visit (legacy, reached or unreachable), else [`Action::name`].
    ///
    /// ```
    /// use estatekit::tickets::{Action, VisitMode};
    /// let a = Action::ReturnVisitUnreachable { mode: VisitMode::Phone, note: "无人接听".into() };
    /// assert_eq!((a.name(), a.governed_name()), ("return_visit_unreachable", "return_visit"));
    /// ```
    pub fn governed_name(&self) -> &'static str {
        if self.is_return_visit() {
            "return_visit"
        } else {
            self.name()
        }
    }

    /// Whether the action is a return visit (legacy, reached or unreachable).
    fn is_return_visit(&self) -> bool {
        matches!(
            self,
            Self::ReturnVisit { .. }
                | Self::ReturnVisitReached { .. }
                | Self::ReturnVisitUnreachable { .. }
        )
    }
}

/// One entry of the event log.
///
/// ```
/// use estatekit::tickets::{Action, Channel, Ticket, TicketFlow, TicketKind, TicketState, Urgency};
/// let t = Ticket::new("T1", "1-201", Channel::Hotline, chrono::DateTime::UNIX_EPOCH, "王女士", "漏水", TicketKind::RepairRequest);
/// let flow = TicketFlow::new(t, "repair.plumbing", Urgency::Normal, "engineering", "前台小张");
/// let e = &flow.events()[0];
/// assert_eq!((e.actor.as_str(), &e.action, e.to_state), ("前台小张", &Action::Receive, TicketState::Received));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// In which role, when the operation named one
    /// ([`TicketFlow::apply_as`]); left out of the JSON when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// What.
    #[serde(flatten)]
    pub action: Action,
    /// State before.
    pub from_state: TicketState,
    /// State after.
    pub to_state: TicketState,
}

/// A ticket being handled: its triage (category, urgency, department), state, owner
/// and event log. The receiver owns the ticket until it is assigned or escalated.
///
/// ```
/// use estatekit::tickets::{Action, Channel, Ticket, TicketFlow, TicketKind, TicketState, Urgency};
/// let t0: chrono::DateTime<chrono::Utc> = "2026-11-02T01:00:00Z".parse().unwrap();
/// let h = chrono::Duration::hours(1);
/// let t = Ticket::new("T1", "1-201", Channel::Hotline, t0, "王女士", "卫生间漏水", TicketKind::RepairRequest);
/// let mut f = TicketFlow::new(t, "repair.plumbing", Urgency::Normal, "engineering", "前台小张");
/// assert_eq!(f.owner(), "前台小张");
/// f.apply(Action::Assign { to: "李工".into() }, "前台小张", t0 + h)?;
/// f.apply(Action::Start, "李工", t0 + h * 2)?;
/// f.apply(Action::Resolve { note: "换了密封圈".into() }, "李工", t0 + h * 3)?;
/// f.apply(Action::ReturnVisit { satisfied: true, note: "满意".into() }, "客服小刘", t0 + h * 24)?;
/// f.apply(Action::Close, "客服小刘", t0 + h * 24)?;
/// assert_eq!((f.state(), f.owner()), (TicketState::Closed, "李工"));
/// let err = f.apply(Action::Start, "李工", t0 + h * 25).unwrap_err();
/// assert_eq!(err.to_string(), "ticket T1: cannot start a ticket that is closed");
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct TicketFlow {
    ticket: Ticket,
    category: String,
    urgency: Urgency,
    department: String,
    state: TicketState,
    receiver: String,
    owner: String,
    escalations: u32,
    reopened: u32,
    satisfied: Option<bool>,
    /// The estate's fixed UTC offset, minutes; left out of the JSON when 0.
    #[serde(skip_serializing_if = "is_zero")]
    utc_offset_minutes: i32,
    /// The reply time promised to the owner (承诺回复时间); left out of the JSON when
    /// `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    promised_reply_at: Option<DateTime<Utc>>,
    /// The return-visit rules the flow is handled under; `None` (left out of the JSON)
    /// only for documents written before return-visit policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    return_visit_policy: Option<ReturnVisitPolicy>,
    /// How many mutations were applied (see [`TicketFlow::version`]); left out of the
    /// JSON when 0.
    #[serde(skip_serializing_if = "is_zero_u64")]
    version: u64,
    events: Vec<Event>,
    #[serde(skip)]
    policy: AccessPolicy,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}

/// The most a UTC offset may be, minutes (±18 hours).
const MAX_OFFSET_MINUTES: i32 = 18 * 60;

/// [`TicketError::InvalidOption`] (`utc_offset_minutes`) for an offset beyond ±18 hours.
pub(crate) fn check_offset(minutes: i32) -> Result<i32, TicketError> {
    if (-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(TicketError::InvalidOption {
            name: "utc_offset_minutes".to_owned(),
            reason: format!("must be within ±{MAX_OFFSET_MINUTES} minutes, got {minutes}"),
        })
    }
}

/// Flows are equal when their documents are: the [`AccessPolicy`] they are checked
/// against is the host's, not part of the ticket.
impl PartialEq for TicketFlow {
    fn eq(&self, other: &Self) -> bool {
        self.ticket == other.ticket
            && self.category == other.category
            && self.urgency == other.urgency
            && self.department == other.department
            && self.state == other.state
            && self.receiver == other.receiver
            && self.owner == other.owner
            && self.escalations == other.escalations
            && self.reopened == other.reopened
            && self.satisfied == other.satisfied
            && self.utc_offset_minutes == other.utc_offset_minutes
            && self.promised_reply_at == other.promised_reply_at
            && self.return_visit_policy == other.return_visit_policy
            && self.version == other.version
            && self.events == other.events
    }
}

impl Eq for TicketFlow {}

/// Deserializing checks the document like [`TicketFlow::from_json`] (default policy).
impl<'de> Deserialize<'de> for TicketFlow {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let doc = FlowDoc::deserialize(d)?;
        TicketFlow::from_doc(doc, &AccessPolicy::default()).map_err(serde::de::Error::custom)
    }
}

/// A flow document as written, before it is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlowDoc {
    ticket: Ticket,
    category: String,
    urgency: Urgency,
    department: String,
    state: TicketState,
    receiver: String,
    owner: String,
    escalations: u32,
    reopened: u32,
    satisfied: Option<bool>,
    /// The estate's UTC offset, minutes; absent (UTC) in older documents.
    #[serde(default)]
    utc_offset_minutes: i32,
    /// The promised reply time; absent (none) in older documents.
    #[serde(default)]
    promised_reply_at: Option<DateTime<Utc>>,
    /// Absent in documents written before return-visit policies (no visit required).
    #[serde(default)]
    return_visit_policy: Option<ReturnVisitPolicy>,
    /// The mutation count; absent (0) in older documents.
    #[serde(default)]
    version: u64,
    /// Absent in documents that did not store their history.
    #[serde(default)]
    events: Option<Vec<EventDoc>>,
}

/// An event as written: the states are optional (older documents lack them) and, when
/// present, must be those the replay gives.
#[derive(Deserialize)]
struct EventDoc {
    at: DateTime<Utc>,
    actor: String,
    #[serde(default)]
    role: Option<String>,
    #[serde(flatten)]
    action: Action,
    #[serde(default)]
    from_state: Option<TicketState>,
    #[serde(default)]
    to_state: Option<TicketState>,
}

fn inconsistent(path: impl Into<String>, message: impl Into<String>) -> TicketError {
    TicketError::InconsistentDocument {
        path: path.into(),
        message: message.into(),
    }
}

impl TicketFlow {
    /// Starts the lifecycle of a received ticket, owned by `receiver`.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t = Ticket::new("T9", "", Channel::Patrol, chrono::DateTime::UNIX_EPOCH, "巡查员", "路灯不亮", TicketKind::RepairRequest);
    /// let f = TicketFlow::new(t, "repair.electrical", Urgency::Normal, "engineering", "巡查员");
    /// assert_eq!(f.state(), TicketState::Received);
    /// ```
    pub fn new(
        ticket: Ticket,
        category: impl Into<String>,
        urgency: Urgency,
        department: impl Into<String>,
        receiver: impl Into<String>,
    ) -> Self {
        let receiver = receiver.into();
        let events = vec![Event {
            at: ticket.received_at,
            actor: receiver.clone(),
            role: None,
            action: Action::Receive,
            from_state: TicketState::Received,
            to_state: TicketState::Received,
        }];
        Self {
            ticket,
            category: category.into(),
            urgency,
            department: department.into(),
            state: TicketState::Received,
            owner: receiver.clone(),
            receiver,
            escalations: 0,
            reopened: 0,
            satisfied: None,
            utc_offset_minutes: 0,
            promised_reply_at: None,
            return_visit_policy: Some(ReturnVisitPolicy::default()),
            version: 0,
            events,
            policy: AccessPolicy::default(),
        }
    }

    /// This flow for an estate whose local time is `utc_offset_minutes` ahead of UTC
    /// (Beijing: 480; a fixed offset, no daylight saving), stored in its document:
    /// dates derived from its instants ([`TicketFlow::local_date`], the return-visit
    /// deadline) are local dates of this offset. Set it when the flow starts.
    ///
    /// # Errors
    /// [`TicketError::InvalidOption`] (`utc_offset_minutes`) beyond ±1080 minutes.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t = Ticket::new("T9", "", Channel::Patrol, chrono::DateTime::UNIX_EPOCH, "巡查员", "路灯不亮", TicketKind::RepairRequest);
    /// let f = TicketFlow::new(t, "repair.electrical", Urgency::Normal, "engineering", "巡查员").with_utc_offset_minutes(480)?;
    /// assert_eq!(f.utc_offset_minutes(), 480);
    /// assert_eq!(f.clone().with_utc_offset_minutes(1200).unwrap_err().path(), "utc_offset_minutes");
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn with_utc_offset_minutes(mut self, utc_offset_minutes: i32) -> Result<Self, TicketError> {
        self.utc_offset_minutes = check_offset(utc_offset_minutes)?;
        Ok(self)
    }

    /// The estate's UTC offset, minutes (0 for documents written without one).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "other", Urgency::Normal, "cs", "小张").utc_offset_minutes(), 0);
    /// ```
    pub fn utc_offset_minutes(&self) -> i32 {
        self.utc_offset_minutes
    }

    /// The estate's local date of an instant (see [`TicketFlow::with_utc_offset_minutes`]).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let f = TicketFlow::new(t, "other", Urgency::Normal, "cs", "小张").with_utc_offset_minutes(480)?;
    /// assert_eq!(f.local_date("2026-11-02T23:30:00Z".parse().unwrap()).to_string(), "2026-11-03");
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn local_date(&self, at: DateTime<Utc>) -> chrono::NaiveDate {
        crate::clock::local_date(at, self.utc_offset_minutes)
    }

    /// Like [`TicketFlow::new`], checked against `policy` from now on.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t = Ticket::new("T9", "", Channel::Patrol, chrono::DateTime::UNIX_EPOCH, "巡查员", "路灯不亮", TicketKind::RepairRequest);
    /// let policy = AccessPolicy::default().with_first_contact_ownership(true);
    /// let mut f = TicketFlow::with_policy(t, "repair.electrical", Urgency::Normal, "engineering", "巡查员", policy);
    /// let err = f.apply(Action::Resolve { note: "修好".into() }, "李工", chrono::DateTime::UNIX_EPOCH).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("not_permitted", "actor"));
    /// ```
    pub fn with_policy(
        ticket: Ticket,
        category: impl Into<String>,
        urgency: Urgency,
        department: impl Into<String>,
        receiver: impl Into<String>,
        policy: AccessPolicy,
    ) -> Self {
        let mut f = Self::new(ticket, category, urgency, department, receiver);
        f.policy = policy;
        f
    }

    /// The access policy the flow's operations are checked against.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let f = TicketFlow::new(t, "other", Urgency::Normal, "customer_service", "小张");
    /// assert_eq!(f.policy(), &AccessPolicy::default());
    /// ```
    pub fn policy(&self) -> &AccessPolicy {
        &self.policy
    }

    /// Checks the flow's whole history against `policy` and, if it complies, uses it
    /// from now on. On error nothing changes.
    ///
    /// # Errors
    /// [`TicketError::NotPermitted`] at `events[i].role` or `events[i].actor` for the
    /// first event the policy would have refused.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let mut f = TicketFlow::new(t, "other", Urgency::Normal, "customer_service", "小张");
    /// f.apply(Action::Resolve { note: "已转达".into() }, "小张", chrono::DateTime::UNIX_EPOCH)?;
    /// let strict = AccessPolicy::default().allow("resolve", ["manager"])?;
    /// assert_eq!(f.set_policy(strict).unwrap_err().path(), "events[1].role");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn set_policy(&mut self, policy: AccessPolicy) -> Result<(), TicketError> {
        let mut replay = Self::new(
            self.ticket.clone(),
            self.category.clone(),
            self.urgency,
            self.department.clone(),
            self.receiver.clone(),
        );
        replay.utc_offset_minutes = self.utc_offset_minutes;
        replay.return_visit_policy = self.return_visit_policy.clone();
        replay.policy = policy;
        for (i, e) in self.events.iter().enumerate().skip(1) {
            replay
                .apply_as(e.action.clone(), &e.actor, e.role.as_deref(), e.at)
                .map_err(|err| at_event(err, i))?;
        }
        self.policy = replay.policy;
        Ok(())
    }

    /// Applies an action by `actor` (in no particular role) at `at` and returns the new
    /// state: [`TicketFlow::apply_as`] without a role.
    ///
    /// # Errors
    /// [`TicketError::OutOfRange`] (`at`) for an instant outside the years 1–9999;
    /// [`TicketError::InvalidTransition`] if the action is not allowed in the current
    /// state; [`TicketError::EventOutOfOrder`] if `at` is before the last event;
    /// [`TicketError::NotPermitted`] if the flow's [`AccessPolicy`] refuses it.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t = Ticket::new("T2", "1-101", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "咨询", TicketKind::Consultation);
    /// let mut f = TicketFlow::new(t, "other", Urgency::Normal, "customer_service", "小张");
    /// let err = f.apply(Action::Resume, "小张", chrono::DateTime::UNIX_EPOCH).unwrap_err();
    /// assert_eq!((err.code(), err.is_state()), ("invalid_transition", true));
    /// ```
    pub fn apply(
        &mut self,
        action: Action,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<TicketState, TicketError> {
        self.apply_as(action, actor, None, at)
    }

    /// Applies an action by `actor`, acting in `role` (recorded in the event), at `at`
    /// and returns the new state. On error nothing changes.
    ///
    /// # Errors
    /// In this order: [`TicketError::OutOfRange`] (`at`) for an instant outside the
    /// years 1–9999 (UTC); [`TicketError::EventOutOfOrder`] (`at`) if `at` is before the
    /// last event; [`TicketError::InvalidTransition`] if the action is not allowed in
    /// the current state; [`TicketError::NotPermitted`] if the flow's [`AccessPolicy`]
    /// refuses it: `role` for a role not allowed to do the action (or none given),
    /// `actor` for someone other than the owner under first-contact ownership, or for
    /// the handler (owner or last resolver) recording the return visit.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t0 = chrono::DateTime::UNIX_EPOCH;
    /// let t = Ticket::new("T4", "1-101", Channel::App, t0, "业主", "漏水", TicketKind::RepairRequest);
    /// let policy = AccessPolicy::default().allow("assign", ["dispatcher"])?;
    /// let mut f = TicketFlow::with_policy(t, "repair.plumbing", Urgency::Normal, "engineering", "小张", policy);
    /// let err = f.apply(Action::Assign { to: "李工".into() }, "小张", t0).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("not_permitted", "role"));
    /// f.apply_as(Action::Assign { to: "李工".into() }, "小张", Some("dispatcher"), t0)?;
    /// assert_eq!(f.events()[1].role.as_deref(), Some("dispatcher"));
    /// f.apply(Action::Resolve { note: "修好".into() }, "李工", t0)?;
    /// // The default rule: the handler may not record the return visit.
    /// let err = f.apply(Action::ReturnVisit { satisfied: true, note: String::new() }, "李工", t0).unwrap_err();
    /// assert_eq!(err.to_string(), "actor: 李工 may not return_visit ticket T4: the handler of a ticket may not record its return visit");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn apply_as(
        &mut self,
        action: Action,
        actor: &str,
        role: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<TicketState, TicketError> {
        in_range("at", at)?;
        if let Some(last) = self.events.last()
            && at < last.at
        {
            return Err(TicketError::EventOutOfOrder {
                path: "at".to_owned(),
                ticket: self.ticket.id.clone(),
                at,
                last: last.at,
            });
        }
        if let Action::ReturnVisitReached { rating, .. } = &action
            && !(1..=5).contains(rating)
        {
            return Err(TicketError::InvalidOption {
                name: "rating".to_owned(),
                reason: format!("a rating is 1 to 5, got {rating}"),
            });
        }
        let from = self.state;
        let to = self.check(&action, actor, role)?;
        match &action {
            Action::Assign { to } => self.owner = to.clone(),
            Action::Escalate { to, .. } => {
                self.owner = to.clone();
                self.escalations = self.escalations.saturating_add(1);
            }
            Action::ReturnVisit { satisfied, .. } => {
                self.satisfied = Some(*satisfied);
                if !satisfied {
                    self.reopened = self.reopened.saturating_add(1);
                }
            }
            Action::ReturnVisitReached { rating, .. } => {
                let satisfied = *rating >= SATISFIED_RATING;
                self.satisfied = Some(satisfied);
                if !satisfied {
                    self.reopened = self.reopened.saturating_add(1);
                }
            }
            _ => {}
        }
        self.state = to;
        self.events.push(Event {
            at,
            actor: actor.to_owned(),
            role: role.map(str::to_owned),
            action,
            from_state: from,
            to_state: to,
        });
        self.version = self.version.saturating_add(1);
        Ok(to)
    }

    /// The state `action` leads to from the current one, if the lifecycle allows it:
    /// the one table of transitions [`TicketFlow::apply_as`] and
    /// [`TicketFlow::allowed_actions`] both read.
    fn transition(&self, action: &Action) -> Option<TicketState> {
        use TicketState as S;
        Some(match (action, self.state) {
            (Action::Assign { .. }, S::Received | S::Assigned | S::InProgress | S::Paused) => {
                S::Assigned
            }
            (Action::Start, S::Assigned) => S::InProgress,
            (Action::Pause { .. }, S::InProgress) => S::Paused,
            (Action::Resume, S::Paused) => S::InProgress,
            (Action::Resolve { .. }, S::Received | S::Assigned | S::InProgress) => S::Resolved,
            (
                Action::ReturnVisit {
                    satisfied: true, ..
                },
                S::Resolved,
            ) => S::ReturnVisited,
            (
                Action::ReturnVisit {
                    satisfied: false, ..
                },
                S::Resolved,
            ) => S::Assigned,
            (Action::ReturnVisitReached { rating, .. }, S::Resolved) => {
                if *rating >= SATISFIED_RATING {
                    S::ReturnVisited
                } else {
                    S::Assigned
                }
            }
            (Action::ReturnVisitUnreachable { .. }, S::Resolved) => S::Resolved,
            (Action::Close, S::Resolved | S::ReturnVisited) => S::Closed,
            (Action::Escalate { .. }, S::Received | S::Assigned | S::InProgress | S::Paused) => {
                S::Assigned
            }
            _ => return None,
        })
    }

    /// Whether `actor` in `role` may do `action` now (the lifecycle, the access policy,
    /// the return visit before closing), and the state it leads to: every check of
    /// [`TicketFlow::apply_as`] but the instant and the rating's range.
    fn check(
        &self,
        action: &Action,
        actor: &str,
        role: Option<&str>,
    ) -> Result<TicketState, TicketError> {
        let to = self
            .transition(action)
            .ok_or_else(|| TicketError::InvalidTransition {
                ticket: self.ticket.id.clone(),
                state: self.state,
                action: action.name(),
            })?;
        self.permit(action, actor, role)?;
        if *action == Action::Close && self.state == TicketState::Resolved {
            self.check_visit_before_close()?;
        }
        Ok(to)
    }

    /// The actions `actor`, acting in `role`, may apply now (to enable an app's
    /// buttons), in [`ActionKind`] order: exactly those for which
    /// [`TicketFlow::apply_as`] with the same actor and role, a valid rating and an
    /// instant not before the last event succeeds, since both run the same checks
    /// (lifecycle, [`AccessPolicy`], the return visit a close needs). Never
    /// [`ActionKind::Receive`]; [`ActionKind::ReturnVisit`] is the legacy return visit,
    /// allowed where the rated ones are.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t0 = chrono::DateTime::UNIX_EPOCH;
    /// let t = Ticket::new("T6", "1-101", Channel::App, t0, "业主", "漏水", TicketKind::RepairRequest);
    /// let mut f = TicketFlow::new(t, "repair.plumbing", Urgency::Normal, "engineering", "小张");
    /// use ActionKind as K;
    /// assert_eq!(f.allowed_actions("小张", None), [K::Assign, K::Resolve, K::Escalate]);
    /// f.apply(Action::Resolve { note: "答复".into() }, "小张", t0)?;
    /// // The handler may not record the return visit; a colleague may, then close.
    /// assert_eq!(f.allowed_actions("小张", None), []);
    /// assert_eq!(f.allowed_actions("客服小刘", None),
    ///     [K::ReturnVisit, K::ReturnVisitReached, K::ReturnVisitUnreachable]);
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn allowed_actions(&self, actor: &str, role: Option<&str>) -> Vec<ActionKind> {
        ActionKind::ALL
            .iter()
            .filter(|&&kind| {
                Self::sample(kind).is_some_and(|a| self.check(&a, actor, role).is_ok())
            })
            .copied()
            .collect()
    }

    /// An action of `kind` whose data the checks of [`TicketFlow::check`] do not read
    /// (none for [`ActionKind::Receive`], which is never applied).
    fn sample(kind: ActionKind) -> Option<Action> {
        use ActionKind as K;
        Some(match kind {
            K::Receive => return None,
            K::Assign => Action::Assign { to: String::new() },
            K::Start => Action::Start,
            K::Pause => Action::Pause {
                reason: String::new(),
            },
            K::Resume => Action::Resume,
            K::Resolve => Action::Resolve {
                note: String::new(),
            },
            K::ReturnVisit => Action::ReturnVisit {
                satisfied: true,
                note: String::new(),
            },
            K::ReturnVisitReached => Action::ReturnVisitReached {
                mode: VisitMode::Phone,
                rating: SATISFIED_RATING,
                comment: String::new(),
            },
            K::ReturnVisitUnreachable => Action::ReturnVisitUnreachable {
                mode: VisitMode::Phone,
                note: String::new(),
            },
            K::Close => Action::Close,
            K::Escalate => Action::Escalate {
                to: String::new(),
                reason: String::new(),
            },
        })
    }

    /// How many mutations the flow has had: each applied action and each
    /// [`TicketFlow::promise_reply`] adds one; a refused one adds none. Stored in the
    /// document (`"version"`, left out while 0; documents written before it read as
    /// 0) and restored exactly, so of several saves of one flow the one with the
    /// highest version is the latest. [`TicketFlow::saved`] gives it with the JSON.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t0 = chrono::DateTime::UNIX_EPOCH;
    /// let t = Ticket::new("T7", "1-101", Channel::App, t0, "业主", "漏水", TicketKind::RepairRequest);
    /// let mut f = TicketFlow::new(t, "repair.plumbing", Urgency::Normal, "engineering", "小张");
    /// assert_eq!(f.version(), 0);
    /// f.apply(Action::Assign { to: "李工".into() }, "小张", t0)?;
    /// assert!(f.apply(Action::Resume, "李工", t0).is_err());
    /// assert_eq!(f.version(), 1);
    /// assert_eq!(TicketFlow::from_json(&f.to_json())?.version(), 1);
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Applies `action` as [`TicketFlow::apply_as`] does and returns the new document
    /// with its version, read while nothing else can change the flow: "act then save"
    /// in one step, so saves from several threads can be ordered by version. On error
    /// nothing changes (the version neither).
    ///
    /// # Errors
    /// Those of [`TicketFlow::apply_as`].
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t0 = chrono::DateTime::UNIX_EPOCH;
    /// let t = Ticket::new("T9", "1-101", Channel::App, t0, "业主", "漏水", TicketKind::RepairRequest);
    /// let mut f = TicketFlow::new(t, "repair.plumbing", Urgency::Normal, "engineering", "小张");
    /// let saved = f.perform(Action::Assign { to: "李工".into() }, "小张", None, t0)?;
    /// assert_eq!((saved.version, saved.json == f.to_json()), (1, true));
    /// assert!(f.perform(Action::Resume, "李工", None, t0).is_err());
    /// assert_eq!(f.version(), 1);
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn perform(
        &mut self,
        action: Action,
        actor: &str,
        role: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<crate::Saved, TicketError> {
        self.apply_as(action, actor, role, at)?;
        Ok(self.saved())
    }

    /// The document and its [`TicketFlow::version`], read together.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T8", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let f = TicketFlow::new(t, "other", Urgency::Normal, "cs", "小张");
    /// let s = f.saved();
    /// assert_eq!((s.version, s.json), (0, f.to_json()));
    /// ```
    pub fn saved(&self) -> crate::Saved {
        crate::Saved {
            version: self.version,
            json: self.to_json(),
        }
    }

    /// Whether the policy lets `actor` in `role` do `action` now.
    fn permit(&self, action: &Action, actor: &str, role: Option<&str>) -> Result<(), TicketError> {
        let name = action.governed_name();
        let refuse = |path: &str, reason: String| TicketError::NotPermitted {
            path: path.to_owned(),
            ticket: self.ticket.id.clone(),
            action: name,
            actor: actor.to_owned(),
            reason,
        };
        let p = &self.policy;
        if !p.allows_role(name, role) {
            let allowed = p
                .roles(name)
                .map(|r| r.iter().map(String::as_str).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            return Err(refuse(
                "role",
                match role {
                    Some(r) => format!("role {r:?} may not {name}; allowed: {allowed}"),
                    None => format!("no role given; {name} is allowed to: {allowed}"),
                },
            ));
        }
        let owner_only = matches!(
            action,
            Action::Assign { .. }
                | Action::Escalate { .. }
                | Action::Start
                | Action::Pause { .. }
                | Action::Resume
                | Action::Resolve { .. }
        );
        if p.first_contact_ownership() && owner_only && actor != self.owner {
            return Err(refuse(
                "actor",
                format!(
                    "first-contact ownership: only the owner {:?} may {name} it",
                    self.owner
                ),
            ));
        }
        if action.is_return_visit()
            && !p.handler_may_record_return_visit()
            && (actor == self.owner || Some(actor) == self.last_resolver())
        {
            return Err(refuse(
                "actor",
                "the handler of a ticket may not record its return visit".to_owned(),
            ));
        }
        Ok(())
    }

    /// Who resolved the ticket last, if anyone.
    fn last_resolver(&self) -> Option<&str> {
        self.events
            .iter()
            .rev()
            .find(|e| matches!(e.action, Action::Resolve { .. }))
            .map(|e| e.actor.as_str())
    }

    /// The ticket.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let f = TicketFlow::new(t, "other", Urgency::Normal, "customer_service", "小张");
    /// assert_eq!(f.ticket().id, "T3");
    /// ```
    pub fn ticket(&self) -> &Ticket {
        &self.ticket
    }
    /// The category code.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Normal, "customer_service", "a").category(), "noise");
    /// ```
    pub fn category(&self) -> &str {
        &self.category
    }
    /// The urgency.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").urgency(), Urgency::Urgent);
    /// ```
    pub fn urgency(&self) -> Urgency {
        self.urgency
    }
    /// The department routed to.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").department(), "cs");
    /// ```
    pub fn department(&self) -> &str {
        &self.department
    }
    /// The current state.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").state(), TicketState::Received);
    /// ```
    pub fn state(&self) -> TicketState {
        self.state
    }
    /// Who received the ticket.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "小张").receiver(), "小张");
    /// ```
    pub fn receiver(&self) -> &str {
        &self.receiver
    }
    /// Who owns the ticket now: the receiver until it is assigned or escalated.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "小张").owner(), "小张");
    /// ```
    pub fn owner(&self) -> &str {
        &self.owner
    }
    /// How many times the ticket was escalated.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").escalations(), 0);
    /// ```
    pub fn escalations(&self) -> u32 {
        self.escalations
    }
    /// How many times an unsatisfied return visit reopened the ticket.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").reopened(), 0);
    /// ```
    pub fn reopened(&self) -> u32 {
        self.reopened
    }
    /// The outcome of the last return visit, if any.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").satisfied(), None);
    /// ```
    pub fn satisfied(&self) -> Option<bool> {
        self.satisfied
    }
    /// The event log, oldest first.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").events().len(), 1);
    /// ```
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// When handling first began (first start or resolve), if it has.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").responded_at(), None);
    /// ```
    pub fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.events
            .iter()
            .find(|e| matches!(e.action, Action::Start | Action::Resolve { .. }))
            .map(|e| e.at)
    }

    /// When the ticket was (last) resolved, if it is resolved now.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").resolved_at(), None);
    /// ```
    pub fn resolved_at(&self) -> Option<DateTime<Utc>> {
        if !matches!(
            self.state,
            TicketState::Resolved | TicketState::ReturnVisited | TicketState::Closed
        ) {
            return None;
        }
        self.events
            .iter()
            .rev()
            .find(|e| matches!(e.action, Action::Resolve { .. }))
            .map(|e| e.at)
    }

    /// Pause intervals (start, end; `None` while still paused).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").pauses().is_empty());
    /// ```
    pub fn pauses(&self) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
        let mut out: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::new();
        for e in &self.events {
            match e.action {
                Action::Pause { .. } => out.push((e.at, None)),
                Action::Assign { .. } | Action::Resume | Action::Escalate { .. } => {
                    if let Some(last) = out.last_mut()
                        && last.1.is_none()
                    {
                        last.1 = Some(e.at);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The SLA status as of `as_of`.
    ///
    /// # Errors
    /// [`TicketError::NoBusinessTime`] when a deadline would fall after the
    /// [`calendar_horizon`](crate::tickets::calendar_horizon).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let f = TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a");
    /// let s = f.sla(&SlaPolicy::default(), chrono::DateTime::UNIX_EPOCH)?;
    /// assert_eq!(s.response_remaining_seconds, 7200);
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn sla(&self, policy: &SlaPolicy, as_of: DateTime<Utc>) -> Result<SlaStatus, TicketError> {
        policy.status(
            self.ticket.received_at,
            self.urgency,
            &self.category,
            self.responded_at(),
            self.resolved_at(),
            &self.pauses(),
            self.promised_reply_at,
            as_of,
        )
    }

    /// This flow with a reply promised to the owner by `at` (承诺回复时间), set when
    /// the ticket is received: see [`TicketFlow::promise_reply`].
    ///
    /// # Errors
    /// [`TicketError::InvalidOption`] (`promised_reply_at`) for a time before the receipt.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t0: chrono::DateTime<chrono::Utc> = "2026-11-06T08:30:00Z".parse().unwrap();
    /// let t = Ticket::new("T5", "1-101", Channel::Hotline, t0, "业主", "门禁坏了", TicketKind::RepairRequest);
    /// let f = TicketFlow::new(t, "repair.facility", Urgency::Normal, "engineering", "小张")
    ///     .with_promised_reply_at("2026-11-06T09:00:00Z".parse().unwrap())?;
    /// assert_eq!(f.sla(&SlaPolicy::default(), t0)?.response_due.to_rfc3339(), "2026-11-06T09:00:00+00:00");
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn with_promised_reply_at(mut self, at: DateTime<Utc>) -> Result<Self, TicketError> {
        self.set_promised_reply_at(at)?;
        Ok(self)
    }

    /// Promises the owner a reply by `at` (承诺回复时间), replacing any earlier promise:
    /// it becomes the ticket's response due ([`SlaPolicy::status`]), even when later
    /// than the policy's (the owner agreed to it). Stored in the document (not an event
    /// of the log); documents without it have none.
    ///
    /// Returns the new document with its version, as [`TicketFlow::perform`] does for
    /// the actions ("promise then save" in one step).
    ///
    /// # Errors
    /// [`TicketError::InvalidOption`] (`promised_reply_at`) for a time before the
    /// receipt, [`TicketError::OutOfRange`] for one outside the years 1–9999; nothing
    /// changes.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let mut f = TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a");
    /// let err = f.promise_reply("1969-12-31T23:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("invalid_option", "promised_reply_at"));
    /// let saved = f.promise_reply("1970-01-01T04:00:00Z".parse().unwrap())?;
    /// assert_eq!(f.promised_reply_at().map(|t| t.to_rfc3339()).as_deref(), Some("1970-01-01T04:00:00+00:00"));
    /// assert_eq!((saved.version, saved.json == f.to_json()), (1, true));
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn promise_reply(&mut self, at: DateTime<Utc>) -> Result<crate::Saved, TicketError> {
        self.set_promised_reply_at(at)?;
        self.version = self.version.saturating_add(1);
        Ok(self.saved())
    }

    /// [`TicketFlow::promise_reply`] without counting a mutation (construction).
    fn set_promised_reply_at(&mut self, at: DateTime<Utc>) -> Result<(), TicketError> {
        in_range("promised_reply_at", at)?;
        if at < self.ticket.received_at {
            return Err(TicketError::InvalidOption {
                name: "promised_reply_at".to_owned(),
                reason: format!("{at} is before the receipt at {}", self.ticket.received_at),
            });
        }
        self.promised_reply_at = Some(at);
        Ok(())
    }

    /// The reply time promised to the owner, if any.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert_eq!(TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a").promised_reply_at(), None);
    /// ```
    pub fn promised_reply_at(&self) -> Option<DateTime<Utc>> {
        self.promised_reply_at
    }

    /// The flow as JSON (ticket, triage, state, owner and event log).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let f = TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a");
    /// assert_eq!(TicketFlow::from_json(&f.to_json())?, f);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a ticket flow serializes: string keys, no floats")
    }

    /// Reads a flow written by [`TicketFlow::to_json`], checked against the default
    /// [`AccessPolicy`]: [`TicketFlow::from_json_with_policy`].
    ///
    /// # Errors
    /// See [`TicketFlow::from_json_with_policy`].
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::TicketFlow::from_json("{}").unwrap_err().path(), "ticket");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        Self::from_json_with_policy(text, &AccessPolicy::default())
    }

    /// Reads a flow written by [`TicketFlow::to_json`] and checks that it keeps every
    /// invariant the operations keep: its event log is replayed through the same
    /// operations, under `policy`, and the state, owner, counters and satisfaction it
    /// leads to must be those the document states. The loaded flow is the replayed one
    /// (checked against `policy` from then on). A document without `events` (history
    /// not stored) gets the shortest history its fields imply (every rebuilt event dated
    /// at `received_at`, by the owner, return visits and closing by an unnamed actor
    /// `""`), checked the same way. Events without `from_state`/`to_state` get them
    /// from the replay.
    ///
    /// # Errors
    /// The first contradiction, naming its field:
    /// - [`TicketError::InvalidDocument`]: malformed JSON, a wrong type, a missing or
    ///   unknown field;
    /// - [`TicketError::InconsistentDocument`]: no events (`events`); a first event that
    ///   is not the receipt by `receiver` at `ticket.received_at` (`events[0].action`,
    ///   `events[0].actor`, `events[0].at`); an event the state does not allow
    ///   (`events[i].action`); recorded states other than the replayed ones
    ///   (`events[i].from_state`, `events[i].to_state`); `state`, `owner`,
    ///   `escalations`, `reopened` or `satisfied` other than the history gives;
    /// - [`TicketError::EventOutOfOrder`] (`events[i].at`): an event dated before the
    ///   previous one;
    /// - [`TicketError::NotPermitted`] (`events[i].role`, `events[i].actor`): an event
    ///   `policy` refuses.
    ///
    /// ```
    /// use estatekit::tickets::{AccessPolicy, TicketFlow};
    /// // A ticket "closed" and "satisfied" with nothing but its receipt in its history.
    /// let doc = r#"{"ticket": {"id": "T1", "unit": "1-101", "channel": "app", "received_at": "2026-11-06T09:00:00Z",
    ///   "reporter": "王女士", "text": "停电了", "kind": "repair_request"}, "category": "repair.electrical",
    ///   "urgency": "urgent", "department": "engineering", "state": "closed", "receiver": "前台", "owner": "前台",
    ///   "escalations": 0, "reopened": 0, "satisfied": true, "events": [{"at": "2026-11-06T09:00:00Z",
    ///   "actor": "前台", "action": "receive", "from_state": "received", "to_state": "received"}]}"#;
    /// let err = TicketFlow::from_json(doc).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("inconsistent_document", "state"));
    /// assert_eq!(err.to_string(), "state: the document says closed; its event log leads to received");
    /// ```
    pub fn from_json_with_policy(text: &str, policy: &AccessPolicy) -> Result<Self, TicketError> {
        crate::json::within_limit(text).map_err(|(size, limit)| TicketError::DocumentTooLarge {
            path: "$".to_owned(),
            size,
            limit,
        })?;
        let doc: FlowDoc = crate::json::parse(text).map_err(|f| TicketError::InvalidDocument {
            path: f.path,
            message: f.message,
        })?;
        Self::from_doc(doc, policy)
    }

    /// Replays a parsed document (see [`TicketFlow::from_json_with_policy`]).
    fn from_doc(doc: FlowDoc, policy: &AccessPolicy) -> Result<Self, TicketError> {
        in_range("ticket.received_at", doc.ticket.received_at)?;
        let rebuilt = doc.events.is_none();
        let events = match doc.events {
            Some(events) => events,
            None => rebuild_events(&doc)?,
        };
        let Some(first) = events.first() else {
            return Err(inconsistent(
                "events",
                "the event log is empty; it starts with the receipt of the ticket",
            ));
        };
        if first.action != Action::Receive {
            return Err(inconsistent(
                "events[0].action",
                format!("the first event is {}, not receive", first.action.name()),
            ));
        }
        if first.actor != doc.receiver {
            return Err(inconsistent(
                "events[0].actor",
                format!(
                    "the ticket was received by {:?}, but receiver is {:?}",
                    first.actor, doc.receiver
                ),
            ));
        }
        if first.at != doc.ticket.received_at {
            return Err(inconsistent(
                "events[0].at",
                format!(
                    "the receipt is dated {}, but ticket.received_at is {}",
                    first.at, doc.ticket.received_at
                ),
            ));
        }
        let mut flow = Self::new(
            doc.ticket,
            doc.category,
            doc.urgency,
            doc.department,
            doc.receiver,
        );
        flow.events[0].role = first.role.clone();
        flow.policy = policy.clone();
        flow.return_visit_policy = doc.return_visit_policy;
        flow.utc_offset_minutes =
            check_offset(doc.utc_offset_minutes).map_err(|e| TicketError::InvalidDocument {
                path: "utc_offset_minutes".to_owned(),
                message: e.to_string(),
            })?;
        if let Some(p) = doc.promised_reply_at {
            flow.set_promised_reply_at(p).map_err(|e| match e {
                TicketError::InvalidOption { reason, .. } => TicketError::InvalidDocument {
                    path: "promised_reply_at".to_owned(),
                    message: reason,
                },
                other => other,
            })?;
        }
        let note = if rebuilt {
            " (in the history rebuilt from a document without events)"
        } else {
            ""
        };
        for (i, e) in events.into_iter().enumerate() {
            if i > 0 {
                if e.action == Action::Receive {
                    return Err(inconsistent(
                        format!("events[{i}].action"),
                        "a ticket is received once, by its first event",
                    ));
                }
                flow.apply_as(e.action, &e.actor, e.role.as_deref(), e.at)
                    .map_err(|err| match err {
                        TicketError::InvalidTransition { state, action, .. } => inconsistent(
                            format!("events[{i}].action"),
                            format!("cannot {action} a ticket that is {state}{note}"),
                        ),
                        other => at_event(other, i),
                    })?;
            }
            let done = &flow.events[i];
            for (field, given, replayed) in [
                ("from_state", e.from_state, done.from_state),
                ("to_state", e.to_state, done.to_state),
            ] {
                if let Some(given) = given
                    && given != replayed
                {
                    return Err(inconsistent(
                        format!("events[{i}].{field}"),
                        format!("the document says {given}; the replay gives {replayed}"),
                    ));
                }
            }
        }
        let says = |field: &str, doc: String, replay: String| -> Result<(), TicketError> {
            if doc == replay {
                Ok(())
            } else {
                Err(inconsistent(
                    field,
                    format!("the document says {doc}; its event log leads to {replay}{note}"),
                ))
            }
        };
        says("state", doc.state.to_string(), flow.state.to_string())?;
        says(
            "owner",
            format!("{:?}", doc.owner),
            format!("{:?}", flow.owner),
        )?;
        says(
            "escalations",
            doc.escalations.to_string(),
            flow.escalations.to_string(),
        )?;
        says(
            "reopened",
            doc.reopened.to_string(),
            flow.reopened.to_string(),
        )?;
        let sat = |s: Option<bool>| s.map_or("null".to_owned(), |b| b.to_string());
        says("satisfied", sat(doc.satisfied), sat(flow.satisfied))?;
        // The replay counted its own mutations; the document's count is restored as
        // written (absent: 0), so a saved version is the one the app compares.
        flow.version = doc.version;
        Ok(flow)
    }
}

/// An error of event `i` of a replayed history, with the path naming that event.
/// [`TicketError::OutOfRange`] at `path` for an instant outside the years 1–9999
/// (UTC), the range checklists and the fee code accept.
fn in_range(path: &str, at: DateTime<Utc>) -> Result<(), TicketError> {
    if crate::diagnostic::in_supported_years(&at) {
        Ok(())
    } else {
        Err(TicketError::OutOfRange {
            path: path.to_owned(),
            value: at.to_string(),
        })
    }
}

fn at_event(err: TicketError, i: usize) -> TicketError {
    match err {
        TicketError::OutOfRange { path, value } => TicketError::OutOfRange {
            path: format!("events[{i}].{path}"),
            value,
        },
        TicketError::EventOutOfOrder {
            path,
            ticket,
            at,
            last,
        } => TicketError::EventOutOfOrder {
            path: format!("events[{i}].{path}"),
            ticket,
            at,
            last,
        },
        TicketError::NotPermitted {
            path,
            ticket,
            action,
            actor,
            reason,
        } => TicketError::NotPermitted {
            path: format!("events[{i}].{path}"),
            ticket,
            action,
            actor,
            reason,
        },
        TicketError::InvalidTransition { state, action, .. } => inconsistent(
            format!("events[{i}].action"),
            format!("cannot {action} a ticket that is {state}"),
        ),
        TicketError::InvalidOption { name, reason } => TicketError::InvalidDocument {
            path: format!("events[{i}].{name}"),
            message: reason,
        },
        e @ TicketError::ReturnVisitRequired { .. } => {
            inconsistent(format!("events[{i}].action"), e.to_string())
        }
        other => other,
    }
}

/// The shortest history the fields of a document without events imply: the receipt;
/// the escalations (or an assignment to an owner other than the receiver); each
/// reopening as a resolution and an unsatisfied return visit; then the way to the
/// stated state. Every event is dated at the receipt; the owner acts, return visits
/// and closing are by an unnamed actor (`""`). Replaying it checks the fields.
fn rebuild_events(doc: &FlowDoc) -> Result<Vec<EventDoc>, TicketError> {
    use TicketState as S;
    let claimed = u64::from(doc.escalations) + u64::from(doc.reopened);
    if claimed > MAX_REBUILT_EVENTS {
        return Err(inconsistent(
            if doc.escalations > doc.reopened {
                "escalations"
            } else {
                "reopened"
            },
            format!(
                "a document without events may claim at most {MAX_REBUILT_EVENTS} escalations and reopenings, got {claimed}"
            ),
        ));
    }
    let at = doc.ticket.received_at;
    let ev = |actor: &str, action: Action| EventDoc {
        at,
        actor: actor.to_owned(),
        role: None,
        action,
        from_state: None,
        to_state: None,
    };
    let owner = doc.owner.as_str();
    let mut out = vec![ev(&doc.receiver, Action::Receive)];
    let mut state = S::Received;
    for i in 0..doc.escalations {
        let by = if i == 0 { doc.receiver.as_str() } else { owner };
        out.push(ev(
            by,
            Action::Escalate {
                to: owner.to_owned(),
                reason: String::new(),
            },
        ));
        state = S::Assigned;
    }
    if doc.escalations == 0 && owner != doc.receiver {
        out.push(ev(
            &doc.receiver,
            Action::Assign {
                to: owner.to_owned(),
            },
        ));
        state = S::Assigned;
    }
    for _ in 0..doc.reopened {
        out.push(ev(
            owner,
            Action::Resolve {
                note: String::new(),
            },
        ));
        out.push(ev(
            "",
            Action::ReturnVisit {
                satisfied: false,
                note: String::new(),
            },
        ));
        state = S::Assigned;
    }
    let assign = |out: &mut Vec<EventDoc>, state: TicketState| {
        if state == S::Received {
            out.push(ev(
                owner,
                Action::Assign {
                    to: owner.to_owned(),
                },
            ));
        }
    };
    match doc.state {
        S::Received => {}
        S::Assigned => assign(&mut out, state),
        S::InProgress | S::Paused => {
            assign(&mut out, state);
            out.push(ev(owner, Action::Start));
            if doc.state == S::Paused {
                out.push(ev(
                    owner,
                    Action::Pause {
                        reason: String::new(),
                    },
                ));
            }
        }
        S::Resolved | S::ReturnVisited | S::Closed => {
            out.push(ev(
                owner,
                Action::Resolve {
                    note: String::new(),
                },
            ));
            if doc.state == S::ReturnVisited || doc.satisfied == Some(true) {
                out.push(ev(
                    "",
                    Action::ReturnVisit {
                        satisfied: true,
                        note: String::new(),
                    },
                ));
            }
            if doc.state == S::Closed {
                // A ticket that must be visited and closed without a satisfied visit:
                // the attempts that let it close.
                if doc.satisfied != Some(true)
                    && let Some(p) = &doc.return_visit_policy
                    && p.requires(&doc.ticket)
                {
                    for _ in 0..p.max_unreachable_attempts() {
                        out.push(ev(
                            "",
                            Action::ReturnVisitUnreachable {
                                mode: VisitMode::Phone,
                                note: String::new(),
                            },
                        ));
                    }
                }
                out.push(ev("", Action::Close));
            }
        }
    }
    Ok(out)
}

/// What a flow's history says about its return visits as of a time (for statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VisitFacts {
    /// Resolved at least once.
    pub(crate) resolved: bool,
    /// The outcome of the last visit that reached the owner (legacy ones included).
    pub(crate) reached: Option<bool>,
    /// Unreachable attempts since the last resolution.
    pub(crate) unreachable: u32,
}

/// Return visits: the policy, the close rule, the deadline.
impl TicketFlow {
    /// This flow handled under `policy` (which tickets must be return-visited, after
    /// how many unreachable attempts they may close, by when), stored in its document.
    /// Set it when the flow starts (like the UTC offset); [`TicketFlow::new`] stores
    /// [`ReturnVisitPolicy::default`]. The history so far is replayed under it.
    ///
    /// # Errors
    /// [`TicketError::InconsistentDocument`] (`events[i].action`) if the history so far
    /// breaks the policy (e.g. closed without the visit it now requires).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t = Ticket::new("T5", "1-101", Channel::Hotline, chrono::DateTime::UNIX_EPOCH, "王", "太吵", TicketKind::Complaint);
    /// let lenient = ReturnVisitPolicy::new([TicketKind::RepairRequest], [Channel::Patrol], 3, 3, 0.95, 0.8)?;
    /// let mut f = TicketFlow::new(t, "noise", Urgency::Normal, "cs", "小张").with_return_visit_policy(lenient.clone())?;
    /// assert_eq!(f.return_visit_policy(), Some(&lenient));
    /// f.apply(Action::Resolve { note: "已劝导".into() }, "小张", chrono::DateTime::UNIX_EPOCH)?;
    /// assert_eq!(f.apply(Action::Close, "主管", chrono::DateTime::UNIX_EPOCH)?, TicketState::Closed);
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn with_return_visit_policy(
        mut self,
        policy: ReturnVisitPolicy,
    ) -> Result<Self, TicketError> {
        self.return_visit_policy = Some(policy);
        let access = self.policy.clone();
        self.set_policy(access)?;
        Ok(self)
    }

    /// The return-visit policy the flow is handled under; `None` for a document
    /// written before return-visit policies (no visit required).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let f = TicketFlow::new(t, "other", Urgency::Normal, "cs", "小张");
    /// assert_eq!(f.return_visit_policy(), Some(&ReturnVisitPolicy::default()));
    /// ```
    pub fn return_visit_policy(&self) -> Option<&ReturnVisitPolicy> {
        self.return_visit_policy.as_ref()
    }

    /// Whether the ticket must be return-visited before it closes (its policy
    /// [`requires`](ReturnVisitPolicy::requires) it).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t = Ticket::new("T6", "", Channel::Patrol, chrono::DateTime::UNIX_EPOCH, "巡查员", "路灯不亮", TicketKind::RepairRequest);
    /// assert!(!TicketFlow::new(t, "repair.electrical", Urgency::Normal, "engineering", "巡查员").return_visit_required());
    /// ```
    pub fn return_visit_required(&self) -> bool {
        self.return_visit_policy
            .as_ref()
            .is_some_and(|p| p.requires(&self.ticket))
    }

    /// The rating of the last return visit that reached the owner, if any (`None` also
    /// for a legacy visit, which has none).
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t0 = chrono::DateTime::UNIX_EPOCH;
    /// let t = Ticket::new("T7", "1-101", Channel::Hotline, t0, "王", "漏水", TicketKind::RepairRequest);
    /// let mut f = TicketFlow::new(t, "repair.plumbing", Urgency::Normal, "engineering", "小张");
    /// f.apply(Action::Resolve { note: "修好".into() }, "李工", t0)?;
    /// f.apply(Action::ReturnVisitReached { mode: VisitMode::Phone, rating: 5, comment: "很好".into() }, "回访员", t0)?;
    /// assert_eq!((f.rating(), f.satisfied(), f.state()), (Some(5), Some(true), TicketState::ReturnVisited));
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn rating(&self) -> Option<u8> {
        self.events.iter().rev().find_map(|e| match e.action {
            Action::ReturnVisitReached { rating, .. } => Some(Some(rating)),
            Action::ReturnVisit { .. } => Some(None),
            _ => None,
        })?
    }

    /// Unreachable return-visit attempts since the last resolution.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t0 = chrono::DateTime::UNIX_EPOCH;
    /// let t = Ticket::new("T8", "1-101", Channel::Hotline, t0, "王", "太吵", TicketKind::Complaint);
    /// let mut f = TicketFlow::new(t, "noise", Urgency::Normal, "cs", "小张");
    /// f.apply(Action::Resolve { note: "已劝导".into() }, "小张", t0)?;
    /// let miss = || Action::ReturnVisitUnreachable { mode: VisitMode::Phone, note: "无人接听".into() };
    /// f.apply(miss(), "回访员", t0)?;
    /// f.apply(miss(), "回访员", t0)?;
    /// assert_eq!(f.unreachable_attempts(), 2);
    /// let err = f.apply(Action::Close, "回访员", t0).unwrap_err();
    /// assert_eq!((err.code(), err.is_state()), ("return_visit_required", true));
    /// f.apply(miss(), "回访员", t0)?;
    /// assert_eq!(f.apply(Action::Close, "回访员", t0)?, TicketState::Closed);
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn unreachable_attempts(&self) -> u32 {
        let n = self
            .events
            .iter()
            .rev()
            .take_while(|e| !matches!(e.action, Action::Resolve { .. }))
            .filter(|e| matches!(e.action, Action::ReturnVisitUnreachable { .. }))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The estate's local date by which the return visit is due: the local date of
    /// the (last) resolution plus the policy's `deadline_days`. `None` when no visit is
    /// required or the ticket is not resolved.
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// let t0: chrono::DateTime<chrono::Utc> = "2026-11-02T01:00:00Z".parse().unwrap();
    /// let t = Ticket::new("T9", "1-101", Channel::Hotline, t0, "王", "漏水", TicketKind::RepairRequest);
    /// let mut f = TicketFlow::new(t, "repair.plumbing", Urgency::Normal, "engineering", "小张").with_utc_offset_minutes(480)?;
    /// assert_eq!(f.return_visit_due(), None);
    /// // Resolved 2026-11-02 23:30 Beijing time: due by the end of 11-05, Beijing time.
    /// f.apply(Action::Resolve { note: "修好".into() }, "李工", "2026-11-02T15:30:00Z".parse().unwrap())?;
    /// assert_eq!(f.return_visit_due().map(|d| d.to_string()).as_deref(), Some("2026-11-05"));
    /// assert!(!f.return_visit_overdue("2026-11-05T15:59:59Z".parse().unwrap()));
    /// assert!(f.return_visit_overdue("2026-11-05T16:00:00Z".parse().unwrap()));
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn return_visit_due(&self) -> Option<chrono::NaiveDate> {
        let policy = self.return_visit_policy.as_ref()?;
        if !policy.requires(&self.ticket) {
            return None;
        }
        let resolved = self.local_date(self.resolved_at()?);
        Some(
            resolved
                .checked_add_days(chrono::Days::new(u64::from(policy.deadline_days())))
                .unwrap_or(resolved),
        )
    }

    /// Whether the required return visit is overdue as of `as_of`: the ticket is
    /// resolved, not yet visited (nor closed), has fewer unreachable attempts than the
    /// policy's maximum, and `as_of` is on a local date after
    /// [`TicketFlow::return_visit_due`].
    ///
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// assert!(!TicketFlow::new(t, "other", Urgency::Normal, "cs", "小张").return_visit_overdue(chrono::DateTime::UNIX_EPOCH));
    /// ```
    pub fn return_visit_overdue(&self, as_of: DateTime<Utc>) -> bool {
        let (Some(due), Some(policy)) = (self.return_visit_due(), &self.return_visit_policy) else {
            return false;
        };
        self.state == TicketState::Resolved
            && self.unreachable_attempts() < policy.max_unreachable_attempts()
            && self.local_date(as_of) > due
    }

    /// [`TicketError::ReturnVisitRequired`] if closing now (from resolved, so without a
    /// satisfied visit since the last resolution) breaks the policy.
    fn check_visit_before_close(&self) -> Result<(), TicketError> {
        let Some(policy) = &self.return_visit_policy else {
            return Ok(());
        };
        let attempts = self.unreachable_attempts();
        if !policy.requires(&self.ticket) || attempts >= policy.max_unreachable_attempts() {
            return Ok(());
        }
        Err(TicketError::ReturnVisitRequired {
            ticket: self.ticket.id.clone(),
            kind: self.ticket.kind,
            attempts,
            max: policy.max_unreachable_attempts(),
        })
    }

    /// The history's return visits up to `as_of` (events after it are ignored).
    pub(crate) fn visit_facts(&self, as_of: DateTime<Utc>) -> VisitFacts {
        let mut f = VisitFacts {
            resolved: false,
            reached: None,
            unreachable: 0,
        };
        for e in self.events.iter().take_while(|e| e.at <= as_of) {
            match &e.action {
                Action::Resolve { .. } => {
                    f.resolved = true;
                    f.unreachable = 0;
                }
                Action::ReturnVisit { satisfied, .. } => f.reached = Some(*satisfied),
                Action::ReturnVisitReached { rating, .. } => {
                    f.reached = Some(*rating >= SATISFIED_RATING);
                }
                Action::ReturnVisitUnreachable { .. } => {
                    f.unreachable = f.unreachable.saturating_add(1)
                }
                _ => {}
            }
        }
        f
    }
}
