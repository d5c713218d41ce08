//! The ticket lifecycle with its event log, escalation and first-contact ownership.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{SlaPolicy, SlaStatus, Ticket, TicketError, Urgency, ticket_enum};

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
    /// The return visit (回访): satisfied, or not (which reopens the ticket).
    ReturnVisit {
        /// Whether the owner is satisfied.
        satisfied: bool,
        /// What the owner said.
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
        match self {
            Self::Receive => "receive",
            Self::Assign { .. } => "assign",
            Self::Start => "start",
            Self::Pause { .. } => "pause",
            Self::Resume => "resume",
            Self::Resolve { .. } => "resolve",
            Self::ReturnVisit { .. } => "return_visit",
            Self::Close => "close",
            Self::Escalate { .. } => "escalate",
        }
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    events: Vec<Event>,
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
            events,
        }
    }

    /// Applies an action by `actor` at `at` and returns the new state.
    ///
    /// # Errors
    /// [`TicketError::InvalidTransition`] if the action is not allowed in the current
    /// state; [`TicketError::EventOutOfOrder`] if `at` is before the last event.
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
        use TicketState as S;
        if let Some(last) = self.events.last()
            && at < last.at
        {
            return Err(TicketError::EventOutOfOrder {
                ticket: self.ticket.id.clone(),
                at,
                last: last.at,
            });
        }
        let from = self.state;
        let to = match (&action, from) {
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
            (Action::Close, S::Resolved | S::ReturnVisited) => S::Closed,
            (Action::Escalate { .. }, S::Received | S::Assigned | S::InProgress | S::Paused) => {
                S::Assigned
            }
            _ => {
                return Err(TicketError::InvalidTransition {
                    ticket: self.ticket.id.clone(),
                    state: from,
                    action: action.name(),
                });
            }
        };
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
            _ => {}
        }
        self.state = to;
        self.events.push(Event {
            at,
            actor: actor.to_owned(),
            action,
            from_state: from,
            to_state: to,
        });
        Ok(to)
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
    /// ```
    /// # use estatekit::tickets::*;
    /// # let t = Ticket::new("T3", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "业主", "x", TicketKind::Praise);
    /// let f = TicketFlow::new(t, "noise", Urgency::Urgent, "cs", "a");
    /// let s = f.sla(&SlaPolicy::default(), chrono::DateTime::UNIX_EPOCH);
    /// assert_eq!(s.response_remaining_seconds, 7200);
    /// ```
    pub fn sla(&self, policy: &SlaPolicy, as_of: DateTime<Utc>) -> SlaStatus {
        policy.status(
            self.ticket.received_at,
            self.urgency,
            &self.category,
            self.responded_at(),
            self.resolved_at(),
            &self.pauses(),
            as_of,
        )
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
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a flow written by [`TicketFlow::to_json`].
    ///
    /// # Errors
    /// [`TicketError::InvalidDocument`] naming the bad field.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::TicketFlow::from_json("{}").unwrap_err().path(), "ticket");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        crate::json::parse(text).map_err(|f| TicketError::InvalidDocument {
            path: f.path,
            message: f.message,
        })
    }
}
