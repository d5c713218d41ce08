//! The estate's book of accounts on mobile: a `Receivables` object (post a billing
//! run, apply payment rows, query accounts). The rules are the core's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use estatekit::fees::FeeError;
use estatekit::fees::billing::BillingPeriod;
use estatekit::fees::dunning::{self, Suppressed};
use estatekit::fees::ledger::{self, PaymentOrder};
use estatekit::fees::receivables::{
    self, AgingRow, BookTotals, CollectionRow, CreditLine, GroupBy, WriteOff,
};
use estatekit::i18n::Lang;
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::EstateKitError;
use crate::estate::Estate;
use crate::fees::{BillingRun, FeeSchedule, Ledger};
use crate::records::{TextRows, core_rows};
use estatekit::fees::ledger::{Aging, Balance, Payment, Reminder};

/// One payment row (a bank or cashier line).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentRow {
    /// The unit paid for.
    pub unit_id: String,
    /// Amount, > 0.
    pub amount: Decimal,
    /// Day the money arrived.
    pub date: NaiveDate,
    /// Bank or receipt reference, unique in the book.
    pub reference: String,
    /// A reversal row (冲正): the reference of the payment it takes back; `amount`
    /// is then that payment's amount negated. Applied after the payment rows.
    #[uniffi(default = None)]
    pub reverses: Option<String>,
}

/// A row refused, nothing changed for it: its number, its reference and the error.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RejectedRow {
    /// 1-based row number.
    pub row: i64,
    /// The row's reference (`ref`), or null when it could not be read.
    pub r#ref: Option<String>,
    /// Stable code: `duplicate_ref`, `conflicting_repost`, `unknown_reference`, …
    pub code: String,
    /// The field concerned.
    pub path: String,
    /// Human-readable message: `row 3 (ref "B-7"): <the error>`.
    pub message: String,
}

fn rejected(rows: &[receivables::RejectedRow]) -> Vec<RejectedRow> {
    rows.iter()
        .map(|r| RejectedRow {
            row: crate::ToMobile::to_mobile(r.row),
            r#ref: r.reference.clone(),
            code: r.error.code().into(),
            path: r.error.path().into(),
            message: r.message(),
        })
        .collect()
}

/// A bill line already posted with another amount or due date (not posted).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Conflict {
    /// Always `conflicting_repost`.
    pub code: String,
    /// The field concerned.
    pub path: String,
    /// Human-readable message.
    pub message: String,
    /// The unit.
    pub unit_id: String,
    /// The charge already in the book.
    pub charge_id: String,
    /// The field that differs (`amount`, `due`, `item_code`).
    pub field: String,
    /// Its value in the book.
    pub booked: String,
    /// Its value in the run.
    pub given: String,
}

/// What `post` did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PostResult {
    /// Lines posted now.
    pub posted: i64,
    /// Lines already in the book with the same amount and due date.
    pub already_posted: i64,
    /// Lines already posted with another amount or due date (not posted).
    pub conflicts: Vec<Conflict>,
    /// Negative lines (a metered line trued up below last month's estimate): credits
    /// the book does not hold as charges, not posted, listed every time.
    #[uniffi(default = [])]
    pub credits: Vec<CreditLine>,
}

/// A negative bill line `post` did not post.
#[uniffi::remote(Record)]
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AppliedRow {
    /// 1-based row number.
    pub row: i64,
    /// The payment's reference.
    pub r#ref: String,
    /// Unit id.
    pub unit_id: String,
    /// Amount.
    pub amount: Decimal,
    /// Day the money arrived.
    pub date: NaiveDate,
    /// How it was applied, oldest charge first.
    pub applied: Vec<estatekit::fees::ledger::Application>,
    /// Amount added to the prepaid balance.
    pub to_prepaid: Decimal,
}

/// A reversal row applied now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReversedRow {
    /// 1-based row number.
    pub row: i64,
    /// The reversed payment's reference.
    pub r#ref: String,
    /// Unit id.
    pub unit_id: String,
    /// The reversed payment's amount.
    pub amount: Decimal,
    /// The reversed payment's date.
    pub date: NaiveDate,
    /// Day the reversal takes effect.
    pub reversed_on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// A row already in the book.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AlreadyApplied {
    /// 1-based row number.
    pub row: i64,
    /// Reference.
    pub r#ref: String,
    /// Unit id.
    pub unit_id: String,
}

/// What `applyPayments` did with each row.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentImport {
    /// Rows applied now.
    pub applied: Vec<AppliedRow>,
    /// Reversal rows applied now.
    pub reversed: Vec<ReversedRow>,
    /// Rows already in the book.
    pub already_applied: Vec<AlreadyApplied>,
    /// Each change made to a cell before reading it (records imports only).
    #[uniffi(default = [])]
    pub normalisations: Vec<crate::estate::Normalisation>,
    /// Rows refused; nothing changed for them.
    pub rejected: Vec<RejectedRow>,
}

/// One row of the aging report: owed by days overdue, principal and penalty.
#[uniffi::remote(Record)]
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
    /// Everything outstanding.
    pub total: Decimal,
}

/// One row of the collection report (收缴率).
#[uniffi::remote(Record)]
pub struct CollectionRow {
    /// The estate, building, unit or item code.
    pub key: String,
    /// Principal billed for periods in the range.
    pub billed: Decimal,
    /// What of it was paid by the cut-off.
    pub collected: Decimal,
    /// collected ÷ billed, half-up to 4 places; null when nothing was billed.
    pub rate: Option<Decimal>,
    /// Penalty paid on those charges by the cut-off.
    pub penalty_collected: Decimal,
}

fn group(by: Option<String>) -> Result<GroupBy, EstateKitError> {
    Ok(by.map_or(Ok(GroupBy::Estate), |b| b.parse::<GroupBy>())?)
}

/// The book's figures as of a date.
#[uniffi::remote(Record)]
pub struct BookTotals {
    /// Principal issued.
    pub billed: Decimal,
    /// Penalty accrued.
    pub penalty_accrued: Decimal,
    /// Penalty waived (and penalty written off).
    pub penalty_waived: Decimal,
    /// Principal written off (核销).
    pub written_off: Decimal,
    /// Principal and penalty settled.
    pub applied: Decimal,
    /// Principal and penalty owed.
    pub outstanding: Decimal,
    /// Money received.
    pub collected: Decimal,
    /// Prepaid balances.
    pub prepaid: Decimal,
    /// Money refunded.
    pub refunded: Decimal,
}

impl From<receivables::PaymentImport> for PaymentImport {
    fn from(res: receivables::PaymentImport) -> Self {
        use crate::ToMobile;
        Self {
            applied: res
                .applied
                .into_iter()
                .map(|a| AppliedRow {
                    row: a.row.to_mobile(),
                    r#ref: a.payment.id,
                    unit_id: a.unit_id,
                    amount: a.payment.amount,
                    date: a.payment.date,
                    applied: a.payment.applied,
                    to_prepaid: a.payment.to_prepaid,
                })
                .collect(),
            reversed: res
                .reversed
                .into_iter()
                .map(|a| {
                    let r = a
                        .payment
                        .reversed
                        .expect("a reversed row's payment carries its reversal");
                    ReversedRow {
                        row: a.row.to_mobile(),
                        r#ref: a.payment.id,
                        unit_id: a.unit_id,
                        amount: a.payment.amount,
                        date: a.payment.date,
                        reversed_on: r.on,
                        reason: r.reason,
                    }
                })
                .collect(),
            already_applied: res
                .already_applied
                .into_iter()
                .map(|a| AlreadyApplied {
                    row: a.row.to_mobile(),
                    r#ref: a.reference,
                    unit_id: a.unit_id,
                })
                .collect(),
            normalisations: res.normalisations.to_mobile(),
            rejected: rejected(&res.rejected),
        }
    }
}

/// A single charge outside a billing run (a renovation shortfall, a lock
/// replacement), or an unpaid item of the old system in `openBalances`. Its id in the
/// unit's account is `reference`, else `"<periodStart>/<itemCode>"`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChargeRow {
    /// The unit charged.
    pub unit_id: String,
    /// The charge's id in the account (`ref` in JSON): a work order, the old system's
    /// bill number.
    #[uniffi(default = None)]
    pub reference: Option<String>,
    /// Fee item code (the schedule's penalty clause and names apply when it is there).
    pub item_code: String,
    /// Amount, > 0, at most the estate's scale.
    pub amount: Decimal,
    /// Day issued to the owner: required by `postCharges`; an opening balance without
    /// one is issued on its due date.
    #[uniffi(default = None)]
    pub issued_on: Option<NaiveDate>,
    /// Due date (for an opening balance: the original due date).
    pub due: NaiveDate,
    /// First day of the billing period the charge is for (with `periodEnd`).
    #[uniffi(default = None)]
    pub period_start: Option<NaiveDate>,
    /// Last day of the billing period.
    #[uniffi(default = None)]
    pub period_end: Option<NaiveDate>,
    /// What the charge is for, shown on reminders when the item code is not in the
    /// fee schedule.
    #[uniffi(default = None)]
    pub description: Option<String>,
    /// Whether the schedule's penalty clause for the item applies.
    #[uniffi(default = true)]
    pub penalty: bool,
}

impl From<ChargeRow> for receivables::ChargeRow {
    fn from(r: ChargeRow) -> Self {
        Self {
            unit_id: r.unit_id,
            reference: r.reference,
            item_code: r.item_code,
            amount: r.amount,
            issued_on: r.issued_on,
            due: r.due,
            period_start: r.period_start,
            period_end: r.period_end,
            description: r.description,
            penalty: r.penalty,
        }
    }
}

/// One row of an opening balance (期初余额): what the old system says a unit owes or
/// holds on the day the book takes over.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum OpeningBalance {
    /// An unpaid item, with its original due date.
    Unpaid {
        /// The item.
        row: ChargeRow,
    },
    /// A prepaid balance held on `date` (the cut-over day), recorded as a payment with
    /// reference `reference`.
    Prepaid {
        /// The unit.
        unit_id: String,
        /// The balance, > 0.
        amount: Decimal,
        /// The day the balance is taken over.
        date: NaiveDate,
        /// A reference unique in the book.
        reference: String,
    },
}

impl From<OpeningBalance> for receivables::OpeningBalance {
    fn from(r: OpeningBalance) -> Self {
        match r {
            OpeningBalance::Unpaid { row } => Self::Unpaid(row.into()),
            OpeningBalance::Prepaid {
                unit_id,
                amount,
                date,
                reference,
            } => Self::Prepaid {
                unit_id,
                amount,
                date,
                reference,
            },
        }
    }
}

/// A row of `postCharges` or `openBalances` posted now or found already in the book.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportedRow {
    /// 1-based row number.
    pub row: i64,
    /// Unit id.
    pub unit_id: String,
    /// The charge id or payment reference.
    pub r#ref: String,
}

/// What `postCharges` or `openBalances` did with each row: every row is in exactly
/// one of the three lists.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RowImport {
    /// Rows posted now.
    pub posted: Vec<ImportedRow>,
    /// Rows already in the book with the same content (not posted again).
    pub already_posted: Vec<ImportedRow>,
    /// Each change made to a cell before reading it (records imports only).
    #[uniffi(default = [])]
    pub normalisations: Vec<crate::estate::Normalisation>,
    /// Rows refused (`conflicting_repost` for a charge id already in the book with
    /// another item, amount or due date); nothing changed for them.
    pub rejected: Vec<RejectedRow>,
}

impl From<receivables::RowImport> for RowImport {
    fn from(res: receivables::RowImport) -> Self {
        use crate::ToMobile;
        let imported = |rows: Vec<receivables::ImportedRow>| -> Vec<ImportedRow> {
            rows.into_iter()
                .map(|r| ImportedRow {
                    row: r.row.to_mobile(),
                    unit_id: r.unit_id,
                    r#ref: r.reference,
                })
                .collect()
        };
        Self {
            posted: imported(res.posted),
            already_posted: imported(res.already_posted),
            normalisations: res.normalisations.to_mobile(),
            rejected: rejected(&res.rejected),
        }
    }
}

/// A residue written off by `writeOffResidues`.
#[uniffi::remote(Record)]
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

/// One overdue item on a reminder letter.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LetterItem {
    /// The unit charged.
    pub unit_id: String,
    /// Charge id.
    pub charge_id: String,
    /// Fee item code.
    pub item_code: String,
    /// Item name in Chinese (the schedule's; else the charge's description; else the
    /// code).
    pub name_zh: String,
    /// Item name in English (likewise).
    pub name_en: String,
    /// First day of the billing period the charge is for, if any.
    pub period_start: Option<NaiveDate>,
    /// Last day of that period, if any.
    pub period_end: Option<NaiveDate>,
    /// Due date in force.
    pub due: NaiveDate,
    /// Days overdue as of the letter's date.
    pub days_overdue: i64,
    /// Principal outstanding.
    pub principal: Decimal,
    /// Penalty outstanding as of the letter's date.
    pub penalty: Decimal,
    /// `principal + penalty`.
    pub total: Decimal,
}

/// A payment reminder (催交款通知书) to one recipient: an owner (all the units grouped
/// under their key) or a unit. Render it with `render(lang)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReminderLetter {
    /// The recipient: the owner key given in the grouping, else the unit id.
    pub to: String,
    /// The units on the letter, in id order.
    pub unit_ids: Vec<String>,
    /// Date of the letter.
    pub as_of: NaiveDate,
    /// Overdue items, by unit, oldest first.
    pub items: Vec<LetterItem>,
    /// Principal outstanding on the items.
    pub principal: Decimal,
    /// Penalty outstanding on the items.
    pub penalty: Decimal,
    /// `principal + penalty`: what the letter asks for.
    pub total_due: Decimal,
    /// Prepaid balances of the units.
    pub prepaid: Decimal,
}

/// A letter not sent because its total is below the minimum.
#[uniffi::remote(Record)]
pub struct Suppressed {
    /// The recipient.
    pub to: String,
    /// The units.
    pub unit_ids: Vec<String>,
    /// What the letter would have asked for.
    pub total_due: Decimal,
}

/// The reminders of a date: the letters to send, in recipient order, and those below
/// the minimum.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Reminders {
    /// Letters to send.
    pub letters: Vec<ReminderLetter>,
    /// Letters below the minimum total, not sent.
    pub suppressed: Vec<dunning::Suppressed>,
}

impl From<dunning::ReminderLetter> for ReminderLetter {
    fn from(l: dunning::ReminderLetter) -> Self {
        Self {
            to: l.to,
            unit_ids: l.unit_ids,
            as_of: l.as_of,
            items: l
                .items
                .into_iter()
                .map(|i| LetterItem {
                    unit_id: i.unit_id,
                    charge_id: i.charge_id,
                    item_code: i.item_code,
                    name_zh: i.name_zh,
                    name_en: i.name_en,
                    period_start: i.period.map(|p| p.start),
                    period_end: i.period.map(|p| p.end),
                    due: i.due,
                    days_overdue: i.days_overdue,
                    principal: i.principal,
                    penalty: i.penalty,
                    total: i.total,
                })
                .collect(),
            principal: l.principal,
            penalty: l.penalty,
            total_due: l.total_due,
            prepaid: l.prepaid,
        }
    }
}

impl TryFrom<ReminderLetter> for dunning::ReminderLetter {
    type Error = EstateKitError;
    fn try_from(l: ReminderLetter) -> Result<Self, Self::Error> {
        let items = l
            .items
            .into_iter()
            .enumerate()
            .map(|(n, i)| {
                let period = match (i.period_start, i.period_end) {
                    (Some(start), Some(end)) => Some(BillingPeriod { start, end }),
                    (None, None) => None,
                    (start, _) => {
                        let field = if start.is_some() {
                            "period_end"
                        } else {
                            "period_start"
                        };
                        return Err(FeeError::InvalidValue {
                            path: format!("items[{n}].{field}"),
                            code: "missing_value",
                            reason: "a period needs both periodStart and periodEnd".into(),
                        });
                    }
                };
                Ok(dunning::LetterItem {
                    unit_id: i.unit_id,
                    charge_id: i.charge_id,
                    item_code: i.item_code,
                    name_zh: i.name_zh,
                    name_en: i.name_en,
                    period,
                    due: i.due,
                    days_overdue: i.days_overdue,
                    principal: i.principal,
                    penalty: i.penalty,
                    total: i.total,
                })
            })
            .collect::<Result<_, FeeError>>()?;
        Ok(Self {
            to: l.to,
            unit_ids: l.unit_ids,
            as_of: l.as_of,
            items,
            principal: l.principal,
            penalty: l.penalty,
            total_due: l.total_due,
            prepaid: l.prepaid,
        })
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl ReminderLetter {
    /// The notice text (催交款通知书) in `lang`: the recipient, every overdue item with
    /// its name, period, due date, days overdue, principal and penalty, the total, and
    /// the prepaid balance when there is one. `lang` defaults to zh-CN.
    #[uniffi::method(default(lang = None))]
    pub fn render(&self, lang: Option<Lang>) -> Result<String, EstateKitError> {
        Ok(dunning::ReminderLetter::try_from(self.clone())?.render(lang.unwrap_or(Lang::ZhCn)))
    }
}

/// The estate's book of receivables (thread-safe; every method is one call).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Eq, Hash)]
pub struct Receivables {
    inner: Mutex<receivables::Receivables>,
    /// The estate's money scale: the scale of the Arrow reports' money columns.
    scale: u32,
}

crate::json_eq!(Receivables, |s| s.lock().to_json());

impl Receivables {
    pub(crate) fn lock(&self) -> MutexGuard<'_, receivables::Receivables> {
        // A poisoned lock only means another thread panicked mid-call; the book's
        // operations change an account only once they have succeeded.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Receivables {
    /// An empty book (penalty-first payment order unless `order` says otherwise).
    #[uniffi::constructor(default(order = None))]
    pub fn new(
        estate: Arc<Estate>,
        schedule: Arc<FeeSchedule>,
        order: Option<PaymentOrder>,
    ) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: Mutex::new(receivables::Receivables::new(
                estate.core(),
                &schedule.inner,
                order.unwrap_or_default(),
            )),
            scale: estate.core().rounding().scale(),
        }))
    }

    /// Restores a book saved with `toJson`, for the same estate.
    #[uniffi::constructor]
    pub fn from_json(
        text: String,
        estate: Arc<Estate>,
        schedule: Arc<FeeSchedule>,
    ) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: Mutex::new(receivables::Receivables::from_json(
                &text,
                estate.core(),
                &schedule.inner,
            )?),
            scale: estate.core().rounding().scale(),
        }))
    }

    /// The book as JSON.
    pub fn to_json(&self) -> String {
        self.lock().to_json()
    }

    /// Posts a billing run (`on`: posting date, default the issue date; `units`: a
    /// subset). Lines already posted are counted, not posted again.
    #[uniffi::method(default(on = None, units = None))]
    pub fn post(
        &self,
        run: Arc<BillingRun>,
        on: Option<NaiveDate>,
        units: Option<Vec<String>>,
    ) -> Result<PostResult, EstateKitError> {
        let r = self.lock().post(&run.inner, on, units.as_deref())?;
        Ok(PostResult {
            posted: crate::ToMobile::to_mobile(r.posted),
            already_posted: crate::ToMobile::to_mobile(r.already_posted),
            credits: r.credits,
            conflicts: r
                .conflicts
                .iter()
                .map(|e| {
                    let c = match e {
                        FeeError::ConflictingRepost { conflict, .. } => conflict.clone(),
                        _ => unreachable!("post reports only conflicting reposts as conflicts"),
                    };
                    Conflict {
                        code: e.code().into(),
                        path: e.path().into(),
                        message: e.to_string(),
                        unit_id: c.unit_id,
                        charge_id: c.charge_id,
                        field: c.field,
                        booked: c.booked,
                        given: c.given,
                    }
                })
                .collect(),
        })
    }

    /// Applies payment rows; each is applied, already applied, or rejected.
    pub fn apply_payments(&self, rows: Vec<PaymentRow>) -> Result<PaymentImport, EstateKitError> {
        let rows: Vec<receivables::PaymentRow> = rows
            .into_iter()
            .map(|r| receivables::PaymentRow {
                reverses: r.reverses,
                ..receivables::PaymentRow::new(r.unit_id, r.amount, r.date, r.reference)
            })
            .collect();
        Ok(self.lock().apply_payments(&rows).into())
    }

    /// Applies a bank file or cashier export as rows of text cells (`csvRows`, a
    /// spreadsheet) with the columns `unit_id, amount, date, ref` and optionally
    /// `reverses`: spaces, thousands separators and `YYYY/M/D` dates are accepted and
    /// reported in `normalisations`; an unreadable row is rejected naming its column
    /// (`invalid_decimal`, `invalid_date`, `missing_value`, `unknown_column`…).
    pub fn apply_payment_records(&self, rows: TextRows) -> Result<PaymentImport, EstateKitError> {
        Ok(self
            .lock()
            .apply_payment_records(&core_rows(rows), &[])
            .into())
    }

    /// `postCharges` for rows of text cells with the columns `unit_id, ref,
    /// item_code, amount, issued_on, due, period_start, period_end, description,
    /// penalty`, read as `applyPaymentRecords` reads them.
    pub fn post_charge_records(&self, rows: TextRows) -> Result<RowImport, EstateKitError> {
        Ok(self
            .lock()
            .post_charge_records(&core_rows(rows), &[])
            .into())
    }

    /// `openBalances` for rows of text cells: a row whose `prepaid` cell is filled is
    /// a prepaid balance (`unit_id, prepaid, date, ref`), any other an unpaid item
    /// with the columns of `postChargeRecords`.
    pub fn open_balance_records(&self, rows: TextRows) -> Result<RowImport, EstateKitError> {
        Ok(self
            .lock()
            .open_balance_records(&core_rows(rows), &[])
            .into())
    }

    /// `applyPaymentRecords` for an Arrow table (`ArrowTable.importStream` from Arrow
    /// Java, or `ArrowTable.fromText`) with the columns `unit_id, amount, date, ref`
    /// and optionally `reverses`: text, integer, decimal and date columns are read as
    /// their cells' text; a float cell rejects its row (`float_cell`). Throws
    /// `EstateKitError.Records` (`unsupported_type`) for a column that cannot be read
    /// at all (a list, a binary column), nothing applied.
    pub fn apply_payments_arrow(
        &self,
        table: Arc<crate::arrow::ArrowTable>,
    ) -> Result<PaymentImport, EstateKitError> {
        let (rows, problems) =
            crate::arrow::book_rows("payments", &estatekit::records::PAYMENT_COLUMNS, &table)?;
        Ok(self
            .lock()
            .apply_payment_records(&rows.rows(), &problems)
            .into())
    }

    /// `postChargeRecords` for an Arrow table with the columns of `postChargeRecords`,
    /// read as `applyPaymentsArrow` reads its table.
    pub fn post_charges_arrow(
        &self,
        table: Arc<crate::arrow::ArrowTable>,
    ) -> Result<RowImport, EstateKitError> {
        let (rows, problems) =
            crate::arrow::book_rows("charges", &estatekit::records::CHARGE_COLUMNS, &table)?;
        Ok(self
            .lock()
            .post_charge_records(&rows.rows(), &problems)
            .into())
    }

    /// `openBalanceRecords` for an Arrow table with the columns of
    /// `openBalanceRecords`, read as `applyPaymentsArrow` reads its table.
    pub fn open_balances_arrow(
        &self,
        table: Arc<crate::arrow::ArrowTable>,
    ) -> Result<RowImport, EstateKitError> {
        let (rows, problems) =
            crate::arrow::book_rows("opening", &estatekit::records::OPENING_COLUMNS, &table)?;
        Ok(self
            .lock()
            .open_balance_records(&rows.rows(), &problems)
            .into())
    }

    /// Applies payment rows given as a JSON array of objects (unit_id, amount as a
    /// decimal string, date as YYYY-MM-DD, ref); unreadable rows are rejected.
    pub fn apply_payments_json(&self, text: String) -> Result<PaymentImport, EstateKitError> {
        Ok(self.lock().apply_payments_json(&text)?.into())
    }

    /// Reverses (冲正) the payment with this reference, recorded `on`.
    pub fn reverse(
        &self,
        reference: String,
        on: NaiveDate,
        reason: String,
    ) -> Result<Payment, EstateKitError> {
        Ok(self.lock().reverse(&reference, on, &reason)?)
    }

    /// Pays money back to a unit's owner out of its prepaid balance (退款).
    pub fn refund(
        &self,
        unit_id: String,
        amount: Decimal,
        on: NaiveDate,
        reference: String,
    ) -> Result<(), EstateKitError> {
        Ok(self.lock().refund(&unit_id, amount, on, &reference)?)
    }

    /// Penalty owed on one charge of a unit as of a date.
    pub fn penalty(
        &self,
        unit_id: String,
        charge_id: String,
        as_of: NaiveDate,
    ) -> Result<Decimal, EstateKitError> {
        Ok(self.lock().penalty(&unit_id, &charge_id, as_of)?)
    }

    /// A unit's figures as of a date.
    pub fn balance(&self, unit_id: String, as_of: NaiveDate) -> Result<Balance, EstateKitError> {
        Ok(self.lock().balance(&unit_id, as_of)?)
    }

    /// A unit's payment-reminder data as of a date.
    pub fn reminder(&self, unit_id: String, as_of: NaiveDate) -> Result<Reminder, EstateKitError> {
        Ok(self.lock().reminder(&unit_id, as_of)?)
    }

    /// The reminders worth sending as of a date (催交款通知书): one letter per unit with
    /// an overdue item, or per owner when `group` maps unit ids to an owner key (units
    /// not in it get their own letter). A letter whose total is below `minTotal` (e.g.
    /// 1.00) is not sent but listed in `suppressed`.
    #[uniffi::method(default(group = None))]
    pub fn reminders(
        &self,
        as_of: NaiveDate,
        min_total: Decimal,
        group: Option<HashMap<String, String>>,
    ) -> Result<Reminders, EstateKitError> {
        let r = self.lock().reminders(as_of, min_total, group.as_ref())?;
        Ok(Reminders {
            letters: r.letters.into_iter().map(Into::into).collect(),
            suppressed: r.suppressed,
        })
    }

    /// Posts single charges outside a billing run (a lock replacement), each row
    /// independently and safe to retry: a charge id already in the book with the same
    /// item, amount and due date is `alreadyPosted`; with another it is rejected
    /// (`conflicting_repost`). Every row needs `issuedOn`.
    pub fn post_charges(&self, rows: Vec<ChargeRow>) -> Result<RowImport, EstateKitError> {
        let rows: Vec<receivables::ChargeRow> = rows.into_iter().map(Into::into).collect();
        Ok(self.lock().post_charges(&rows).into())
    }

    /// `postCharges` for a JSON array of row objects (`unit_id`, `ref`, `item_code`,
    /// `amount` as a decimal string, `issued_on`, `due`, `period_start`, `period_end`,
    /// `description`, `penalty`); unreadable rows are rejected (`json`). Throws when
    /// the text is not a JSON array.
    pub fn post_charges_json(&self, text: String) -> Result<RowImport, EstateKitError> {
        Ok(self.lock().post_charges_json(&text)?.into())
    }

    /// Enters the old system's balances on the day the book takes over (期初余额):
    /// unpaid items with their original due dates (aging and penalty count from them)
    /// and prepaid balances (recorded as payments on their date). Each row
    /// independently and safe to retry.
    pub fn open_balances(&self, rows: Vec<OpeningBalance>) -> Result<RowImport, EstateKitError> {
        let rows: Vec<receivables::OpeningBalance> = rows.into_iter().map(Into::into).collect();
        Ok(self.lock().open_balances(&rows).into())
    }

    /// `openBalances` for a JSON array of row objects: a row with a `prepaid` field is
    /// a prepaid balance (`unit_id`, `prepaid` as a decimal string, `date`, `ref`); any
    /// other row an unpaid item with the fields of `postChargesJson` (`issued_on`
    /// optional). Throws when the text is not a JSON array.
    pub fn open_balances_json(&self, text: String) -> Result<RowImport, EstateKitError> {
        Ok(self.lock().open_balances_json(&text)?.into())
    }

    /// Writes off (核销) every overdue charge whose outstanding principal and penalty
    /// together are above zero and below `below` (e.g. 1.00) on `asOf`, with `reason`
    /// recorded on each: the few fen left when a bill is paid exactly, a day late,
    /// penalty first. Safe to retry (a second run finds nothing). All or nothing.
    pub fn write_off_residues(
        &self,
        as_of: NaiveDate,
        reason: String,
        below: Decimal,
    ) -> Result<Vec<WriteOff>, EstateKitError> {
        Ok(self.lock().write_off_residues(as_of, below, &reason)?)
    }

    /// Aging of everything owed as of a date (principal and penalty) by days overdue,
    /// grouped `by` null (the estate), "building", "unit" or "item_code".
    #[uniffi::method(default(by = None))]
    pub fn aging(
        &self,
        as_of: NaiveDate,
        by: Option<String>,
    ) -> Result<Vec<AgingRow>, EstateKitError> {
        let by = group(by)?;
        Ok(self.lock().aging_report(as_of, by)?)
    }

    /// The collection rate (收缴率) of the principal billed for periods within
    /// [start, end], paid by `asOf`, grouped like `aging`.
    #[uniffi::method(default(by = None))]
    pub fn collection(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        as_of: NaiveDate,
        by: Option<String>,
    ) -> Result<Vec<CollectionRow>, EstateKitError> {
        let by = group(by)?;
        Ok(self.lock().collection_report(start, end, as_of, by)?)
    }

    /// Every charge of every account as an Arrow table (the receivables ledger as a
    /// fact table): `unit_id`, `charge_id`, `item_code`, `period_start`,
    /// `period_end`, `issued_on`, `due`, `deferred_to`, `principal`,
    /// `principal_written_off`, `principal_outstanding`, `penalty_paid`,
    /// `penalty_waived`, `description`; money at the estate's scale.
    pub fn charges_to_arrow(&self) -> Result<Arc<crate::arrow::ArrowTable>, EstateKitError> {
        let t = estatekit::arrow::book_charges(&self.lock(), self.scale)?;
        Ok(crate::arrow::ArrowTable::new(t))
    }

    /// Every payment of every account as an Arrow table: `unit_id`, `payment_id`,
    /// `date`, `amount`, `to_prepaid`, `reversed_on`, `reversal_reason` (null unless
    /// reversed).
    pub fn payments_to_arrow(&self) -> Result<Arc<crate::arrow::ArrowTable>, EstateKitError> {
        let t = estatekit::arrow::book_payments(&self.lock(), self.scale)?;
        Ok(crate::arrow::ArrowTable::new(t))
    }

    /// `aging` as an Arrow table: the key column (`estate`, `building`, `unit` or
    /// `item_code`), `not_due`, `days_0_30`, `days_31_60`, `days_61_90`,
    /// `days_90_plus`, `total`, money at the estate's scale.
    #[uniffi::method(default(by = None))]
    pub fn aging_arrow(
        &self,
        as_of: NaiveDate,
        by: Option<String>,
    ) -> Result<Arc<crate::arrow::ArrowTable>, EstateKitError> {
        let by = group(by)?;
        let rows = self.lock().aging_report(as_of, by)?;
        let t = estatekit::arrow::aging(&rows, by, self.scale)?;
        Ok(crate::arrow::ArrowTable::new(t))
    }

    /// `collection` as an Arrow table: the key column, `billed`, `collected`, `rate`
    /// (null when nothing was billed), `penalty_collected`.
    #[uniffi::method(default(by = None))]
    pub fn collection_arrow(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        as_of: NaiveDate,
        by: Option<String>,
    ) -> Result<Arc<crate::arrow::ArrowTable>, EstateKitError> {
        let by = group(by)?;
        let rows = self.lock().collection_report(start, end, as_of, by)?;
        let t = estatekit::arrow::collection(&rows, by, self.scale)?;
        Ok(crate::arrow::ArrowTable::new(t))
    }

    /// The items of `reminders` (the letters to send) as an Arrow table, one row per
    /// item in letter order: `to`, `unit_id`, `charge_id`, `item_code`, `name_zh`,
    /// `name_en`, `period_start`, `period_end` (null for a charge without a period),
    /// `due`, `days_overdue`, `principal`, `penalty`, `total`.
    #[uniffi::method(default(group = None))]
    pub fn reminders_arrow(
        &self,
        as_of: NaiveDate,
        min_total: Decimal,
        group: Option<HashMap<String, String>>,
    ) -> Result<Arc<crate::arrow::ArrowTable>, EstateKitError> {
        let r = self.lock().reminders(as_of, min_total, group.as_ref())?;
        let t = estatekit::arrow::reminder_items(&r, self.scale)?;
        Ok(crate::arrow::ArrowTable::new(t))
    }

    /// One unit's outstanding principal by days overdue.
    pub fn unit_aging(&self, unit_id: String, as_of: NaiveDate) -> Result<Aging, EstateKitError> {
        Ok(self.lock().aging(&unit_id, as_of)?)
    }

    /// The book's figures as of a date.
    pub fn totals(&self, as_of: NaiveDate) -> Result<BookTotals, EstateKitError> {
        Ok(self.lock().totals(as_of)?)
    }

    /// The estate the book belongs to.
    pub fn estate_id(&self) -> String {
        self.lock().estate_id().to_owned()
    }

    /// A copy of one unit's account, or null when it has none.
    pub fn account(&self, unit_id: String) -> Result<Option<Arc<Ledger>>, EstateKitError> {
        Ok(self.lock().account(&unit_id).map(|l: &ledger::Ledger| {
            Arc::new(Ledger {
                inner: Mutex::new(l.clone()),
            })
        }))
    }
}
