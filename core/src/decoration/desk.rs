//! The renovations of an estate: operations, JSON, deadlines and statistics.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::policy::parse_document;
use super::renovation::{Derived, UnpaidFee};
use super::{
    Action, Applicant, Consent, Contractor, DecorationError, DecorationPolicy, Event, FeeBasis,
    FeeLine, OverdueKind, Renovation, Role, ScopeRule, Settlement, State, Violation,
    ViolationInput, ViolationStatus, WorkCheck, WorkVerdict,
};
use crate::estate::{Estate, StatusUpdate, UnitStatus};
use crate::fees::receivables::{ChargeRow, Receivables};
use crate::money::RoundingPolicy;
use crate::registry::{ConsentBasis, Registry};

/// The `format_version` of a [`Decorations`] document this library writes and reads.
///
/// ```
/// assert_eq!(estatekit::decoration::DECORATIONS_FORMAT_VERSION, 1);
/// ```
pub const DECORATIONS_FORMAT_VERSION: u32 = 1;

/// An application (装修申请).
///
/// ```
/// use estatekit::decoration::Submission;
/// let s = Submission::new("R-1", "1-201", "P-ZHANG", &["flooring"], "2026-11-09".parse()?, "2026-12-31".parse()?);
/// assert!(s.contractor.is_none() && s.documents.is_empty());
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The renovation's id (unique in the estate; submitting it again is a retry).
    pub id: String,
    /// The unit.
    pub unit_id: String,
    /// The applicant's person id in the occupant registry.
    pub applicant_id: String,
    /// The contractor, if one does the works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contractor: Option<Contractor>,
    /// Scope items' codes.
    pub scope: Vec<String>,
    /// Planned first day of works.
    pub planned_start: NaiveDate,
    /// Planned last day of works.
    pub planned_end: NaiveDate,
    /// Documents provided (codes of the policy's documents).
    #[serde(default)]
    pub documents: Vec<String>,
}

impl Submission {
    /// An application without contractor or documents (add them to the fields).
    ///
    /// ```
    /// let s = estatekit::decoration::Submission::new("R-1", "1-201", "P-ZHANG", &["flooring"],
    ///     "2026-11-09".parse()?, "2026-12-31".parse()?);
    /// assert_eq!(s.scope, ["flooring"]);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn new(
        id: &str,
        unit_id: &str,
        applicant_id: &str,
        scope: &[&str],
        planned_start: NaiveDate,
        planned_end: NaiveDate,
    ) -> Self {
        Self {
            id: id.into(),
            unit_id: unit_id.into(),
            applicant_id: applicant_id.into(),
            contractor: None,
            scope: scope.iter().map(|s| (*s).to_owned()).collect(),
            planned_start,
            planned_end,
            documents: Vec::new(),
        }
    }
}

/// A passed deadline (see [`Decorations::overdue`]).
///
/// ```
/// # let (d, _) = estatekit::decoration::Decorations::example()?;
/// assert!(d.overdue("2026-11-20T02:00:00Z".parse()?).is_empty());
/// let late = d.overdue("2027-01-05T02:00:00Z".parse()?);
/// assert_eq!((late[0].kind.as_str(), late[0].due.to_string(), late[0].days_over), ("duration", "2026-12-31".into(), 5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    /// The renovation.
    pub renovation_id: String,
    /// Its unit.
    pub unit_id: String,
    /// Which deadline.
    pub kind: OverdueKind,
    /// The violation, for a rectification.
    pub violation_id: Option<String>,
    /// The local date it was due.
    pub due: NaiveDate,
    /// Local days past it (0 on the day after a deadline that fell within the day).
    pub days_over: i64,
}

/// Renovations in one state.
///
/// ```
/// # let (d, _) = estatekit::decoration::Decorations::example()?;
/// let s = d.statistics("2026-11-20T02:00:00Z".parse()?);
/// assert_eq!((s.by_state[3].state.as_str(), s.by_state[3].count), ("in_progress", 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StateCount {
    /// The state.
    pub state: State,
    /// How many renovations are in it.
    pub count: usize,
}

/// Decoration statistics (see [`Decorations::statistics`]).
///
/// ```
/// # let (d, _) = estatekit::decoration::Decorations::example()?;
/// let s = d.statistics("2026-11-20T02:00:00Z".parse()?);
/// assert_eq!((s.total, s.deposits_held.to_string()), (1, "2000.00".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecorationStats {
    /// Renovations.
    pub total: usize,
    /// Per state, every state in order.
    pub by_state: Vec<StateCount>,
    /// Median time from submission to approval or rejection, in hours (2 decimals);
    /// none before a review.
    pub median_review_hours: Option<Decimal>,
    /// Renovations whose works started.
    pub started: usize,
    /// Site checks recorded.
    pub site_checks: usize,
    /// Violations recorded.
    pub violations: usize,
    /// Violations per 100 started renovations (2 decimals); none before a start.
    pub violations_per_100: Option<Decimal>,
    /// Renovations extended at least once.
    pub extended: usize,
    /// Works going on (or suspended) past their permitted end.
    pub overrunning: usize,
    /// Deposits received and not yet settled: how many.
    pub deposits_held_count: usize,
    /// Their sum.
    pub deposits_held: Decimal,
    /// Refunds settled and not yet paid: their sum.
    pub refunds_payable: Decimal,
    /// Refunds past their deadline.
    pub refunds_overdue: usize,
}

/// The renovations of an estate (装修管理台账), with the estate's policy and money
/// scale. See the [module](super) docs.
///
/// ```
/// # let (d, id) = estatekit::decoration::Decorations::example()?;
/// let back = estatekit::decoration::Decorations::from_json(&d.to_json())?;
/// assert_eq!(back, d);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decorations {
    estate_id: String,
    rounding: RoundingPolicy,
    policy: DecorationPolicy,
    renovations: Vec<Renovation>,
    index: HashMap<String, usize>,
    /// Each unit's renovations, in order (for [`Decorations::open_for`]: a unit's few,
    /// not the whole register).
    by_unit: HashMap<String, Vec<usize>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecorationsData {
    format_version: u32,
    estate_id: String,
    rounding: RoundingPolicy,
    policy: DecorationPolicy,
    renovations: Vec<RenovationData>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RenovationData {
    id: String,
    unit_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contractor: Option<Contractor>,
    scope: Vec<String>,
    documents: Vec<String>,
    planned_start: NaiveDate,
    planned_end: NaiveDate,
    state: State,
    events: Vec<Event>,
}

fn days(d: NaiveDate, n: u32) -> Result<NaiveDate, DecorationError> {
    d.checked_add_signed(Duration::days(i64::from(n)))
        .ok_or_else(|| DecorationError::value("out_of_range", "at", "a deadline past 9999"))
}

impl Decorations {
    /// An empty register for `estate` under `policy` (validated; money amounts at the
    /// estate's scale).
    ///
    /// # Errors
    /// The policy's [`DecorationPolicy::validate`] errors; `too_many_decimals` for a
    /// deposit, pass replacement or fixed amount finer than the estate's scale (path
    /// `policy.deposit`, …).
    ///
    /// ```
    /// use estatekit::{decoration::{Decorations, DecorationPolicy}, estate::Estate};
    /// let d = Decorations::new(&Estate::demo(), DecorationPolicy::default_policy())?;
    /// assert!(d.renovations().is_empty());
    /// # Ok::<(), estatekit::decoration::DecorationError>(())
    /// ```
    pub fn new(estate: &Estate, policy: DecorationPolicy) -> Result<Self, DecorationError> {
        Self::with_rounding(estate.id(), *estate.rounding(), policy)
    }

    fn with_rounding(
        estate_id: &str,
        rounding: RoundingPolicy,
        policy: DecorationPolicy,
    ) -> Result<Self, DecorationError> {
        policy.validate().map_err(|e| e.under("policy"))?;
        let scale = rounding.scale();
        let mut amounts = vec![
            ("policy.deposit".to_owned(), policy.deposit),
            (
                "policy.pass_replacement".to_owned(),
                policy.pass_replacement,
            ),
        ];
        for (i, f) in policy.fees.iter().enumerate() {
            match &f.basis {
                FeeBasis::Fixed(a) => amounts.push((format!("policy.fees[{i}].basis.fixed"), *a)),
                FeeBasis::PerPass(a) => {
                    amounts.push((format!("policy.fees[{i}].basis.per_pass"), *a));
                }
                FeeBasis::PerM2(_) => {}
            }
        }
        for (path, a) in amounts {
            if a.normalize().scale() > scale {
                return Err(DecorationError::value(
                    "too_many_decimals",
                    path,
                    format!("{a} has more decimals than the estate's {scale}"),
                ));
            }
        }
        Ok(Self {
            estate_id: estate_id.to_owned(),
            rounding,
            policy,
            renovations: Vec::new(),
            index: HashMap::new(),
            by_unit: HashMap::new(),
        })
    }

    /// Reads a register and replays every renovation's log through the operations;
    /// the recorded states must be what the logs give.
    ///
    /// # Errors
    /// [`DecorationError::Json`], [`DecorationError::DocumentTooLarge`],
    /// [`DecorationError::UnsupportedFormatVersion`]; an event the operations refuse,
    /// with its path (`renovations[0].events[3].at`, …; one its renovation's state
    /// refuses is [`DecorationError::InconsistentDocument`], a document being input);
    /// [`DecorationError::InconsistentDocument`] for a recorded state the log does not
    /// give, or two open renovations of a unit.
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// let forged = d.to_json().replace("\"state\": \"in_progress\"", "\"state\": \"accepted\"");
    /// let err = estatekit::decoration::Decorations::from_json(&forged).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("inconsistent_document", "renovations[0].state"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, DecorationError> {
        let data: DecorationsData = parse_document(text)?;
        if data.format_version != DECORATIONS_FORMAT_VERSION {
            return Err(DecorationError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: data.format_version,
                supported: DECORATIONS_FORMAT_VERSION,
            });
        }
        let mut out = Self::with_rounding(&data.estate_id, data.rounding, data.policy)?;
        for (i, r) in data.renovations.into_iter().enumerate() {
            let at = format!("renovations[{i}]");
            if out.index.contains_key(&r.id) {
                return Err(DecorationError::DuplicateId {
                    path: format!("{at}.id"),
                    id: r.id,
                });
            }
            let mut ren = Renovation {
                id: r.id,
                unit_id: r.unit_id,
                contractor: r.contractor,
                scope: r.scope,
                documents: r.documents,
                planned_start: r.planned_start,
                planned_end: r.planned_end,
                state: State::Submitted,
                events: Vec::new(),
                derived: Derived::default(),
            };
            if r.events.is_empty() {
                return Err(DecorationError::value(
                    "missing_value",
                    format!("{at}.events"),
                    "a renovation's log starts with its submission",
                ));
            }
            for (j, ev) in r.events.into_iter().enumerate() {
                // A document is input: an event the renovation's state refuses makes
                // the document inconsistent (bad input), naming the event.
                ren.apply(&out.policy, &out.rounding, ev).map_err(|e| {
                    let e = e.under(&format!("{at}.events[{j}]"));
                    if e.is_state() {
                        DecorationError::InconsistentDocument {
                            path: e.path().to_owned(),
                            reason: e.to_string(),
                        }
                    } else {
                        e
                    }
                })?;
            }
            if ren.state != r.state {
                return Err(DecorationError::InconsistentDocument {
                    path: format!("{at}.state"),
                    reason: format!("recorded {}, the log gives {}", r.state, ren.state),
                });
            }
            if ren.state.is_open() {
                if let Some(other) = out.open_for(&ren.unit_id) {
                    return Err(DecorationError::InconsistentDocument {
                        path: format!("{at}.unit_id"),
                        reason: format!(
                            "unit {:?} has another open renovation {:?}",
                            ren.unit_id, other.id
                        ),
                    });
                }
            }
            out.index.insert(ren.id.clone(), out.renovations.len());
            out.by_unit
                .entry(ren.unit_id.clone())
                .or_default()
                .push(out.renovations.len());
            out.renovations.push(ren);
        }
        Ok(out)
    }

    /// The register as pretty JSON: the policy, the money scale and each renovation's
    /// application, state and log.
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// assert!(d.to_json().contains("\"deposit_received\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        let data = DecorationsData {
            format_version: DECORATIONS_FORMAT_VERSION,
            estate_id: self.estate_id.clone(),
            rounding: self.rounding,
            policy: self.policy.clone(),
            renovations: self
                .renovations
                .iter()
                .map(|r| RenovationData {
                    id: r.id.clone(),
                    unit_id: r.unit_id.clone(),
                    contractor: r.contractor.clone(),
                    scope: r.scope.clone(),
                    documents: r.documents.clone(),
                    planned_start: r.planned_start,
                    planned_end: r.planned_end,
                    state: r.state,
                    events: r.events.clone(),
                })
                .collect(),
        };
        serde_json::to_string_pretty(&data).expect("a register serializes")
    }

    /// The estate's id.
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.estate_id(), "lakeside");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn estate_id(&self) -> &str {
        &self.estate_id
    }

    /// The policy.
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.policy().max_duration_days, 90);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy(&self) -> &DecorationPolicy {
        &self.policy
    }

    /// Every renovation, in the order submitted.
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovations().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn renovations(&self) -> &[Renovation] {
        &self.renovations
    }

    /// The renovation of this id.
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// assert!(d.renovation("R-2026-001").is_some() && d.renovation("R-X").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn renovation(&self, id: &str) -> Option<&Renovation> {
        self.index.get(id).map(|&i| &self.renovations[i])
    }

    /// The unit's open renovation, if any.
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.open_for("1-201").unwrap().id(), "R-2026-001");
    /// assert!(d.open_for("1-101").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_for(&self, unit_id: &str) -> Option<&Renovation> {
        self.by_unit
            .get(unit_id)?
            .iter()
            .map(|&i| &self.renovations[i])
            .find(|r| r.state.is_open())
    }

    fn find(&self, id: &str) -> Result<usize, DecorationError> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| DecorationError::UnknownRenovation {
                path: "renovation_id".into(),
                id: id.to_owned(),
            })
    }

    fn act(
        &mut self,
        id: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
        action: Action,
    ) -> Result<&Renovation, DecorationError> {
        let i = self.find(id)?;
        let ev = Event {
            at,
            actor: actor.to_owned(),
            role,
            action,
        };
        self.renovations[i].apply(&self.policy, &self.rounding, ev)?;
        Ok(&self.renovations[i])
    }

    /// Submits an application. The applicant must be able to consent for the unit on
    /// the local date of `at` ([`Registry::may_consent`]); the scope must hold no
    /// prohibited item; the documents must include those of every application, of each
    /// scope item, of a contractor and of a tenant applicant; works planned from today
    /// on, for at most the policy's maximum duration; one open renovation per unit.
    /// Submitting the same application again (same id, same content) returns the
    /// recorded one and changes nothing.
    ///
    /// # Errors
    /// Naming the field: [`DecorationError::UnknownUnit`] (`unit_id`),
    /// [`DecorationError::OpenRenovation`], [`DecorationError::ConsentRefused`] (a state
    /// error) or [`DecorationError::Consent`] (`applicant_id`, with the registry's code), [`DecorationError::UnknownCode`] (`scope[i]`,
    /// `documents[i]`), [`DecorationError::ProhibitedScope`] (`scope[i]`),
    /// [`DecorationError::MissingDocument`] (`documents`),
    /// [`DecorationError::DuplicateId`] (`id`, `scope[i]`, `contractor.workers[i].pass_no`),
    /// [`DecorationError::InvalidField`] (`planned_start` in the past, `planned_end`
    /// before the start or beyond the maximum duration, empty names).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, estate, registry) = Decorations::example_setup()?;
    /// let mut s = Submission::new("R-9", "1-201", "P-ZHANG", &["flooring", "load_bearing_wall"],
    ///     "2026-11-09".parse()?, "2026-12-31".parse()?);
    /// s.documents = vec!["ownership_proof".into(), "applicant_id".into(), "decoration_plan".into()];
    /// let at = "2026-11-02T02:00:00Z".parse()?;
    /// let err = d.submit(&estate, &registry, s.clone(), "小陈", Role::CustomerService, at).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("prohibited_scope", "scope[1]"));
    /// s.scope = vec!["gas_change".into()];
    /// let err = d.submit(&estate, &registry, s, "小陈", Role::CustomerService, at).unwrap_err();
    /// assert_eq!(err.to_string(), "documents: document \"gas_approval\" (燃气管理单位批准文件) is required by scope item \"gas_change\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submit(
        &mut self,
        estate: &Estate,
        registry: &Registry,
        s: Submission,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        if s.id.trim().is_empty() {
            return Err(DecorationError::value(
                "empty_field",
                "id",
                "must not be empty",
            ));
        }
        if let Some(&i) = self.index.get(&s.id) {
            let r = &self.renovations[i];
            let same = r.unit_id == s.unit_id
                && r.applicant().person_id == s.applicant_id
                && r.contractor == s.contractor
                && r.scope == s.scope
                && r.documents == s.documents
                && (r.planned_start, r.planned_end) == (s.planned_start, s.planned_end);
            if same {
                return Ok(&self.renovations[i]);
            }
            return Err(DecorationError::DuplicateId {
                path: "id".into(),
                id: s.id,
            });
        }
        if estate.unit(&s.unit_id).is_none() {
            return Err(DecorationError::UnknownUnit {
                path: "unit_id".into(),
                unit_id: s.unit_id,
            });
        }
        if let Some(open) = self.open_for(&s.unit_id) {
            return Err(DecorationError::OpenRenovation {
                path: "unit_id".into(),
                unit_id: s.unit_id.clone(),
                open: open.id.clone(),
            });
        }
        let today = self.policy.local(at).date();
        let basis = registry
            .may_consent(&s.unit_id, &s.applicant_id, today)
            .map_err(|e| {
                let (path, code, message) = ("applicant_id".into(), e.code(), e.to_string());
                if e.is_state() {
                    DecorationError::ConsentRefused {
                        path,
                        code,
                        message,
                    }
                } else {
                    DecorationError::Consent {
                        path,
                        code,
                        message,
                    }
                }
            })?;
        let applicant = match basis {
            ConsentBasis::Owner => Applicant {
                person_id: s.applicant_id.clone(),
                consent: Consent::Owner,
                consent_ref: None,
            },
            ConsentBasis::CoOwner => Applicant {
                person_id: s.applicant_id.clone(),
                consent: Consent::CoOwner,
                consent_ref: None,
            },
            ConsentBasis::Tenant { consent_ref } => Applicant {
                person_id: s.applicant_id.clone(),
                consent: Consent::Tenant,
                consent_ref: Some(consent_ref),
            },
        };
        self.check_application(&s, &applicant, today)?;
        let ren = Renovation {
            id: s.id.clone(),
            unit_id: s.unit_id,
            contractor: s.contractor,
            scope: s.scope,
            documents: s.documents,
            planned_start: s.planned_start,
            planned_end: s.planned_end,
            state: State::Submitted,
            events: Vec::new(),
            derived: Derived::default(),
        };
        self.renovations.push(ren);
        let i = self.renovations.len() - 1;
        let ev = Event {
            at,
            actor: actor.to_owned(),
            role,
            action: Action::Submit { applicant },
        };
        if let Err(e) = self.renovations[i].apply(&self.policy, &self.rounding, ev) {
            self.renovations.pop();
            return Err(e);
        }
        self.index.insert(s.id, i);
        let unit = self.renovations[i].unit_id.clone();
        self.by_unit.entry(unit).or_default().push(i);
        Ok(&self.renovations[i])
    }

    fn check_application(
        &self,
        s: &Submission,
        applicant: &Applicant,
        today: NaiveDate,
    ) -> Result<(), DecorationError> {
        let p = &self.policy;
        if s.scope.is_empty() {
            return Err(DecorationError::value(
                "empty_field",
                "scope",
                "name at least one item of work",
            ));
        }
        let mut seen = BTreeSet::new();
        let mut required: Vec<(String, String)> = p
            .always_required
            .iter()
            .map(|d| (d.clone(), "every application".to_owned()))
            .collect();
        for (i, code) in s.scope.iter().enumerate() {
            let path = format!("scope[{i}]");
            let item = p
                .scope_item(code)
                .ok_or_else(|| DecorationError::UnknownCode {
                    path: path.clone(),
                    what: "scope item",
                    code: code.clone(),
                })?;
            if !seen.insert(code.as_str()) {
                return Err(DecorationError::DuplicateId {
                    path,
                    id: code.clone(),
                });
            }
            if item.rule == ScopeRule::Prohibited {
                return Err(DecorationError::ProhibitedScope {
                    path,
                    item: code.clone(),
                    name: item.name_zh.clone(),
                });
            }
            required.extend(
                item.documents
                    .iter()
                    .map(|d| (d.clone(), format!("scope item {code:?}"))),
            );
        }
        if let Some(c) = &s.contractor {
            if c.name.trim().is_empty() {
                return Err(DecorationError::value(
                    "empty_field",
                    "contractor.name",
                    "must not be empty",
                ));
            }
            if c.foreman.trim().is_empty() {
                return Err(DecorationError::value(
                    "empty_field",
                    "contractor.foreman",
                    "must not be empty",
                ));
            }
            let mut passes = BTreeSet::new();
            for (i, w) in c.workers.iter().enumerate() {
                let path = format!("contractor.workers[{i}].pass_no");
                if w.pass_no.trim().is_empty() || w.name.trim().is_empty() {
                    return Err(DecorationError::value(
                        "empty_field",
                        path,
                        "a worker has a name and a pass number",
                    ));
                }
                if !passes.insert(w.pass_no.as_str()) {
                    return Err(DecorationError::DuplicateId {
                        path,
                        id: w.pass_no.clone(),
                    });
                }
            }
            required.extend(
                p.contractor_requires
                    .iter()
                    .map(|d| (d.clone(), "the contractor".to_owned())),
            );
        }
        if applicant.consent == Consent::Tenant {
            required.extend(
                p.tenant_requires
                    .iter()
                    .map(|d| (d.clone(), "a tenant applicant".to_owned())),
            );
        }
        for (i, d) in s.documents.iter().enumerate() {
            if p.document(d).is_none() {
                return Err(DecorationError::UnknownCode {
                    path: format!("documents[{i}]"),
                    what: "document",
                    code: d.clone(),
                });
            }
        }
        for (doc, by) in required {
            if !s.documents.contains(&doc) {
                let name = p
                    .document(&doc)
                    .map(|d| d.name_zh.clone())
                    .expect("the policy's required documents are defined (validated)");
                return Err(DecorationError::MissingDocument {
                    path: "documents".into(),
                    document: doc,
                    name,
                    required_by: by,
                });
            }
        }
        if s.planned_start < today {
            return Err(DecorationError::value(
                "out_of_range",
                "planned_start",
                format!("{} is before today {today}", s.planned_start),
            ));
        }
        if s.planned_end < s.planned_start {
            return Err(DecorationError::value(
                "out_of_range",
                "planned_end",
                format!("{} is before the start {}", s.planned_end, s.planned_start),
            ));
        }
        let span = (s.planned_end - s.planned_start).num_days() + 1;
        if span > i64::from(p.max_duration_days) {
            return Err(DecorationError::value(
                "out_of_range",
                "planned_end",
                format!(
                    "{span} days of works; at most {} without an extension",
                    p.max_duration_days
                ),
            ));
        }
        Ok(())
    }

    /// Approves an application: bills the policy's one-off fees (per m² of the unit's
    /// gross area, fixed, or per worker's pass; each rounded once at the estate's
    /// scale; lines of zero left out), due the policy's `fee_due_days` later, and asks
    /// for the deposit. Returns the fee lines.
    ///
    /// # Errors
    /// [`DecorationError::UnknownRenovation`], [`DecorationError::RenovationState`]
    /// (not submitted), [`DecorationError::RoleNotAllowed`] (a manager approves),
    /// [`DecorationError::UnknownUnit`] (the unit left the estate).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (d, id) = Decorations::example()?;
    /// let fees = d.renovation(&id).unwrap().fees();
    /// assert_eq!(fees[0].explain(estatekit::i18n::Lang::ZhCn), "装修垃圾清运费：89.50 × 3.00 = 268.50");
    /// assert_eq!(fees[1].explain(estatekit::i18n::Lang::En), "workers' passes: 2 × 10.00 = 20.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn approve(
        &mut self,
        id: &str,
        estate: &Estate,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<Vec<FeeLine>, DecorationError> {
        let i = self.find(id)?;
        let r = &self.renovations[i];
        let unit = estate
            .unit(&r.unit_id)
            .ok_or_else(|| DecorationError::UnknownUnit {
                path: "unit_id".into(),
                unit_id: r.unit_id.clone(),
            })?;
        let passes = r.contractor.as_ref().map_or(0, |c| c.workers.len());
        let mut fees = Vec::new();
        for f in &self.policy.fees {
            let (quantity, rate) = match &f.basis {
                FeeBasis::PerM2(rate) => (unit.gross_area, *rate),
                FeeBasis::Fixed(a) => (Decimal::ONE, *a),
                FeeBasis::PerPass(a) => (Decimal::from(passes), *a),
            };
            let amount =
                self.rounding
                    .round(quantity.checked_mul(rate).ok_or_else(|| {
                        DecorationError::value("overflow", "fees", "a fee overflows")
                    })?);
            if amount > Decimal::ZERO {
                fees.push(FeeLine {
                    code: f.code.clone(),
                    name_zh: f.name_zh.clone(),
                    name_en: f.name_en.clone(),
                    quantity,
                    rate,
                    amount,
                });
            }
        }
        let fee_due = days(self.policy.local(at).date(), self.policy.fee_due_days)?;
        let action = Action::Approve {
            fees: fees.clone(),
            fee_due,
            deposit: self.policy.deposit,
        };
        self.act(id, actor, role, at, action)?;
        Ok(fees)
    }

    /// Rejects an application, with the reason.
    ///
    /// # Errors
    /// As [`Decorations::approve`]; `empty_field` for an empty reason.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// let err = d.reject(&id, "图纸不全", "周经理", Role::Manager, "2026-11-20T02:00:00Z".parse()?).unwrap_err();
    /// assert_eq!(err.to_string(), "renovation_id: renovation \"R-2026-001\" is in_progress; cannot reject");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reject(
        &mut self,
        id: &str,
        reason: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::Reject {
            reason: reason.to_owned(),
        };
        self.act(id, actor, role, at, action)
    }

    /// The approved fees as charges for the receivables book
    /// ([`Receivables::post_charges`]): reference `{renovation id}/{fee code}` (posting
    /// twice posts once), issued on the approval's local date, due on the fee due date.
    ///
    /// # Errors
    /// [`DecorationError::UnknownRenovation`]; [`DecorationError::RenovationState`]
    /// before approval.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// let rows = d.charge_rows(&id)?;
    /// assert_eq!((rows[0].reference.as_deref(), rows[0].amount.to_string()), (Some("R-2026-001/debris_removal"), "268.50".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn charge_rows(&self, id: &str) -> Result<Vec<ChargeRow>, DecorationError> {
        let r = &self.renovations[self.find(id)?];
        let Some(due) = r.fee_due() else {
            return Err(DecorationError::RenovationState {
                path: "renovation_id".into(),
                id: id.to_owned(),
                state: r.state,
                action: "bill fees before approval".into(),
            });
        };
        let issued = self.policy.local(
            r.times()
                .reviewed_at
                .expect("an approved renovation has its review time"),
        );
        Ok(r.fees()
            .iter()
            .map(|f| {
                ChargeRow::new(&r.unit_id, &f.code, f.amount, issued.date(), due)
                    .with_reference(format!("{}/{}", r.id, f.code))
                    .with_description(format!("{} {}", f.name_zh, f.name_en))
            })
            .collect())
    }

    /// Records the fees paid, with the receipt number.
    ///
    /// # Errors
    /// State (before approval, after the works, or recorded already), role (finance).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// let err = d.record_fees_paid(&id, "RC-2", "钱会计", Role::Finance, "2026-11-20T02:00:00Z".parse()?).unwrap_err();
    /// assert_eq!(err.code(), "renovation_state");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_fees_paid(
        &mut self,
        id: &str,
        receipt: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::FeesPaid {
            receipt: receipt.to_owned(),
        };
        self.act(id, actor, role, at, action)
    }

    /// Records the deposit received (the amount asked on approval), with the receipt
    /// number. The deposit is a liability held until settlement, not a fee.
    ///
    /// # Errors
    /// `mismatch` (`amount`) for another amount; state; role (finance).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, _) = Decorations::example()?;
    /// # let (mut d, estate, registry) = Decorations::example_setup()?;
    /// # let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    /// # d.submit(&estate, &registry, Decorations::example_submission(), "小陈", Role::CustomerService, at("2026-11-02T02:00:00Z"))?;
    /// # d.approve("R-2026-001", &estate, "周经理", Role::Manager, at("2026-11-03T02:00:00Z"))?;
    /// let err = d.record_deposit("R-2026-001", "1000.00".parse()?, "RC-1", "钱会计", Role::Finance, at("2026-11-04T02:00:00Z")).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("mismatch", "amount"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_deposit(
        &mut self,
        id: &str,
        amount: Decimal,
        receipt: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::DepositReceived {
            amount,
            receipt: receipt.to_owned(),
        };
        self.act(id, actor, role, at, action)
    }

    /// Starts the works: needs the fees and the deposit received and the planned start
    /// reached. Returns the unit's status change to `decorating`, for
    /// [`Estate::updated`]; acceptance restores the status (and occupants) it had.
    ///
    /// # Errors
    /// [`DecorationError::PaymentMissing`], [`DecorationError::RenovationState`],
    /// `out_of_range` (`at`) before the planned start, [`DecorationError::UnknownUnit`].
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (d, id) = Decorations::example()?;
    /// // (the example started the works on 2026-11-09)
    /// assert_eq!(d.renovation(&id).unwrap().state(), State::InProgress);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_works(
        &mut self,
        id: &str,
        estate: &Estate,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<StatusUpdate, DecorationError> {
        let i = self.find(id)?;
        let unit_id = self.renovations[i].unit_id.clone();
        let unit = estate
            .unit(&unit_id)
            .ok_or_else(|| DecorationError::UnknownUnit {
                path: "unit_id".into(),
                unit_id: unit_id.clone(),
            })?;
        let action = Action::Start {
            prior_status: unit.status,
            prior_occupants: unit.occupants,
        };
        let occupants = unit.occupants;
        self.act(id, actor, role, at, action)?;
        Ok(StatusUpdate {
            unit_id,
            status: UnitStatus::Decorating,
            since: self.policy.local(at).date(),
            occupants: Some(occupants),
        })
    }

    /// Suspends the works for rectification (停工整改), with the reason.
    ///
    /// # Errors
    /// State (works not going on), role (manager or engineer), empty reason.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// d.suspend(&id, "擅自改动燃气管道", "吴工", Role::Engineer, "2026-11-20T02:00:00Z".parse()?)?;
    /// assert_eq!(d.renovation(&id).unwrap().state(), State::Suspended);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn suspend(
        &mut self,
        id: &str,
        reason: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::Suspend {
            reason: reason.to_owned(),
        };
        self.act(id, actor, role, at, action)
    }

    /// Resumes suspended works.
    ///
    /// # Errors
    /// State (not suspended), role (manager or engineer).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// assert_eq!(d.resume(&id, "吴工", Role::Engineer, "2026-11-20T02:00:00Z".parse()?).unwrap_err().code(), "renovation_state");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resume(
        &mut self,
        id: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        self.act(id, actor, role, at, Action::Resume)
    }

    /// Extends the works' permitted end (延期); every extension is counted and logged.
    ///
    /// # Errors
    /// `out_of_range` (`new_end`) unless after the permitted end; state; role (manager).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// d.extend(&id, "2027-01-31".parse()?, "地板到货延期", "周经理", Role::Manager, "2026-12-20T02:00:00Z".parse()?)?;
    /// assert_eq!(d.renovation(&id).unwrap().extensions().len(), 1);
    /// assert_eq!(d.renovation(&id).unwrap().permitted_end().to_string(), "2027-01-31");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extend(
        &mut self,
        id: &str,
        new_end: NaiveDate,
        reason: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::Extend {
            new_end,
            reason: reason.to_owned(),
        };
        self.act(id, actor, role, at, action)
    }

    /// Records the owner's report that the works are complete (also after a failed
    /// acceptance, once rectified).
    ///
    /// # Errors
    /// State, role (customer service or manager).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// d.report_completion(&id, "小陈", Role::CustomerService, "2026-12-10T02:00:00Z".parse()?)?;
    /// assert_eq!(d.renovation(&id).unwrap().state(), State::CompletionReported);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report_completion(
        &mut self,
        id: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        self.act(id, actor, role, at, Action::ReportCompletion)
    }

    /// The acceptance inspection. Passed: the unit's status (and occupants) before the
    /// works are restored (the returned change, for [`Estate::updated`]); needs every
    /// violation rectified. Failed: back to rectification (report completion again).
    ///
    /// # Errors
    /// [`DecorationError::OpenViolations`], state, role (engineer).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    /// d.report_completion(&id, "小陈", Role::CustomerService, at("2026-12-10T02:00:00Z"))?;
    /// let back = d.inspect(&id, true, None, "吴工", Role::Engineer, at("2026-12-11T02:00:00Z"))?.unwrap();
    /// assert_eq!((back.status.as_str(), back.since.to_string()), ("occupied", "2026-12-11".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn inspect(
        &mut self,
        id: &str,
        passed: bool,
        note: Option<&str>,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<Option<StatusUpdate>, DecorationError> {
        let action = Action::Inspect {
            passed,
            note: note.map(str::to_owned),
        };
        let today = self.policy.local(at).date();
        let r = self.act(id, actor, role, at, action)?;
        Ok(passed.then(|| {
            let (status, occupants) = r
                .prior()
                .expect("an accepted renovation's works started, with the unit's prior status");
            StatusUpdate {
                unit_id: r.unit_id.clone(),
                status,
                since: today,
                occupants: Some(occupants),
            }
        }))
    }

    /// Records a violation found at a site check: its damages from the catalogue (a
    /// fixed amount, an amount within a range, or assessed), who is liable, and the
    /// rectification deadline.
    ///
    /// # Errors
    /// [`DecorationError::UnknownCode`] (`violation.code`); `missing_value`,
    /// `out_of_range`, `mismatch`, `negative` or `too_many_decimals`
    /// (`violation.amount`); state (works not going on); role (engineer, security,
    /// manager).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// let v = ViolationInput { code: "unapproved_facade_change".into(), liable: Liable::Owner, amount: Some("8000.00".parse()?), note: None };
    /// let err = d.record_violation(&id, v, "吴工", Role::Engineer, "2026-11-20T02:00:00Z".parse()?).unwrap_err();
    /// assert_eq!(err.to_string(), "violation.amount: 8000.00 is outside \"unapproved_facade_change\"'s range 500.00–5000.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_violation(
        &mut self,
        id: &str,
        violation: ViolationInput,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<Violation, DecorationError> {
        let r = self.act(id, actor, role, at, Action::RecordViolation { violation })?;
        Ok(r.violations()
            .last()
            .expect("a violation was just recorded")
            .clone())
    }

    /// Records a site check (巡查) of the works and what it found; a violation found is
    /// recorded with [`Decorations::record_violation`].
    ///
    /// # Errors
    /// State (works not going on), role (engineer, security, manager), empty findings.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// let err = d.record_site_check(&id, " ", "孙巡", Role::Security, "2026-11-12T02:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("empty_field", "findings"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_site_check(
        &mut self,
        id: &str,
        findings: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::SiteCheck {
            findings: findings.to_owned(),
        };
        self.act(id, actor, role, at, action)
    }

    /// Records a violation rectified.
    ///
    /// # Errors
    /// [`DecorationError::UnknownViolation`]; state (rectified already); role.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// let err = d.rectify_violation(&id, "V7", "吴工", Role::Engineer, "2026-11-20T02:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_violation", "violation_id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rectify_violation(
        &mut self,
        id: &str,
        violation_id: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::RectifyViolation {
            violation_id: violation_id.to_owned(),
        };
        self.act(id, actor, role, at, action)
    }

    /// Records workers' passes returned (returning one twice changes nothing).
    ///
    /// # Errors
    /// [`DecorationError::UnknownCode`] (`passes[i]`) for a pass not issued; state
    /// (before approval, after settlement); role (customer service, security).
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// let err = d.return_passes(&id, &["P-404"], "小陈", Role::CustomerService, "2026-11-20T02:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_code", "passes[0]"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn return_passes(
        &mut self,
        id: &str,
        passes: &[&str],
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::ReturnPasses {
            passes: passes.iter().map(|p| (*p).to_owned()).collect(),
        };
        self.act(id, actor, role, at, action)
    }

    /// Settles the deposit of an accepted renovation: refund = deposit − deductions
    /// (violation damages and assessed damage of the owner's and the contractor's
    /// side, passes not returned, fees the book still shows unpaid), never below zero
    /// (see [`Settlement`]). With `book`, each fee charge
    /// (`{renovation id}/{fee code}`) still owed in the unit's account is deducted.
    ///
    /// # Errors
    /// State (not accepted), role (finance); the book's error for an unknown unit.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example_accepted()?;
    /// let s = d.settle_deposit(&id, None, "钱会计", Role::Finance, "2026-12-20T02:00:00Z".parse()?)?;
    /// let reasons: Vec<_> = s.deductions.iter().map(|x| x.reason_en.as_str()).collect();
    /// assert_eq!(reasons, ["damage to common areas or facilities (V1)", "pass not returned: P-002 (李四)",
    ///     "noisy work outside the permitted hours (V2)"]);
    /// assert_eq!((s.shortfall.to_string(), s.refund_due.to_string()), ("0.00".into(), "2027-01-10".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn settle_deposit(
        &mut self,
        id: &str,
        book: Option<&Receivables>,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<Settlement, DecorationError> {
        let i = self.find(id)?;
        let mut unpaid_fees = Vec::new();
        if let Some(book) = book {
            let r = &self.renovations[i];
            if let Some(account) = book.account(&r.unit_id) {
                for f in r.fees() {
                    let reference = format!("{}/{}", r.id, f.code);
                    if let Some(c) = account.charge(&reference) {
                        let owed = c.outstanding_principal();
                        if owed > Decimal::ZERO {
                            unpaid_fees.push(UnpaidFee {
                                code: f.code.clone(),
                                amount: owed.min(f.amount),
                            });
                        }
                    }
                }
            }
        }
        let r = self.act(id, actor, role, at, Action::SettleDeposit { unpaid_fees })?;
        Ok(r.settlement()
            .expect("a settled renovation has its settlement")
            .clone())
    }

    /// The owner's part of a settlement's shortfall as a single charge for the book
    /// (reference `{renovation id}/deposit_shortfall`, item `decoration_shortfall`,
    /// issued on the settlement's local date, due the policy's `fee_due_days` later);
    /// none when the deposit covered the owner's side.
    ///
    /// # Errors
    /// [`DecorationError::UnknownRenovation`]; state before settlement.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example_accepted()?;
    /// d.settle_deposit(&id, None, "钱会计", Role::Finance, "2026-12-20T02:00:00Z".parse()?)?;
    /// assert!(d.shortfall_charge(&id)?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shortfall_charge(&self, id: &str) -> Result<Option<ChargeRow>, DecorationError> {
        let r = &self.renovations[self.find(id)?];
        let Some(s) = r.settlement() else {
            return Err(DecorationError::RenovationState {
                path: "renovation_id".into(),
                id: id.to_owned(),
                state: r.state,
                action: "charge a shortfall before settlement".into(),
            });
        };
        if s.shortfall_charge == Decimal::ZERO {
            return Ok(None);
        }
        let settled_at = r
            .events()
            .iter()
            .rev()
            .find(|e| matches!(e.action, Action::SettleDeposit { .. }))
            .map(|e| e.at)
            .expect("a settled renovation's log has its settlement");
        let on = self.policy.local(settled_at).date();
        Ok(Some(
            ChargeRow::new(
                &r.unit_id,
                "decoration_shortfall",
                s.shortfall_charge,
                on,
                days(on, self.policy.fee_due_days)?,
            )
            .with_reference(format!("{}/deposit_shortfall", r.id))
            .with_description("装修押金不足抵扣 deductions beyond the renovation deposit"),
        ))
    }

    /// Records the refund paid; the renovation is closed.
    ///
    /// # Errors
    /// State (not settled), role (finance), empty receipt.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example_accepted()?;
    /// let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    /// d.settle_deposit(&id, None, "钱会计", Role::Finance, at("2026-12-20T02:00:00Z"))?;
    /// d.close(&id, "TR-88", "钱会计", Role::Finance, at("2026-12-21T02:00:00Z"))?;
    /// assert_eq!(d.renovation(&id).unwrap().state(), State::Closed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn close(
        &mut self,
        id: &str,
        receipt: &str,
        actor: &str,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<&Renovation, DecorationError> {
        let action = Action::Close {
            receipt: receipt.to_owned(),
        };
        self.act(id, actor, role, at, action)
    }

    /// May work go on in this unit at `at`? The policy's hours
    /// ([`DecorationPolicy::work_allowed`]), and the unit's renovation: none going on
    /// is `no_permit`, suspended is `suspended`.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (d, _) = Decorations::example()?;
    /// // "楼上装修从早上七点就开始砸墙": Tuesday 2026-11-10, 07:00 Beijing.
    /// assert_eq!(d.work_check("1-201", "2026-11-09T23:00:00Z".parse()?, true).verdict, WorkVerdict::OutsideHours);
    /// assert_eq!(d.work_check("1-101", "2026-11-10T02:00:00Z".parse()?, true).verdict, WorkVerdict::NoPermit);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn work_check(&self, unit_id: &str, at: DateTime<Utc>, noisy: bool) -> WorkCheck {
        let mut c = self.policy.work_allowed(at, noisy);
        match self.open_for(unit_id).map(|r| r.state) {
            Some(State::InProgress) => {}
            Some(State::Suspended) => c.verdict = WorkVerdict::Suspended,
            _ => c.verdict = WorkVerdict::NoPermit,
        }
        c
    }

    /// Every passed deadline at `as_of`, by renovation (in the order submitted), then
    /// kind: review (submitted, not reviewed within the policy's working days, per its
    /// calendar), duration (works past the permitted end), acceptance (completion
    /// reported, not inspected within the policy's days), refund (accepted, refund not
    /// paid within the policy's days), rectification (each open violation past its day).
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// assert!(d.overdue("2026-12-31T12:00:00Z".parse()?).is_empty());
    /// assert_eq!(d.overdue("2027-01-01T12:00:00Z".parse()?).len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overdue(&self, as_of: DateTime<Utc>) -> Vec<Overdue> {
        let today = self.policy.local(as_of).date();
        let mut out = Vec::new();
        for r in &self.renovations {
            let mut push = |kind, due: NaiveDate, violation_id: Option<String>| {
                out.push(Overdue {
                    renovation_id: r.id.clone(),
                    unit_id: r.unit_id.clone(),
                    kind,
                    violation_id,
                    due,
                    days_over: (today - due).num_days(),
                });
            };
            let t = r.times();
            match r.state {
                State::Submitted => {
                    if let Ok(due) = self
                        .policy
                        .calendar
                        .add_working_days(r.submitted_at(), self.policy.review_working_days)
                    {
                        if as_of > due {
                            push(OverdueKind::Review, self.policy.local(due).date(), None);
                        }
                    }
                }
                State::InProgress | State::Suspended if today > r.permitted_end() => {
                    push(OverdueKind::Duration, r.permitted_end(), None);
                }
                State::CompletionReported => {
                    let reported = self
                        .policy
                        .local(
                            t.reported_at
                                .expect("a reported renovation has its report time"),
                        )
                        .date();
                    if let Ok(due) = days(reported, self.policy.acceptance_days) {
                        if today > due {
                            push(OverdueKind::Acceptance, due, None);
                        }
                    }
                }
                State::Accepted | State::DepositSettled => {
                    let accepted = self
                        .policy
                        .local(
                            t.accepted_at
                                .expect("an accepted renovation has its acceptance time"),
                        )
                        .date();
                    if let Ok(due) = days(accepted, self.policy.refund_days) {
                        if today > due {
                            push(OverdueKind::Refund, due, None);
                        }
                    }
                }
                _ => {}
            }
            if r.state.is_open() {
                for v in r.violations() {
                    if v.status == ViolationStatus::Open && today > v.due {
                        push(OverdueKind::Rectification, v.due, Some(v.id.clone()));
                    }
                }
            }
        }
        out
    }

    /// Statistics at `as_of`: renovations by state, the median review time, violations
    /// per 100 started renovations, extensions and overruns, deposits held, refunds
    /// payable and overdue.
    ///
    /// ```
    /// # let (d, _) = estatekit::decoration::Decorations::example()?;
    /// let s = d.statistics("2026-11-20T02:00:00Z".parse()?);
    /// assert_eq!(s.median_review_hours.unwrap().to_string(), "24.00");
    /// assert_eq!((s.started, s.violations_per_100.unwrap().to_string()), (1, "0.00".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statistics(&self, as_of: DateTime<Utc>) -> DecorationStats {
        let today = self.policy.local(as_of).date();
        let by_state = State::ALL
            .iter()
            .map(|&state| StateCount {
                state,
                count: self.renovations.iter().filter(|r| r.state == state).count(),
            })
            .collect();
        let mut reviews: Vec<i64> = self
            .renovations
            .iter()
            .filter_map(|r| {
                r.times()
                    .reviewed_at
                    .map(|t| (t - r.submitted_at()).num_seconds())
            })
            .collect();
        reviews.sort_unstable();
        let median_review_hours = (!reviews.is_empty()).then(|| {
            let n = reviews.len();
            let secs = if n % 2 == 1 {
                Decimal::from(reviews[n / 2])
            } else {
                (Decimal::from(reviews[n / 2 - 1]) + Decimal::from(reviews[n / 2])) / Decimal::TWO
            };
            let mut h = (secs / Decimal::from(3600))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            h.rescale(2);
            h
        });
        let started = self
            .renovations
            .iter()
            .filter(|r| r.times().started_at.is_some())
            .count();
        let violations: usize = self.renovations.iter().map(|r| r.violations().len()).sum();
        let violations_per_100 = (started > 0).then(|| {
            let mut v = (Decimal::from(violations) * Decimal::ONE_HUNDRED / Decimal::from(started))
                .round_dp(2);
            v.rescale(2);
            v
        });
        let overdue = self.overdue(as_of);
        let mut held = Decimal::ZERO;
        let mut held_count = 0;
        let mut payable = Decimal::ZERO;
        for r in &self.renovations {
            match (r.state, r.deposit_received(), r.settlement()) {
                (State::DepositSettled, _, Some(s)) => payable += s.refund,
                (s, Some(d), None) if s.is_open() => {
                    held += d;
                    held_count += 1;
                }
                _ => {}
            }
        }
        DecorationStats {
            total: self.renovations.len(),
            by_state,
            median_review_hours,
            started,
            site_checks: self
                .renovations
                .iter()
                .map(|r| r.site_checks() as usize)
                .sum(),
            violations,
            violations_per_100,
            extended: self
                .renovations
                .iter()
                .filter(|r| !r.extensions().is_empty())
                .count(),
            overrunning: self
                .renovations
                .iter()
                .filter(|r| {
                    matches!(r.state, State::InProgress | State::Suspended)
                        && today > r.permitted_end()
                })
                .count(),
            deposits_held_count: held_count,
            deposits_held: held,
            refunds_payable: payable,
            refunds_overdue: overdue
                .iter()
                .filter(|o| o.kind == OverdueKind::Refund)
                .count(),
        }
    }
}
