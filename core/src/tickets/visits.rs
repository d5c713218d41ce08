//! Return visits (回访): how they are made, which tickets must have one, by when, and
//! what counts as satisfied.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Channel, Ticket, TicketError, TicketKind, ticket_enum};

ticket_enum! {
    /// How a return visit was made (回访方式).
    ///
    /// ```
    /// use estatekit::tickets::VisitMode;
    /// assert_eq!(VisitMode::Phone.as_str(), "phone");
    /// assert_eq!("app".parse::<VisitMode>()?, VisitMode::App);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    VisitMode {
        /// A phone call (电话回访).
        Phone => "phone",
        /// In person, at the unit (上门回访).
        Visit => "visit",
        /// Through the butler app (App 回访).
        App => "app",
    }
}

/// The lowest rating (of 1..=5) that counts as satisfied: the top two, 4 and 5.
///
/// ```
/// assert_eq!(estatekit::tickets::SATISFIED_RATING, 4);
/// ```
pub const SATISFIED_RATING: u8 = 4;

/// The most days a return visit may be given after the resolution.
const MAX_DEADLINE_DAYS: u32 = 366;

/// Which tickets must be return-visited, how, by when, and the satisfaction target
/// statistics judge the visits against. One policy per estate: it is stored in each
/// [`TicketFlow`](super::TicketFlow) when the flow starts
/// ([`TicketFlow::with_return_visit_policy`](super::TicketFlow::with_return_visit_policy);
/// [`TicketFlow::new`](super::TicketFlow::new) stores the default), so a flow document
/// is checked against the rules it was handled under; flow documents written before
/// return-visit policies have none and require no visit, as then.
///
/// - `required_kinds` (default `complaint`, `repair_request`): the kinds that must be
///   visited before closing;
/// - `exempt_channels` (default `patrol`): tickets from these channels need no visit
///   (nobody to call back for what a patrol found);
/// - `max_unreachable_attempts` (default 3, at least 1): after this many unreachable
///   attempts since the last resolution the ticket may close without a rating;
/// - `deadline_days` (default 3, at most 366): the visit is due by the end of the
///   estate's local day this many days after the local date of the resolution;
/// - `satisfaction_target` (default 0.95) and `min_coverage` (default 0.8), both
///   within 0..=1: statistics meet the target when the satisfied share of reached
///   visits is at least `satisfaction_target` **and** reached visits cover at least
///   `min_coverage` of the resolved tickets that must be visited (see
///   [`TicketStatistics`](super::TicketStatistics)).
///
/// JSON (every field optional, defaults as above):
///
/// ```json
/// {"required_kinds": ["complaint", "repair_request"], "exempt_channels": ["patrol"],
///  "max_unreachable_attempts": 3, "deadline_days": 3, "satisfaction_target": 0.95,
///  "min_coverage": 0.8}
/// ```
///
/// ```
/// use estatekit::tickets::*;
/// let p = ReturnVisitPolicy::default();
/// let t = |kind, channel| Ticket::new("T1", "1-101", channel, chrono::DateTime::UNIX_EPOCH, "王", "x", kind);
/// assert!(p.requires(&t(TicketKind::Complaint, Channel::Hotline)));
/// assert!(p.requires(&t(TicketKind::RepairRequest, Channel::App)));
/// assert!(!p.requires(&t(TicketKind::Complaint, Channel::Patrol)));
/// assert!(!p.requires(&t(TicketKind::ServiceRequest, Channel::Hotline)));
/// assert_eq!(ReturnVisitPolicy::from_json(r#"{"max_unreachable_attempts": 2}"#)?.max_unreachable_attempts(), 2);
/// # Ok::<(), TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnVisitPolicy {
    required_kinds: BTreeSet<TicketKind>,
    exempt_channels: BTreeSet<Channel>,
    max_unreachable_attempts: u32,
    deadline_days: u32,
    satisfaction_target: f64,
    min_coverage: f64,
}

/// The two shares are finite (checked by [`ReturnVisitPolicy::new`]), so equality is
/// an equivalence.
impl Eq for ReturnVisitPolicy {}

impl Default for ReturnVisitPolicy {
    /// Complaints and repair requests, patrols exempt, 3 unreachable attempts, 3 days,
    /// 95 % satisfied with 80 % coverage.
    fn default() -> Self {
        Self {
            required_kinds: [TicketKind::Complaint, TicketKind::RepairRequest].into(),
            exempt_channels: [Channel::Patrol].into(),
            max_unreachable_attempts: 3,
            deadline_days: 3,
            satisfaction_target: super::SATISFACTION_TARGET,
            min_coverage: 0.8,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyData {
    #[serde(default)]
    required_kinds: Option<Vec<TicketKind>>,
    #[serde(default)]
    exempt_channels: Option<Vec<Channel>>,
    #[serde(default)]
    max_unreachable_attempts: Option<u32>,
    #[serde(default)]
    deadline_days: Option<u32>,
    #[serde(default)]
    satisfaction_target: Option<f64>,
    #[serde(default)]
    min_coverage: Option<f64>,
}

impl PolicyData {
    fn build(self) -> Result<ReturnVisitPolicy, TicketError> {
        let d = ReturnVisitPolicy::default();
        ReturnVisitPolicy::new(
            self.required_kinds
                .unwrap_or_else(|| d.required_kinds.into_iter().collect()),
            self.exempt_channels
                .unwrap_or_else(|| d.exempt_channels.into_iter().collect()),
            self.max_unreachable_attempts
                .unwrap_or(d.max_unreachable_attempts),
            self.deadline_days.unwrap_or(d.deadline_days),
            self.satisfaction_target.unwrap_or(d.satisfaction_target),
            self.min_coverage.unwrap_or(d.min_coverage),
        )
    }
}

impl<'de> Deserialize<'de> for ReturnVisitPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PolicyData::deserialize(d)?
            .build()
            .map_err(serde::de::Error::custom)
    }
}

fn share(path: &str, v: f64) -> Result<f64, TicketError> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(TicketError::policy(
            "out_of_range",
            path,
            format!("must be a share within 0..=1, got {v}"),
        ))
    }
}

impl ReturnVisitPolicy {
    /// A policy (see the fields above; duplicates in the lists are ignored).
    ///
    /// # Errors
    /// [`TicketError::InvalidPolicy`] naming the field: `max_unreachable_attempts` of 0,
    /// `deadline_days` over 366, `satisfaction_target` or `min_coverage` outside 0..=1
    /// (or not a number).
    ///
    /// ```
    /// use estatekit::tickets::*;
    /// let p = ReturnVisitPolicy::new([TicketKind::Complaint], [], 2, 1, 0.9, 0.5)?;
    /// assert_eq!((p.max_unreachable_attempts(), p.deadline_days(), p.satisfaction_target()), (2, 1, 0.9));
    /// let err = ReturnVisitPolicy::new([], [], 0, 3, 0.95, 0.8).unwrap_err();
    /// assert_eq!(err.to_string(), "max_unreachable_attempts: must be at least 1, got 0");
    /// assert_eq!(ReturnVisitPolicy::new([], [], 3, 3, 1.5, 0.8).unwrap_err().path(), "satisfaction_target");
    /// # Ok::<(), TicketError>(())
    /// ```
    pub fn new(
        required_kinds: impl IntoIterator<Item = TicketKind>,
        exempt_channels: impl IntoIterator<Item = Channel>,
        max_unreachable_attempts: u32,
        deadline_days: u32,
        satisfaction_target: f64,
        min_coverage: f64,
    ) -> Result<Self, TicketError> {
        if max_unreachable_attempts == 0 {
            return Err(TicketError::policy(
                "out_of_range",
                "max_unreachable_attempts",
                format!("must be at least 1, got {max_unreachable_attempts}"),
            ));
        }
        if deadline_days > MAX_DEADLINE_DAYS {
            return Err(TicketError::policy(
                "out_of_range",
                "deadline_days",
                format!("must be at most {MAX_DEADLINE_DAYS}, got {deadline_days}"),
            ));
        }
        Ok(Self {
            required_kinds: required_kinds.into_iter().collect(),
            exempt_channels: exempt_channels.into_iter().collect(),
            max_unreachable_attempts,
            deadline_days,
            satisfaction_target: share("satisfaction_target", satisfaction_target)?,
            min_coverage: share("min_coverage", min_coverage)?,
        })
    }

    /// Reads a policy (see the JSON shape above).
    ///
    /// # Errors
    /// [`TicketError::InvalidPolicy`] naming the field: malformed JSON, an unknown
    /// field, an unknown kind or channel, or a value [`ReturnVisitPolicy::new`] refuses.
    ///
    /// ```
    /// use estatekit::tickets::ReturnVisitPolicy;
    /// assert_eq!(ReturnVisitPolicy::from_json("{}")?, ReturnVisitPolicy::default());
    /// let err = ReturnVisitPolicy::from_json(r#"{"required_kinds": ["rumour"]}"#).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("json", "required_kinds[0]"));
    /// assert_eq!(ReturnVisitPolicy::from_json(r#"{"deadline_days": 400}"#).unwrap_err().path(), "deadline_days");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        let data: PolicyData =
            crate::json::parse(text).map_err(|f| TicketError::policy("json", f.path, f.message))?;
        data.build()
    }

    /// The policy as JSON (compact; every field; read back by
    /// [`ReturnVisitPolicy::from_json`]).
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::ReturnVisitPolicy::default().to_json(),
    ///            r#"{"required_kinds":["complaint","repair_request"],"exempt_channels":["patrol"],"max_unreachable_attempts":3,"deadline_days":3,"satisfaction_target":0.95,"min_coverage":0.8}"#);
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .expect("a policy of enums, integers and finite shares serialises")
    }

    /// Whether `ticket` must be return-visited: its kind is required and its channel
    /// not exempt.
    ///
    /// ```
    /// use estatekit::tickets::*;
    /// let t = Ticket::new("T1", "", Channel::App, chrono::DateTime::UNIX_EPOCH, "王", "谢谢", TicketKind::Praise);
    /// assert!(!ReturnVisitPolicy::default().requires(&t));
    /// ```
    pub fn requires(&self, ticket: &Ticket) -> bool {
        self.required_kinds.contains(&ticket.kind)
            && !self.exempt_channels.contains(&ticket.channel)
    }

    /// The kinds that must be visited, in declaration order.
    ///
    /// ```
    /// use estatekit::tickets::{ReturnVisitPolicy, TicketKind};
    /// assert_eq!(ReturnVisitPolicy::default().required_kinds(), [TicketKind::Complaint, TicketKind::RepairRequest]);
    /// ```
    pub fn required_kinds(&self) -> Vec<TicketKind> {
        self.required_kinds.iter().copied().collect()
    }

    /// The channels whose tickets need no visit, in declaration order.
    ///
    /// ```
    /// use estatekit::tickets::{Channel, ReturnVisitPolicy};
    /// assert_eq!(ReturnVisitPolicy::default().exempt_channels(), [Channel::Patrol]);
    /// ```
    pub fn exempt_channels(&self) -> Vec<Channel> {
        self.exempt_channels.iter().copied().collect()
    }

    /// Unreachable attempts after which a ticket may close without a rating.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::ReturnVisitPolicy::default().max_unreachable_attempts(), 3);
    /// ```
    pub fn max_unreachable_attempts(&self) -> u32 {
        self.max_unreachable_attempts
    }

    /// Days after the (local) resolution date by whose end the visit is due.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::ReturnVisitPolicy::default().deadline_days(), 3);
    /// ```
    pub fn deadline_days(&self) -> u32 {
        self.deadline_days
    }

    /// The share of satisfied reached visits to reach.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::ReturnVisitPolicy::default().satisfaction_target(), 0.95);
    /// ```
    pub fn satisfaction_target(&self) -> f64 {
        self.satisfaction_target
    }

    /// The least share of must-visit resolved tickets reached for the target to count.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::ReturnVisitPolicy::default().min_coverage(), 0.8);
    /// ```
    pub fn min_coverage(&self) -> f64 {
        self.min_coverage
    }
}
