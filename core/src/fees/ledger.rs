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

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::billing::Bill;
use super::calc::{PenaltyPolicy, PrincipalPayment, penalty_exact};
use super::schedule::FeeSchedule;
use super::{FeeError, add, non_negative};
use crate::money::RoundingPolicy;

/// The dates a ledger accepts: years 1–9999 (as Python's `datetime.date`), so that
/// penalty day counts and due-date arithmetic stay far from chrono's limits.
fn check_date(date: NaiveDate, path: &str) -> Result<(), FeeError> {
    if (1..=9999).contains(&date.year()) {
        Ok(())
    } else {
        Err(FeeError::invalid(
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
            _ => Err(FeeError::invalid(
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
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Late-penalty clause, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<PenaltyPolicy>,
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
}

/// A waiver of (part of) an item's penalty.
///
/// ```
/// let w = estatekit::fees::ledger::Waiver { date: "2026-11-01".parse().unwrap(), amount: 5.into(), reason: "first time".into() };
/// assert_eq!(w.reason, "first time");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// Day granted.
    pub date: NaiveDate,
    /// Penalty waived.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Why.
    pub reason: String,
}

/// A charge in the ledger, with what has been paid and waived.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
/// assert_eq!(l.charges()[0].outstanding_principal(), 10.into());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// Id.
    pub id: String,
    /// Fee item code.
    pub item_code: String,
    /// Original due date.
    pub due: NaiveDate,
    /// Approved later due date (延期付款), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_to: Option<NaiveDate>,
    /// Principal.
    #[serde(with = "rust_decimal::serde::str")]
    pub principal: Decimal,
    /// Penalty clause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<PenaltyPolicy>,
    /// Principal paid, by date (also used for the piecewise penalty).
    pub principal_payments: Vec<PrincipalPayment>,
    /// Penalty paid.
    #[serde(with = "rust_decimal::serde::str")]
    pub penalty_paid: Decimal,
    /// Penalty waivers.
    pub waivers: Vec<Waiver>,
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
    /// assert_eq!(l.charges()[0].outstanding_principal(), 6.into());
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

    /// Penalty paid plus waived; fits by the ledger invariant (checked on every change).
    fn penalty_settled(&self) -> Result<Decimal, FeeError> {
        self.waivers
            .iter()
            .try_fold(self.penalty_paid, |acc, w| add(acc, w.amount, "waivers"))
    }

    /// Penalty accrued as of `as_of` (rounded once), before payments and waivers.
    fn accrued_penalty(
        &self,
        as_of: NaiveDate,
        rounding: &RoundingPolicy,
    ) -> Result<Decimal, FeeError> {
        match &self.penalty {
            None => Ok(Decimal::ZERO),
            Some(p) => Ok(rounding.round(penalty_exact(
                self.principal,
                self.effective_due(),
                as_of,
                p,
                &self.principal_payments,
            )?)),
        }
    }

    /// Penalty still owed as of `as_of`.
    fn outstanding_penalty(
        &self,
        as_of: NaiveDate,
        rounding: &RoundingPolicy,
    ) -> Result<Decimal, FeeError> {
        // accrued ≥ 0 and settled ≥ 0, so the difference fits.
        let owed = self.accrued_penalty(as_of, rounding)? - self.penalty_settled()?;
        Ok(rounding.round(owed.max(Decimal::ZERO)))
    }
}

/// How one payment was applied to one charge.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// # l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
/// let r = l.pay("p", 4.into(), "2026-01-10".parse().unwrap())?;
/// assert_eq!((r.applied[0].charge_id.as_str(), r.applied[0].principal), ("c", 4.into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Charge id.
    pub charge_id: String,
    /// Principal paid.
    #[serde(with = "rust_decimal::serde::str")]
    pub principal: Decimal,
    /// Penalty paid.
    #[serde(with = "rust_decimal::serde::str")]
    pub penalty: Decimal,
}

/// A payment and how it was applied: `amount = Σ applied + to_prepaid`.
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// let r = l.pay("p", 50.into(), "2026-01-10".parse().unwrap())?;
/// assert_eq!(r.to_prepaid, 50.into());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Payment id (receipt number).
    pub id: String,
    /// Day paid.
    pub date: NaiveDate,
    /// Amount paid, > 0.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Applications to charges, oldest first.
    pub applied: Vec<Application>,
    /// What went to the prepaid balance.
    #[serde(with = "rust_decimal::serde::str")]
    pub to_prepaid: Decimal,
}

/// Outstanding principal by days overdue (账龄).
///
/// ```
/// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
/// # let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
/// # l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-01".parse().unwrap())?;
/// let a = l.aging("2026-03-01".parse().unwrap());
/// assert_eq!(a.days_31_60, 10.into());
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aging {
    /// Not yet due.
    #[serde(with = "rust_decimal::serde::str")]
    pub not_due: Decimal,
    /// 0–30 days overdue.
    #[serde(with = "rust_decimal::serde::str")]
    pub days_0_30: Decimal,
    /// 31–60 days overdue.
    #[serde(with = "rust_decimal::serde::str")]
    pub days_31_60: Decimal,
    /// 61–90 days overdue.
    #[serde(with = "rust_decimal::serde::str")]
    pub days_61_90: Decimal,
    /// More than 90 days overdue.
    #[serde(with = "rust_decimal::serde::str")]
    pub days_90_plus: Decimal,
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
    #[serde(with = "rust_decimal::serde::str")]
    pub principal: Decimal,
    /// Penalty outstanding as of the reminder date.
    #[serde(with = "rust_decimal::serde::str")]
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
    #[serde(with = "rust_decimal::serde::str")]
    pub total_due: Decimal,
    /// Prepaid balance available.
    #[serde(with = "rust_decimal::serde::str")]
    pub prepaid: Decimal,
}

/// A unit's ledger.
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
    unit_id: String,
    rounding: RoundingPolicy,
    order: PaymentOrder,
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    low_balance_threshold: Option<Decimal>,
    charges: Vec<Charge>,
    payments: Vec<Payment>,
    #[serde(with = "rust_decimal::serde::str")]
    prepaid: Decimal,
}

impl Ledger {
    /// An empty ledger for a unit.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert_eq!(Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default()).unit_id(), "u");
    /// ```
    pub fn new(unit_id: impl Into<String>, rounding: RoundingPolicy, order: PaymentOrder) -> Self {
        Self {
            unit_id: unit_id.into(),
            rounding,
            order,
            low_balance_threshold: None,
            charges: Vec::new(),
            payments: Vec::new(),
            prepaid: Decimal::ZERO,
        }
    }

    /// Reads a ledger saved with [`Ledger::to_json`].
    ///
    /// # Errors
    /// [`FeeError::Json`] naming the bad field.
    ///
    /// ```
    /// assert_eq!(estatekit::fees::ledger::Ledger::from_json("{}").unwrap_err().path(), "unit_id");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, FeeError> {
        let ledger: Self = crate::json::parse(text).map_err(|f| FeeError::Json {
            path: f.path,
            message: f.message,
        })?;
        ledger.validate()?;
        Ok(ledger)
    }

    /// The invariants every operation keeps, checked on a ledger read from JSON: ids
    /// unique and not empty, amounts not negative (payments positive), payments of a
    /// charge at most its principal, dates within years 1–9999, and every total the
    /// ledger reports (principal, paid, penalty, prepaid) within the decimal range.
    fn validate(&self) -> Result<(), FeeError> {
        let mut principal_total = Decimal::ZERO;
        let mut penalty_total = Decimal::ZERO;
        for (i, c) in self.charges.iter().enumerate() {
            let p = |f: &str| format!("charges[{i}].{f}");
            if c.id.trim().is_empty() {
                return Err(FeeError::invalid(p("id"), "charge id must not be empty"));
            }
            if self.charges[..i].iter().any(|o| o.id == c.id) {
                return Err(FeeError::invalid(
                    p("id"),
                    format!("duplicate charge id {:?}", c.id),
                ));
            }
            check_date(c.due, &p("due"))?;
            if let Some(d) = c.deferred_to {
                check_date(d, &p("deferred_to"))?;
            }
            non_negative(c.principal, || p("principal"))?;
            self.check_money(c.principal, &p("principal"))?;
            principal_total = add(principal_total, c.principal, &p("principal"))?;
            self.check_total(principal_total, &p("principal"))?;
            if let Some(pen) = &c.penalty {
                pen.validate().map_err(|e| e.or_path(|| p("penalty")))?;
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
                    return Err(FeeError::invalid(
                        path,
                        format!("payments exceed the principal {}", c.principal),
                    ));
                }
            }
            non_negative(c.penalty_paid, || p("penalty_paid"))?;
            self.check_money(c.penalty_paid, &p("penalty_paid"))?;
            penalty_total = add(penalty_total, c.penalty_paid, &p("penalty_paid"))?;
            self.check_total(penalty_total, &p("penalty_paid"))?;
            for (j, w) in c.waivers.iter().enumerate() {
                check_date(w.date, &p(&format!("waivers[{j}].date")))?;
                non_negative(w.amount, || p(&format!("waivers[{j}].amount")))?;
                self.check_money(w.amount, &p(&format!("waivers[{j}].amount")))?;
            }
            let settled = c
                .penalty_settled()
                .map_err(|e| e.or_path(|| p("waivers")))?;
            self.check_total(settled, &p("waivers"))?;
        }
        let mut paid_total = Decimal::ZERO;
        for (i, pay) in self.payments.iter().enumerate() {
            let p = |f: &str| format!("payments[{i}].{f}");
            if pay.id.trim().is_empty() {
                return Err(FeeError::invalid(p("id"), "payment id must not be empty"));
            }
            if self.payments[..i].iter().any(|o| o.id == pay.id) {
                return Err(FeeError::invalid(
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
            paid_total = add(paid_total, pay.amount, &p("amount"))?;
            self.check_total(paid_total, &p("amount"))?;
        }
        non_negative(self.prepaid, || "prepaid".into())?;
        self.check_money(self.prepaid, "prepaid")?;
        if let Some(t) = self.low_balance_threshold {
            non_negative(t, || "low_balance_threshold".into())?;
        }
        Ok(())
    }

    /// The ledger as JSON.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default()).to_json().contains("\"prepaid\": \"0\""));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
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

    /// Charges, in the order added.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).charges().is_empty());
    /// ```
    pub fn charges(&self) -> &[Charge] {
        &self.charges
    }

    /// Payments, in the order made.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).payments().is_empty());
    /// ```
    pub fn payments(&self) -> &[Payment] {
        &self.payments
    }

    /// The prepaid balance (预存款).
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// assert!(Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default()).prepaid().is_zero());
    /// ```
    pub fn prepaid(&self) -> Decimal {
        self.prepaid
    }

    /// Sets the prepaid balance below which [`Ledger::low_balance`] alerts.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let mut l = Ledger::new("x", RoundingPolicy::default(), PaymentOrder::default());
    /// l.set_low_balance_threshold(Some(100.into()));
    /// assert!(l.low_balance());
    /// ```
    pub fn set_low_balance_threshold(&mut self, threshold: Option<Decimal>) {
        self.low_balance_threshold = threshold;
    }

    /// True when a threshold is set and the prepaid balance is below it.
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
            return Err(FeeError::invalid(
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

    fn index(&self, id: &str) -> Result<usize, FeeError> {
        self.charges
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| FeeError::Unknown {
                path: "charge_id".into(),
                what: "charge",
                id: id.to_owned(),
            })
    }

    /// Adds a charge; the prepaid balance pays it down at once (dated `on`).
    ///
    /// # Errors
    /// [`FeeError::Invalid`] for a duplicate or empty id, [`FeeError::Negative`] for a
    /// negative amount or penalty parameter.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// let mut l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// l.pay("p", 30.into(), "2026-01-01".parse().unwrap())?;
    /// l.add_charge(ChargeInput::new("c", "x", "2026-01-15".parse().unwrap(), 10.into()), "2026-01-02".parse().unwrap())?;
    /// assert_eq!((l.prepaid(), l.charges()[0].outstanding_principal()), (20.into(), 0.into()));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn add_charge(&mut self, charge: ChargeInput, on: NaiveDate) -> Result<(), FeeError> {
        check_date(charge.due, "due")?;
        check_date(on, "on")?;
        if charge.id.trim().is_empty() {
            return Err(FeeError::invalid("id", "charge id must not be empty"));
        }
        if self.charges.iter().any(|c| c.id == charge.id) {
            return Err(FeeError::invalid(
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
        let total = self
            .charges
            .iter()
            .try_fold(charge.amount, |acc, c| add(acc, c.principal, "amount"))?;
        self.check_total(total, "amount")?;
        if let Some(p) = &charge.penalty {
            p.validate().map_err(|e| match e {
                FeeError::Negative { path, value } => FeeError::Negative {
                    path: format!("penalty.{path}"),
                    value,
                },
                other => other,
            })?;
        }
        let drawn = self.prepaid.min(charge.amount);
        let mut payments = Vec::new();
        if drawn > Decimal::ZERO {
            payments.push(PrincipalPayment {
                date: on,
                amount: drawn,
            });
            self.prepaid -= drawn;
        }
        self.charges.push(Charge {
            id: charge.id,
            item_code: charge.item_code,
            due: charge.due,
            deferred_to: None,
            principal: charge.amount,
            penalty: charge.penalty,
            principal_payments: payments,
            penalty_paid: Decimal::ZERO,
            waivers: Vec::new(),
        });
        Ok(())
    }

    /// Adds every line of a bill as a charge (id `"<period start>/<item code>"`, plus
    /// `#n` for a second line of the same item), with the schedule's penalty clauses.
    ///
    /// # Errors
    /// As [`Ledger::add_charge`]; [`FeeError::Invalid`] when the bill is for another unit.
    /// Nothing is added when any line fails.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, ledger::*, schedule::FeeSchedule}};
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let schedule = FeeSchedule::demo();
    /// let run = bill_estate(&Estate::demo(), &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let bill = run.bill("1-101").unwrap();
    /// let mut l = Ledger::new("1-101", *Estate::demo().rounding(), PaymentOrder::default());
    /// l.add_bill(&bill, &schedule, bill.period.start)?;
    /// assert_eq!(l.charges()[0].id, "2026-10-01/management");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn add_bill(
        &mut self,
        bill: &Bill,
        schedule: &FeeSchedule,
        on: NaiveDate,
    ) -> Result<(), FeeError> {
        if bill.unit_id != self.unit_id {
            return Err(FeeError::invalid(
                "unit_id",
                format!(
                    "bill for {:?} added to the ledger of {:?}",
                    bill.unit_id, self.unit_id
                ),
            ));
        }
        let mut next = self.clone();
        for line in &bill.lines {
            let base = format!("{}/{}", bill.period.start, line.item_code);
            let mut id = base.clone();
            let mut n = 2;
            while next.charges.iter().any(|c| c.id == id) {
                id = format!("{base}#{n}");
                n += 1;
            }
            let penalty = schedule
                .items()
                .iter()
                .find(|i| {
                    *i.code == *line.item_code && i.in_force(bill.period.start, bill.period.end)
                })
                .and_then(|i| i.penalty.clone());
            let input = ChargeInput {
                id,
                item_code: line.item_code.to_string(),
                due: line.due,
                amount: line.amount,
                penalty,
            };
            next.add_charge(input, on)?;
        }
        *self = next;
        Ok(())
    }

    /// Penalty owed on one charge as of a date (accrued, rounded once, less what was
    /// paid and waived).
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
        self.charges[i].outstanding_penalty(as_of, &self.rounding)
    }

    /// Applies a payment: charges oldest first (by due date in force, then order
    /// added), within each the penalty or the principal first as configured; the
    /// rest goes to the prepaid balance.
    ///
    /// # Errors
    /// [`FeeError::NonPositivePayment`] for a zero or negative amount,
    /// [`FeeError::Invalid`] for a duplicate or empty payment id. A failed payment
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
            return Err(FeeError::invalid("id", "payment id must not be empty"));
        }
        check_date(date, "date")?;
        // Keep the invariant: amounts in minor units, the total paid within the limit
        // (so the prepaid balance and penalties paid, parts of it, are within it too).
        self.check_money(amount, "amount")?;
        let total = self
            .payments
            .iter()
            .try_fold(amount, |acc, p| add(acc, p.amount, "amount"))?;
        self.check_total(total, "amount")?;
        if self.payments.iter().any(|p| p.id == id) {
            return Err(FeeError::invalid(
                "id",
                format!("duplicate payment id {id:?}"),
            ));
        }
        let mut order: Vec<usize> = (0..self.charges.len()).collect();
        order.sort_by_key(|&i| (self.charges[i].effective_due(), i));
        let mut left = amount;
        let mut applied = Vec::new();
        let mut charges = self.charges.clone();
        for i in order {
            if left.is_zero() {
                break;
            }
            let c = &mut charges[i];
            let owed_penalty = c.outstanding_penalty(date, &self.rounding)?;
            let owed_principal = c.outstanding_principal();
            if owed_penalty.is_zero() && owed_principal.is_zero() {
                continue;
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
            c.penalty_paid = add(c.penalty_paid, penalty, "amount")?;
            if principal > Decimal::ZERO {
                c.principal_payments.push(PrincipalPayment {
                    date,
                    amount: principal,
                });
            }
            applied.push(Application {
                charge_id: c.id.clone(),
                principal,
                penalty,
            });
        }
        let prepaid = add(self.prepaid, left, "amount")?;
        let payment = Payment {
            id: id.to_owned(),
            date,
            amount,
            applied,
            to_prepaid: left,
        };
        self.charges = charges;
        self.prepaid = prepaid;
        self.payments.push(payment.clone());
        Ok(payment)
    }

    /// Waives `amount` of a charge's penalty owed as of `date` (all of it when `None`).
    ///
    /// # Errors
    /// [`FeeError::Unknown`]; [`FeeError::Invalid`] for an empty reason or more than is
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
            return Err(FeeError::invalid("reason", "a waiver needs a reason"));
        }
        let owed = self.charges[i].outstanding_penalty(date, &self.rounding)?;
        let amount = amount.unwrap_or(owed);
        if amount < Decimal::ZERO {
            return Err(FeeError::Negative {
                path: "amount".into(),
                value: amount,
            });
        }
        if amount > owed {
            return Err(FeeError::invalid(
                "amount",
                format!("cannot waive {amount}: only {owed} penalty is owed"),
            ));
        }
        self.check_money(amount, "amount")?;
        let settled = add(self.charges[i].penalty_settled()?, amount, "amount")?;
        self.check_total(settled, "amount")?;
        self.charges[i].waivers.push(Waiver {
            date,
            amount,
            reason: reason.to_owned(),
        });
        Ok(amount)
    }

    /// Approves a deferred payment: a later due date for one charge.
    ///
    /// # Errors
    /// [`FeeError::Unknown`]; [`FeeError::Invalid`] when `new_due` is not after the due
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
            return Err(FeeError::invalid(
                "new_due",
                format!("{new_due} is not after the due date {current}"),
            ));
        }
        self.charges[i].deferred_to = Some(new_due);
        Ok(())
    }

    /// Outstanding principal by days overdue as of `as_of`.
    ///
    /// ```
    /// # use estatekit::fees::ledger::*; use estatekit::money::RoundingPolicy;
    /// # let l = Ledger::new("u", RoundingPolicy::default(), PaymentOrder::default());
    /// assert_eq!(l.aging("2026-01-01".parse().unwrap()), Aging::default());
    /// ```
    pub fn aging(&self, as_of: NaiveDate) -> Aging {
        let mut a = Aging::default();
        for c in &self.charges {
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
        a
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
        let mut order: Vec<&Charge> = self.charges.iter().collect();
        order.sort_by_key(|c| c.effective_due());
        let mut items = Vec::new();
        let mut total = Decimal::ZERO;
        for c in order {
            let days = (as_of - c.effective_due()).num_days();
            let principal = c.outstanding_principal();
            let penalty = c.outstanding_penalty(as_of, &self.rounding)?;
            if days <= 0 || (principal.is_zero() && penalty.is_zero()) {
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
            prepaid: self.prepaid,
        })
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
        (!billed.is_zero()).then(|| collected / billed)
    }

    /// Total paid into the ledger, and where it went: `(paid, principal, penalty, prepaid)`.
    /// `paid = principal + penalty + prepaid` always holds: money is neither created nor lost.
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
        let paid: Decimal = self.payments.iter().map(|p| p.amount).sum();
        let principal: Decimal = self
            .charges
            .iter()
            .flat_map(|c| &c.principal_payments)
            .map(|p| p.amount)
            .sum();
        let penalty: Decimal = self.charges.iter().map(|c| c.penalty_paid).sum();
        (paid, principal, penalty, self.prepaid)
    }
}
