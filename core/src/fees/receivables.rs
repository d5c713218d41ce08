//! The estate's book of accounts (应收账款): every unit's [`Ledger`], posted from
//! billing runs and bank files, safe to retry.
//!
//! - **Retries are safe.** Posting a bill line already in the book with the same
//!   amount and due date does nothing and is counted in
//!   [`PostResult::already_posted`]; the same line with another amount (a corrected
//!   re-run) is a [`FeeError::ConflictingRepost`] in [`PostResult::conflicts`] and
//!   changes nothing. Importing the same bank row again (same reference, unit, amount
//!   and date) is [`PaymentImport::already_applied`]; the same reference with other
//!   content is rejected as [`FeeError::DuplicateRef`]. References are unique across
//!   the whole book.
//! - **Payments in date order**, whatever order they arrive in, and **prepaid money is
//!   never dunned**: see [`Ledger`].
//! - **Nothing lost.** Every row of an import is applied, already applied, or rejected
//!   with its 1-based row number, reference and a typed error; a rejected row changes
//!   nothing. `paid = principal + penalty + prepaid` holds per account and book-wide
//!   ([`Receivables::totals`]).
//!
//! ```
//! use estatekit::estate::Estate;
//! use estatekit::fees::billing::{bill_estate, BillingInputs, BillingPeriod};
//! use estatekit::fees::ledger::PaymentOrder;
//! use estatekit::fees::receivables::{PaymentRow, Receivables};
//! use estatekit::fees::schedule::FeeSchedule;
//! let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//!
//! let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
//! let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
//! let run = bill_estate(&estate, &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
//! let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
//! let first = book.post(&run, None, None)?;
//! let again = book.post(&run, None, None)?; // a retried sync: nothing doubles
//! assert_eq!((again.posted, again.already_posted), (0, first.posted));
//!
//! let row = PaymentRow::new("1-101", "500.00".parse()?, d("2026-11-10"), "BANK-0001");
//! let res = book.apply_payments(&[row.clone(), row]);
//! assert_eq!((res.applied.len(), res.already_applied.len()), (1, 1));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::billing::{BillingPeriod, BillingRun};
use super::dunning::{LetterItem, ReminderLetter, Reminders, Suppressed};
use super::ledger::{
    Aging, Balance, ChargeInput, Ledger, Payment, PaymentOrder, Reminder, bill_charges,
};
use super::schedule::FeeSchedule;
use super::{FeeError, RepostConflict, add};
use crate::estate::Estate;
use crate::money::RoundingPolicy;

/// The book JSON format version this library reads and writes.
pub const BOOK_FORMAT_VERSION: u32 = 1;

/// One row of a bank file or cashier export: a payment for a unit.
///
/// ```
/// use estatekit::fees::receivables::PaymentRow;
/// let r = PaymentRow::new("1-101", "331.15".parse().unwrap(), "2026-12-05".parse().unwrap(), "B-17");
/// assert_eq!(r.reference, "B-17");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRow {
    /// The unit paid for.
    pub unit_id: String,
    /// Amount, > 0, at most the estate's scale.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// Day the money arrived.
    pub date: NaiveDate,
    /// The bank or receipt reference, unique in the book (`ref` in JSON and Python).
    #[serde(rename = "ref")]
    pub reference: String,
    /// A reversal row (冲正) of a bank file: the reference of the payment it takes
    /// back. Its `amount` is that payment's amount negated, and the payment is
    /// reversed on `date` with the reason `bank reversal <ref>`. Reversal rows are
    /// applied after the payment rows of the same import, so a file may list them in
    /// any order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<String>,
}

impl PaymentRow {
    /// A row.
    ///
    /// ```
    /// let r = estatekit::fees::receivables::PaymentRow::new("u", 1.into(), "2026-01-01".parse().unwrap(), "r");
    /// assert_eq!(r.unit_id, "u");
    /// ```
    pub fn new(
        unit_id: impl Into<String>,
        amount: Decimal,
        date: NaiveDate,
        reference: impl Into<String>,
    ) -> Self {
        Self {
            unit_id: unit_id.into(),
            amount,
            date,
            reference: reference.into(),
            reverses: None,
        }
    }

    /// A reversal row: `amount` (negative) takes back the payment `reverses`.
    ///
    /// ```
    /// use estatekit::fees::receivables::PaymentRow;
    /// let r = PaymentRow::reversal("1-101", "-331.15".parse().unwrap(), "2026-12-06".parse().unwrap(), "R-17", "B-17");
    /// assert_eq!(r.reverses.as_deref(), Some("B-17"));
    /// ```
    pub fn reversal(
        unit_id: impl Into<String>,
        amount: Decimal,
        date: NaiveDate,
        reference: impl Into<String>,
        reverses: impl Into<String>,
    ) -> Self {
        Self {
            reverses: Some(reverses.into()),
            ..Self::new(unit_id, amount, date, reference)
        }
    }
}

/// What [`Receivables::post`] did.
///
/// ```
/// let r = estatekit::fees::receivables::PostResult::default();
/// assert_eq!((r.posted, r.already_posted, r.conflicts.len()), (0, 0, 0));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostResult {
    /// Bill lines posted now.
    pub posted: usize,
    /// Bill lines already in the book with the same amount and due date (not posted
    /// again).
    pub already_posted: usize,
    /// Bill lines already in the book with another amount or due date: each a
    /// [`FeeError::ConflictingRepost`]; not posted, nothing changed for them.
    pub conflicts: Vec<FeeError>,
    /// Bill lines with a negative amount (a metered line trued up below last month's
    /// estimate, 估抄多退): a credit the book does not hold as a charge, so it is not
    /// posted and listed here, every time the run is posted, so that it is not lost.
    /// The book holds no credit notes yet: settle it outside the book (or against
    /// the estimated charge it corrects, with
    /// [`Ledger::waive`](super::ledger::Ledger::waive) on a unit ledger).
    pub credits: Vec<CreditLine>,
}

/// A negative bill line [`Receivables::post`] did not post.
///
/// ```
/// let c = estatekit::fees::receivables::CreditLine { unit_id: "1-101".into(),
///     charge_id: "2026-11-01/water".into(), item_code: "water".into(), amount: "-6.90".parse().unwrap() };
/// assert!(c.amount.is_sign_negative());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditLine {
    /// The unit.
    pub unit_id: String,
    /// The id the line would have had as a charge.
    pub charge_id: String,
    /// Fee item code.
    pub item_code: String,
    /// The amount, < 0.
    pub amount: Decimal,
}

/// A payment row applied now.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
/// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
/// let res = book.apply_payments(&[PaymentRow::new("1-101", 5.into(), "2026-11-01".parse().unwrap(), "R1")]);
/// assert_eq!((res.applied[0].row, res.applied[0].payment.to_prepaid.to_string()), (1, "5.00".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    /// 1-based row number in the import.
    pub row: usize,
    /// Unit id.
    pub unit_id: String,
    /// The payment as applied when recorded (a payment dated earlier and recorded
    /// later may change how it is applied: [`Receivables::account`] has it as it is).
    pub payment: Payment,
}

/// A payment row already in the book (same reference, unit, amount and date).
///
/// ```
/// let a = estatekit::fees::receivables::AlreadyApplied { row: 3, reference: "B-1".into(), unit_id: "1-101".into() };
/// assert_eq!(a.row, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlreadyApplied {
    /// 1-based row number.
    pub row: usize,
    /// The reference.
    pub reference: String,
    /// Unit id.
    pub unit_id: String,
}

/// A payment row refused; nothing changed for it.
///
/// ```
/// # use estatekit::fees::{FeeError, receivables::RejectedRow};
/// let r = RejectedRow { row: 2, reference: Some("B-2".into()), error: FeeError::NonPositivePayment { path: "amount".into(), amount: 0.into() } };
/// assert_eq!((r.code(), r.path()), ("non_positive_payment", "amount"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// 1-based row number.
    pub row: usize,
    /// The row's reference, when it could be read.
    pub reference: Option<String>,
    /// Why.
    pub error: FeeError,
}

impl RejectedRow {
    /// The error's stable code (`unknown_reference`, `non_positive_payment`,
    /// `duplicate_ref`, `invalid`, `json`…).
    ///
    /// ```
    /// # use estatekit::fees::{FeeError, receivables::RejectedRow};
    /// let r = RejectedRow { row: 1, reference: None, error: FeeError::Json { path: "date".into(), message: "missing".into() } };
    /// assert_eq!(r.code(), "json");
    /// ```
    pub fn code(&self) -> &'static str {
        self.error.code()
    }

    /// The field of the row the error is about.
    ///
    /// ```
    /// # use estatekit::fees::{FeeError, receivables::RejectedRow};
    /// let r = RejectedRow { row: 1, reference: None, error: FeeError::Json { path: "date".into(), message: "missing".into() } };
    /// assert_eq!(r.path(), "date");
    /// ```
    pub fn path(&self) -> &str {
        self.error.path()
    }

    /// The message an import reports for the row: its number, its reference when it
    /// could be read, and the error.
    ///
    /// ```
    /// # use estatekit::fees::{FeeError, receivables::RejectedRow};
    /// let error = FeeError::InvalidValue { path: "amount".into(), code: "out_of_range", reason: "bad".into() };
    /// let r = RejectedRow { row: 3, reference: Some("B-7".into()), error: error.clone() };
    /// assert_eq!(r.message(), r#"row 3 (ref "B-7"): amount: bad"#);
    /// let r = RejectedRow { row: 9, reference: None, error };
    /// assert_eq!(r.message(), "row 9: amount: bad");
    /// ```
    pub fn message(&self) -> String {
        match &self.reference {
            Some(x) => format!("row {} (ref {x:?}): {}", self.row, self.error),
            None => format!("row {}: {}", self.row, self.error),
        }
    }
}

/// What [`Receivables::apply_payments`] did with each row: every row is in exactly
/// one of the lists `applied`, `reversed`, `already_applied` and `rejected`.
///
/// ```
/// let r = estatekit::fees::receivables::PaymentImport::default();
/// assert!(r.applied.is_empty() && r.already_applied.is_empty() && r.rejected.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentImport {
    /// Rows applied now.
    pub applied: Vec<AppliedRow>,
    /// Reversal rows applied now: each with the payment it reversed, as reversed.
    pub reversed: Vec<AppliedRow>,
    /// Rows already in the book (a reversal row whose payment this same row already
    /// reversed is here too).
    pub already_applied: Vec<AlreadyApplied>,
    /// Rows refused.
    pub rejected: Vec<RejectedRow>,
    /// Each change a records importer made to a cell before reading it
    /// ([`Receivables::apply_payment_records`]; empty for typed and JSON rows).
    pub normalisations: Vec<crate::tables::Normalisation>,
}

/// A single charge outside a billing run (a renovation shortfall, a lock
/// replacement), or an unpaid item of the old system in
/// [`Receivables::open_balances`].
///
/// The charge's id in the unit's account is `reference` (the old system's bill
/// number, the work order); without one it is `"<period start>/<item code>"`, the id
/// a billing run gives the same item, so an item entered twice is found either way.
/// When the item code is in the fee schedule, its penalty clause applies (unless
/// `penalty` is false) and reminders show its names; otherwise reminders show
/// `description`.
///
/// ```
/// # use estatekit::fees::receivables::ChargeRow;
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let r = ChargeRow::new("1-101", "lock", "80.00".parse().unwrap(), d("2026-11-05"), d("2026-11-20"))
///     .with_reference("WO-77")
///     .with_description("门锁更换 lock replacement");
/// assert_eq!((r.charge_id()?, r.issued_on), ("WO-77".to_string(), Some(d("2026-11-05"))));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeRow {
    /// The unit charged.
    pub unit_id: String,
    /// The charge's id in the account (`ref` in JSON and Python).
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Fee item code.
    pub item_code: String,
    /// Amount, > 0, at most the estate's scale.
    #[serde(with = "crate::json::decimal")]
    pub amount: Decimal,
    /// Day issued to the owner. Required by [`Receivables::post_charges`]; an opening
    /// balance without one is issued on its due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
    /// Due date (for an opening balance: the original due date, from which aging and
    /// penalty count).
    pub due: NaiveDate,
    /// First day of the billing period the charge is for (with `period_end`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<NaiveDate>,
    /// Last day of the billing period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<NaiveDate>,
    /// What the charge is for, shown on reminders when the item code is not in the
    /// fee schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the schedule's penalty clause for the item applies (default true).
    #[serde(default = "yes", skip_serializing_if = "Clone::clone")]
    pub penalty: bool,
}

fn yes() -> bool {
    true
}

impl ChargeRow {
    /// A row issued on `issued_on` and due on `due`, with the schedule's penalty
    /// clause for the item.
    ///
    /// ```
    /// # use estatekit::fees::receivables::ChargeRow;
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let r = ChargeRow::new("1-101", "lock", 80.into(), d("2026-11-05"), d("2026-11-20"));
    /// assert!(r.penalty && r.reference.is_none());
    /// ```
    pub fn new(
        unit_id: impl Into<String>,
        item_code: impl Into<String>,
        amount: Decimal,
        issued_on: NaiveDate,
        due: NaiveDate,
    ) -> Self {
        Self {
            unit_id: unit_id.into(),
            reference: None,
            item_code: item_code.into(),
            amount,
            issued_on: Some(issued_on),
            due,
            period_start: None,
            period_end: None,
            description: None,
            penalty: true,
        }
    }

    /// An unpaid item of the old system, due on its original due date (issued then).
    ///
    /// ```
    /// # use estatekit::fees::receivables::ChargeRow;
    /// let r = ChargeRow::unpaid("1-101", "management", 300.into(), "2026-08-15".parse().unwrap());
    /// assert_eq!(r.issued_on, None);
    /// ```
    pub fn unpaid(
        unit_id: impl Into<String>,
        item_code: impl Into<String>,
        amount: Decimal,
        due: NaiveDate,
    ) -> Self {
        Self {
            issued_on: None,
            ..Self::new(unit_id, item_code, amount, due, due)
        }
    }

    /// With a reference (the charge's id in the account).
    ///
    /// ```
    /// # use estatekit::fees::receivables::ChargeRow;
    /// let r = ChargeRow::unpaid("1-101", "x", 1.into(), "2026-08-15".parse().unwrap()).with_reference("OLD-1");
    /// assert_eq!(r.reference.as_deref(), Some("OLD-1"));
    /// ```
    #[must_use]
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// With the billing period the charge is for.
    ///
    /// ```
    /// # use estatekit::fees::{billing::BillingPeriod, receivables::ChargeRow};
    /// let r = ChargeRow::unpaid("1-101", "management", 1.into(), "2026-08-15".parse().unwrap())
    ///     .with_period(BillingPeriod::month(2026, 7)?);
    /// assert_eq!(r.charge_id()?, "2026-07-01/management");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    #[must_use]
    pub fn with_period(mut self, period: BillingPeriod) -> Self {
        self.period_start = Some(period.start);
        self.period_end = Some(period.end);
        self
    }

    /// With a description (shown on reminders when the item code is not in the
    /// schedule).
    ///
    /// ```
    /// # use estatekit::fees::receivables::ChargeRow;
    /// let r = ChargeRow::unpaid("1-101", "x", 1.into(), "2026-08-15".parse().unwrap()).with_description("门锁");
    /// assert_eq!(r.description.as_deref(), Some("门锁"));
    /// ```
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Without the schedule's penalty clause.
    ///
    /// ```
    /// # use estatekit::fees::receivables::ChargeRow;
    /// let r = ChargeRow::unpaid("1-101", "x", 1.into(), "2026-08-15".parse().unwrap()).without_penalty();
    /// assert!(!r.penalty);
    /// ```
    #[must_use]
    pub fn without_penalty(mut self) -> Self {
        self.penalty = false;
        self
    }

    /// The billing period, when both ends are given.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] when only one end is given or the end is before the
    /// start.
    ///
    /// ```
    /// # use estatekit::fees::receivables::ChargeRow;
    /// let mut r = ChargeRow::unpaid("1-101", "x", 1.into(), "2026-08-15".parse().unwrap());
    /// r.period_start = Some("2026-07-01".parse().unwrap());
    /// assert_eq!(r.period().unwrap_err().path(), "period_end");
    /// ```
    pub fn period(&self) -> Result<Option<BillingPeriod>, FeeError> {
        match (self.period_start, self.period_end) {
            (None, None) => Ok(None),
            (Some(start), Some(end)) if start <= end => Ok(Some(BillingPeriod { start, end })),
            (Some(start), Some(end)) => Err(FeeError::value(
                "ends_before_starts",
                "period_end",
                format!("{end} is before the period start {start}"),
            )),
            (Some(_), None) => Err(FeeError::value(
                "missing_value",
                "period_end",
                "a period needs both period_start and period_end",
            )),
            (None, Some(_)) => Err(FeeError::value(
                "missing_value",
                "period_start",
                "a period needs both period_start and period_end",
            )),
        }
    }

    /// The charge's id in the account: the reference, else `"<period start>/<item
    /// code>"`.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] at `ref` when there is neither a reference nor a period.
    ///
    /// ```
    /// # use estatekit::fees::receivables::ChargeRow;
    /// let r = ChargeRow::unpaid("1-101", "x", 1.into(), "2026-08-15".parse().unwrap());
    /// assert_eq!(r.charge_id().unwrap_err().path(), "ref");
    /// ```
    pub fn charge_id(&self) -> Result<String, FeeError> {
        if let Some(r) = self.reference.as_deref().filter(|r| !r.trim().is_empty()) {
            return Ok(r.to_owned());
        }
        match self.period()? {
            Some(p) => Ok(format!("{}/{}", p.start, self.item_code)),
            None => Err(FeeError::value(
                "missing_value",
                "ref",
                "a charge needs a reference, or a billing period to name it by",
            )),
        }
    }
}

/// One row of an opening balance (期初余额): what the old system says a unit owes or
/// holds on the day the book takes over.
///
/// ```
/// # use estatekit::fees::receivables::{ChargeRow, OpeningBalance};
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let rows = [
///     OpeningBalance::Unpaid(ChargeRow::unpaid("1-101", "management", "331.15".parse().unwrap(), d("2026-08-15")).with_reference("OLD-88")),
///     OpeningBalance::Prepaid { unit_id: "1-102".into(), amount: 500.into(), date: d("2026-10-31"), reference: "OPEN-1-102".into() },
/// ];
/// assert_eq!(rows[1].unit_id(), "1-102");
/// ```
///
/// As JSON rows ([`Receivables::open_balances_json`]) a prepaid balance is a flat
/// object with a `prepaid` field, an unpaid item one with the fields of [`ChargeRow`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpeningBalance {
    /// An unpaid item, with its original due date.
    Unpaid(ChargeRow),
    /// A prepaid balance held on `date` (the cut-over day), recorded as a payment
    /// with reference `reference`.
    Prepaid {
        /// The unit.
        unit_id: String,
        /// The balance, > 0.
        amount: Decimal,
        /// The day the balance is taken over.
        date: NaiveDate,
        /// A reference unique in the book (`ref` in Python).
        reference: String,
    },
}

impl OpeningBalance {
    /// The unit.
    ///
    /// ```
    /// # use estatekit::fees::receivables::{ChargeRow, OpeningBalance};
    /// let r = OpeningBalance::Unpaid(ChargeRow::unpaid("1-101", "x", 1.into(), "2026-08-15".parse().unwrap()));
    /// assert_eq!(r.unit_id(), "1-101");
    /// ```
    pub fn unit_id(&self) -> &str {
        match self {
            Self::Unpaid(r) => &r.unit_id,
            Self::Prepaid { unit_id, .. } => unit_id,
        }
    }
}

/// A row of [`Receivables::post_charges`] or [`Receivables::open_balances`] posted
/// now or found already in the book.
///
/// ```
/// let r = estatekit::fees::receivables::ImportedRow { row: 1, unit_id: "1-101".into(), reference: "WO-7".into() };
/// assert_eq!(r.reference, "WO-7");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    /// 1-based row number.
    pub row: usize,
    /// Unit id.
    pub unit_id: String,
    /// The charge id or payment reference.
    pub reference: String,
}

/// What [`Receivables::post_charges`] or [`Receivables::open_balances`] did with each
/// row: every row is in exactly one of the three lists.
///
/// ```
/// let r = estatekit::fees::receivables::RowImport::default();
/// assert!(r.posted.is_empty() && r.already_posted.is_empty() && r.rejected.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowImport {
    /// Rows posted now.
    pub posted: Vec<ImportedRow>,
    /// Rows already in the book with the same content (not posted again).
    pub already_posted: Vec<ImportedRow>,
    /// Rows refused (a charge id already in the book with another amount or due date
    /// is a [`FeeError::ConflictingRepost`]); nothing changed for them.
    pub rejected: Vec<RejectedRow>,
    /// Each change a records importer made to a cell before reading it (empty for
    /// typed and JSON rows).
    pub normalisations: Vec<crate::tables::Normalisation>,
}

/// A residue written off by [`Receivables::write_off_residues`].
///
/// ```
/// let w = estatekit::fees::receivables::WriteOff { unit_id: "1-101".into(), charge_id: "2026-10-01/management".into(), item_code: "management".into(), principal: "0.03".parse().unwrap(), penalty: 0.into() };
/// assert_eq!(w.principal.to_string(), "0.03");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOff {
    /// Unit id.
    pub unit_id: String,
    /// Charge id.
    pub charge_id: String,
    /// Fee item code.
    pub item_code: String,
    /// Principal written off.
    pub principal: Decimal,
    /// Penalty written off.
    pub penalty: Decimal,
}

/// A prepaid opening balance as written in JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrepaidRow {
    unit_id: String,
    #[serde(with = "crate::json::decimal")]
    prepaid: Decimal,
    date: NaiveDate,
    #[serde(rename = "ref")]
    reference: String,
}

/// Reads a JSON array of rows, each with `parse`: a row that cannot be read becomes a
/// [`RejectedRow`] with a `json` error (row numbers are set by the import).
fn json_rows<T>(
    text: &str,
    parse: impl Fn(&serde_json::Value) -> Result<T, crate::json::JsonFailure>,
) -> Result<Vec<Result<T, RejectedRow>>, FeeError> {
    const MAX: usize = crate::tables::MAX_ROWS;
    let rows = match crate::json::parse::<crate::json::BoundedRows<MAX>>(text) {
        Ok(rows) => rows.0,
        Err(f) if f.message.starts_with(crate::json::TOO_MANY_ROWS) => {
            return Err(FeeError::value(
                "too_many",
                "$",
                format!(
                    "more than {MAX} rows in one import: split the file (rows already \
                     imported are recognised when imported again)"
                ),
            ));
        }
        Err(f) => {
            return Err(FeeError::Json {
                path: f.path,
                message: f.message,
            });
        }
    };
    Ok(rows
        .iter()
        .map(|v| {
            parse(v).map_err(|f| RejectedRow {
                row: 0,
                reference: v.get("ref").and_then(|r| r.as_str()).map(str::to_owned),
                error: FeeError::Json {
                    path: f.path,
                    message: f.message,
                },
            })
        })
        .collect())
}

/// The unit and reference of a row, for the import report.
trait HasRowKey {
    fn key(&self) -> (String, Option<String>);
}

impl HasRowKey for (ChargeRow, bool) {
    fn key(&self) -> (String, Option<String>) {
        (self.0.unit_id.clone(), self.0.charge_id().ok())
    }
}

impl HasRowKey for OpeningBalance {
    fn key(&self) -> (String, Option<String>) {
        match self {
            Self::Unpaid(c) => (c.unit_id.clone(), c.charge_id().ok()),
            Self::Prepaid {
                unit_id, reference, ..
            } => (unit_id.clone(), Some(reference.clone())),
        }
    }
}

/// How a book report groups its rows.
///
/// ```
/// use estatekit::fees::receivables::GroupBy;
/// assert_eq!("building".parse::<GroupBy>()?, GroupBy::Building);
/// assert_eq!("floor".parse::<GroupBy>().unwrap_err().path(), "by");
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GroupBy {
    /// One row for the whole estate (keyed by the estate id).
    #[default]
    Estate,
    /// One row per building.
    Building,
    /// One row per unit.
    Unit,
    /// One row per fee item code.
    ItemCode,
}

impl GroupBy {
    /// The name of a report's key column under this grouping: `estate`, `building`,
    /// `unit_id` or `item_code`.
    ///
    /// ```
    /// use estatekit::fees::receivables::GroupBy;
    /// assert_eq!((GroupBy::Unit.key_column(), GroupBy::Estate.key_column()), ("unit_id", "estate"));
    /// ```
    pub fn key_column(self) -> &'static str {
        match self {
            Self::Estate => "estate",
            Self::Building => "building",
            Self::Unit => "unit_id",
            Self::ItemCode => "item_code",
        }
    }
}

impl std::str::FromStr for GroupBy {
    type Err = FeeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "estate" => Ok(Self::Estate),
            "building" => Ok(Self::Building),
            "unit" => Ok(Self::Unit),
            "item_code" => Ok(Self::ItemCode),
            _ => Err(FeeError::value(
                "unknown_value",
                "by",
                format!("unknown grouping {s:?}; expected building, unit or item_code"),
            )),
        }
    }
}

/// One row of [`Receivables::aging_report`]: what is owed (principal and penalty) by
/// days overdue, at the estate's scale; `total` is their sum.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
/// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
/// let rows = book.aging_report("2026-12-31".parse().unwrap(), GroupBy::Estate)?;
/// assert_eq!((rows[0].key.as_str(), rows[0].total.to_string()), ("lakeside", "0.00".into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgingRow {
    /// The estate, building, unit or item code.
    pub key: String,
    /// Not yet due.
    pub not_due: Decimal,
    /// 0–30 days overdue.
    pub days_0_30: Decimal,
    /// 31–60 days overdue.
    pub days_31_60: Decimal,
    /// 61–90 days overdue.
    pub days_61_90: Decimal,
    /// More than 90 days overdue.
    pub days_90_plus: Decimal,
    /// Everything outstanding, principal and penalty.
    pub total: Decimal,
}

/// One row of [`Receivables::collection_report`] (收缴率).
///
/// ```
/// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
/// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
/// let rows = book.collection_report(d("2026-11-01"), d("2026-11-30"), d("2026-12-31"), GroupBy::Estate)?;
/// assert_eq!((rows[0].billed.to_string(), rows[0].rate), ("0.00".into(), None));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionRow {
    /// The estate, building, unit or item code.
    pub key: String,
    /// Principal of the charges whose billing period lies in the range.
    pub billed: Decimal,
    /// What of it was paid by the cut-off date.
    pub collected: Decimal,
    /// `collected ÷ billed`, half-up to 4 places; `None` when nothing was billed.
    pub rate: Option<Decimal>,
    /// Penalty paid on those charges by the cut-off date (beside, not in, the rate).
    pub penalty_collected: Decimal,
}

/// The book's figures as of a date, at the estate's scale, with the identities that
/// prove no money was created or lost:
/// `billed − written_off + penalty_accrued − penalty_waived = applied +
/// outstanding` and `collected = applied + prepaid + refunded`.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
/// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
/// let t = book.totals("2026-12-31".parse().unwrap())?;
/// assert_eq!((t.billed.to_string(), t.collected.to_string()), ("0.00".into(), "0.00".into()));
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookTotals {
    /// Principal issued by the date.
    #[serde(with = "crate::json::decimal")]
    pub billed: Decimal,
    /// Penalty accrued by the date.
    #[serde(with = "crate::json::decimal")]
    pub penalty_accrued: Decimal,
    /// Penalty waived by the date (and penalty written off).
    #[serde(with = "crate::json::decimal")]
    pub penalty_waived: Decimal,
    /// Principal written off (核销) by the date.
    #[serde(with = "crate::json::decimal")]
    pub written_off: Decimal,
    /// Principal and penalty settled (by payments and prepaid money).
    #[serde(with = "crate::json::decimal")]
    pub applied: Decimal,
    /// Principal and penalty still owed.
    #[serde(with = "crate::json::decimal")]
    pub outstanding: Decimal,
    /// Money received.
    #[serde(with = "crate::json::decimal")]
    pub collected: Decimal,
    /// Prepaid balances (预存款).
    #[serde(with = "crate::json::decimal")]
    pub prepaid: Decimal,
    /// Money paid back out of prepaid balances.
    #[serde(with = "crate::json::decimal")]
    pub refunded: Decimal,
}

/// The book of an estate's receivables: one [`Ledger`] per unit that has a charge
/// or a payment, with references unique across the book.
///
/// Operations cost O(rows · log n) for in-order events (each row touches one
/// account); a back-dated row replays that one account.
///
/// ```
/// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
/// let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
/// let book = Receivables::new(&estate, &schedule, PaymentOrder::default());
/// assert_eq!(Receivables::from_json(&book.to_json(), &estate, &schedule)?, book);
/// # Ok::<(), estatekit::fees::FeeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receivables {
    estate_id: String,
    rounding: RoundingPolicy,
    order: PaymentOrder,
    units: HashSet<String>,
    /// Unit id → building id.
    buildings: HashMap<String, String>,
    schedule: FeeSchedule,
    accounts: BTreeMap<String, Ledger>,
    /// Payment reference → unit id.
    refs: HashMap<String, String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BookDoc<A> {
    format_version: u32,
    estate_id: String,
    rounding: RoundingPolicy,
    order: PaymentOrder,
    /// Each read as [`Ledger::from_json`] reads a ledger (comparing what it states
    /// with its history), one at a time: read as the text of each account.
    accounts: Vec<A>,
}

impl Receivables {
    /// An empty book for an estate, with the schedule whose penalty clauses apply to
    /// the bills posted.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::PrincipalFirst);
    /// assert_eq!(book.order(), PaymentOrder::PrincipalFirst);
    /// ```
    pub fn new(estate: &Estate, schedule: &FeeSchedule, order: PaymentOrder) -> Self {
        Self {
            estate_id: estate.id().to_owned(),
            rounding: *estate.rounding(),
            order,
            units: estate.units().iter().map(|u| u.id.clone()).collect(),
            buildings: estate
                .units()
                .iter()
                .map(|u| (u.id.clone(), u.building_id.clone()))
                .collect(),
            schedule: schedule.clone(),
            accounts: BTreeMap::new(),
            refs: HashMap::new(),
        }
    }

    /// Reads a book saved with [`Receivables::to_json`], for the same estate. Every
    /// account is checked and rebuilt from its history.
    ///
    /// # Errors
    /// [`FeeError::Json`] for a malformed document; [`FeeError::InvalidValue`] for another
    /// estate, a rounding or order that differs from the book's, an unknown or
    /// duplicate unit, a format version not supported; [`FeeError::DuplicateRef`] for
    /// a reference used in two accounts; any error of [`Ledger::from_json`], its path
    /// under `accounts[i]`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{receivables::*, schedule::FeeSchedule}};
    /// let e = Receivables::from_json("{}", &Estate::demo(), &FeeSchedule::demo()).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("json", "format_version"));
    /// ```
    pub fn from_json(
        text: &str,
        estate: &Estate,
        schedule: &FeeSchedule,
    ) -> Result<Self, FeeError> {
        let json = |f: crate::json::JsonFailure| FeeError::Json {
            path: f.path,
            message: f.message,
        };
        // Syntax first (anywhere in the book), then the book's fields with each
        // account as its text: no tree of the whole document is held.
        crate::json::within(text, crate::MAX_LEDGER_DOCUMENT_BYTES).map_err(|(size, limit)| {
            FeeError::DocumentTooLarge {
                path: "$".to_owned(),
                size,
                limit,
            }
        })?;
        crate::json::check_syntax(text).map_err(json)?;
        let doc: BookDoc<&serde_json::value::RawValue> =
            crate::json::parse_checked(text).map_err(json)?;
        if doc.format_version != BOOK_FORMAT_VERSION {
            return Err(FeeError::value(
                "unsupported_format_version",
                "format_version",
                format!(
                    "format version {} is not supported (expected {BOOK_FORMAT_VERSION})",
                    doc.format_version
                ),
            ));
        }
        if doc.estate_id != estate.id() {
            return Err(FeeError::value(
                "mismatch",
                "estate_id",
                format!(
                    "the book is for estate {:?}, not {:?}",
                    doc.estate_id,
                    estate.id()
                ),
            ));
        }
        if doc.rounding != *estate.rounding() {
            return Err(FeeError::value(
                "mismatch",
                "rounding",
                "the book's rounding differs from the estate's",
            ));
        }
        let mut book = Self::new(estate, schedule, doc.order);
        for (i, account) in doc.accounts.into_iter().enumerate() {
            let p = |f: &str| format!("accounts[{i}].{f}");
            // Read through the ledger's own checks, replay and comparison.
            let account =
                Ledger::from_json(account.get()).map_err(|e| e.under(&format!("accounts[{i}]")))?;
            if account.rounding() != &book.rounding {
                return Err(FeeError::value(
                    "mismatch",
                    p("rounding"),
                    "differs from the book's",
                ));
            }
            if account.order() != book.order {
                return Err(FeeError::value(
                    "mismatch",
                    p("order"),
                    "differs from the book's",
                ));
            }
            let unit = account.unit_id().to_owned();
            if !book.units.contains(&unit) {
                return Err(FeeError::Unknown {
                    path: p("unit_id"),
                    what: "unit",
                    id: unit,
                });
            }
            for (j, pay) in account.payments().iter().enumerate() {
                if let Some(other) = book.refs.insert(pay.id.clone(), unit.clone()) {
                    return Err(FeeError::DuplicateRef {
                        path: p(&format!("payments[{j}].id")),
                        reference: pay.id.clone(),
                        existing: format!("a payment of unit {other:?}"),
                    });
                }
            }
            for (j, r) in account.refunds().iter().enumerate() {
                if let Some(other) = book.refs.insert(r.id.clone(), unit.clone()) {
                    return Err(FeeError::DuplicateRef {
                        path: p(&format!("refunds[{j}].id")),
                        reference: r.id.clone(),
                        existing: format!("a payment or refund of unit {other:?}"),
                    });
                }
            }
            if book.accounts.insert(unit.clone(), account).is_some() {
                return Err(FeeError::value(
                    "duplicate_id",
                    p("unit_id"),
                    format!("a second account for unit {unit:?}"),
                ));
            }
        }
        Ok(book)
    }

    /// The book as JSON (accounts in unit-id order).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert!(book.to_json().contains("\"format_version\": 1"));
    /// ```
    pub fn to_json(&self) -> String {
        let doc = BookDoc {
            format_version: BOOK_FORMAT_VERSION,
            estate_id: self.estate_id.clone(),
            rounding: self.rounding,
            order: self.order,
            accounts: self
                .accounts
                .values()
                .map(|l| {
                    serde_json::to_value(l).expect("a ledger serializes: string keys, no floats")
                })
                .collect(),
        };
        serde_json::to_string_pretty(&doc).expect("a book serializes: string keys, no floats")
    }

    /// The estate's id.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert_eq!(book.estate_id(), Estate::demo().id());
    /// ```
    pub fn estate_id(&self) -> &str {
        &self.estate_id
    }

    /// The payment order within a charge.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert_eq!(book.order(), PaymentOrder::PenaltyFirst);
    /// ```
    pub fn order(&self) -> PaymentOrder {
        self.order
    }

    /// One unit's account, if it has any charge or payment.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert!(book.account("1-101").is_none());
    /// ```
    pub fn account(&self, unit_id: &str) -> Option<&Ledger> {
        self.accounts.get(unit_id)
    }

    /// Every account, in unit-id order.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert_eq!(book.accounts().count(), 0);
    /// ```
    pub fn accounts(&self) -> impl Iterator<Item = &Ledger> {
        self.accounts.values()
    }

    fn empty_account(&self, unit_id: &str) -> Ledger {
        Ledger::new(unit_id, self.rounding, self.order)
    }

    fn known_unit(&self, unit_id: &str, path: impl FnOnce() -> String) -> Result<(), FeeError> {
        if self.units.contains(unit_id) {
            Ok(())
        } else {
            Err(FeeError::Unknown {
                path: path(),
                what: "unit",
                id: unit_id.to_owned(),
            })
        }
    }

    /// Posts a billing run's lines as charges issued on the run's issue date, with the
    /// schedule's penalty clauses; `on` is the posting date (default: the issue date);
    /// `units` limits the posting to some units.
    ///
    /// Retrying is safe: a line already in the book with the same amount and due date
    /// is counted in `already_posted`; with another amount or due date it is a
    /// conflict in `conflicts` and is not posted. Charge ids are
    /// `"<period start>/<item code>"` (`#n` for the n-th line of the same item).
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] for a run of another estate; [`FeeError::Unknown`] for an
    /// unknown unit in `units` or in the run (`run.bills[<unit>]`); a ledger error (overflow) for a line, with nothing
    /// posted at all.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&estate, &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let mut book = Receivables::new(&estate, &schedule, PaymentOrder::default());
    /// let res = book.post(&run, None, Some(&["1-101".to_string()]))?;
    /// assert_eq!(res.posted, run.bill("1-101").unwrap().lines.len());
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn post(
        &mut self,
        run: &BillingRun,
        on: Option<NaiveDate>,
        units: Option<&[String]>,
    ) -> Result<PostResult, FeeError> {
        if run.estate_id != self.estate_id {
            return Err(FeeError::value(
                "mismatch",
                "run",
                format!(
                    "the run is for estate {:?}, the book for {:?}",
                    run.estate_id, self.estate_id
                ),
            ));
        }
        let selected: Option<HashSet<&str>> = match units {
            None => None,
            Some(list) => {
                for (i, u) in list.iter().enumerate() {
                    self.known_unit(u, || format!("units[{i}]"))?;
                }
                Some(list.iter().map(String::as_str).collect())
            }
        };
        // A run read back with `BillingRun::from_json` may name a unit the estate
        // does not list: refuse it before anything is posted.
        for bill in run.bills() {
            self.known_unit(&bill.unit_id, || format!("run.bills[{}]", bill.unit_id))?;
        }
        let mut result = PostResult::default();
        let mut changed: Vec<(String, Ledger)> = Vec::new();
        for bill in run.bills() {
            if selected
                .as_ref()
                .is_some_and(|s| !s.contains(bill.unit_id.as_str()))
            {
                continue;
            }
            let current = self.accounts.get(&bill.unit_id);
            let mut next: Option<Ledger> = None;
            for (id, input) in bill_charges(&bill, &self.schedule) {
                if input.amount < Decimal::ZERO {
                    result.credits.push(CreditLine {
                        unit_id: bill.unit_id.to_string(),
                        charge_id: id,
                        item_code: input.item_code,
                        amount: input.amount,
                    });
                    continue;
                }
                let booked = next
                    .as_ref()
                    .and_then(|l| l.charge(&id))
                    .or_else(|| current.and_then(|l| l.charge(&id)));
                if let Some(c) = booked {
                    let path = || format!("units[{}].{}", bill.unit_id, id);
                    let conflict = if c.principal != input.amount {
                        Some(("amount", c.principal.to_string(), input.amount.to_string()))
                    } else if c.due != input.due {
                        Some(("due", c.due.to_string(), input.due.to_string()))
                    } else {
                        None
                    };
                    match conflict {
                        None => result.already_posted += 1,
                        Some((field, booked, given)) => {
                            result.conflicts.push(FeeError::ConflictingRepost {
                                path: path(),
                                conflict: Box::new(RepostConflict {
                                    unit_id: bill.unit_id.to_string(),
                                    charge_id: id,
                                    field: field.into(),
                                    booked,
                                    given,
                                }),
                            });
                        }
                    }
                    continue;
                }
                let account = next.get_or_insert_with(|| {
                    current
                        .cloned()
                        .unwrap_or_else(|| self.empty_account(&bill.unit_id))
                });
                let issued = bill.issued_on;
                account
                    .add_charge_posted(input, issued, Some(on.unwrap_or(issued)))
                    .map_err(|e| e.under(&format!("units[{}].{}", bill.unit_id, id)))?;
                result.posted += 1;
            }
            if let Some(account) = next {
                changed.push((bill.unit_id.to_string(), account));
            }
        }
        self.accounts.extend(changed);
        Ok(result)
    }

    /// Applies payment rows (a bank file, a cashier export), each independently: a
    /// row already in the book is skipped, a bad row is rejected with its row number,
    /// reference and a typed error, and changes nothing. Rows may come in any order:
    /// each account applies its payments by date.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let res = book.apply_payments(&[
    ///     PaymentRow::new("1-101", "100.00".parse().unwrap(), d("2026-11-03"), "B-1"),
    ///     PaymentRow::new("9-999", "100.00".parse().unwrap(), d("2026-11-03"), "B-2"),
    ///     PaymentRow::new("1-102", "50.00".parse().unwrap(), d("2026-11-03"), "B-1"),
    /// ]);
    /// let codes: Vec<_> = res.rejected.iter().map(|r| (r.row, r.code())).collect();
    /// assert_eq!(codes, [(2, "unknown_reference"), (3, "duplicate_ref")]);
    /// ```
    pub fn apply_payments(&mut self, rows: &[PaymentRow]) -> PaymentImport {
        self.apply_payment_rows(rows.iter().cloned().map(Ok))
    }

    /// [`Receivables::apply_payments`] for a JSON array of row objects (`unit_id`,
    /// `amount` as a decimal string, `date` as `YYYY-MM-DD`, `ref`): a row that cannot
    /// be read is rejected with a `json` error naming its field, the others are
    /// applied.
    ///
    /// # Errors
    /// [`FeeError::Json`] when the text is not a JSON array.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let res = book.apply_payments_json(r#"[
    ///   {"unit_id": "1-101", "amount": "100.00", "date": "2026-11-03", "ref": "B-1"},
    ///   {"unit_id": "1-101", "amount": 100.0, "date": "2026-11-03", "ref": "B-2"}]"#)?;
    /// assert_eq!(res.applied.len(), 1);
    /// let r = &res.rejected[0];
    /// assert_eq!((r.row, r.reference.as_deref(), r.code(), r.path()), (2, Some("B-2"), "json", "amount"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn apply_payments_json(&mut self, text: &str) -> Result<PaymentImport, FeeError> {
        let rows = json_rows(text, crate::json::from_value::<PaymentRow>)?;
        Ok(self.apply_payment_rows(rows))
    }

    /// [`Receivables::apply_payments`] for rows some of which could not be read (a
    /// binding or a file reader gives those as [`RejectedRow`]s, whose row numbers
    /// are set here from their position).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{FeeError, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let bad = RejectedRow { row: 0, reference: Some("B-9".into()), error: FeeError::Json { path: "date".into(), message: "missing field".into() } };
    /// let res = book.apply_payment_rows([Err(bad)]);
    /// assert_eq!((res.rejected[0].row, res.rejected[0].code()), (1, "json"));
    /// ```
    pub fn apply_payment_rows(
        &mut self,
        rows: impl IntoIterator<Item = Result<PaymentRow, RejectedRow>>,
    ) -> PaymentImport {
        self.apply_numbered_payments(rows.into_iter().enumerate().map(|(i, r)| (i + 1, r)))
    }

    /// Payment rows with their 1-based row numbers: payments first, then reversal rows
    /// (so a reversal may come before its payment in the file); each list in row
    /// order.
    fn apply_numbered_payments(
        &mut self,
        rows: impl IntoIterator<Item = (usize, Result<PaymentRow, RejectedRow>)>,
    ) -> PaymentImport {
        let mut out = PaymentImport::default();
        let mut reversals = Vec::new();
        for (n, row) in rows {
            match row {
                Err(mut r) => {
                    r.row = n;
                    out.rejected.push(r);
                }
                Ok(row) if row.reverses.is_some() => reversals.push((n, row)),
                Ok(row) => match self.apply_one(&row) {
                    Ok(Some(payment)) => out.applied.push(AppliedRow {
                        row: n,
                        unit_id: row.unit_id,
                        payment,
                    }),
                    Ok(None) => out.already_applied.push(AlreadyApplied {
                        row: n,
                        reference: row.reference,
                        unit_id: row.unit_id,
                    }),
                    Err(error) => out.rejected.push(RejectedRow {
                        row: n,
                        reference: Some(row.reference),
                        error,
                    }),
                },
            }
        }
        for (n, row) in reversals {
            match self.reverse_row(&row) {
                Ok(Some(payment)) => out.reversed.push(AppliedRow {
                    row: n,
                    unit_id: row.unit_id,
                    payment,
                }),
                Ok(None) => out.already_applied.push(AlreadyApplied {
                    row: n,
                    reference: row.reference,
                    unit_id: row.unit_id,
                }),
                Err(error) => out.rejected.push(RejectedRow {
                    row: n,
                    reference: Some(row.reference),
                    error,
                }),
            }
        }
        out.rejected.sort_by_key(|r| r.row);
        out.already_applied.sort_by_key(|r| r.row);
        out
    }

    /// A reversal row: `Some(payment)` reversed now, `None` already reversed by this
    /// same row (its reason names the row's reference).
    fn reverse_row(&mut self, row: &PaymentRow) -> Result<Option<Payment>, FeeError> {
        let target = row
            .reverses
            .as_deref()
            .expect("reverse_row is called for reversal rows only");
        if row.reference.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "ref",
                "a reversal row needs its own reference",
            ));
        }
        self.known_unit(&row.unit_id, || "unit_id".into())?;
        let unknown = || FeeError::Unknown {
            path: "reverses".into(),
            what: "payment",
            id: target.to_owned(),
        };
        let unit = self.refs.get(target).ok_or_else(unknown)?;
        let payment = self
            .accounts
            .get(unit)
            .and_then(|l| l.payment(target))
            .ok_or_else(unknown)?;
        if *unit != row.unit_id {
            return Err(FeeError::value(
                "mismatch",
                "unit_id",
                format!(
                    "reversal {:?} is for unit {:?}, but payment {target:?} was for unit {unit:?}",
                    row.reference, row.unit_id
                ),
            ));
        }
        if row.amount != -payment.amount {
            return Err(FeeError::value(
                "mismatch",
                "amount",
                format!(
                    "a reversal takes back the whole payment: expected -{} for {target:?}, got {}",
                    payment.amount, row.amount
                ),
            ));
        }
        let reason = format!("bank reversal {}", row.reference);
        if let Some(done) = &payment.reversed {
            if done.reason == reason {
                return Ok(None);
            }
        }
        self.reverse(target, row.date, &reason)
            .map(Some)
            .map_err(|e| match e.path() {
                "ref" => e.with_path("reverses".into()),
                // The reversal's day is the row's `date`.
                "on" => e.with_path("date".into()),
                _ => e,
            })
    }

    /// One row: `Some(payment)` applied now, `None` already in the book.
    fn apply_one(&mut self, row: &PaymentRow) -> Result<Option<Payment>, FeeError> {
        if row.reference.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "ref",
                "a payment needs a reference",
            ));
        }
        self.known_unit(&row.unit_id, || "unit_id".into())?;
        if let Some(unit) = self.refs.get(&row.reference) {
            let existing = self
                .accounts
                .get(unit)
                .and_then(|l| l.payment(&row.reference));
            let existing = match existing {
                Some(p) if *unit == row.unit_id && p.amount == row.amount && p.date == row.date => {
                    return Ok(None);
                }
                Some(p) => format!("a payment of {} on {} for unit {unit:?}", p.amount, p.date),
                // Every reference in the index names a payment or a refund of its account.
                None => format!("a refund of unit {unit:?}"),
            };
            return Err(FeeError::DuplicateRef {
                path: "ref".into(),
                reference: row.reference.clone(),
                existing,
            });
        }
        let payment = match self.accounts.get_mut(&row.unit_id) {
            Some(account) => account.pay(&row.reference, row.amount, row.date)?,
            None => {
                let mut account = self.empty_account(&row.unit_id);
                let p = account.pay(&row.reference, row.amount, row.date)?;
                self.accounts.insert(row.unit_id.clone(), account);
                p
            }
        };
        self.refs.insert(row.reference.clone(), row.unit_id.clone());
        Ok(Some(payment))
    }

    /// Reverses (冲正) the payment with reference `reference`, recorded `on`: it counts
    /// as never made, from its own date on, and its account's later applications and
    /// penalties are computed again; the reference cannot be used again.
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown reference; [`FeeError::AlreadyReversed`];
    /// any error of [`Ledger::reverse`]. A failed reversal changes nothing.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// book.apply_payments(&[PaymentRow::new("1-101", 100.into(), d("2026-11-03"), "B-1")]);
    /// book.reverse("B-1", d("2026-11-05"), "bounced")?;
    /// assert_eq!(book.balance("1-101", d("2026-11-30"))?.paid.to_string(), "0.00");
    /// assert_eq!(book.reverse("B-1", d("2026-11-06"), "again").unwrap_err().code(), "already_reversed");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn reverse(
        &mut self,
        reference: &str,
        on: NaiveDate,
        reason: &str,
    ) -> Result<Payment, FeeError> {
        let unknown = || FeeError::Unknown {
            path: "ref".into(),
            what: "payment",
            id: reference.to_owned(),
        };
        let unit = self.refs.get(reference).ok_or_else(unknown)?;
        let account = self.accounts.get_mut(unit).ok_or_else(unknown)?;
        account.reverse(reference, on, reason)
    }

    /// Pays `amount` back to a unit's owner out of its prepaid balance on `on` (退款),
    /// never more than the balance holds that day; `reference` is unique in the book.
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown unit; [`FeeError::DuplicateRef`];
    /// [`FeeError::RefundExceedsPrepaid`]; any error of [`Ledger::refund`].
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// book.apply_payments(&[PaymentRow::new("1-101", 100.into(), d("2026-11-03"), "B-1")]);
    /// book.refund("1-101", "40.00".parse().unwrap(), d("2026-11-20"), "RF-1")?;
    /// let t = book.totals(d("2026-11-30"))?;
    /// assert_eq!((t.prepaid.to_string(), t.refunded.to_string()), ("60.00".into(), "40.00".into()));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn refund(
        &mut self,
        unit_id: &str,
        amount: Decimal,
        on: NaiveDate,
        reference: &str,
    ) -> Result<(), FeeError> {
        self.known_unit(unit_id, || "unit_id".into())?;
        if let Some(other) = self.refs.get(reference) {
            return Err(FeeError::DuplicateRef {
                path: "ref".into(),
                reference: reference.to_owned(),
                existing: format!("a payment or refund of unit {other:?}"),
            });
        }
        let zero = Decimal::new(0, self.rounding.scale());
        let account =
            self.accounts
                .get_mut(unit_id)
                .ok_or_else(|| FeeError::RefundExceedsPrepaid {
                    path: "amount".into(),
                    reference: reference.to_owned(),
                    amount,
                    prepaid: zero,
                    date: on,
                })?;
        account.refund(reference, amount, on)?;
        self.refs.insert(reference.to_owned(), unit_id.to_owned());
        Ok(())
    }

    /// The schedule's version of `item_code` in force for a charge (its period, else
    /// its due date), if the schedule has the item.
    fn schedule_item(
        &self,
        item_code: &str,
        period: Option<BillingPeriod>,
        due: NaiveDate,
    ) -> Option<&super::schedule::FeeItem> {
        let (start, end) = period.map_or((due, due), |p| (p.start, p.end));
        let items = self.schedule.items().iter().filter(|i| i.code == item_code);
        let mut fallback = None;
        for i in items {
            if i.in_force(start, end) {
                return Some(i);
            }
            fallback = fallback.or(Some(i));
        }
        fallback
    }

    /// Posts single charges outside a billing run (a renovation shortfall, a lock
    /// replacement), each row independently and safe to retry like
    /// [`Receivables::post`]: a row whose charge id is already in the book with the
    /// same item, amount, due date, issue date and period is counted in
    /// `already_posted` (a changed description or penalty flag is not a new charge);
    /// with another, it is rejected as [`FeeError::ConflictingRepost`] naming the
    /// field. Every row needs `issued_on`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let lock = ChargeRow::new("1-101", "lock", "80.00".parse().unwrap(), d("2026-11-05"), d("2026-11-20"))
    ///     .with_reference("WO-77").with_description("门锁更换");
    /// let res = book.post_charges(&[lock.clone(), lock.clone()]);
    /// assert_eq!((res.posted.len(), res.already_posted.len()), (1, 1));
    /// let mut other = lock;
    /// other.amount = "95.00".parse().unwrap();
    /// let res = book.post_charges(&[other]);
    /// assert_eq!((res.rejected[0].code(), res.rejected[0].path()), ("conflicting_repost", "amount"));
    /// ```
    pub fn post_charges(&mut self, rows: &[ChargeRow]) -> RowImport {
        self.post_charge_rows(rows.iter().cloned().map(Ok))
    }

    /// [`Receivables::post_charges`] for rows some of which could not be read (their
    /// row numbers are set here from their position).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{FeeError, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let bad = RejectedRow { row: 0, reference: None, error: FeeError::Json { path: "due".into(), message: "missing field".into() } };
    /// assert_eq!(book.post_charge_rows([Err(bad)]).rejected[0].row, 1);
    /// ```
    pub fn post_charge_rows(
        &mut self,
        rows: impl IntoIterator<Item = Result<ChargeRow, RejectedRow>>,
    ) -> RowImport {
        self.import_rows(
            rows.into_iter().map(|r| r.map(|c| (c, false))),
            |book, (row, opening)| book.post_charge(&row, opening),
        )
    }

    /// Enters the old system's balances on the day the book takes over (期初余额):
    /// unpaid items with their original due dates (aging and penalty count from
    /// them; the id is the reference, else `"<period start>/<item code>"`) and prepaid
    /// balances (recorded as payments on their date). Each row independently and safe
    /// to retry, as [`Receivables::post_charges`] and
    /// [`Receivables::apply_payments`]. A unit's prepaid balance settles its unpaid
    /// items, as any payment would.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::BillingPeriod, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let res = book.open_balances(&[
    ///     OpeningBalance::Unpaid(ChargeRow::unpaid("1-101", "management", "331.15".parse()?, d("2026-08-16"))
    ///         .with_period(BillingPeriod::month(2026, 7)?)),
    ///     OpeningBalance::Prepaid { unit_id: "1-102".into(), amount: "500.00".parse()?, date: d("2026-10-31"), reference: "OPEN-1-102".into() },
    ///     OpeningBalance::Prepaid { unit_id: "9-999".into(), amount: "1.00".parse()?, date: d("2026-10-31"), reference: "OPEN-9-999".into() },
    /// ]);
    /// assert_eq!((res.posted.len(), res.rejected[0].row, res.rejected[0].code()), (2, 3, "unknown_reference"));
    /// assert_eq!(book.aging("1-101", d("2026-10-31"))?.days_61_90.to_string(), "331.15");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_balances(&mut self, rows: &[OpeningBalance]) -> RowImport {
        self.open_balance_rows(rows.iter().cloned().map(Ok))
    }

    /// [`Receivables::open_balances`] for rows some of which could not be read.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{FeeError, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let bad = RejectedRow { row: 0, reference: None, error: FeeError::Json { path: "due".into(), message: "missing field".into() } };
    /// assert_eq!(book.open_balance_rows([Err(bad)]).rejected[0].code(), "json");
    /// ```
    pub fn open_balance_rows(
        &mut self,
        rows: impl IntoIterator<Item = Result<OpeningBalance, RejectedRow>>,
    ) -> RowImport {
        self.import_rows(rows, Self::open_one)
    }

    /// One opening balance: `(id, true)` entered now, `(id, false)` already in the book.
    fn open_one(&mut self, row: OpeningBalance) -> Result<(String, bool), FeeError> {
        match row {
            OpeningBalance::Unpaid(c) => self.post_charge(&c, true),
            OpeningBalance::Prepaid {
                unit_id,
                amount,
                date,
                reference,
            } => {
                let payment = PaymentRow::new(unit_id, amount, date, reference);
                // The row's column is `prepaid`.
                let applied = self.apply_one(&payment).map_err(|e| match e.path() {
                    "amount" => e.with_path("prepaid".into()),
                    _ => e,
                })?;
                Ok((payment.reference, applied.is_some()))
            }
        }
    }

    /// [`Receivables::apply_payments`] for a bank file or cashier export as rows of
    /// text cells (a CSV file, a spreadsheet), with the columns of
    /// [`PAYMENT_COLUMNS`](crate::records::PAYMENT_COLUMNS). Cells are read as the
    /// estate tables are ([`crate::records`]): spaces trimmed, `1,234.50`,
    /// `2026/11/5`, each change reported in `normalisations`. A row that cannot be
    /// read is rejected naming its column; a blank row is skipped (row numbers still
    /// count it); reversal rows (a `reverses` cell) take back the payment they name.
    /// Safe to retry, as every import. `earlier`: problems a binding found while
    /// turning cells into text (see [`crate::records::payments`]).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}, tables::Row};
    /// let row = |cells: &[(&str, &str)]| -> Row {
    ///     cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    /// };
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let rows = [
    ///     row(&[("unit_id", "1-101"), ("amount", "1,000.00"), ("date", "2026/11/3"), ("ref", "B-1")]),
    ///     row(&[("unit_id", "1-101"), ("amount", "1,000.00"), ("date", "2026/11/3"), ("ref", "B-1")]),
    ///     row(&[("unit_id", "1-101"), ("amount", "-1000"), ("date", "2026-11-04"), ("ref", "R-1"), ("reverses", "B-1")]),
    ///     row(&[("unit_id", "1-101"), ("amount", "12.5O"), ("date", "2026-11-04"), ("ref", "B-2")]),
    /// ];
    /// let res = book.apply_payment_records(&rows, &[]);
    /// assert_eq!((res.applied.len(), res.already_applied[0].row, res.reversed[0].row), (1, 2, 3));
    /// assert_eq!((res.rejected[0].row, res.rejected[0].code(), res.rejected[0].path()), (4, "invalid_decimal", "amount"));
    /// assert_eq!(res.normalisations[0].to_string(), r#"payments[id=B-1].amount (row 1): "1,000.00" → "1000.00""#);
    /// // The same file again: nothing is done twice.
    /// let again = book.apply_payment_records(&rows, &[]);
    /// assert_eq!((again.applied.len(), again.reversed.len(), again.already_applied.len()), (0, 0, 3));
    /// ```
    pub fn apply_payment_records<R: crate::tables::Cells>(
        &mut self,
        rows: &[R],
        earlier: &[crate::tables::TableProblem],
    ) -> PaymentImport {
        let read = crate::records::payments(rows, earlier);
        let mut out = self.apply_numbered_payments(read.rows);
        out.normalisations = read.normalisations;
        out
    }

    /// [`Receivables::post_charges`] for rows of text cells with the columns of
    /// [`CHARGE_COLUMNS`](crate::records::CHARGE_COLUMNS), read as
    /// [`Receivables::apply_payment_records`] reads a bank file (`penalty`: `true`,
    /// `false`, `yes`, `no`, `1`, `0`, `是`, `否`).
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}, tables::Row};
    /// let row = |cells: &[(&str, &str)]| -> Row {
    ///     cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    /// };
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let res = book.post_charge_records(&[row(&[("unit_id", "1-101"), ("ref", "WO-7"), ("item_code", "lock"),
    ///     ("amount", " 80 "), ("issued_on", "2026/11/5"), ("due", "2026-11-20"), ("penalty", "否")])], &[]);
    /// assert_eq!((res.posted[0].reference.as_str(), res.normalisations.len()), ("WO-7", 3));
    /// ```
    pub fn post_charge_records<R: crate::tables::Cells>(
        &mut self,
        rows: &[R],
        earlier: &[crate::tables::TableProblem],
    ) -> RowImport {
        let read = crate::records::charges(rows, earlier);
        let rows = read
            .rows
            .into_iter()
            .map(|(n, r)| (n, r.map(|c| (c, false))));
        let mut out =
            self.import_numbered(rows, |book, (row, opening)| book.post_charge(&row, opening));
        out.normalisations = read.normalisations;
        out
    }

    /// [`Receivables::open_balances`] for rows of text cells with the columns of
    /// [`OPENING_COLUMNS`](crate::records::OPENING_COLUMNS): a row whose `prepaid`
    /// cell is filled is a prepaid balance (`unit_id`, `prepaid`, `date`, `ref`), any
    /// other an unpaid item with the columns of a charge.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}, tables::Row};
    /// let row = |cells: &[(&str, &str)]| -> Row {
    ///     cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    /// };
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let res = book.open_balance_records(&[
    ///     row(&[("unit_id", "1-101"), ("ref", "OLD-0716"), ("item_code", "management"), ("amount", "331.15"), ("due", "2026/8/16"), ("prepaid", "")]),
    ///     row(&[("unit_id", "1-102"), ("prepaid", "1,500.00"), ("date", "2026-10-31"), ("ref", "OPEN-1-102"), ("item_code", "")]),
    /// ], &[]);
    /// assert_eq!(res.posted.len(), 2);
    /// ```
    pub fn open_balance_records<R: crate::tables::Cells>(
        &mut self,
        rows: &[R],
        earlier: &[crate::tables::TableProblem],
    ) -> RowImport {
        let read = crate::records::opening_balances(rows, earlier);
        let mut out = self.import_numbered(read.rows, Self::open_one);
        out.normalisations = read.normalisations;
        out
    }

    /// [`Receivables::post_charges`] for a JSON array of row objects (the fields of
    /// [`ChargeRow`]: `unit_id`, `ref`, `item_code`, `amount` as a decimal string,
    /// `issued_on`, `due`, `period_start`, `period_end`, `description`, `penalty`): a
    /// row that cannot be read is rejected with a `json` error naming its field.
    ///
    /// # Errors
    /// [`FeeError::Json`] when the text is not a JSON array.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let res = book.post_charges_json(r#"[
    ///   {"unit_id": "1-101", "ref": "WO-1", "item_code": "lock", "amount": "80.00", "issued_on": "2026-11-05", "due": "2026-11-20"},
    ///   {"unit_id": "1-101", "ref": "WO-2", "item_code": "lock", "amount": "80.00", "due": "2026-11-20", "colour": "red"}]"#)?;
    /// assert_eq!((res.posted.len(), res.rejected[0].path()), (1, "colour"));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn post_charges_json(&mut self, text: &str) -> Result<RowImport, FeeError> {
        let rows = json_rows(text, crate::json::from_value::<ChargeRow>)?;
        Ok(self.post_charge_rows(rows))
    }

    /// [`Receivables::open_balances`] for a JSON array of row objects: a row with a
    /// `prepaid` field is a prepaid balance (`unit_id`, `prepaid` as a decimal
    /// string, `date`, `ref`); any other row is an unpaid item with the fields of
    /// [`ChargeRow`] (`issued_on` optional).
    ///
    /// # Errors
    /// [`FeeError::Json`] when the text is not a JSON array.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let res = book.open_balances_json(r#"[
    ///   {"unit_id": "1-101", "item_code": "management", "amount": "331.15", "due": "2026-08-16", "period_start": "2026-07-01", "period_end": "2026-07-31"},
    ///   {"unit_id": "1-102", "prepaid": "500.00", "date": "2026-10-31", "ref": "OPEN-1-102"}]"#)?;
    /// let refs: Vec<_> = res.posted.iter().map(|r| r.reference.as_str()).collect();
    /// assert_eq!(refs, ["2026-07-01/management", "OPEN-1-102"]);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn open_balances_json(&mut self, text: &str) -> Result<RowImport, FeeError> {
        let rows = json_rows(text, |v| {
            if v.get("prepaid").is_some_and(|p| !p.is_null()) {
                crate::json::from_value::<PrepaidRow>(v).map(|p| OpeningBalance::Prepaid {
                    unit_id: p.unit_id,
                    amount: p.prepaid,
                    date: p.date,
                    reference: p.reference,
                })
            } else {
                // A table with both kinds of rows has an empty `prepaid` cell here.
                let mut v = v.clone();
                if let Some(o) = v.as_object_mut() {
                    o.remove("prepaid");
                }
                crate::json::from_value::<ChargeRow>(&v).map(OpeningBalance::Unpaid)
            }
        })?;
        Ok(self.open_balance_rows(rows))
    }

    /// Runs `post` on every row: `Ok((reference, true))` posted now, `(reference,
    /// false)` already in the book.
    fn import_rows<R>(
        &mut self,
        rows: impl IntoIterator<Item = Result<R, RejectedRow>>,
        post: impl FnMut(&mut Self, R) -> Result<(String, bool), FeeError>,
    ) -> RowImport
    where
        R: HasRowKey,
    {
        self.import_numbered(rows.into_iter().enumerate().map(|(i, r)| (i + 1, r)), post)
    }

    /// [`Self::import_rows`] for rows with their 1-based row numbers.
    fn import_numbered<R>(
        &mut self,
        rows: impl IntoIterator<Item = (usize, Result<R, RejectedRow>)>,
        mut post: impl FnMut(&mut Self, R) -> Result<(String, bool), FeeError>,
    ) -> RowImport
    where
        R: HasRowKey,
    {
        let mut out = RowImport::default();
        for (n, row) in rows {
            let row = match row {
                Err(mut r) => {
                    r.row = n;
                    out.rejected.push(r);
                    continue;
                }
                Ok(row) => row,
            };
            let (unit_id, reference) = row.key();
            match post(self, row) {
                Ok((reference, now)) => {
                    let done = ImportedRow {
                        row: n,
                        unit_id,
                        reference,
                    };
                    if now {
                        out.posted.push(done);
                    } else {
                        out.already_posted.push(done);
                    }
                }
                Err(error) => out.rejected.push(RejectedRow {
                    row: n,
                    reference,
                    error,
                }),
            }
        }
        out
    }

    /// One charge row: `(charge id, true)` posted now, `(charge id, false)` already in
    /// the book. `opening`: an unpaid item of the old system (issued on its due date
    /// unless given).
    fn post_charge(&mut self, row: &ChargeRow, opening: bool) -> Result<(String, bool), FeeError> {
        self.known_unit(&row.unit_id, || "unit_id".into())?;
        if row.item_code.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "item_code",
                "a charge needs an item code",
            ));
        }
        if row.amount < Decimal::ZERO {
            return Err(FeeError::Negative {
                path: "amount".into(),
                value: row.amount,
            });
        }
        if row.amount.is_zero() {
            return Err(FeeError::value(
                "out_of_range",
                "amount",
                "a charge needs an amount above zero",
            ));
        }
        let period = row.period()?;
        let id = row.charge_id()?;
        let issued = match row.issued_on {
            Some(d) => d,
            None if opening => row.due,
            None => {
                return Err(FeeError::value(
                    "missing_value",
                    "issued_on",
                    "a single charge needs the day it was issued",
                ));
            }
        };
        if row.due < issued {
            return Err(FeeError::value(
                "ends_before_starts",
                "due",
                format!("{} is before the issue date {issued}", row.due),
            ));
        }
        if let Some(c) = self.accounts.get(&row.unit_id).and_then(|l| l.charge(&id)) {
            let show = |p: Option<BillingPeriod>| {
                p.map_or_else(|| "none".to_owned(), |p| format!("{}..{}", p.start, p.end))
            };
            let conflict = if c.item_code != row.item_code {
                Some(("item_code", c.item_code.clone(), row.item_code.clone()))
            } else if c.principal != row.amount {
                Some(("amount", c.principal.to_string(), row.amount.to_string()))
            } else if c.due != row.due {
                Some(("due", c.due.to_string(), row.due.to_string()))
            } else if let Some(booked) = c.issued_on.filter(|i| *i != issued) {
                Some(("issued_on", booked.to_string(), issued.to_string()))
            } else if c.period != period {
                Some(("period_start", show(c.period), show(period)))
            } else {
                None
            };
            return match conflict {
                None => Ok((id, false)),
                Some((field, booked, given)) => Err(FeeError::ConflictingRepost {
                    path: field.into(),
                    conflict: Box::new(RepostConflict {
                        unit_id: row.unit_id.clone(),
                        charge_id: id,
                        field: field.into(),
                        booked,
                        given,
                    }),
                }),
            };
        }
        let item = if row.penalty {
            self.schedule_item(&row.item_code, period, row.due)
        } else {
            None
        };
        let input = ChargeInput {
            id: id.clone(),
            item_code: row.item_code.clone(),
            due: row.due,
            amount: row.amount,
            penalty: item.and_then(|i| i.penalty.clone()),
            late_fee: item.and_then(|i| i.late_fee),
            period,
            description: row.description.clone(),
        };
        match self.accounts.get_mut(&row.unit_id) {
            // A failed charge leaves the ledger unchanged.
            Some(account) => account.add_charge(input, issued)?,
            None => {
                let mut account = self.empty_account(&row.unit_id);
                account.add_charge(input, issued)?;
                self.accounts.insert(row.unit_id.clone(), account);
            }
        }
        Ok((id, true))
    }

    /// Writes off (核销) every overdue charge whose outstanding principal and penalty
    /// together are above zero and below `below` on `as_of`, with `reason` recorded on
    /// each (see [`Ledger::write_off`]): the few fen of principal left when a bill is
    /// paid exactly, a day late, with penalty first. Safe to retry (a second run finds
    /// nothing). All or nothing.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] for `below` not above zero or an empty reason; a ledger
    /// error, its path under `accounts[<unit>]`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::*, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let mut book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// book.post_charges(&[ChargeRow::new("1-101", "lock", "80.00".parse()?, d("2026-11-05"), d("2026-11-20")).with_reference("WO-1")]);
    /// book.apply_payments(&[PaymentRow::new("1-101", "79.96".parse()?, d("2026-11-10"), "B-1")]);
    /// let w = book.write_off_residues(d("2026-12-01"), "1.00".parse()?, "residue under 1 yuan")?;
    /// assert_eq!((w[0].charge_id.as_str(), w[0].principal.to_string()), ("WO-1", "0.04".into()));
    /// assert!(book.write_off_residues(d("2026-12-01"), "1.00".parse()?, "again")?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_off_residues(
        &mut self,
        as_of: NaiveDate,
        below: Decimal,
        reason: &str,
    ) -> Result<Vec<WriteOff>, FeeError> {
        if below <= Decimal::ZERO {
            return Err(FeeError::value(
                "out_of_range",
                "below",
                format!("the threshold must be above zero, got {below}"),
            ));
        }
        if reason.trim().is_empty() {
            return Err(FeeError::value(
                "empty_field",
                "reason",
                "a write-off needs a reason",
            ));
        }
        let mut done = Vec::new();
        let mut changed: Vec<(String, Ledger)> = Vec::new();
        for (unit, l) in &self.accounts {
            let at = |e: FeeError| e.under(&format!("accounts[{unit}]"));
            let mut next: Option<Ledger> = None;
            for (id, item, days, principal, penalty) in
                l.outstanding_by_charge(as_of).map_err(at)?
            {
                let owed = add(principal, penalty, "total").map_err(at)?;
                if days <= 0 || owed.is_zero() || owed >= below {
                    continue;
                }
                let account = next.get_or_insert_with(|| l.clone());
                let (principal, penalty) = account.write_off(&id, reason, as_of).map_err(at)?;
                done.push(WriteOff {
                    unit_id: unit.clone(),
                    charge_id: id,
                    item_code: item,
                    principal,
                    penalty,
                });
            }
            if let Some(account) = next {
                changed.push((unit.clone(), account));
            }
        }
        self.accounts.extend(changed);
        Ok(done)
    }

    fn group_key(&self, by: GroupBy, unit: &str, item: &str) -> String {
        match by {
            GroupBy::Estate => self.estate_id.clone(),
            // Every account's unit is checked against the estate when it is opened
            // (`post`, `post_charges`, `open_balances`, `apply_payment`, `from_json`).
            GroupBy::Building => self
                .buildings
                .get(unit)
                .expect("every account's unit is a unit of the book's estate")
                .clone(),
            GroupBy::Unit => unit.to_owned(),
            GroupBy::ItemCode => item.to_owned(),
        }
    }

    /// Aging (账龄) of everything owed as of a date, principal and penalty, by days
    /// overdue, grouped `by` the estate, building, unit or item code, in key order
    /// (the estate row is always there). Answers as of a past date: payments recorded
    /// later but dated after it do not change it.
    ///
    /// # Errors
    /// A ledger error, its path under `accounts[<unit>]`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// # let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&estate, &schedule, BillingPeriod::month(2026, 10)?, &inputs)?; // due Nov 16
    /// let mut book = Receivables::new(&estate, &schedule, PaymentOrder::default());
    /// book.post(&run, None, None)?;
    /// let rows = book.aging_report(d("2026-12-31"), GroupBy::Building)?;
    /// assert_eq!(rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["B1", "B2"]);
    /// assert!(rows.iter().all(|r| r.total == r.days_31_60)); // 45 days overdue
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn aging_report(&self, as_of: NaiveDate, by: GroupBy) -> Result<Vec<AgingRow>, FeeError> {
        let z = Decimal::new(0, self.rounding.scale());
        let empty = |key: String| AgingRow {
            key,
            not_due: z,
            days_0_30: z,
            days_31_60: z,
            days_61_90: z,
            days_90_plus: z,
            total: z,
        };
        let mut rows: BTreeMap<String, AgingRow> = BTreeMap::new();
        if by == GroupBy::Estate {
            rows.insert(self.estate_id.clone(), empty(self.estate_id.clone()));
        }
        for (unit, l) in &self.accounts {
            let at = |e: FeeError| e.under(&format!("accounts[{unit}]"));
            for (_, item, days, principal, penalty) in l.outstanding_by_charge(as_of).map_err(at)? {
                let owed = add(principal, penalty, "total").map_err(at)?;
                if owed.is_zero() {
                    continue;
                }
                let key = self.group_key(by, unit, &item);
                let row = rows.entry(key.clone()).or_insert_with(|| empty(key));
                let bucket = match days {
                    ..=-1 => &mut row.not_due,
                    0..=30 => &mut row.days_0_30,
                    31..=60 => &mut row.days_31_60,
                    61..=90 => &mut row.days_61_90,
                    _ => &mut row.days_90_plus,
                };
                *bucket = add(*bucket, owed, "aging").map_err(at)?;
                row.total = add(row.total, owed, "total").map_err(at)?;
            }
        }
        Ok(rows.into_values().collect())
    }

    /// The collection rate (收缴率): of the principal billed for periods within
    /// `[start, end]`, what was paid by `as_of` (the cut-off: later money does not
    /// change the figure), grouped `by` the estate, building, unit or item code.
    /// `rate` is half-up to 4 places, `None` when nothing was billed; penalties are
    /// reported beside, not mixed in.
    ///
    /// # Errors
    /// [`FeeError::InvalidValue`] when `end` is before `start`; a ledger error, its path
    /// under `accounts[<unit>]`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{billing::*, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// # let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&estate, &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let mut book = Receivables::new(&estate, &schedule, PaymentOrder::default());
    /// book.post(&run, None, None)?;
    /// let owed = run.bill("1-101").unwrap().total;
    /// book.apply_payments(&[PaymentRow::new("1-101", owed, d("2026-11-10"), "B-1")]);
    /// let rows = book.collection_report(d("2026-10-01"), d("2026-10-31"), d("2026-11-30"), GroupBy::Unit)?;
    /// let r = rows.iter().find(|r| r.key == "1-101").unwrap();
    /// assert_eq!((r.collected, r.rate.unwrap().to_string()), (owed, "1.0000".into()));
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn collection_report(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        as_of: NaiveDate,
        by: GroupBy,
    ) -> Result<Vec<CollectionRow>, FeeError> {
        if end < start {
            return Err(FeeError::value(
                "ends_before_starts",
                "end",
                format!("{end} is before {start}"),
            ));
        }
        let z = Decimal::new(0, self.rounding.scale());
        let empty = |key: String| CollectionRow {
            key,
            billed: z,
            collected: z,
            rate: None,
            penalty_collected: z,
        };
        let mut rows: BTreeMap<String, CollectionRow> = BTreeMap::new();
        if by == GroupBy::Estate {
            rows.insert(self.estate_id.clone(), empty(self.estate_id.clone()));
        }
        for (unit, l) in &self.accounts {
            let at = |e: FeeError| e.under(&format!("accounts[{unit}]"));
            for (item, billed, collected, penalty) in
                l.collected_by_charge(start, end, as_of).map_err(at)?
            {
                let key = self.group_key(by, unit, &item);
                let row = rows.entry(key.clone()).or_insert_with(|| empty(key));
                row.billed = add(row.billed, billed, "billed").map_err(at)?;
                row.collected = add(row.collected, collected, "collected").map_err(at)?;
                row.penalty_collected =
                    add(row.penalty_collected, penalty, "penalty_collected").map_err(at)?;
            }
        }
        let four = RoundingPolicy::new(4, crate::money::RoundingMode::HalfUp)
            .expect("4 places is a valid rounding scale");
        for row in rows.values_mut() {
            row.rate = (!row.billed.is_zero())
                .then(|| row.collected.checked_div(row.billed).map(|r| four.round(r)))
                .flatten();
        }
        Ok(rows.into_values().collect())
    }

    fn account_or_err(&self, unit_id: &str) -> Result<Option<&Ledger>, FeeError> {
        self.known_unit(unit_id, || "unit_id".into())?;
        Ok(self.accounts.get(unit_id))
    }

    /// Penalty owed on one charge of a unit as of a date.
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown unit or charge.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let e = book.penalty("1-101", "2026-10-01/management", "2026-12-01".parse().unwrap()).unwrap_err();
    /// assert_eq!(e.code(), "unknown_reference");
    /// ```
    pub fn penalty(
        &self,
        unit_id: &str,
        charge_id: &str,
        as_of: NaiveDate,
    ) -> Result<Decimal, FeeError> {
        match self.account_or_err(unit_id)? {
            Some(l) => l.penalty(charge_id, as_of),
            None => Err(FeeError::Unknown {
                path: "charge_id".into(),
                what: "charge",
                id: charge_id.to_owned(),
            }),
        }
    }

    /// A unit's figures as of a date (zeros for a unit with no account).
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown unit.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert_eq!(book.balance("1-101", "2026-12-01".parse().unwrap())?.prepaid.to_string(), "0.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn balance(&self, unit_id: &str, as_of: NaiveDate) -> Result<Balance, FeeError> {
        match self.account_or_err(unit_id)? {
            Some(l) => l.balance(as_of),
            None => self.empty_account(unit_id).balance(as_of),
        }
    }

    /// A unit's payment-reminder data as of a date.
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown unit.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert!(book.reminder("1-101", "2026-12-01".parse().unwrap())?.items.is_empty());
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn reminder(&self, unit_id: &str, as_of: NaiveDate) -> Result<Reminder, FeeError> {
        match self.account_or_err(unit_id)? {
            Some(l) => l.reminder(as_of),
            None => self.empty_account(unit_id).reminder(as_of),
        }
    }

    /// The reminders worth sending as of a date (催交款通知书): one letter per unit
    /// with an overdue item, or per owner when `group` maps unit ids to an owner key
    /// (units not in it get their own letter); items named as the schedule names
    /// them, with days overdue and the penalty as of the date. A letter whose total
    /// is below `min_total` is not sent but listed in [`Reminders::suppressed`]. An
    /// owner whose prepaid balance settled everything gets none.
    ///
    /// Why small totals: with penalty first (the default order), a bill paid exactly,
    /// a day late, settles the day's penalty first and leaves that much principal
    /// open. A minimum such as 1.00 keeps those few fen out of the letters;
    /// [`Receivables::write_off_residues`] closes them with a recorded reason.
    ///
    /// # Errors
    /// [`FeeError::Negative`] for a negative `min_total`; [`FeeError::Unknown`] for an
    /// unknown unit in `group` (path `group[<unit>]`); [`FeeError::InvalidValue`] for an
    /// empty owner key; a ledger error, its path under `accounts[<unit>]`.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use estatekit::{estate::Estate, fees::{billing::*, ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// # let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// # let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    /// # let inputs = BillingInputs::default().with_pooled("common_electricity", 100.into());
    /// let run = bill_estate(&estate, &schedule, BillingPeriod::month(2026, 10)?, &inputs)?;
    /// let mut book = Receivables::new(&estate, &schedule, PaymentOrder::default());
    /// book.post(&run, None, None)?;
    /// let group = HashMap::from([("1-101".to_string(), "Wang".to_string()), ("1-102".to_string(), "Wang".to_string())]);
    /// let r = book.reminders(d("2026-12-31"), "1.00".parse()?, Some(&group))?;
    /// let wang = r.letters.iter().find(|l| l.to == "Wang").unwrap();
    /// assert_eq!(wang.unit_ids, ["1-101", "1-102"]);
    /// assert_eq!(wang.items[0].name_zh, "物业服务费");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reminders(
        &self,
        as_of: NaiveDate,
        min_total: Decimal,
        group: Option<&HashMap<String, String>>,
    ) -> Result<Reminders, FeeError> {
        if min_total < Decimal::ZERO {
            return Err(FeeError::Negative {
                path: "min_total".into(),
                value: min_total,
            });
        }
        if let Some(g) = group {
            for (unit, owner) in g {
                self.known_unit(unit, || format!("group[{unit}]"))?;
                if owner.trim().is_empty() {
                    return Err(FeeError::value(
                        "empty_field",
                        format!("group[{unit}]"),
                        "an owner key must not be empty",
                    ));
                }
            }
        }
        let z = Decimal::new(0, self.rounding.scale());
        let mut letters: BTreeMap<&str, ReminderLetter> = BTreeMap::new();
        for (unit, l) in &self.accounts {
            let at = |e: FeeError| e.under(&format!("accounts[{unit}]"));
            let r = l.reminder(as_of).map_err(at)?;
            if r.items.is_empty() {
                continue;
            }
            let to = group
                .and_then(|g| g.get(unit))
                .map_or(unit.as_str(), String::as_str);
            let letter = letters.entry(to).or_insert_with(|| ReminderLetter {
                to: to.to_owned(),
                unit_ids: Vec::new(),
                as_of,
                items: Vec::new(),
                principal: z,
                penalty: z,
                total_due: z,
                prepaid: z,
            });
            letter.unit_ids.push(unit.clone());
            letter.prepaid = add(letter.prepaid, r.prepaid, "prepaid").map_err(at)?;
            for i in r.items {
                let charge = l.charge(&i.charge_id);
                let period = charge.and_then(|c| c.period);
                let description = charge.and_then(|c| c.description.clone());
                let (name_zh, name_en) = match self.schedule_item(&i.item_code, period, i.due) {
                    Some(item) => (item.name_zh.clone(), item.name_en.clone()),
                    None => {
                        let name = description.unwrap_or_else(|| i.item_code.clone());
                        (name.clone(), name)
                    }
                };
                let total = add(i.principal, i.penalty, "total").map_err(at)?;
                letter.principal = add(letter.principal, i.principal, "principal").map_err(at)?;
                letter.penalty = add(letter.penalty, i.penalty, "penalty").map_err(at)?;
                letter.total_due = add(letter.total_due, total, "total_due").map_err(at)?;
                letter.items.push(LetterItem {
                    unit_id: unit.clone(),
                    charge_id: i.charge_id,
                    item_code: i.item_code,
                    name_zh,
                    name_en,
                    period,
                    due: i.due,
                    days_overdue: i.days_overdue,
                    principal: i.principal,
                    penalty: i.penalty,
                    total,
                });
            }
        }
        let mut out = Reminders::default();
        for letter in letters.into_values() {
            if letter.total_due < min_total {
                out.suppressed.push(Suppressed {
                    to: letter.to,
                    unit_ids: letter.unit_ids,
                    total_due: letter.total_due,
                });
            } else {
                out.letters.push(letter);
            }
        }
        Ok(out)
    }

    /// A unit's outstanding principal by days overdue as of a date.
    ///
    /// # Errors
    /// [`FeeError::Unknown`] for an unknown unit.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert_eq!(book.aging("1-101", "2026-12-01".parse().unwrap())?.days_90_plus.to_string(), "0.00");
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn aging(&self, unit_id: &str, as_of: NaiveDate) -> Result<Aging, FeeError> {
        match self.account_or_err(unit_id)? {
            Some(l) => l.aging(as_of),
            None => self.empty_account(unit_id).aging(as_of),
        }
    }

    /// The book's figures as of a date (see [`BookTotals`]).
    ///
    /// # Errors
    /// A ledger error (overflow), its path under `accounts[<unit>]`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// let t = book.totals("2026-12-01".parse().unwrap())?;
    /// assert_eq!(t.billed - t.written_off + t.penalty_accrued - t.penalty_waived, t.applied + t.outstanding);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn totals(&self, as_of: NaiveDate) -> Result<BookTotals, FeeError> {
        let z = Decimal::new(0, self.rounding.scale());
        let mut t = BookTotals {
            billed: z,
            penalty_accrued: z,
            penalty_waived: z,
            written_off: z,
            applied: z,
            outstanding: z,
            collected: z,
            prepaid: z,
            refunded: z,
        };
        for (unit, l) in &self.accounts {
            let at = |e: FeeError| e.under(&format!("accounts[{unit}]"));
            let b = l.balance(as_of).map_err(at)?;
            let sum = |a: Decimal, b: Decimal, p: &str| add(a, b, p).map_err(at);
            t.billed = sum(t.billed, b.billed, "billed")?;
            t.penalty_accrued = sum(t.penalty_accrued, b.penalty_accrued, "penalty_accrued")?;
            t.penalty_waived = sum(t.penalty_waived, b.penalty_waived, "penalty_waived")?;
            t.written_off = sum(t.written_off, b.principal_written_off, "written_off")?;
            t.applied = sum(
                t.applied,
                sum(b.principal_paid, b.penalty_paid, "applied")?,
                "applied",
            )?;
            t.outstanding = sum(
                t.outstanding,
                sum(
                    b.principal_outstanding,
                    b.penalty_outstanding,
                    "outstanding",
                )?,
                "outstanding",
            )?;
            t.collected = sum(t.collected, b.paid, "collected")?;
            t.prepaid = sum(t.prepaid, b.prepaid, "prepaid")?;
            t.refunded = sum(t.refunded, b.refunded, "refunded")?;
        }
        Ok(t)
    }
}
