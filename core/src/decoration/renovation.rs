//! One renovation: its application, its event log and what the log makes of it.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::policy::not_negative;
use super::{
    Consent, DecorationError, DecorationPolicy, DeductionKind, Liable, Role, State, ViolationStatus,
};
use crate::estate::UnitStatus;
use crate::i18n::Lang;
use crate::money::RoundingPolicy;

/// A worker of the contractor, with the pass (出入证) issued to them.
///
/// ```
/// use estatekit::decoration::Worker;
/// let w = Worker { name: "王五".into(), pass_no: "P-001".into() };
/// assert_eq!(w.pass_no, "P-001");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Worker {
    /// Name.
    pub name: String,
    /// Pass number, unique in the renovation.
    pub pass_no: String,
}

/// The decoration contractor (装修施工单位).
///
/// ```
/// use estatekit::decoration::{Contractor, Worker};
/// let c = Contractor { name: "安居装饰".into(), licence_ref: Some("D2-1234".into()),
///     foreman: "赵工".into(), workers: vec![Worker { name: "王五".into(), pass_no: "P-001".into() }] };
/// assert_eq!(c.workers.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contractor {
    /// Company name.
    pub name: String,
    /// Reference of its qualification certificate (资质证书).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_ref: Option<String>,
    /// The foreman in charge on site.
    pub foreman: String,
    /// The workers, each with a pass.
    #[serde(default)]
    pub workers: Vec<Worker>,
}

/// Who applied, and on what right (from the occupant registry at submission).
///
/// ```
/// use estatekit::decoration::{Applicant, Consent};
/// let a = Applicant { person_id: "P1".into(), consent: Consent::Owner, consent_ref: None };
/// assert_eq!(a.consent.as_str(), "owner");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// The registry's person id.
    pub person_id: String,
    /// Owner, co-owner, or tenant with consent.
    pub consent: Consent,
    /// A tenant's reference of the owner's written consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_ref: Option<String>,
}

/// A one-off fee billed on approval, with its explanation.
///
/// ```
/// use estatekit::decoration::FeeLine;
/// let l = FeeLine { code: "debris_removal".into(), name_zh: "装修垃圾清运费".into(),
///     name_en: "debris removal".into(), quantity: "89.50".parse()?, rate: "3.00".parse()?,
///     amount: "268.50".parse()? };
/// assert_eq!(l.explain(estatekit::i18n::Lang::ZhCn), "装修垃圾清运费：89.50 × 3.00 = 268.50");
/// # Ok::<(), rust_decimal::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeLine {
    /// Fee item code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// m² (per-m² fees), passes (per-pass fees) or 1 (fixed fees).
    #[serde(with = "crate::json::decimal")]
    pub quantity: Decimal,
    /// The rate or amount per quantity.
    #[serde(with = "crate::json::decimal")]
    pub rate: Decimal,
    /// quantity × rate, rounded once at the estate's scale.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
}

impl FeeLine {
    /// `name: quantity × rate = amount`.
    ///
    /// ```
    /// use estatekit::decoration::FeeLine;
    /// let l = FeeLine { code: "worker_pass".into(), name_zh: "出入证".into(), name_en: "passes".into(),
    ///     quantity: 3.into(), rate: "10.00".parse()?, amount: "30.00".parse()? };
    /// assert_eq!(l.explain(estatekit::i18n::Lang::En), "passes: 3 × 10.00 = 30.00");
    /// # Ok::<(), rust_decimal::Error>(())
    /// ```
    pub fn explain(&self, lang: Lang) -> String {
        let name = match lang {
            Lang::ZhCn => &self.name_zh,
            Lang::En => &self.name_en,
        };
        let sep = if lang == Lang::ZhCn { "：" } else { ": " };
        format!(
            "{name}{sep}{} × {} = {}",
            self.quantity, self.rate, self.amount
        )
    }
}

/// An extension (延期) of the works' permitted end.
///
/// ```
/// use estatekit::decoration::Extension;
/// let e = Extension { new_end: "2027-03-01".parse()?, reason: "材料延期到货".into(), at: "2026-12-01T02:00:00Z".parse()? };
/// assert_eq!(e.new_end.to_string(), "2027-03-01");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extension {
    /// The new last day of works.
    pub new_end: NaiveDate,
    /// Why.
    pub reason: String,
    /// When granted.
    pub at: DateTime<Utc>,
}

/// A violation as recorded at a site check.
///
/// ```
/// use estatekit::decoration::{Liable, ViolationInput};
/// let v = ViolationInput { code: "common_area_damage".into(), liable: Liable::Contractor,
///     amount: Some("350.00".parse()?), note: Some("电梯轿厢划伤".into()) };
/// assert_eq!(v.liable, Liable::Contractor);
/// # Ok::<(), rust_decimal::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViolationInput {
    /// The violation catalogue's code.
    pub code: String,
    /// Who is liable.
    pub liable: Liable,
    /// The damages: required for a range or an assessed violation; for a fixed one,
    /// absent or equal to it.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// What was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A violation of a renovation.
///
/// ```
/// # use estatekit::decoration::*;
/// # let (mut d, id) = estatekit::decoration::Decorations::example()?;
/// let v = d.record_violation(&id, ViolationInput { code: "noise_outside_hours".into(),
///     liable: Liable::Contractor, amount: None, note: None }, "孙巡", Role::Security,
///     "2026-11-10T23:10:00Z".parse()?)?;
/// assert_eq!((v.id.as_str(), v.amount.to_string(), v.due.to_string()), ("V1", "200.00".into(), "2026-11-12".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// `V1`, `V2`, … in the order recorded.
    pub id: String,
    /// Catalogue code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Who is liable.
    pub liable: Liable,
    /// The damages.
    pub amount: Decimal,
    /// When found.
    pub found_at: DateTime<Utc>,
    /// Local date by which it must be rectified (the day found + the catalogue's days).
    pub due: NaiveDate,
    /// Open or rectified.
    pub status: ViolationStatus,
    /// When rectified.
    pub rectified_at: Option<DateTime<Utc>>,
    /// What was found.
    pub note: Option<String>,
}

/// A deduction from the deposit (or, for staff, a claim), with its reason.
///
/// ```
/// use estatekit::decoration::{Deduction, DeductionKind, Liable};
/// let d = Deduction { kind: DeductionKind::UnreturnedPass, source: "P-002".into(),
///     liable: Liable::Contractor, amount: "20.00".parse()?, reason_zh: "出入证未退还：P-002".into(),
///     reason_en: "pass not returned: P-002".into() };
/// assert_eq!(d.amount.to_string(), "20.00");
/// # Ok::<(), rust_decimal::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deduction {
    /// What for.
    pub kind: DeductionKind,
    /// The violation id, pass number or fee code.
    pub source: String,
    /// Who is liable.
    pub liable: Liable,
    /// The amount.
    pub amount: Decimal,
    /// The reason in Chinese.
    pub reason_zh: String,
    /// The reason in English.
    pub reason_en: String,
}

/// The deposit's settlement: `deposit = refund + deducted`, `deductions total =
/// deducted + shortfall`, `shortfall = shortfall_charge + contractor_claim`. Deductions
/// of the contractor's side are taken from the deposit first, then the owner's side;
/// what the deposit does not cover is a single charge on the unit (owner's side) or a
/// claim on the contractor. Staff damage is never deducted: it is listed in `claims`.
///
/// ```
/// # use estatekit::decoration::*;
/// # let (mut d, id) = estatekit::decoration::Decorations::example_accepted()?;
/// let s = d.settle_deposit(&id, None, "钱会计", Role::Finance, "2026-12-20T02:00:00Z".parse()?)?;
/// assert_eq!((s.deposit.to_string(), s.deducted.to_string(), s.refund.to_string()),
///            ("2000.00".into(), "570.00".into(), "1430.00".into()));
/// assert_eq!(s.deposit, s.refund + s.deducted);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    /// The deposit received.
    pub deposit: Decimal,
    /// Every deduction, contractor's side first, in the order taken.
    pub deductions: Vec<Deduction>,
    /// Taken from the deposit.
    pub deducted: Decimal,
    /// Paid back: deposit − deducted, never below zero.
    pub refund: Decimal,
    /// Deductions beyond the deposit.
    pub shortfall: Decimal,
    /// The owner's part of the shortfall: a single charge on the unit.
    pub shortfall_charge: Decimal,
    /// The contractor's part of the shortfall: a claim on the contractor.
    pub contractor_claim: Decimal,
    /// Staff damage: claim records, not deducted.
    pub claims: Vec<Deduction>,
    /// Local date by which the refund is due.
    pub refund_due: NaiveDate,
}

/// What an event of a renovation's log did.
///
/// ```
/// use estatekit::decoration::Action;
/// let a: Action = serde_json::from_str(r#"{"suspend": {"reason": "擅自拆墙"}}"#).unwrap();
/// assert_eq!(a.name(), "suspend");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// The application, with the applicant's right.
    Submit {
        /// The applicant.
        applicant: Applicant,
    },
    /// Approved, with the fees billed, their due date and the deposit asked.
    Approve {
        /// The fee lines.
        fees: Vec<FeeLine>,
        /// The fees' due date.
        fee_due: NaiveDate,
        /// The deposit asked.
        #[serde(with = "crate::json::decimal")]
        deposit: Decimal,
    },
    /// Rejected.
    Reject {
        /// Why.
        reason: String,
    },
    /// The fees are paid.
    FeesPaid {
        /// The receipt number.
        receipt: String,
    },
    /// The deposit is received.
    DepositReceived {
        /// The amount (the deposit asked).
        #[serde(with = "crate::json::decimal")]
        amount: Decimal,
        /// The receipt number.
        receipt: String,
    },
    /// Works started; the unit's status before.
    Start {
        /// The unit's status before the works.
        prior_status: UnitStatus,
        /// Its occupants before the works.
        prior_occupants: u32,
    },
    /// Works suspended for rectification.
    Suspend {
        /// Why.
        reason: String,
    },
    /// Works resumed.
    Resume,
    /// The permitted end extended.
    Extend {
        /// The new last day.
        new_end: NaiveDate,
        /// Why.
        reason: String,
    },
    /// The owner reported the works complete.
    ReportCompletion,
    /// Acceptance inspection.
    Inspect {
        /// Passed or failed.
        passed: bool,
        /// Findings.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A violation found at a site check.
    RecordViolation {
        /// What was found.
        violation: ViolationInput,
    },
    /// A site check (巡查) of the works, with what was found (a violation found is
    /// recorded on its own, with `record_violation`).
    SiteCheck {
        /// What was found.
        findings: String,
    },
    /// A violation rectified.
    RectifyViolation {
        /// `V1`, …
        violation_id: String,
    },
    /// Workers' passes returned.
    ReturnPasses {
        /// Pass numbers.
        passes: Vec<String>,
    },
    /// The deposit settled, with the fees the book still shows unpaid.
    SettleDeposit {
        /// Fee code and unpaid amount, per fee line still owed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unpaid_fees: Vec<UnpaidFee>,
    },
    /// The refund paid; the renovation is closed.
    Close {
        /// The refund's payment reference.
        receipt: String,
    },
}

/// A fee line still unpaid when the deposit is settled.
///
/// ```
/// use estatekit::decoration::UnpaidFee;
/// let u = UnpaidFee { code: "debris_removal".into(), amount: "268.50".parse()? };
/// assert_eq!(u.amount.to_string(), "268.50");
/// # Ok::<(), rust_decimal::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnpaidFee {
    /// The fee code.
    pub code: String,
    /// The amount still owed.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
}

impl Action {
    /// The action's wire name.
    ///
    /// ```
    /// assert_eq!(estatekit::decoration::Action::Resume.name(), "resume");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submit { .. } => "submit",
            Self::Approve { .. } => "approve",
            Self::Reject { .. } => "reject",
            Self::FeesPaid { .. } => "fees_paid",
            Self::DepositReceived { .. } => "deposit_received",
            Self::Start { .. } => "start",
            Self::Suspend { .. } => "suspend",
            Self::Resume => "resume",
            Self::Extend { .. } => "extend",
            Self::ReportCompletion => "report_completion",
            Self::Inspect { .. } => "inspect",
            Self::RecordViolation { .. } => "record_violation",
            Self::SiteCheck { .. } => "site_check",
            Self::RectifyViolation { .. } => "rectify_violation",
            Self::ReturnPasses { .. } => "return_passes",
            Self::SettleDeposit { .. } => "settle_deposit",
            Self::Close { .. } => "close",
        }
    }

    /// The roles that may do it.
    fn roles(&self) -> &'static [Role] {
        use Role::{CustomerService, Engineer, Finance, Manager, Security};
        match self {
            Self::Submit { .. } | Self::ReportCompletion => &[CustomerService, Manager],
            Self::Approve { .. } | Self::Reject { .. } | Self::Extend { .. } => &[Manager],
            Self::FeesPaid { .. }
            | Self::DepositReceived { .. }
            | Self::SettleDeposit { .. }
            | Self::Close { .. } => &[Finance],
            Self::Start { .. } => &[CustomerService, Manager, Engineer],
            Self::Suspend { .. } | Self::Resume => &[Manager, Engineer],
            Self::Inspect { .. } => &[Engineer],
            Self::RecordViolation { .. }
            | Self::RectifyViolation { .. }
            | Self::SiteCheck { .. } => &[Engineer, Security, Manager],
            Self::ReturnPasses { .. } => &[CustomerService, Security],
        }
    }
}

/// One entry of a renovation's log: who did what, in what role, when.
///
/// ```
/// # let (d, id) = estatekit::decoration::Decorations::example()?;
/// let log = d.renovation(&id).unwrap().events();
/// assert_eq!(log[0].action.name(), "submit");
/// assert_eq!(log[1].role.as_str(), "manager");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// In what role.
    pub role: Role,
    /// What.
    pub action: Action,
}

/// A renovation: its application and what its log made of it (see
/// [`Decorations`](super::Decorations), which holds and changes them).
///
/// ```
/// # let (d, id) = estatekit::decoration::Decorations::example()?;
/// let r = d.renovation(&id).unwrap();
/// assert_eq!((r.unit_id(), r.state().as_str()), ("1-201", "in_progress"));
/// assert_eq!(r.fees()[0].amount.to_string(), "268.50");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Renovation {
    pub(crate) id: String,
    pub(crate) unit_id: String,
    pub(crate) contractor: Option<Contractor>,
    pub(crate) scope: Vec<String>,
    pub(crate) documents: Vec<String>,
    pub(crate) planned_start: NaiveDate,
    pub(crate) planned_end: NaiveDate,
    pub(crate) state: State,
    pub(crate) events: Vec<Event>,
    #[serde(skip)]
    pub(crate) derived: Derived,
}

/// What the log gives (not serialized: rebuilt by replaying the log).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Derived {
    pub(crate) applicant: Option<Applicant>,
    pub(crate) end: Option<NaiveDate>,
    pub(crate) extensions: Vec<Extension>,
    pub(crate) fees: Vec<FeeLine>,
    pub(crate) fee_due: Option<NaiveDate>,
    pub(crate) deposit_asked: Decimal,
    pub(crate) fees_receipt: Option<String>,
    pub(crate) deposit_received: Option<Decimal>,
    pub(crate) prior: Option<(UnitStatus, u32)>,
    pub(crate) violations: Vec<Violation>,
    pub(crate) passes_returned: BTreeSet<String>,
    pub(crate) settlement: Option<Settlement>,
    pub(crate) submitted_at: Option<DateTime<Utc>>,
    pub(crate) reviewed_at: Option<DateTime<Utc>>,
    pub(crate) started_at: Option<DateTime<Utc>>,
    pub(crate) reported_at: Option<DateTime<Utc>>,
    pub(crate) accepted_at: Option<DateTime<Utc>>,
    pub(crate) closed_at: Option<DateTime<Utc>>,
    pub(crate) failed_inspections: u32,
    pub(crate) site_checks: u32,
}

impl Renovation {
    /// The renovation's id.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().id(), "R-2026-001");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The unit.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().unit_id(), "1-201");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unit_id(&self) -> &str {
        &self.unit_id
    }

    /// Where it stands.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().state(), estatekit::decoration::State::InProgress);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn state(&self) -> State {
        self.state
    }

    /// The applicant and their right.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().applicant().consent.as_str(), "owner");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn applicant(&self) -> &Applicant {
        self.derived
            .applicant
            .as_ref()
            .expect("a renovation's log starts with its submission")
    }

    /// The contractor, if one does the works.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().contractor().unwrap().workers.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contractor(&self) -> Option<&Contractor> {
        self.contractor.as_ref()
    }

    /// The scope items' codes.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().scope(), ["flooring", "waterproofing"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scope(&self) -> &[String] {
        &self.scope
    }

    /// The documents provided.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert!(d.renovation(&id).unwrap().documents().contains(&"waterproofing_plan".to_string()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn documents(&self) -> &[String] {
        &self.documents
    }

    /// The planned first and last day (as applied for).
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// let (a, b) = d.renovation(&id).unwrap().planned();
    /// assert_eq!((a.to_string(), b.to_string()), ("2026-11-09".into(), "2026-12-31".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn planned(&self) -> (NaiveDate, NaiveDate) {
        (self.planned_start, self.planned_end)
    }

    /// The permitted last day of works: the planned end, or the last extension's.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().permitted_end().to_string(), "2026-12-31");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn permitted_end(&self) -> NaiveDate {
        self.derived.end.unwrap_or(self.planned_end)
    }

    /// The extensions granted, in order.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert!(d.renovation(&id).unwrap().extensions().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extensions(&self) -> &[Extension] {
        &self.derived.extensions
    }

    /// The fee lines billed on approval (empty before).
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().fees().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fees(&self) -> &[FeeLine] {
        &self.derived.fees
    }

    /// The deposit received, if it was.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().deposit_received().unwrap().to_string(), "2000.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deposit_received(&self) -> Option<Decimal> {
        self.derived.deposit_received
    }

    /// The violations, in the order recorded.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert!(d.renovation(&id).unwrap().violations().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn violations(&self) -> &[Violation] {
        &self.derived.violations
    }

    /// The deposit's settlement, once settled.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert!(d.renovation(&id).unwrap().settlement().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn settlement(&self) -> Option<&Settlement> {
        self.derived.settlement.as_ref()
    }

    /// The log, in time order.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().events().len(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The number of failed acceptance inspections.
    ///
    /// ```
    /// # let (d, id) = estatekit::decoration::Decorations::example()?;
    /// assert_eq!(d.renovation(&id).unwrap().failed_inspections(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn failed_inspections(&self) -> u32 {
        self.derived.failed_inspections
    }

    /// The number of site checks recorded.
    ///
    /// ```
    /// # use estatekit::decoration::*;
    /// # let (mut d, id) = Decorations::example()?;
    /// d.record_site_check(&id, "现场整洁，未见违规", "孙巡", Role::Security, "2026-11-12T02:00:00Z".parse()?)?;
    /// assert_eq!(d.renovation(&id).unwrap().site_checks(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn site_checks(&self) -> u32 {
        self.derived.site_checks
    }

    /// When the application was submitted.
    pub(crate) fn submitted_at(&self) -> DateTime<Utc> {
        self.derived
            .submitted_at
            .expect("a renovation's log starts with its submission")
    }

    /// Applies one event: checks role, order, state and data, then changes the
    /// renovation. The one path of every operation and of a document's replay.
    pub(crate) fn apply(
        &mut self,
        policy: &DecorationPolicy,
        rounding: &RoundingPolicy,
        ev: Event,
    ) -> Result<(), DecorationError> {
        if !crate::diagnostic::in_supported_years(&ev.at) {
            return Err(DecorationError::value(
                "out_of_range",
                "at",
                format!("{} is outside the supported years 1–9999 (UTC)", ev.at),
            ));
        }
        if ev.actor.trim().is_empty() {
            return Err(DecorationError::value(
                "empty_field",
                "actor",
                "must not be empty",
            ));
        }
        if !ev.action.roles().contains(&ev.role) {
            return Err(DecorationError::RoleNotAllowed {
                path: "role".into(),
                role: ev.role,
                action: ev.action.name().to_owned(),
            });
        }
        if let Some(last) = self.events.last() {
            if ev.at < last.at {
                return Err(DecorationError::EventOutOfOrder {
                    path: "at".into(),
                    at: ev.at,
                    last: last.at,
                });
            }
        } else if !matches!(ev.action, Action::Submit { .. }) {
            return Err(state_error(&self.id, self.state, ev.action.name()));
        }
        let today = policy.local(ev.at).date();
        let d = &mut self.derived;
        use State as S;
        match &ev.action {
            Action::Submit { applicant } => {
                if !self.events.is_empty() {
                    return Err(state_error(&self.id, self.state, "submit"));
                }
                if applicant.person_id.trim().is_empty() {
                    return Err(DecorationError::value(
                        "empty_field",
                        "applicant.person_id",
                        "must not be empty",
                    ));
                }
                if applicant.consent == Consent::Tenant && applicant.consent_ref.is_none() {
                    return Err(DecorationError::value(
                        "missing_value",
                        "applicant.consent_ref",
                        "a tenant applies with the owner's written consent reference",
                    ));
                }
                self.state = S::Submitted;
                d.applicant = Some(applicant.clone());
                d.submitted_at = Some(ev.at);
            }
            Action::Approve {
                fees,
                fee_due,
                deposit,
            } => {
                expect_state(&self.id, self.state, &[S::Submitted], "approve")?;
                for (i, f) in fees.iter().enumerate() {
                    not_negative(f.quantity, &format!("fees[{i}].quantity"))?;
                    not_negative(f.rate, &format!("fees[{i}].rate"))?;
                    let want = rounding.round(f.quantity * f.rate);
                    if f.amount != want {
                        return Err(DecorationError::value(
                            "mismatch",
                            format!("fees[{i}].amount"),
                            format!(
                                "{} × {} rounds to {want}, not {}",
                                f.quantity, f.rate, f.amount
                            ),
                        ));
                    }
                }
                not_negative(*deposit, "deposit")?;
                if *fee_due < today {
                    return Err(DecorationError::value(
                        "out_of_range",
                        "fee_due",
                        format!("{fee_due} is before the approval day {today}"),
                    ));
                }
                self.state = S::Approved;
                d.fees = fees.clone();
                d.fee_due = Some(*fee_due);
                d.deposit_asked = *deposit;
                d.reviewed_at = Some(ev.at);
            }
            Action::Reject { reason } => {
                expect_state(&self.id, self.state, &[S::Submitted], "reject")?;
                non_empty(reason, "reason")?;
                self.state = S::Rejected;
                d.reviewed_at = Some(ev.at);
            }
            Action::FeesPaid { receipt } => {
                expect_state(
                    &self.id,
                    self.state,
                    &[S::Approved, S::InProgress, S::Suspended],
                    "record fees paid",
                )?;
                non_empty(receipt, "receipt")?;
                if d.fees_receipt.is_some() {
                    return Err(state_error(&self.id, self.state, "record fees paid twice"));
                }
                d.fees_receipt = Some(receipt.clone());
            }
            Action::DepositReceived { amount, receipt } => {
                expect_state(&self.id, self.state, &[S::Approved], "receive the deposit")?;
                non_empty(receipt, "receipt")?;
                if d.deposit_received.is_some() {
                    return Err(state_error(
                        &self.id,
                        self.state,
                        "receive the deposit twice",
                    ));
                }
                if *amount != d.deposit_asked {
                    return Err(DecorationError::value(
                        "mismatch",
                        "amount",
                        format!("the deposit asked is {}, got {amount}", d.deposit_asked),
                    ));
                }
                d.deposit_received = Some(*amount);
            }
            Action::Start {
                prior_status,
                prior_occupants,
            } => {
                expect_state(&self.id, self.state, &[S::Approved], "start works")?;
                let fees_due = d.fees.iter().any(|f| f.amount > Decimal::ZERO);
                let missing = match (
                    fees_due && d.fees_receipt.is_none(),
                    d.deposit_asked > Decimal::ZERO && d.deposit_received.is_none(),
                ) {
                    (true, true) => Some("fees and deposit"),
                    (true, false) => Some("fees"),
                    (false, true) => Some("deposit"),
                    (false, false) => None,
                };
                if let Some(m) = missing {
                    return Err(DecorationError::PaymentMissing {
                        path: "renovation_id".into(),
                        id: self.id.clone(),
                        missing: m.into(),
                    });
                }
                if today < self.planned_start {
                    return Err(DecorationError::value(
                        "out_of_range",
                        "at",
                        format!(
                            "works may not start before the planned start {}",
                            self.planned_start
                        ),
                    ));
                }
                if *prior_status == UnitStatus::Decorating || *prior_status == UnitStatus::Unsold {
                    return Err(DecorationError::value(
                        "conflicting_fields",
                        "prior_status",
                        format!("a unit {prior_status} cannot start a renovation"),
                    ));
                }
                self.state = S::InProgress;
                d.prior = Some((*prior_status, *prior_occupants));
                d.started_at = Some(ev.at);
            }
            Action::Suspend { reason } => {
                expect_state(&self.id, self.state, &[S::InProgress], "suspend")?;
                non_empty(reason, "reason")?;
                self.state = S::Suspended;
            }
            Action::Resume => {
                expect_state(&self.id, self.state, &[S::Suspended], "resume")?;
                self.state = S::InProgress;
            }
            Action::Extend { new_end, reason } => {
                expect_state(
                    &self.id,
                    self.state,
                    &[S::Approved, S::InProgress, S::Suspended],
                    "extend",
                )?;
                non_empty(reason, "reason")?;
                let end = d.end.unwrap_or(self.planned_end);
                if *new_end <= end {
                    return Err(DecorationError::value(
                        "out_of_range",
                        "new_end",
                        format!("{new_end} is not after the permitted end {end}"),
                    ));
                }
                d.end = Some(*new_end);
                d.extensions.push(Extension {
                    new_end: *new_end,
                    reason: reason.clone(),
                    at: ev.at,
                });
            }
            Action::ReportCompletion => {
                expect_state(
                    &self.id,
                    self.state,
                    &[S::InProgress, S::AcceptanceFailed],
                    "report completion",
                )?;
                self.state = S::CompletionReported;
                d.reported_at = Some(ev.at);
            }
            Action::Inspect { passed, .. } => {
                expect_state(&self.id, self.state, &[S::CompletionReported], "inspect")?;
                if *passed {
                    let open: Vec<String> = d
                        .violations
                        .iter()
                        .filter(|v| v.status == ViolationStatus::Open)
                        .map(|v| v.id.clone())
                        .collect();
                    if !open.is_empty() {
                        return Err(DecorationError::OpenViolations {
                            path: "renovation_id".into(),
                            id: self.id.clone(),
                            open,
                        });
                    }
                    self.state = S::Accepted;
                    d.accepted_at = Some(ev.at);
                } else {
                    self.state = S::AcceptanceFailed;
                    d.failed_inspections += 1;
                }
            }
            Action::RecordViolation { violation } => {
                expect_state(
                    &self.id,
                    self.state,
                    &[
                        S::InProgress,
                        S::Suspended,
                        S::CompletionReported,
                        S::AcceptanceFailed,
                    ],
                    "record a violation",
                )?;
                let def = policy.violation(&violation.code).ok_or_else(|| {
                    DecorationError::UnknownCode {
                        path: "violation.code".into(),
                        what: "violation",
                        code: violation.code.clone(),
                    }
                })?;
                let mut amount = damages(def, violation.amount, rounding)?;
                amount.rescale(rounding.scale());
                let id = format!("V{}", d.violations.len() + 1);
                let due = today
                    .checked_add_signed(Duration::days(i64::from(def.rectify_days)))
                    .ok_or_else(|| {
                        DecorationError::value("out_of_range", "at", "the deadline is past 9999")
                    })?;
                d.violations.push(Violation {
                    id,
                    code: def.code.clone(),
                    name_zh: def.name_zh.clone(),
                    name_en: def.name_en.clone(),
                    liable: violation.liable,
                    amount,
                    found_at: ev.at,
                    due,
                    status: ViolationStatus::Open,
                    rectified_at: None,
                    note: violation.note.clone(),
                });
            }
            Action::SiteCheck { findings } => {
                expect_state(
                    &self.id,
                    self.state,
                    &[
                        S::InProgress,
                        S::Suspended,
                        S::CompletionReported,
                        S::AcceptanceFailed,
                    ],
                    "record a site check",
                )?;
                non_empty(findings, "findings")?;
                d.site_checks += 1;
            }
            Action::RectifyViolation { violation_id } => {
                expect_state(
                    &self.id,
                    self.state,
                    &[
                        S::InProgress,
                        S::Suspended,
                        S::CompletionReported,
                        S::AcceptanceFailed,
                    ],
                    "rectify a violation",
                )?;
                let v = d
                    .violations
                    .iter_mut()
                    .find(|v| v.id == *violation_id)
                    .ok_or_else(|| DecorationError::UnknownViolation {
                        path: "violation_id".into(),
                        id: violation_id.clone(),
                    })?;
                if v.status == ViolationStatus::Rectified {
                    return Err(DecorationError::RenovationState {
                        path: "violation_id".into(),
                        id: self.id.clone(),
                        state: self.state,
                        action: format!("rectify violation {violation_id} twice"),
                    });
                }
                v.status = ViolationStatus::Rectified;
                v.rectified_at = Some(ev.at);
            }
            Action::ReturnPasses { passes } => {
                if matches!(
                    self.state,
                    S::Submitted | S::Rejected | S::DepositSettled | S::Closed
                ) {
                    return Err(state_error(&self.id, self.state, "return passes"));
                }
                let issued: BTreeSet<&str> = self
                    .contractor
                    .iter()
                    .flat_map(|c| c.workers.iter().map(|w| w.pass_no.as_str()))
                    .collect();
                for (i, p) in passes.iter().enumerate() {
                    if !issued.contains(p.as_str()) {
                        return Err(DecorationError::UnknownCode {
                            path: format!("passes[{i}]"),
                            what: "pass",
                            code: p.clone(),
                        });
                    }
                }
                d.passes_returned.extend(passes.iter().cloned());
            }
            Action::SettleDeposit { unpaid_fees } => {
                expect_state(&self.id, self.state, &[S::Accepted], "settle the deposit")?;
                for (i, u) in unpaid_fees.iter().enumerate() {
                    let line = d.fees.iter().find(|f| f.code == u.code).ok_or_else(|| {
                        DecorationError::UnknownCode {
                            path: format!("unpaid_fees[{i}].code"),
                            what: "fee",
                            code: u.code.clone(),
                        }
                    })?;
                    if u.amount <= Decimal::ZERO || u.amount > line.amount {
                        return Err(DecorationError::value(
                            "out_of_range",
                            format!("unpaid_fees[{i}].amount"),
                            format!("{} is not in (0, {}]", u.amount, line.amount),
                        ));
                    }
                }
                let accepted = policy
                    .local(
                        d.accepted_at
                            .expect("an accepted renovation has its acceptance time"),
                    )
                    .date();
                let refund_due = accepted
                    .checked_add_signed(Duration::days(i64::from(policy.refund_days)))
                    .ok_or_else(|| {
                        DecorationError::value(
                            "out_of_range",
                            "at",
                            "the refund deadline is past 9999",
                        )
                    })?;
                let s = settle(
                    d,
                    rounding.scale(),
                    self.contractor.as_ref(),
                    policy.pass_replacement,
                    unpaid_fees,
                    refund_due,
                )?;
                d.settlement = Some(s);
                self.state = S::DepositSettled;
            }
            Action::Close { receipt } => {
                expect_state(&self.id, self.state, &[S::DepositSettled], "close")?;
                non_empty(receipt, "receipt")?;
                self.state = S::Closed;
                d.closed_at = Some(ev.at);
            }
        }
        self.events.push(ev);
        Ok(())
    }

    /// The unit's prior status and occupants, once works started.
    pub(crate) fn prior(&self) -> Option<(UnitStatus, u32)> {
        self.derived.prior
    }

    pub(crate) fn fee_due(&self) -> Option<NaiveDate> {
        self.derived.fee_due
    }

    pub(crate) fn times(&self) -> &Derived {
        &self.derived
    }
}

fn state_error(id: &str, state: State, action: &str) -> DecorationError {
    DecorationError::RenovationState {
        path: "renovation_id".into(),
        id: id.to_owned(),
        state,
        action: action.to_owned(),
    }
}

fn expect_state(
    id: &str,
    state: State,
    allowed: &[State],
    action: &str,
) -> Result<(), DecorationError> {
    if allowed.contains(&state) {
        Ok(())
    } else {
        Err(state_error(id, state, action))
    }
}

fn non_empty(s: &str, path: &str) -> Result<(), DecorationError> {
    if s.trim().is_empty() {
        Err(DecorationError::value(
            "empty_field",
            path,
            "must not be empty",
        ))
    } else {
        Ok(())
    }
}

/// A violation's damages from the catalogue and the amount given.
fn damages(
    def: &super::ViolationDef,
    given: Option<Decimal>,
    rounding: &RoundingPolicy,
) -> Result<Decimal, DecorationError> {
    use super::Damages;
    let path = "violation.amount";
    if let Some(a) = given {
        not_negative(a, path)?;
        if a.scale() > rounding.scale() && a != rounding.round(a) {
            return Err(DecorationError::value(
                "too_many_decimals",
                path,
                format!(
                    "{a} has more decimals than the estate's {}",
                    rounding.scale()
                ),
            ));
        }
    }
    match (&def.damages, given) {
        (Damages::Fixed(x), None) => Ok(*x),
        (Damages::Fixed(x), Some(a)) if a == *x => Ok(a),
        (Damages::Fixed(x), Some(a)) => Err(DecorationError::value(
            "mismatch",
            path,
            format!("{:?} has fixed damages {x}, got {a}", def.code),
        )),
        (Damages::Range { min, max }, Some(a)) if *min <= a && a <= *max => Ok(a),
        (Damages::Range { min, max }, Some(a)) => Err(DecorationError::value(
            "out_of_range",
            path,
            format!("{a} is outside {:?}'s range {min}–{max}", def.code),
        )),
        (Damages::Range { min, max }, None) => Err(DecorationError::value(
            "missing_value",
            path,
            format!("{:?} needs an amount in {min}–{max}", def.code),
        )),
        (Damages::Assessed, Some(a)) => Ok(a),
        (Damages::Assessed, None) => Err(DecorationError::value(
            "missing_value",
            path,
            format!("{:?} needs the assessed amount", def.code),
        )),
    }
}

/// The deposit's settlement (see [`Settlement`]).
fn settle(
    d: &Derived,
    scale: u32,
    contractor: Option<&Contractor>,
    pass_replacement: Decimal,
    unpaid: &[UnpaidFee],
    refund_due: NaiveDate,
) -> Result<Settlement, DecorationError> {
    let mut contractor_side = Vec::new();
    let mut owner_side = Vec::new();
    let mut claims = Vec::new();
    for v in &d.violations {
        if v.amount == Decimal::ZERO {
            continue;
        }
        let item = Deduction {
            kind: DeductionKind::Violation,
            source: v.id.clone(),
            liable: v.liable,
            amount: v.amount,
            reason_zh: format!("{}（{}）", v.name_zh, v.id),
            reason_en: format!("{} ({})", v.name_en, v.id),
        };
        match v.liable {
            Liable::Contractor => contractor_side.push(item),
            Liable::Owner => owner_side.push(item),
            Liable::Staff => claims.push(item),
        }
    }
    if pass_replacement > Decimal::ZERO {
        for w in contractor.iter().flat_map(|c| c.workers.iter()) {
            if !d.passes_returned.contains(&w.pass_no) {
                contractor_side.push(Deduction {
                    kind: DeductionKind::UnreturnedPass,
                    source: w.pass_no.clone(),
                    liable: Liable::Contractor,
                    amount: pass_replacement,
                    reason_zh: format!("出入证未退还：{}（{}）", w.pass_no, w.name),
                    reason_en: format!("pass not returned: {} ({})", w.pass_no, w.name),
                });
            }
        }
    }
    for u in unpaid {
        let line = d
            .fees
            .iter()
            .find(|f| f.code == u.code)
            .expect("unpaid fees are checked against the fee lines before settling");
        owner_side.push(Deduction {
            kind: DeductionKind::UnpaidFee,
            source: u.code.clone(),
            liable: Liable::Owner,
            amount: u.amount,
            reason_zh: format!("{}未缴", line.name_zh),
            reason_en: format!("{} unpaid", line.name_en),
        });
    }
    let deposit = d.deposit_received.unwrap_or(Decimal::ZERO);
    let mut left = deposit;
    let (mut shortfall_charge, mut contractor_claim) = (Decimal::ZERO, Decimal::ZERO);
    let overflow = || DecorationError::value("overflow", "deductions", "the deductions overflow");
    for item in contractor_side.iter().chain(owner_side.iter()) {
        let taken = item.amount.min(left);
        left -= taken;
        let uncovered = item.amount - taken;
        match item.liable {
            Liable::Contractor => {
                contractor_claim = contractor_claim
                    .checked_add(uncovered)
                    .ok_or_else(overflow)?;
            }
            _ => {
                shortfall_charge = shortfall_charge
                    .checked_add(uncovered)
                    .ok_or_else(overflow)?
            }
        }
    }
    let at_scale = |mut x: Decimal| {
        x.rescale(scale);
        x
    };
    let deducted = deposit - left;
    let mut deductions = contractor_side;
    deductions.extend(owner_side);
    Ok(Settlement {
        deposit: at_scale(deposit),
        deductions,
        deducted: at_scale(deducted),
        refund: at_scale(left),
        shortfall: at_scale(shortfall_charge + contractor_claim),
        shortfall_charge: at_scale(shortfall_charge),
        contractor_claim: at_scale(contractor_claim),
        claims,
        refund_due,
    })
}
