//! A unit's ledger: charges, payments, prepaid balance (预存款), late penalties,
//! waivers, deferred payments, arrears aging, payment reminders (催交款通知书) and
//! collection rate (收缴率).
//!
//! Money is never created or lost: every payment is split into principal, penalty
//! and prepaid, and the parts sum to the payment. A failed operation changes nothing.
//!
//! ```
//! use estatekit::fees::calc::PenaltyPolicy;
//! use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
//! use estatekit::money::RoundingPolicy;
//! let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//!
//! let mut ledger = Ledger::new("1-101", RoundingPolicy::default(), PaymentOrder::PenaltyFirst);
//! ledger.add_charge(ChargeInput::new("2026-09/management", "management", d("2026-09-15"), "331.15".parse()?)
//!     .with_penalty(PenaltyPolicy::daily("0.0005".parse()?)), d("2026-09-01"))?;
//! assert_eq!(ledger.penalty("2026-09/management", d("2026-10-15"))?.to_string(), "4.97");
//! let receipt = ledger.pay("R1", "400".parse()?, d("2026-10-15"))?;
//! assert_eq!(receipt.to_prepaid.to_string(), "63.88"); // 400 − 4.97 − 331.15
//! assert_eq!(ledger.prepaid().to_string(), "63.88");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::billing::{Bill, BillingPeriod};
use super::calc::{LateFee, PenaltyPolicy, PrincipalPayment, accrue_rounded};
use super::schedule::FeeSchedule;
use super::{FeeError, add, non_negative};
use crate::money::RoundingPolicy;

/// The dates a ledger accepts: years 1–9999 (as Python's `datetime.date`), so that
/// penalty day counts and due-date arithmetic stay far from chrono's limits.
fn check_date(date: NaiveDate, path: &str) -> Result<(), FeeError> {
    if (1..=9999).contains(&date.year()) {
        Ok(())
    } else {
        Err(FeeError::value(
            "out_of_range",
            path,
            format!("{date} is outside the supported years 1–9999"),
        ))
    }
}

/// Within one item, whether a payment settles the penalty or the principal first.
///
/// ```
/// use estatekit::fees::ledger::PaymentOrder;
/// assert_eq!("principal_first".parse::<PaymentOrder>()?, PaymentOrder::PrincipalFirst);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentOrder {
    /// Penalty, then principal (the default).
    #[default]
    PenaltyFirst,
    /// Principal, then penalty.
    PrincipalFirst,
}

impl std::str::FromStr for PaymentOrder {
    type Err = FeeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "penalty_first" => Ok(Self::PenaltyFirst),
            "principal_first" => Ok(Self::PrincipalFirst),
            _ => Err(FeeError::value(
                "unknown_value",
                "order",
                format!("unknown payment order {s:?}; expected penalty_first or principal_first"),
            )),
        }
    }
}

/// A new charge for [`Ledger::add_charge`].
///
/// ```
/// use estatekit::fees::ledger::ChargeInput;
/// let c = ChargeInput::new("c1", "management", "2026-10-15".parse().unwrap(), "331.15".parse().unwrap());
/// assert!(c.penalty.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeInput {
    /// Unique id in the ledger, e.g. "2026-10/management".
    pub id: String,
    /// Fee item code.
    pub item_code: String,
    /// Due date.
    pub due: NaiveDate,
    /// Amount (principal), ≥ 0.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// Late-penalty clause, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<PenaltyPolicy>,
    /// Late-fee terms beside the penalty's daily rate (a one-off fee, a yearly rate,
    /// daily rounding), if any: the schedule item's `late_fee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_fee: Option<LateFee>,
    /// The billing period the charge is for (收缴率 counts charges by period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<BillingPeriod>,
    /// What the charge is for, when its item code is not in the fee schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl ChargeInput {
    /// A charge without a penalty clause.
    ///
    /// ```
    /// let c = estatekit::fees::ledger::ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 1.into());
    /// assert_eq!(c.id, "c");
    /// ```
    pub fn new(
        id: impl Into<String>,
        item_code: impl Into<String>,
        due: NaiveDate,
        amount: Decimal,
    ) -> Self {
        Self {
            id: id.into(),
            item_code: item_code.into(),
            due,
            amount,
            penalty: None,
            late_fee: None,
            period: None,
            description: None,
        }
    }

    /// With a late-penalty clause.
    ///
    /// ```
    /// use estatekit::fees::{calc::PenaltyPolicy, ledger::ChargeInput};
    /// let c = ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 1.into()).with_penalty(PenaltyPolicy::daily(0.into()));
    /// assert!(c.penalty.is_some());
    /// ```
    pub fn with_penalty(mut self, penalty: PenaltyPolicy) -> Self {
        self.penalty = Some(penalty);
        self
    }

    /// With late-fee terms (a one-off fee, a yearly rate, daily rounding; see
    /// [`LateFee`]); the penalty clause's grace, count-from rule, minimum balance and
    /// cap apply to them, and without a clause they apply from the day after the due
    /// date, uncapped.
    ///
    /// ```
    /// use estatekit::fees::{calc::{LateFee, OneOffFee}, ledger::*};
    /// use estatekit::money::RoundingPolicy;
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let fee = LateFee { one_off: Some(OneOffFee { amount: Some("50.00".parse()?), ..Default::default() }), ..Default::default() };
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.add_charge(ChargeInput::new("c", "x", d("2026-01-15"), "300".parse()?).with_late_fee(fee), d("2026-01-01"))?;
    /// assert_eq!(l.penalty("c", d("2026-01-15"))?.to_string(), "0.00");
    /// assert_eq!(l.penalty("c", d("2026-01-16"))?.to_string(), "50.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_late_fee(mut self, late_fee: LateFee) -> Self {
        self.late_fee = Some(late_fee);
        self
    }
}

/// A waiver of (part of) an item's penalty, and with a write-off (核销, see
/// [`Ledger::write_off`]) of its principal too.
///
/// ```
/// let w = estatekit::fees::ledger::Waiver { date: "2026-11-01".parse().unwrap(), amount: 5.into(), principal: 0.into(), reason: "first time".into() };
/// assert_eq!(w.reason, "first time");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// Day granted.
    pub date: NaiveDate,
    /// Penalty waived.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// Principal written off (zero for a penalty waiver).
    #[serde(
        default = "zero",
        with = "crate::json::decimal",
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub principal: Decimal,
    /// Why.
    pub reason: String,
}

/// A charge in the ledger, with what has been paid and waived.
///
/// The first fields are the charge as posted (its history); `principal_payments`,
/// `penalty_paid` and `penalty_waived` are derived: the ledger recomputes them from
/// its history, in date order, whenever a dated event arrives out of order.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
/// assert_eq!(l.charges()[0].outstanding_principal().to_string(), "10.00");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// Id.
    pub id: String,
    /// Fee item code.
    pub item_code: String,
    /// Day the charge was issued to the owner (the bill's issue date): from then on
    /// payments and the prepaid balance settle it. `None` (documents written before
    /// issue dates were kept): open from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
    /// Day the charge was posted to the book, if it differs from the issue date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posted_on: Option<NaiveDate>,
    /// The billing period the charge is for, when it came from a bill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<BillingPeriod>,
    /// Original due date.
    pub due: NaiveDate,
    /// Approved later due date (延期付款), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_to: Option<NaiveDate>,
    /// Principal.
    #[serde(with = "crate::json::decimal")]
    pub principal: Decimal,
    /// Penalty clause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<PenaltyPolicy>,
    /// Late-fee terms beside the penalty clause, if any: what they charge is part of
    /// the charge's penalty (paid, waived and reported as penalty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_fee: Option<LateFee>,
    /// Principal paid, by date (derived; also used for the piecewise penalty).
    #[serde(default)]
    pub principal_payments: Vec<PrincipalPayment>,
    /// Penalty paid (derived).
    #[serde(default = "zero", with = "crate::json::decimal")]
    pub penalty_paid: Decimal,
    /// Penalty waived (derived: each waiver counts up to what was owed on its date).
    #[serde(default = "zero", with = "crate::json::decimal")]
    pub penalty_waived: Decimal,
    /// Penalty waivers and write-offs granted (history).
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// Principal written off (derived; also among `principal_payments`, as the
    /// principal is lower from the write-off's date on).
    #[serde(
        default = "zero",
        with = "crate::json::decimal",
        skip_serializing_if = "Decimal::is_zero"
    )]
    pub principal_written_off: Decimal,
    /// What the charge is for, when its item code is not in the fee schedule (a lock
    /// replacement): reminders name it so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn zero() -> Decimal {
    Decimal::ZERO
}

impl Charge {
    /// The due date in force (deferred or original).
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// # l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
    /// l.defer("c", "2026-02-15".parse().unwrap())?;
    /// assert_eq!(l.charges()[0].effective_due().to_string(), "2026-02-15");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn effective_due(&self) -> NaiveDate {
        self.deferred_to.unwrap_or(self.due)
    }

    /// Principal not yet paid.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// # l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
    /// l.pay("p", 4.into(), "2026-01-10".parse().unwrap())?;
    /// assert_eq!(l.charges()[0].outstanding_principal().to_string(), "6.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn outstanding_principal(&self) -> Decimal {
        // Ledger invariant (checked by every operation and by `Ledger::from_json`):
        // payments are positive and sum to at most the principal, so neither the sum
        // nor the difference can overflow.
        self.principal
            - self
                .principal_payments
                .iter()
                .map(|p| p.amount)
                .sum::<Decimal>()
    }

    fn issued_by(&self, date: NaiveDate) -> bool {
        self.issued_on.is_none_or(|i| i <= date)
    }

    /// Penalty accrued as of `as_of`, rounded once, before payments and waivers.
    fn accrued_penalty(
        &self,
        as_of: NaiveDate,
        rounding: &RoundingPolicy,
    ) -> Result<Decimal, FeeError> {
        let due = self.effective_due();
        match (&self.penalty, &self.late_fee) {
            (None, None) => Ok(Decimal::new(0, rounding.scale())),
            (Some(p), None) => accrue_rounded(
                self.principal,
                due,
                as_of,
                p,
                &self.principal_payments,
                rounding,
            ),
            (p, Some(terms)) => {
                let none = PenaltyPolicy::daily(Decimal::ZERO);
                let policy = p.as_ref().unwrap_or(&none);
                let charge = terms.accrue(
                    self.principal,
                    due,
                    as_of,
                    policy,
                    &self.principal_payments,
                    rounding,
                )?;
                Ok(charge.total)
            }
        }
    }

    /// Penalty still owed as of `as_of`: accrued less paid and waived, never negative.
    fn outstanding_penalty(
        &self,
        as_of: NaiveDate,
        rounding: &RoundingPolicy,
    ) -> Result<Decimal, FeeError> {
        let accrued = self.accrued_penalty(as_of, rounding)?;
        // paid + waived ≤ the ledger's limit (invariant); accrued ≥ 0.
        let settled = self.penalty_paid + self.penalty_waived;
        let mut owed = (accrued - settled).max(Decimal::ZERO);
        owed.rescale(rounding.scale());
        Ok(owed)
    }
}

/// How one payment was applied to one charge.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// # l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
/// let r = l.pay("p", 4.into(), "2026-01-10".parse().unwrap())?;
/// assert_eq!((r.applied[0].charge_id.as_str(), r.applied[0].principal.to_string()), ("c", "4.00".into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Charge id.
    pub charge_id: String,
    /// Principal paid.
    #[serde(with = "crate::json::decimal")]
    pub principal: Decimal,
    /// Penalty paid.
    #[serde(with = "crate::json::decimal")]
    pub penalty: Decimal,
}

/// Prepaid money (预存款) settling a charge: on the later of the charge's issue date
/// and the day the money arrived.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// l.pay("p", 50.into(), d("2026-01-01"))?;
/// l.add_charge(ChargeInput::new("c", "x", d("2026-02-16"), 30.into()), d("2026-02-01"))?;
/// let dd = &l.prepaid_applied()[0];
/// assert_eq!((dd.charge_id.as_str(), dd.date, dd.principal.to_string()), ("c", d("2026-02-01"), "30.00".into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawdown {
    /// Charge id.
    pub charge_id: String,
    /// Day the prepaid money settled it.
    pub date: NaiveDate,
    /// Principal settled.
    #[serde(with = "crate::json::decimal")]
    pub principal: Decimal,
    /// Penalty settled (only for a charge issued after its due date).
    #[serde(with = "crate::json::decimal")]
    pub penalty: Decimal,
}

/// A payment and how it was applied: `amount = Σ applied + to_prepaid`.
///
/// `id`, `date` and `amount` are its history; `applied` and `to_prepaid` are derived
/// and recomputed when a payment dated earlier arrives later.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// let r = l.pay("p", 50.into(), "2026-01-10".parse().unwrap())?;
/// assert_eq!(r.to_prepaid.to_string(), "50.00");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Payment id (receipt number, bank reference).
    pub id: String,
    /// Day paid.
    pub date: NaiveDate,
    /// Amount paid, > 0.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// Applications to charges, oldest first (derived).
    #[serde(default)]
    pub applied: Vec<Application>,
    /// What went to the prepaid balance (derived).
    #[serde(default = "zero", with = "crate::json::decimal")]
    pub to_prepaid: Decimal,
    /// The reversal (冲正) of this payment, if it was reversed: it then counts as never
    /// made, from its own date on; its id stays taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversed: Option<Reversal>,
}

/// A payment's reversal (冲正): a bounced transfer, a cheque returned.
///
/// ```
/// let r = estatekit::fees::ledger::Reversal { on: "2026-12-03".parse().unwrap(), reason: "bounced".into() };
/// assert_eq!(r.reason, "bounced");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reversal {
    /// Day the reversal was recorded.
    pub on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// Money paid back to the owner out of the prepaid balance (退款).
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// l.pay("P1", 100.into(), d("2026-01-05"))?;
/// l.refund("R1", 30.into(), d("2026-01-20"))?;
/// assert_eq!((l.prepaid().to_string(), l.refunds()[0].amount.to_string()), ("70.00".into(), "30.00".into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refund {
    /// Reference (unique among the ledger's payments and refunds).
    pub id: String,
    /// Day paid out.
    pub date: NaiveDate,
    /// Amount, > 0, never more than the prepaid balance that day.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
}

/// Outstanding principal by days overdue (账龄).
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// # l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
/// let a = l.aging("2026-03-01".parse().unwrap())?;
/// assert_eq!(a.days_31_60.to_string(), "10.00");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aging {
    /// Not yet due.
    #[serde(with = "crate::json::decimal")]
    pub not_due: Decimal,
    /// 0–30 days overdue.
    #[serde(with = "crate::json::decimal")]
    pub days_0_30: Decimal,
    /// 31–60 days overdue.
    #[serde(with = "crate::json::decimal")]
    pub days_31_60: Decimal,
    /// 61–90 days overdue.
    #[serde(with = "crate::json::decimal")]
    pub days_61_90: Decimal,
    /// More than 90 days overdue.
    #[serde(with = "crate::json::decimal")]
    pub days_90_plus: Decimal,
}

impl Aging {
    fn zero(scale: u32) -> Self {
        let z = Decimal::new(0, scale);
        Self {
            not_due: z,
            days_0_30: z,
            days_31_60: z,
            days_61_90: z,
            days_90_plus: z,
        }
    }
}

/// One overdue item of a payment reminder.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// # l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
/// let r = l.reminder("2026-01-25".parse().unwrap())?;
/// assert_eq!(r.items[0].days_overdue, 10);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderItem {
    /// Charge id.
    pub charge_id: String,
    /// Fee item code.
    pub item_code: String,
    /// Due date in force.
    pub due: NaiveDate,
    /// Days overdue as of the reminder date.
    pub days_overdue: i64,
    /// Principal outstanding.
    #[serde(with = "crate::json::decimal")]
    pub principal: Decimal,
    /// Penalty outstanding as of the reminder date.
    #[serde(with = "crate::json::decimal")]
    pub penalty: Decimal,
}

/// The data of a payment reminder (催交款通知书).
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// let r = l.reminder("2026-01-25".parse().unwrap())?;
/// assert!(r.items.is_empty());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// Unit id.
    pub unit_id: String,
    /// Date of the reminder.
    pub as_of: NaiveDate,
    /// Overdue items, oldest first.
    pub items: Vec<ReminderItem>,
    /// Principal plus penalty outstanding on the overdue items.
    #[serde(with = "crate::json::decimal")]
    pub total_due: Decimal,
    /// Prepaid balance available.
    #[serde(with = "crate::json::decimal")]
    pub prepaid: Decimal,
}

/// An account's figures as of a date, at the ledger's scale.
///
/// `paid = principal_paid + penalty_paid + prepaid + refunded` and
/// `billed − principal_written_off + penalty_accrued − penalty_waived =
/// principal_paid + penalty_paid + principal_outstanding + penalty_outstanding`
/// always hold.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// l.add_charge(ChargeInput::new("c", "x", d("2026-01-15"), 100.into()), d("2026-01-01"))?;
/// l.pay("p", 130.into(), d("2026-01-10"))?;
/// let b = l.balance(d("2026-01-31"))?;
/// assert_eq!((b.billed.to_string(), b.principal_outstanding.to_string(), b.prepaid.to_string()),
///            ("100.00".into(), "0.00".into(), "30.00".into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Principal of the charges issued by the date.
    #[serde(with = "crate::json::decimal")]
    pub billed: Decimal,
    /// Penalty accrued by the date (rounded once per charge).
    #[serde(with = "crate::json::decimal")]
    pub penalty_accrued: Decimal,
    /// Penalty waived by the date.
    #[serde(with = "crate::json::decimal")]
    pub penalty_waived: Decimal,
    /// Money received by the date.
    #[serde(with = "crate::json::decimal")]
    pub paid: Decimal,
    /// Principal settled by payments and prepaid money.
    #[serde(with = "crate::json::decimal")]
    pub principal_paid: Decimal,
    /// Principal written off (核销, [`Ledger::write_off`]) by the date.
    #[serde(with = "crate::json::decimal")]
    pub principal_written_off: Decimal,
    /// Penalty settled by payments and prepaid money.
    #[serde(with = "crate::json::decimal")]
    pub penalty_paid: Decimal,
    /// Principal still owed.
    #[serde(with = "crate::json::decimal")]
    pub principal_outstanding: Decimal,
    /// Penalty still owed.
    #[serde(with = "crate::json::decimal")]
    pub penalty_outstanding: Decimal,
    /// Prepaid balance (预存款).
    #[serde(with = "crate::json::decimal")]
    pub prepaid: Decimal,
    /// Money paid back out of the prepaid balance.
    #[serde(with = "crate::json::decimal")]
    pub refunded: Decimal,
}

/// When a dated event takes effect, and its place among events of the same day:
/// charges are issued first (by due date, then the order posted), then waivers, then
/// payments (by id, so that the order they were recorded in never matters).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct EventKey {
    date: NaiveDate,
    rank: u8,
    due: NaiveDate,
    id: String,
    seq: usize,
}

/// An applied event and what undoing it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Logged {
    key: EventKey,
    event: Event,
    /// Issue: drawdowns made; waiver: the penalty and principal that counted.
    drawdowns: usize,
    waived: Decimal,
    wrote_off: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Issue(usize),
    Waiver(usize, usize),
    Payment(usize),
    Refund(usize),
}

/// What the ledger derives from its history, besides the charges' and payments'
/// derived fields: indexes and the last event applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Cursor {
    /// The events applied, in date order, each with what it changed: a later event is
    /// applied on top; an earlier one rewinds the events after it, is applied, and
    /// they are applied again (so a row dated a few days back costs those days only).
    log: Vec<Logged>,
    /// Charges that may still owe something, oldest first: (due in force, issued,
    /// index) → index.
    open: BTreeMap<(NaiveDate, NaiveDate, usize), usize>,
    /// Charge id → index.
    charge_ids: HashMap<String, usize>,
    /// Payment id → index.
    payment_ids: HashMap<String, usize>,
    /// Refund id → index (ids are unique among payments and refunds together).
    refund_ids: HashMap<String, usize>,
    /// Total principal posted and total paid (kept within the limit).
    principal_total: Decimal,
    paid_total: Decimal,
}

/// A unit's account: the charges posted to it, the payments received, penalty
/// waivers and deferrals (its history), and what follows from them in date order.
///
/// **Order-independent.** Dated events take effect by date, whatever order they are
/// recorded in: a payment dated before one already applied is inserted where it
/// belongs and every later application, penalty and prepaid drawdown is recomputed,
/// so any permutation of the same payments gives the same ledger. Queries as of a
/// past date answer for that date.
///
/// **Prepaid money is never dunned.** A prepaid balance settles a charge on the later
/// of its issue date and the day the money arrived, before any penalty is counted.
///
/// Complexity: a payment, charge or waiver dated on or after the latest event costs
/// O(log n + charges it settles); an earlier-dated one, a deferral, a query as of a
/// past date and loading from JSON replay the history, O(n log n).
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// let l = Ledger::new("1-101", RoundingPolicy::default(), PaymentOrder::PrincipalFirst);
/// assert_eq!(Ledger::from_json(&l.to_json())?, l);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// The document format: 2 states figures that must agree with the history; 1
    /// (absent) is a document of an earlier release, rebuilt from its history.
    #[serde(default = "legacy_format")]
    format_version: u32,
    unit_id: String,
    rounding: RoundingPolicy,
    order: PaymentOrder,
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    low_balance_threshold: Option<Decimal>,
    charges: Vec<Charge>,
    payments: Vec<Payment>,
    #[serde(with = "crate::json::decimal")]
    prepaid: Decimal,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    prepaid_applied: Vec<Drawdown>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    refunds: Vec<Refund>,
    #[serde(skip)]
    cursor: Cursor,
}

/// The ledger JSON format version this library writes.
pub const LEDGER_FORMAT_VERSION: u32 = 2;

fn legacy_format() -> u32 {
    1
}

/// A planned application of money to one charge.
struct Planned {
    charge: usize,
    principal: Decimal,
    penalty: Decimal,
    /// The charge owes nothing afterwards.
    closes: bool,
}

impl Ledger {
    /// An empty ledger for a unit. For a unit id from input use [`Ledger::open`],
    /// which refuses an empty one with an error.
    ///
    /// # Panics
    /// When `unit_id` is empty or only spaces: such a ledger could not be read back
    /// ([`Ledger::from_json`] refuses it).
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert_eq!(Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default()).unit_id(), "u");
    /// ```
    pub fn new(unit_id: impl Into<String>, rounding: RoundingPolicy, order: PaymentOrder) -> Self {
        Self::open(unit_id, rounding, order)
            .expect("Ledger::new needs a unit id that is not empty (Ledger::open checks it)")
    }

    /// An empty ledger for a unit, checked: the unit id must not be empty or only
    /// spaces (the rule [`Ledger::from_json`] applies to a saved ledger).
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] `empty_field` at `unit_id`.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let l = Ledger::open("1-101", RoundingPolicy::default(), PaymentOrder::default())?;
    /// assert_eq!(Ledger::from_json(&l.to_json())?, l);
    /// let e = Ledger::open(" ", RoundingPolicy::default(), PaymentOrder::default()).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("empty_field", "unit_id"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn open(
        unit_id: impl Into<String>,
        rounding: RoundingPolicy,
        order: PaymentOrder,
    ) -> Result<Self, FeeError> {
        let unit_id = unit_id.into();
        if unit_id.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "unit_id",
                "a ledger needs a unit id",
            ));
        }
        let z = Decimal::new(0, rounding.scale());
        Ok(Self {
            format_version: LEDGER_FORMAT_VERSION,
            unit_id,
            rounding,
            order,
            low_balance_threshold: None,
            charges: Vec::new(),
            payments: Vec::new(),
            prepaid: z,
            prepaid_applied: Vec::new(),
            refunds: Vec::new(),
            cursor: Cursor {
                principal_total: z,
                paid_total: z,
                ..Cursor::default()
            },
        })
    }

    /// Reads a ledger saved with [`Ledger::to_json`]. The document's history (charges
    /// as posted, payments, waivers, write-offs, deferrals, reversals, refunds) is
    /// checked and replayed: the derived fields (applications, principal payments,
    /// penalty paid and waived, prepaid) are rebuilt from it. In a document of the
    /// current format every figure it states must agree with the rebuilt one (a
    /// figure it leaves out is simply rebuilt); a document of format 1 (no
    /// `format_version`, written by an earlier release) is rebuilt without that
    /// comparison. Either way the ledger loaded keeps every invariant the operations
    /// keep. To detect any edit, seal the document ([`crate::integrity`]).
    ///
    /// # Errors
    /// [`FeeError::Json`] naming the bad field; [`FeeError::InvalidValue`] for a broken
    /// invariant (duplicate ids, amounts beyond the ledger's scale, a deferral not
    /// after the due date, an empty unit id…); [`FeeError::Inconsistent`] naming the
    /// first figure that contradicts the history.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert_eq!(Ledger::from_json("{}").unwrap_err().path(), "unit_id");
    /// // A prepaid balance from nothing.
    /// let l = Ledger::new("1-101", RoundingPolicy::default(), PaymentOrder::default());
    /// let forged = l.to_json().replace("\"prepaid\": \"0.00\"", "\"prepaid\": \"500.00\"");
    /// let e = Ledger::from_json(&forged).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("inconsistent_document", "prepaid"));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FeeError> {
        let json = |f: crate::json::JsonFailure| FeeError::Json {
            path: f.path,
            message: f.message,
        };
        // Read without a `serde_json::Value` tree of the document (10 to 15 bytes
        // of memory per byte): syntax first, then the typed ledger, then the
        // comparison with the rebuilt one, each a pass over the text.
        crate::json::within(text, crate::MAX_LEDGER_DOCUMENT_BYTES).map_err(|(size, limit)| {
            FeeError::DocumentTooLarge {
                path: "$".to_owned(),
                size,
                limit,
            }
        })?;
        crate::json::check_syntax(text).map_err(json)?;
        let mut ledger: Self = crate::json::parse_checked(text).map_err(json)?;
        if ledger.format_version == 0 || ledger.format_version > LEDGER_FORMAT_VERSION {
            return Err(FeeError::value(
                "unsupported_format_version",
                "format_version",
                format!(
                    "format version {} is not supported (expected 1 to {LEDGER_FORMAT_VERSION})",
                    ledger.format_version
                ),
            ));
        }
        let stated = ledger.format_version == LEDGER_FORMAT_VERSION;
        ledger.validate()?;
        ledger.normalize_scale();
        // In place: a failure discards the ledger (no copy to keep, unlike an operation).
        ledger.replay_in_place(None).map_err(|e| {
            // Name the refund the history cannot cover.
            let at = match &e {
                FeeError::RefundExceedsPrepaid { reference, .. } => {
                    ledger.refunds.iter().position(|r| &r.id == reference)
                }
                _ => None,
            };
            match at {
                Some(i) => e.with_path(format!("refunds[{i}].amount")),
                None => e,
            }
        })?;
        ledger.format_version = LEDGER_FORMAT_VERSION;
        if stated {
            let rebuilt = serde_json::to_string(&ledger)
                .expect("a ledger serializes: string keys, no floats");
            if let Some((path, reason)) = crate::json::first_contradiction(text, &rebuilt) {
                return Err(FeeError::Inconsistent { path, reason });
            }
        }
        Ok(ledger)
    }

    /// The invariants every operation keeps, checked on a ledger read from JSON: ids
    /// unique and not empty, amounts not negative (payments positive), payments of a
    /// charge at most its principal, dates within years 1–9999, and every total the
    /// ledger reports (principal, paid, penalty, prepaid) within the decimal range.
    fn validate(&self) -> Result<(), FeeError> {
        if self.unit_id.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "unit_id",
                "a ledger needs a unit id",
            ));
        }
        let mut principal_total = Decimal::ZERO;
        let mut penalty_total = Decimal::ZERO;
        let mut ids: HashSet<&str> = HashSet::with_capacity(self.charges.len());
        for (i, c) in self.charges.iter().enumerate() {
            let p = |f: &str| format!("charges[{i}].{f}");
            if c.id.trim().is_empty() {
                return Err(FeeError::value(
                    "empty_field",
                    p("id"),
                    "charge id must not be empty",
                ));
            }
            if !ids.insert(&c.id) {
                return Err(FeeError::value(
                    "duplicate_id",
                    p("id"),
                    format!("duplicate charge id {:?}", c.id),
                ));
            }
            check_date(c.due, &p("due"))?;
            for (d, f) in [
                (c.deferred_to, "deferred_to"),
                (c.issued_on, "issued_on"),
                (c.posted_on, "posted_on"),
            ] {
                if let Some(d) = d {
                    check_date(d, &p(f))?;
                }
            }
            if let Some(d) = c.deferred_to.filter(|&d| d <= c.due) {
                return Err(FeeError::value(
                    "ends_before_starts",
                    p("deferred_to"),
                    format!("a deferral to {d} is not after the due date {}", c.due),
                ));
            }
            non_negative(c.principal, || p("principal"))?;
            self.check_money(c.principal, &p("principal"))?;
            principal_total = add(principal_total, c.principal, &p("principal"))?;
            self.check_total(principal_total, &p("principal"))?;
            if let Some(pen) = &c.penalty {
                pen.validate().map_err(|e| e.under(&p("penalty")))?;
            }
            if let Some(t) = &c.late_fee {
                t.validate().map_err(|e| e.under(&p("late_fee")))?;
            }
            let mut paid = Decimal::ZERO;
            for (j, pp) in c.principal_payments.iter().enumerate() {
                let path = p(&format!("principal_payments[{j}].amount"));
                check_date(pp.date, &p(&format!("principal_payments[{j}].date")))?;
                if pp.amount <= Decimal::ZERO {
                    return Err(FeeError::NonPositivePayment {
                        path,
                        amount: pp.amount,
                    });
                }
                self.check_money(pp.amount, &path)?;
                paid = add(paid, pp.amount, &path)?;
                if paid > c.principal {
                    return Err(FeeError::Inconsistent {
                        path,
                        reason: format!("payments exceed the principal {}", c.principal),
                    });
                }
            }
            for (v, f) in [
                (c.penalty_paid, "penalty_paid"),
                (c.penalty_waived, "penalty_waived"),
            ] {
                non_negative(v, || p(f))?;
                self.check_money(v, &p(f))?;
                penalty_total = add(penalty_total, v, &p(f))?;
                self.check_total(penalty_total, &p(f))?;
            }
            // Each waiver counts only up to the penalty owed on its date, so what is
            // waived stays within the accrued penalty however large the amounts asked.
            for (j, w) in c.waivers.iter().enumerate() {
                let path = p(&format!("waivers[{j}].amount"));
                check_date(w.date, &p(&format!("waivers[{j}].date")))?;
                non_negative(w.amount, || path.clone())?;
                self.check_money(w.amount, &path)?;
                let path = p(&format!("waivers[{j}].principal"));
                non_negative(w.principal, || path.clone())?;
                self.check_money(w.principal, &path)?;
                if w.reason.trim().is_empty() {
                    return Err(FeeError::value(
                        "empty_field",
                        p(&format!("waivers[{j}].reason")),
                        "a waiver needs a reason",
                    ));
                }
            }
        }
        let mut paid_total = Decimal::ZERO;
        let mut ids: HashSet<&str> = HashSet::with_capacity(self.payments.len());
        for (i, pay) in self.payments.iter().enumerate() {
            let p = |f: &str| format!("payments[{i}].{f}");
            if pay.id.trim().is_empty() {
                return Err(FeeError::value(
                    "empty_field",
                    p("id"),
                    "payment id must not be empty",
                ));
            }
            if !ids.insert(&pay.id) {
                return Err(FeeError::value(
                    "duplicate_id",
                    p("id"),
                    format!("duplicate payment id {:?}", pay.id),
                ));
            }
            check_date(pay.date, &p("date"))?;
            if pay.amount <= Decimal::ZERO {
                return Err(FeeError::NonPositivePayment {
                    path: p("amount"),
                    amount: pay.amount,
                });
            }
            self.check_money(pay.amount, &p("amount"))?;
            if let Some(r) = &pay.reversed {
                check_date(r.on, &p("reversed.on"))?;
                if r.reason.trim().is_empty() {
                    return Err(FeeError::value(
                        "empty_field",
                        p("reversed.reason"),
                        "a reversal needs a reason",
                    ));
                }
            }
            paid_total = add(paid_total, pay.amount, &p("amount"))?;
            self.check_total(paid_total, &p("amount"))?;
        }
        for (i, r) in self.refunds.iter().enumerate() {
            let p = |f: &str| format!("refunds[{i}].{f}");
            if r.id.trim().is_empty() {
                return Err(FeeError::value(
                    "empty_field",
                    p("id"),
                    "refund id must not be empty",
                ));
            }
            if !ids.insert(&r.id) {
                return Err(FeeError::value(
                    "duplicate_id",
                    p("id"),
                    format!("duplicate payment or refund id {:?}", r.id),
                ));
            }
            check_date(r.date, &p("date"))?;
            if r.amount <= Decimal::ZERO {
                return Err(FeeError::NonPositivePayment {
                    path: p("amount"),
                    amount: r.amount,
                });
            }
            self.check_money(r.amount, &p("amount"))?;
        }
        non_negative(self.prepaid, || "prepaid".into())?;
        self.check_money(self.prepaid, "prepaid")?;
        if let Some(t) = self.low_balance_threshold {
            non_negative(t, || "low_balance_threshold".into())?;
        }
        Ok(())
    }

    /// Every amount of the history read from a document at the ledger's scale, as the
    /// operations keep them (`"150.000"` on a scale-2 ledger is `150.00`): `validate`
    /// has checked that none has a non-zero digit beyond the scale, so nothing is
    /// rounded. The derived figures are rebuilt from these by the replay.
    fn normalize_scale(&mut self) {
        let scale = self.rounding.scale();
        let at = |d: &mut Decimal| d.rescale(scale);
        for c in &mut self.charges {
            at(&mut c.principal);
            for w in &mut c.waivers {
                at(&mut w.amount);
                at(&mut w.principal);
            }
        }
        for p in &mut self.payments {
            at(&mut p.amount);
        }
        for r in &mut self.refunds {
            at(&mut r.amount);
        }
    }

    /// The ledger as JSON.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default()).to_json().contains("\"prepaid\": \"0.00\""));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a ledger serializes: string keys, no floats")
    }

    /// Unit id.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert_eq!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).unit_id(), "x");
    /// ```
    pub fn unit_id(&self) -> &str {
        &self.unit_id
    }

    /// The rounding policy (scale and mode) of the ledger's money.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert_eq!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).rounding().scale(), 2);
    /// ```
    pub fn rounding(&self) -> &RoundingPolicy {
        &self.rounding
    }

    /// The payment order within a charge.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert_eq!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::PrincipalFirst).order(), PaymentOrder::PrincipalFirst);
    /// ```
    pub fn order(&self) -> PaymentOrder {
        self.order
    }

    /// Charges, in the order added.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).charges().is_empty());
    /// ```
    pub fn charges(&self) -> &[Charge] {
        &self.charges
    }

    /// One charge by id.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).charge("c").is_none());
    /// ```
    pub fn charge(&self, id: &str) -> Option<&Charge> {
        self.cursor.charge_ids.get(id).map(|&i| &self.charges[i])
    }

    /// Payments, in the order recorded.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).payments().is_empty());
    /// ```
    pub fn payments(&self) -> &[Payment] {
        &self.payments
    }

    /// One payment by id.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let mut l = Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default());
    /// l.pay("R1", 5.into(), "2026-01-01".parse().unwrap())?;
    /// assert_eq!(l.payment("R1").unwrap().to_prepaid.to_string(), "5.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn payment(&self, id: &str) -> Option<&Payment> {
        self.cursor.payment_ids.get(id).map(|&i| &self.payments[i])
    }

    /// Prepaid money applied to charges when they were issued.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).prepaid_applied().is_empty());
    /// ```
    pub fn prepaid_applied(&self) -> &[Drawdown] {
        &self.prepaid_applied
    }

    /// The prepaid balance (预存款) after every recorded event.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).prepaid().is_zero());
    /// ```
    pub fn prepaid(&self) -> Decimal {
        self.prepaid
    }

    /// Sets the balance below which [`Ledger::low_balance`] warns.
    ///
    /// # Errors
    /// [`FeeError::Negative`] for a negative threshold.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let mut l = Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default());
    /// l.set_low_balance_threshold(Some(100.into()))?;
    /// assert!(l.low_balance());
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn set_low_balance_threshold(
        &mut self,
        threshold: Option<Decimal>,
    ) -> Result<(), FeeError> {
        if let Some(t) = threshold {
            non_negative(t, || "threshold".into())?;
        }
        self.low_balance_threshold = threshold;
        Ok(())
    }

    /// Whether the prepaid balance is below the low-balance threshold (if one is set).
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(!Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).low_balance());
    /// ```
    pub fn low_balance(&self) -> bool {
        self.low_balance_threshold.is_some_and(|t| self.prepaid < t)
    }

    /// The largest amount the ledger holds exactly: every amount is in minor units of
    /// the ledger's scale, and any total of them must fit a decimal mantissa at that
    /// scale, so that sums and differences are exact (no money is rounded away).
    fn limit(&self) -> Decimal {
        Decimal::from_i128_with_scale(
            i128::from(u64::MAX) << 32 | i128::from(u32::MAX),
            self.rounding.scale(),
        )
    }

    /// An amount entering the ledger: not more decimal places than the ledger's
    /// scale, and within [`Ledger::limit`].
    fn check_money(&self, amount: Decimal, path: &str) -> Result<(), FeeError> {
        let scale = self.rounding.scale();
        if amount.normalize().scale() > scale {
            return Err(FeeError::value(
                "too_many_decimals",
                path,
                format!("{amount} has more decimal places than the ledger's scale {scale}"),
            ));
        }
        self.check_total(amount, path)
    }

    /// A total the ledger keeps must stay within [`Ledger::limit`].
    fn check_total(&self, total: Decimal, path: &str) -> Result<(), FeeError> {
        if total.abs() > self.limit() {
            return Err(FeeError::Money {
                path: path.to_owned(),
                source: crate::money::MoneyError::Overflow {
                    context: format!("{total} exceeds the ledger's limit {}", self.limit()),
                },
            });
        }
        Ok(())
    }

    /// `amount` at the ledger's scale (checked by `check_money` to fit).
    fn at_scale(&self, mut amount: Decimal) -> Decimal {
        amount.rescale(self.rounding.scale());
        amount
    }

    fn zero(&self) -> Decimal {
        Decimal::new(0, self.rounding.scale())
    }

    fn index(&self, id: &str) -> Result<usize, FeeError> {
        self.cursor
            .charge_ids
            .get(id)
            .copied()
            .ok_or_else(|| FeeError::Unknown {
                path: "charge_id".into(),
                what: "charge",
                id: id.to_owned(),
            })
    }

    fn open_key(c: &Charge, i: usize) -> (NaiveDate, NaiveDate, usize) {
        (c.effective_due(), c.issued_on.unwrap_or(NaiveDate::MIN), i)
    }

    fn event_key(&self, e: Event) -> EventKey {
        match e {
            Event::Issue(i) => {
                let c = &self.charges[i];
                EventKey {
                    date: c.issued_on.unwrap_or(NaiveDate::MIN),
                    rank: 0,
                    due: c.effective_due(),
                    id: String::new(),
                    seq: i,
                }
            }
            Event::Waiver(i, j) => EventKey {
                date: self.charges[i].waivers[j].date,
                rank: 1,
                due: NaiveDate::MIN,
                id: self.charges[i].id.clone(),
                seq: j,
            },
            Event::Payment(i) => EventKey {
                date: self.payments[i].date,
                rank: 2,
                due: NaiveDate::MIN,
                id: self.payments[i].id.clone(),
                seq: 0,
            },
            Event::Refund(i) => EventKey {
                date: self.refunds[i].date,
                rank: 3,
                due: NaiveDate::MIN,
                id: self.refunds[i].id.clone(),
                seq: 0,
            },
        }
    }

    /// Whether an event with this key can be applied on top of the current state.
    fn in_order(&self, key: &EventKey) -> bool {
        self.cursor.log.last().is_none_or(|last| *key > last.key)
    }

    /// Undoes the last applied event (infallible: it subtracts what was added).
    fn undo_last(&mut self) {
        let Some(logged) = self.cursor.log.pop() else {
            return;
        };
        let z = self.zero();
        match logged.event {
            Event::Payment(i) => {
                let applied = std::mem::take(&mut self.payments[i].applied);
                for a in applied.iter().rev() {
                    let ci = self.cursor.charge_ids[&a.charge_id];
                    self.unapply(ci, a.principal, a.penalty);
                }
                self.prepaid -= self.payments[i].to_prepaid;
                self.payments[i].to_prepaid = z;
            }
            Event::Issue(i) => {
                for _ in 0..logged.drawdowns {
                    if let Some(dd) = self.prepaid_applied.pop() {
                        let ci = self.cursor.charge_ids[&dd.charge_id];
                        self.unapply(ci, dd.principal, dd.penalty);
                        self.prepaid += dd.principal + dd.penalty;
                    }
                }
                let key = Self::open_key(&self.charges[i], i);
                self.cursor.open.remove(&key);
            }
            Event::Waiver(i, _) => {
                let c = &mut self.charges[i];
                c.penalty_waived -= logged.waived;
                if logged.wrote_off > Decimal::ZERO {
                    c.principal_written_off -= logged.wrote_off;
                    c.principal_payments.pop();
                    let key = Self::open_key(c, i);
                    self.cursor.open.insert(key, i);
                }
            }
            Event::Refund(i) => {
                self.prepaid += self.refunds[i].amount;
            }
        }
    }

    /// Takes back one application to charge `ci` (its last principal payment).
    fn unapply(&mut self, ci: usize, principal: Decimal, penalty: Decimal) {
        let c = &mut self.charges[ci];
        c.penalty_paid -= penalty;
        if principal > Decimal::ZERO {
            c.principal_payments.pop();
        }
        let key = Self::open_key(c, ci);
        self.cursor.open.insert(key, ci);
    }

    /// Rebuilds every derived field from the history, applying the events dated up to
    /// `until` (all when `None`) in date order. On error the ledger is left half
    /// rebuilt: callers replay a copy, or discard the ledger on error.
    fn replay_in_place(&mut self, until: Option<NaiveDate>) -> Result<(), FeeError> {
        let z = self.zero();
        for c in &mut self.charges {
            c.principal_payments.clear();
            c.penalty_paid = z;
            c.penalty_waived = z;
            c.principal_written_off = z;
        }
        for p in &mut self.payments {
            p.applied.clear();
            p.to_prepaid = z;
        }
        self.prepaid = z;
        self.prepaid_applied.clear();
        let mut cursor = Cursor {
            principal_total: z,
            paid_total: z,
            ..Cursor::default()
        };
        for (i, c) in self.charges.iter().enumerate() {
            cursor.charge_ids.insert(c.id.clone(), i);
            cursor.principal_total += c.principal;
        }
        for (i, p) in self.payments.iter().enumerate() {
            cursor.payment_ids.insert(p.id.clone(), i);
            cursor.paid_total += p.amount;
        }
        for (i, r) in self.refunds.iter().enumerate() {
            cursor.refund_ids.insert(r.id.clone(), i);
        }
        self.cursor = cursor;
        let mut events: Vec<(EventKey, Event)> = Vec::new();
        for (i, c) in self.charges.iter().enumerate() {
            events.push((self.event_key(Event::Issue(i)), Event::Issue(i)));
            for j in 0..c.waivers.len() {
                events.push((self.event_key(Event::Waiver(i, j)), Event::Waiver(i, j)));
            }
        }
        for (i, p) in self.payments.iter().enumerate() {
            // A reversed payment counts as never made.
            if p.reversed.is_none() {
                events.push((self.event_key(Event::Payment(i)), Event::Payment(i)));
            }
        }
        for i in 0..self.refunds.len() {
            events.push((self.event_key(Event::Refund(i)), Event::Refund(i)));
        }
        events.sort();
        for (key, event) in events {
            if until.is_some_and(|u| key.date > u) {
                break;
            }
            self.apply_logged(key, event)?;
        }
        Ok(())
    }

    /// [`Self::apply`], recorded in the log.
    fn apply_logged(&mut self, key: EventKey, event: Event) -> Result<(), FeeError> {
        let drawdowns = self.prepaid_applied.len();
        let settled = |l: &Self| match event {
            Event::Waiver(i, _) => (
                l.charges[i].penalty_waived,
                l.charges[i].principal_written_off,
            ),
            _ => (Decimal::ZERO, Decimal::ZERO),
        };
        let before = settled(self);
        self.apply(event)?;
        let after = settled(self);
        self.cursor.log.push(Logged {
            key,
            event,
            drawdowns: self.prepaid_applied.len() - drawdowns,
            waived: after.0 - before.0,
            wrote_off: after.1 - before.1,
        });
        Ok(())
    }

    /// Applies one event on top of the current state; on error nothing changed.
    fn apply(&mut self, event: Event) -> Result<(), FeeError> {
        match event {
            Event::Issue(i) => {
                let c = &self.charges[i];
                self.cursor.open.insert(Self::open_key(c, i), i);
                if self.prepaid > Decimal::ZERO {
                    let date = c.issued_on.unwrap_or(NaiveDate::MIN);
                    let (plan, left) = self.plan(self.prepaid, date)?;
                    for a in &plan {
                        self.prepaid_applied.push(Drawdown {
                            charge_id: self.charges[a.charge].id.clone(),
                            date,
                            principal: a.principal,
                            penalty: a.penalty,
                        });
                    }
                    self.commit(&plan, date);
                    self.prepaid = left;
                }
            }
            Event::Waiver(i, j) => {
                let w = &self.charges[i].waivers[j];
                let (date, amount, principal) = (w.date, w.amount, w.principal);
                let c = &self.charges[i];
                let (owed, owed_principal) = if c.issued_by(date) {
                    (
                        c.outstanding_penalty(date, &self.rounding)?,
                        c.outstanding_principal(),
                    )
                } else {
                    (self.zero(), self.zero())
                };
                // A waiver counts up to what is owed on its date: a payment recorded
                // later but dated earlier may have settled part of it. The penalty is
                // counted before the principal is written off.
                let c = &mut self.charges[i];
                c.penalty_waived += amount.min(owed);
                let principal = principal.min(owed_principal);
                if principal > Decimal::ZERO {
                    c.principal_written_off += principal;
                    c.principal_payments.push(PrincipalPayment {
                        date,
                        amount: principal,
                    });
                }
            }
            Event::Payment(i) => {
                let (amount, date) = (self.payments[i].amount, self.payments[i].date);
                let (plan, left) = self.plan(amount, date)?;
                self.commit(&plan, date);
                let p = &mut self.payments[i];
                p.applied = plan
                    .iter()
                    .map(|a| Application {
                        charge_id: self.charges[a.charge].id.clone(),
                        principal: a.principal,
                        penalty: a.penalty,
                    })
                    .collect();
                p.to_prepaid = left;
                // prepaid + left ≤ total paid ≤ limit (invariant of `pay`).
                self.prepaid += left;
            }
            Event::Refund(i) => {
                let r = &self.refunds[i];
                if r.amount > self.prepaid {
                    return Err(FeeError::RefundExceedsPrepaid {
                        path: "amount".into(),
                        reference: r.id.clone(),
                        amount: r.amount,
                        prepaid: self.prepaid,
                        date: r.date,
                    });
                }
                self.prepaid -= r.amount;
            }
        }
        Ok(())
    }

    /// How `amount` received on `date` settles the open charges, oldest first (due
    /// date in force, then issue date, then the order posted), penalty or principal first within
    /// each as configured; returns the applications and what is left. Read-only.
    fn plan(&self, amount: Decimal, date: NaiveDate) -> Result<(Vec<Planned>, Decimal), FeeError> {
        let mut left = amount;
        let mut plan = Vec::new();
        for &i in self.cursor.open.values() {
            let c = &self.charges[i];
            if !c.issued_by(date) {
                continue;
            }
            let owed_penalty = c.outstanding_penalty(date, &self.rounding)?;
            let owed_principal = c.outstanding_principal();
            if owed_penalty.is_zero() && owed_principal.is_zero() {
                plan.push(Planned {
                    charge: i,
                    principal: self.zero(),
                    penalty: self.zero(),
                    closes: true,
                });
                continue;
            }
            if left.is_zero() {
                break;
            }
            let (first, second) = match self.order {
                PaymentOrder::PenaltyFirst => (owed_penalty, owed_principal),
                PaymentOrder::PrincipalFirst => (owed_principal, owed_penalty),
            };
            let a = left.min(first);
            let b = (left - a).min(second);
            left -= a + b;
            let (penalty, principal) = match self.order {
                PaymentOrder::PenaltyFirst => (a, b),
                PaymentOrder::PrincipalFirst => (b, a),
            };
            plan.push(Planned {
                charge: i,
                principal,
                penalty,
                closes: penalty == owed_penalty && principal == owed_principal,
            });
        }
        Ok((plan, left))
    }

    /// Applies a plan (infallible: every sum is bounded by the ledger's totals).
    fn commit(&mut self, plan: &[Planned], date: NaiveDate) {
        for a in plan {
            let c = &mut self.charges[a.charge];
            c.penalty_paid += a.penalty;
            if a.principal > Decimal::ZERO {
                c.principal_payments.push(PrincipalPayment {
                    date,
                    amount: a.principal,
                });
            }
            if a.closes {
                let key = Self::open_key(c, a.charge);
                self.cursor.open.remove(&key);
            }
        }
    }

    /// Adds an event to the history: on top of the current state when it is the
    /// latest, else by replaying. On error the ledger is unchanged (the caller has
    /// not yet changed the history: `record` pushes and pops on failure).
    fn settle_new(&mut self, event: Event) -> Result<(), FeeError> {
        let key = self.event_key(event);
        if self.in_order(&key) {
            // `apply` checks everything that can fail before it changes anything.
            return self.apply_logged(key, event);
        }
        // Rewind the events after it, apply it, apply them again.
        let at = self.cursor.log.partition_point(|l| l.key < key);
        let tail: Vec<(EventKey, Event)> = self.cursor.log[at..]
            .iter()
            .map(|l| (l.key.clone(), l.event))
            .collect();
        for _ in 0..tail.len() {
            self.undo_last();
        }
        let redo = std::iter::once((key, event)).chain(tail);
        for (k, e) in redo {
            // On error the caller takes the event out of the history and rebuilds.
            self.apply_logged(k, e)?;
        }
        Ok(())
    }

    /// After a failed operation, with its event taken out of the history again:
    /// rebuilds the derived state, indexes and totals from the history as it was.
    fn restore(&mut self) {
        self.replay_in_place(None)
            .expect("the history before a failed operation was applied without error");
    }

    /// The ledger as it stood at the end of `as_of`: itself when no recorded event is
    /// later, else a replay of its history up to that day.
    fn state_at(&self, as_of: NaiveDate) -> Result<std::borrow::Cow<'_, Self>, FeeError> {
        if self.cursor.log.last().is_none_or(|l| l.key.date <= as_of) {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        let mut past = self.clone();
        past.replay_in_place(Some(as_of))?;
        Ok(std::borrow::Cow::Owned(past))
    }

    /// Adds a charge issued to the owner on `on` (its issue date): from that day
    /// payments settle it, and the prepaid balance settles it at once.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] for a duplicate or empty id, or an amount with more
    /// decimals than the ledger's scale; [`FeeError::Negative`] for a negative amount
    /// or penalty parameter.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.pay("p", 30.into(), "2026-01-01".parse().unwrap())?;
    /// l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-02".parse().unwrap())?;
    /// assert_eq!((l.prepaid().to_string(), l.charges()[0].outstanding_principal().to_string()), ("20.00".into(), "0.00".into()));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn add_charge(&mut self, charge: ChargeInput, on: NaiveDate) -> Result<(), FeeError> {
        self.add_charge_posted(charge, on, None)
    }

    /// [`Ledger::add_charge`] with the day it was posted, when that differs.
    pub(crate) fn add_charge_posted(
        &mut self,
        charge: ChargeInput,
        on: NaiveDate,
        posted_on: Option<NaiveDate>,
    ) -> Result<(), FeeError> {
        check_date(charge.due, "due")?;
        check_date(on, "on")?;
        if charge.id.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "id",
                "charge id must not be empty",
            ));
        }
        if self.cursor.charge_ids.contains_key(&charge.id) {
            return Err(FeeError::value(
                "duplicate_id",
                "id",
                format!("duplicate charge id {:?}", charge.id),
            ));
        }
        if charge.amount < Decimal::ZERO {
            return Err(FeeError::Negative {
                path: "amount".into(),
                value: charge.amount,
            });
        }
        // Keep the invariant: amounts in minor units, the total principal within the limit.
        self.check_money(charge.amount, "amount")?;
        let total = add(self.cursor.principal_total, charge.amount, "amount")?;
        self.check_total(total, "amount")?;
        if let Some(p) = &charge.penalty {
            p.validate().map_err(|e| e.under("penalty"))?;
        }
        if let Some(t) = &charge.late_fee {
            t.validate().map_err(|e| e.under("late_fee"))?;
        }
        let i = self.charges.len();
        self.charges.push(Charge {
            id: charge.id.clone(),
            item_code: charge.item_code,
            issued_on: Some(on),
            posted_on: posted_on.filter(|&p| p != on),
            period: charge.period,
            due: charge.due,
            deferred_to: None,
            principal: self.at_scale(charge.amount),
            penalty: charge.penalty,
            late_fee: charge.late_fee,
            principal_payments: Vec::new(),
            penalty_paid: self.zero(),
            penalty_waived: self.zero(),
            waivers: Vec::new(),
            principal_written_off: self.zero(),
            description: charge.description.filter(|d| !d.trim().is_empty()),
        });
        self.cursor.charge_ids.insert(charge.id, i);
        self.cursor.principal_total = total;
        if let Err(e) = self.settle_new(Event::Issue(i)) {
            self.charges.pop();
            self.restore();
            return Err(e);
        }
        Ok(())
    }

    /// Adds every line of a bill as a charge issued on the bill's issue date (id
    /// `"<period start>/<item code>"`, plus `#n` for a second line of the same item),
    /// with the schedule's penalty clauses; `on` is the day it was posted.
    ///
    /// # Errors
    /// As [`Ledger::add_charge`]; [`FeeError::InvalidValue`] when the bill is for another unit.
    /// Nothing is added when any line fails.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, ledger::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let schedule = FeeSchedule::demo();
    /// let run = bill_estate(&Estate::demo(), &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let bill = run.bill("1-101").unwrap();
    /// let mut l = Ledger::new("1-101", *Estate::demo().rounding(), PaymentOrder::default());
    /// l.add_bill(&bill, &schedule, bill.issued_on)?;
    /// assert_eq!(l.charges()[0].id, "2026-10-01/management");
    /// assert_eq!(l.charges()[0].issued_on, Some(bill.issued_on));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn add_bill(
        &mut self,
        bill: &Bill,
        schedule: &FeeSchedule,
        on: NaiveDate,
    ) -> Result<(), FeeError> {
        if bill.unit_id != self.unit_id {
            return Err(FeeError::value(
                "mismatch",
                "unit_id",
                format!(
                    "bill for {:?} added to the ledger of {:?}",
                    bill.unit_id, self.unit_id
                ),
            ));
        }
        let mut next = self.clone();
        for (id, input) in bill_charges(bill, schedule) {
            let mut input = input;
            input.id = id;
            next.add_charge_posted(input, bill.issued_on, Some(on))?;
        }
        *self = next;
        Ok(())
    }

    /// Penalty owed on one charge as of a date (accrued, rounded once, less what was
    /// paid and waived by that date).
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown charge.
    ///
    /// ```
    /// # use estatekit::fees::{calc::PenaltyPolicy, ledger::*}; use estatekit::money::RoundingPolicy;
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.add_charge(ChargeInput::new("c", "x", "2026-01-01".parse().unwrap(), 500.into())
    ///     .with_penalty(PenaltyPolicy::daily("0.003".parse().unwrap())), "2026-01-01".parse().unwrap())?;
    /// assert_eq!(l.penalty("c", "2026-01-31".parse().unwrap())?.to_string(), "45.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn penalty(&self, charge_id: &str, as_of: NaiveDate) -> Result<Decimal, FeeError> {
        check_date(as_of, "as_of")?;
        let i = self.index(charge_id)?;
        let state = self.state_at(as_of)?;
        let c = &state.charges[i];
        if !c.issued_by(as_of) {
            return Ok(self.zero());
        }
        c.outstanding_penalty(as_of, &self.rounding)
    }

    /// Records a payment received on `date`: charges oldest first (by due date in
    /// force, then issue date, then the order posted), within each the penalty or the principal
    /// first as configured; the rest goes to the prepaid balance. A payment dated
    /// before others already recorded takes its place in date order, and the later
    /// ones are applied again after it.
    ///
    /// # Errors
    /// [`FeeError::NonPositivePayment`] for a zero or negative amount,
    /// [`FeeError::InvalidValue`] for a duplicate or empty payment id. A failed payment
    /// leaves the ledger unchanged.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// let err = l.pay("p", 0.into(), "2026-01-01".parse().unwrap()).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("non_positive_payment", "amount"));
    /// ```
    pub fn pay(&mut self, id: &str, amount: Decimal, date: NaiveDate) -> Result<Payment, FeeError> {
        if amount <= Decimal::ZERO {
            return Err(FeeError::NonPositivePayment {
                path: "amount".into(),
                amount,
            });
        }
        if id.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "id",
                "payment id must not be empty",
            ));
        }
        check_date(date, "date")?;
        // Keep the invariant: amounts in minor units, the total paid within the limit
        // (so the prepaid balance and penalties paid, parts of it, are within it too).
        self.check_money(amount, "amount")?;
        let total = add(self.cursor.paid_total, amount, "amount")?;
        self.check_total(total, "amount")?;
        if self.cursor.payment_ids.contains_key(id) || self.cursor.refund_ids.contains_key(id) {
            return Err(FeeError::value(
                "duplicate_id",
                "id",
                format!("duplicate payment id {id:?}"),
            ));
        }
        let i = self.payments.len();
        self.payments.push(Payment {
            id: id.to_owned(),
            date,
            amount: self.at_scale(amount),
            applied: Vec::new(),
            to_prepaid: self.zero(),
            reversed: None,
        });
        self.cursor.payment_ids.insert(id.to_owned(), i);
        self.cursor.paid_total = total;
        if let Err(e) = self.settle_new(Event::Payment(i)) {
            self.payments.pop();
            self.restore();
            return Err(e);
        }
        Ok(self.payments[i].clone())
    }

    /// Reverses (冲正) a payment recorded `on` (a bounced transfer, a returned cheque):
    /// it counts as never made, from its own date on, and the later applications,
    /// penalties and prepaid drawdowns are computed again. The reversal stays in the
    /// history with the day it was recorded; the payment's id stays taken.
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown payment; [`FeeError::AlreadyReversed`];
    /// [`FeeError::InvalidValue`] for an empty reason or a day before the payment's;
    /// [`FeeError::RefundExceedsPrepaid`] when a refund already made would no longer be
    /// covered. A failed reversal changes nothing.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.add_charge(ChargeInput::new("c", "x", d("2026-01-15"), 100.into()), d("2026-01-01"))?;
    /// l.pay("P1", 100.into(), d("2026-01-10"))?;
    /// l.reverse("P1", d("2026-01-12"), "transfer bounced")?;
    /// assert_eq!(l.charges()[0].outstanding_principal().to_string(), "100.00");
    /// assert_eq!(l.reverse("P1", d("2026-01-13"), "again").unwrap_err().code(), "already_reversed");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn reverse(&mut self, id: &str, on: NaiveDate, reason: &str) -> Result<Payment, FeeError> {
        let i = self
            .cursor
            .payment_ids
            .get(id)
            .copied()
            .ok_or_else(|| FeeError::Unknown {
                path: "ref".into(),
                what: "payment",
                id: id.to_owned(),
            })?;
        check_date(on, "on")?;
        if self.payments[i].reversed.is_some() {
            return Err(FeeError::AlreadyReversed {
                path: "ref".into(),
                reference: id.to_owned(),
            });
        }
        if reason.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "reason",
                "a reversal needs a reason",
            ));
        }
        if on < self.payments[i].date {
            return Err(FeeError::value(
                "ends_before_starts",
                "on",
                format!(
                    "{on} is before the payment's date {}",
                    self.payments[i].date
                ),
            ));
        }
        let mut next = self.clone();
        next.payments[i].reversed = Some(Reversal {
            on,
            reason: reason.to_owned(),
        });
        next.replay_in_place(None)?;
        *self = next;
        Ok(self.payments[i].clone())
    }

    /// Pays `amount` back to the owner out of the prepaid balance on `date` (退款),
    /// never more than the balance holds that day.
    ///
    /// # Errors
    /// [`FeeError::NonPositivePayment`]; [`FeeError::InvalidValue`] for an empty or taken id
    /// or an amount finer than the ledger's scale; [`FeeError::RefundExceedsPrepaid`].
    /// A failed refund changes nothing.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.pay("P1", 50.into(), d("2026-01-05"))?;
    /// let e = l.refund("R1", 60.into(), d("2026-01-20")).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("refund_exceeds_prepaid", "amount"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn refund(&mut self, id: &str, amount: Decimal, date: NaiveDate) -> Result<(), FeeError> {
        if amount <= Decimal::ZERO {
            return Err(FeeError::NonPositivePayment {
                path: "amount".into(),
                amount,
            });
        }
        if id.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "ref",
                "a refund needs a reference",
            ));
        }
        if self.cursor.payment_ids.contains_key(id) || self.cursor.refund_ids.contains_key(id) {
            return Err(FeeError::value(
                "duplicate_id",
                "ref",
                format!("duplicate reference {id:?}"),
            ));
        }
        check_date(date, "date")?;
        self.check_money(amount, "amount")?;
        let i = self.refunds.len();
        self.refunds.push(Refund {
            id: id.to_owned(),
            date,
            amount: self.at_scale(amount),
        });
        self.cursor.refund_ids.insert(id.to_owned(), i);
        if let Err(e) = self.settle_new(Event::Refund(i)) {
            self.refunds.pop();
            self.restore();
            return Err(e);
        }
        Ok(())
    }

    /// Refunds, in the order recorded.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).refunds().is_empty());
    /// ```
    pub fn refunds(&self) -> &[Refund] {
        &self.refunds
    }

    /// Waives `amount` of a charge's penalty owed as of `date` (all of it when `None`).
    /// The waiver counts from its date on: a query as of an earlier date does not see
    /// it, and it never exceeds what is owed on its date.
    ///
    /// # Errors
    /// [`FeeError::Unknown`]; [`FeeError::InvalidValue`] for an empty reason or more than is
    /// owed; [`FeeError::Negative`] for a negative amount.
    ///
    /// ```
    /// # use estatekit::fees::{calc::PenaltyPolicy, ledger::*}; use estatekit::money::RoundingPolicy;
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.add_charge(ChargeInput::new("c", "x", d("2026-01-01"), 500.into())
    ///     .with_penalty(PenaltyPolicy::daily("0.003".parse().unwrap())), d("2026-01-01"))?;
    /// l.waive("c", None, "hardship", d("2026-01-31"))?;
    /// assert!(l.penalty("c", d("2026-01-31"))?.is_zero());
    /// assert_eq!(l.penalty("c", d("2026-01-21"))?.to_string(), "30.00"); // before the waiver
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn waive(
        &mut self,
        charge_id: &str,
        amount: Option<Decimal>,
        reason: &str,
        date: NaiveDate,
    ) -> Result<Decimal, FeeError> {
        let i = self.index(charge_id)?;
        check_date(date, "date")?;
        if reason.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "reason",
                "a waiver needs a reason",
            ));
        }
        let owed = self.penalty(charge_id, date)?;
        let amount = amount.unwrap_or(owed);
        if amount < Decimal::ZERO {
            return Err(FeeError::Negative {
                path: "amount".into(),
                value: amount,
            });
        }
        if amount > owed {
            return Err(FeeError::value(
                "out_of_range",
                "amount",
                format!("cannot waive {amount}: only {owed} penalty is owed on {date}"),
            ));
        }
        self.check_money(amount, "amount")?;
        let amount = self.at_scale(amount);
        let (j, zero) = (self.charges[i].waivers.len(), self.zero());
        self.charges[i].waivers.push(Waiver {
            date,
            amount,
            principal: zero,
            reason: reason.to_owned(),
        });
        if let Err(e) = self.settle_new(Event::Waiver(i, j)) {
            self.charges[i].waivers.pop();
            self.restore();
            return Err(e);
        }
        Ok(amount)
    }

    /// Writes off (核销) what one charge still owes on `date`, principal and penalty,
    /// with a recorded reason: a residue of a few fen left by paying penalty first,
    /// a debt settled out of court. Recorded as a [`Waiver`] with a principal part;
    /// from its date on the charge owes nothing and accrues no penalty. Returns
    /// `(principal, penalty)` written off. Like a waiver it counts from its date and
    /// up to what is owed then, so a payment dated earlier and recorded later is not
    /// lost.
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown charge; [`FeeError::InvalidValue`] for an empty
    /// reason, a charge not yet issued on `date`, or one that owes nothing then.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.add_charge(ChargeInput::new("c", "x", d("2026-01-15"), 100.into()), d("2026-01-01"))?;
    /// l.pay("p", "99.97".parse()?, d("2026-01-10"))?;
    /// let (principal, penalty) = l.write_off("c", "residue under 1.00", d("2026-02-01"))?;
    /// assert_eq!((principal.to_string(), penalty.to_string()), ("0.03".into(), "0.00".into()));
    /// let b = l.balance(d("2026-02-01"))?;
    /// assert_eq!((b.principal_outstanding.to_string(), b.principal_written_off.to_string()), ("0.00".into(), "0.03".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_off(
        &mut self,
        charge_id: &str,
        reason: &str,
        date: NaiveDate,
    ) -> Result<(Decimal, Decimal), FeeError> {
        let i = self.index(charge_id)?;
        check_date(date, "date")?;
        if reason.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "reason",
                "a write-off needs a reason",
            ));
        }
        let state = self.state_at(date)?;
        let c = &state.charges[i];
        if !c.issued_by(date) {
            return Err(FeeError::value(
                "ends_before_starts",
                "date",
                format!("charge {charge_id:?} is not issued on {date}"),
            ));
        }
        let principal = c.outstanding_principal();
        let penalty = c.outstanding_penalty(date, &self.rounding)?;
        drop(state);
        if principal.is_zero() && penalty.is_zero() {
            return Err(FeeError::value(
                "out_of_range",
                "charge_id",
                format!("charge {charge_id:?} owes nothing on {date}"),
            ));
        }
        let j = self.charges[i].waivers.len();
        self.charges[i].waivers.push(Waiver {
            date,
            amount: penalty,
            principal,
            reason: reason.to_owned(),
        });
        if let Err(e) = self.settle_new(Event::Waiver(i, j)) {
            self.charges[i].waivers.pop();
            self.restore();
            return Err(e);
        }
        Ok((principal, penalty))
    }

    /// Approves a deferred payment (延期付款): a later due date for one charge. The new
    /// date applies from the start: penalty counts from it, and a penalty already paid
    /// that is no longer owed is credited (the payments are applied again).
    ///
    /// # Errors
    /// [`FeeError::Unknown`]; [`FeeError::InvalidValue`] when `new_due` is not after the due
    /// date in force.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// # l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
    /// assert_eq!(l.defer("c", "2026-01-01".parse().unwrap()).unwrap_err().path(), "new_due");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn defer(&mut self, charge_id: &str, new_due: NaiveDate) -> Result<(), FeeError> {
        let i = self.index(charge_id)?;
        check_date(new_due, "new_due")?;
        let current = self.charges[i].effective_due();
        if new_due <= current {
            return Err(FeeError::value(
                "ends_before_starts",
                "new_due",
                format!("{new_due} is not after the due date {current}"),
            ));
        }
        let mut next = self.clone();
        next.charges[i].deferred_to = Some(new_due);
        next.replay_in_place(None)?;
        *self = next;
        Ok(())
    }

    /// Outstanding principal of the charges issued by `as_of`, by days overdue.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] for a date outside years 1–9999.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// assert_eq!(l.aging("2026-01-01".parse().unwrap())?.not_due.to_string(), "0.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn aging(&self, as_of: NaiveDate) -> Result<Aging, FeeError> {
        check_date(as_of, "as_of")?;
        let state = self.state_at(as_of)?;
        let mut a = Aging::zero(self.rounding.scale());
        for c in state.charges.iter().filter(|c| c.issued_by(as_of)) {
            let owed = c.outstanding_principal();
            let days = (as_of - c.effective_due()).num_days();
            let bucket = match days {
                ..=-1 => &mut a.not_due,
                0..=30 => &mut a.days_0_30,
                31..=60 => &mut a.days_31_60,
                61..=90 => &mut a.days_61_90,
                _ => &mut a.days_90_plus,
            };
            // Each outstanding principal is ≤ its principal, and the ledger's total
            // principal fits (invariant), so the bucket sums cannot overflow.
            *bucket += owed;
        }
        Ok(a)
    }

    /// The data of a payment reminder as of a date: every overdue item with its
    /// principal and penalty, and the total due.
    ///
    /// # Errors
    /// [`FeeError::Money`] on overflow.
    ///
    /// ```
    /// # use estatekit::fees::{calc::PenaltyPolicy, ledger::*}; use estatekit::money::RoundingPolicy;
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.add_charge(ChargeInput::new("c", "x", d("2026-01-01"), 500.into())
    ///     .with_penalty(PenaltyPolicy::daily("0.003".parse().unwrap())), d("2026-01-01"))?;
    /// assert_eq!(l.reminder(d("2026-01-31"))?.total_due.to_string(), "545.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn reminder(&self, as_of: NaiveDate) -> Result<Reminder, FeeError> {
        check_date(as_of, "as_of")?;
        let state = self.state_at(as_of)?;
        let mut order: Vec<(usize, &Charge)> = state
            .charges
            .iter()
            .enumerate()
            .filter(|(_, c)| c.issued_by(as_of))
            .collect();
        order.sort_by_key(|&(i, c)| Self::open_key(c, i));
        let mut items = Vec::new();
        let mut total = self.zero();
        for (_, c) in order {
            let days = (as_of - c.effective_due()).num_days();
            if days <= 0 {
                continue;
            }
            let principal = c.outstanding_principal();
            let penalty = c.outstanding_penalty(as_of, &self.rounding)?;
            if principal.is_zero() && penalty.is_zero() {
                continue;
            }
            total = add(total, add(principal, penalty, "total_due")?, "total_due")?;
            items.push(ReminderItem {
                charge_id: c.id.clone(),
                item_code: c.item_code.clone(),
                due: c.effective_due(),
                days_overdue: days,
                principal,
                penalty,
            });
        }
        Ok(Reminder {
            unit_id: self.unit_id.clone(),
            as_of,
            items,
            total_due: total,
            prepaid: state.prepaid,
        })
    }

    /// The account's figures as of a date (see [`Balance`]).
    ///
    /// # Errors
    /// [`FeeError::Money`] on overflow; [`FeeError::InvalidValue`] for a date outside
    /// years 1–9999.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// assert_eq!(l.balance("2026-01-01".parse().unwrap())?.paid.to_string(), "0.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn balance(&self, as_of: NaiveDate) -> Result<Balance, FeeError> {
        check_date(as_of, "as_of")?;
        let state = self.state_at(as_of)?;
        let z = self.zero();
        let mut b = Balance {
            billed: z,
            penalty_accrued: z,
            penalty_waived: z,
            paid: z,
            principal_paid: z,
            principal_written_off: z,
            penalty_paid: z,
            principal_outstanding: z,
            penalty_outstanding: z,
            prepaid: state.prepaid,
            refunded: z,
        };
        for c in state.charges.iter().filter(|c| c.issued_by(as_of)) {
            let accrued = c.accrued_penalty(as_of, &self.rounding)?;
            // What is settled beyond the accrual (a waiver granted, then a deferral)
            // counts as accrued, so the identity holds with owed ≥ 0.
            let settled = c.penalty_paid + c.penalty_waived;
            let accrued = accrued.max(settled);
            let principal_paid = c.principal - c.outstanding_principal() - c.principal_written_off;
            b.billed = add(b.billed, c.principal, "billed")?;
            b.principal_written_off = add(
                b.principal_written_off,
                c.principal_written_off,
                "principal_written_off",
            )?;
            b.penalty_accrued = add(b.penalty_accrued, accrued, "penalty_accrued")?;
            b.penalty_waived = add(b.penalty_waived, c.penalty_waived, "penalty_waived")?;
            b.principal_paid = add(b.principal_paid, principal_paid, "principal_paid")?;
            b.penalty_paid = add(b.penalty_paid, c.penalty_paid, "penalty_paid")?;
            b.principal_outstanding = add(
                b.principal_outstanding,
                c.outstanding_principal(),
                "principal_outstanding",
            )?;
            b.penalty_outstanding = add(
                b.penalty_outstanding,
                accrued - settled,
                "penalty_outstanding",
            )?;
        }
        for p in state
            .payments
            .iter()
            .filter(|p| p.date <= as_of && p.reversed.is_none())
        {
            b.paid = add(b.paid, p.amount, "paid")?;
        }
        for r in state.refunds.iter().filter(|r| r.date <= as_of) {
            b.refunded = add(b.refunded, r.amount, "refunded")?;
        }
        Ok(b)
    }

    /// Per charge issued by `as_of`: `(charge id, item code, days overdue, principal
    /// outstanding, penalty outstanding)`, as of that date (for the book's reports).
    #[allow(clippy::type_complexity)]
    pub(crate) fn outstanding_by_charge(
        &self,
        as_of: NaiveDate,
    ) -> Result<Vec<(String, String, i64, Decimal, Decimal)>, FeeError> {
        check_date(as_of, "as_of")?;
        let state = self.state_at(as_of)?;
        let mut out = Vec::new();
        for c in state.charges.iter().filter(|c| c.issued_by(as_of)) {
            let days = (as_of - c.effective_due()).num_days();
            let principal = c.outstanding_principal();
            let penalty = c.outstanding_penalty(as_of, &self.rounding)?;
            out.push((c.id.clone(), c.item_code.clone(), days, principal, penalty));
        }
        Ok(out)
    }

    /// Per charge for a billing period within `[start, end]` (a charge without a
    /// period counts by its issue date, else its due date): `(item code, principal,
    /// principal paid by as_of, penalty paid by as_of)`.
    pub(crate) fn collected_by_charge(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<Vec<(String, Decimal, Decimal, Decimal)>, FeeError> {
        check_date(as_of, "as_of")?;
        let state = self.state_at(as_of)?;
        let mut out = Vec::new();
        for (i, c) in self.charges.iter().enumerate() {
            let inside = match c.period {
                Some(p) => start <= p.start && p.end <= end,
                None => (start..=end).contains(&c.issued_on.unwrap_or(c.due)),
            };
            if !inside {
                continue;
            }
            // The state as of `as_of` has every charge (issued later or not), in order.
            let then = &state.charges[i];
            let paid = then.principal - then.outstanding_principal() - then.principal_written_off;
            out.push((c.item_code.clone(), c.principal, paid, then.penalty_paid));
        }
        Ok(out)
    }

    /// Collected ÷ billed principal for the charges due in `[start, end]` (unrounded),
    /// or `None` when nothing was billed.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.add_charge(ChargeInput::new("c", "x", d("2026-01-15"), 200.into()), d("2026-01-01"))?;
    /// l.pay("p", 50.into(), d("2026-01-10"))?;
    /// assert_eq!(l.collection_rate(d("2026-01-01"), d("2026-01-31")).unwrap().to_string(), "0.25");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn collection_rate(&self, start: NaiveDate, end: NaiveDate) -> Option<Decimal> {
        let (billed, collected) = self
            .charges
            .iter()
            .filter(|c| (start..=end).contains(&c.due))
            .fold((Decimal::ZERO, Decimal::ZERO), |(b, p), c| {
                (b + c.principal, p + c.principal - c.outstanding_principal())
            });
        (!billed.is_zero()).then(|| (collected / billed).normalize())
    }

    /// Total paid into the ledger (less reversed payments and refunds), and where it
    /// went: `(paid, principal, penalty, prepaid)`. `paid = principal + penalty +
    /// prepaid` always holds: money is neither created nor lost.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.pay("p", 10.into(), "2026-01-01".parse().unwrap())?;
    /// let (paid, principal, penalty, prepaid) = l.money_flow();
    /// assert_eq!(paid, principal + penalty + prepaid);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn money_flow(&self) -> (Decimal, Decimal, Decimal, Decimal) {
        // No sum overflows: the total paid fits (checked by `pay`), principal payments
        // are bounded by the total principal and penalty payments by the total paid.
        let z = self.zero();
        let paid: Decimal = self
            .payments
            .iter()
            .filter(|p| p.reversed.is_none())
            .map(|p| p.amount)
            .fold(z, |a, b| a + b);
        let refunded: Decimal = self.refunds.iter().map(|r| r.amount).fold(z, |a, b| a + b);
        // What was paid back is no longer held: `paid` counts what stays.
        let paid = paid - refunded;
        let principal: Decimal = self
            .charges
            .iter()
            .map(|c| c.principal - c.outstanding_principal() - c.principal_written_off)
            .fold(z, |a, b| a + b);
        let penalty: Decimal = self
            .charges
            .iter()
            .map(|c| c.penalty_paid)
            .fold(z, |a, b| a + b);
        (paid, principal, penalty, self.prepaid)
    }
}

/// The charges a bill posts: `(id, input)` per line, ids `"<period start>/<item
/// code>"` plus `#n` for the n-th line of the same item, penalty clauses from the
/// schedule's version in force for the period.
pub(crate) fn bill_charges(bill: &Bill, schedule: &FeeSchedule) -> Vec<(String, ChargeInput)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let prefix = format!("{}/", bill.period.start);
    bill.lines
        .iter()
        .map(|line| {
            let code: &str = &line.item_code;
            let n = seen.entry(code).or_insert(0);
            *n += 1;
            let mut id = String::with_capacity(prefix.len() + code.len() + 3);
            id.push_str(&prefix);
            id.push_str(code);
            if *n > 1 {
                id.push('#');
                id.push_str(&n.to_string());
            }
            let item = schedule
                .items()
                .iter()
                .find(|i| *i.code == *code && i.in_force(bill.period.start, bill.period.end));
            let input = ChargeInput {
                id: id.clone(),
                item_code: code.to_owned(),
                due: line.due,
                amount: line.amount,
                penalty: item.and_then(|i| i.penalty.clone()),
                late_fee: item.and_then(|i| i.late_fee),
                period: Some(bill.period),
                description: None,
            };
            (id, input)
        })
        .collect()
}
