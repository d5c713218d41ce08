//! The estate's book of accounts on mobile: a `Receivables` object (post a billing
//! run, apply payment rows, query accounts). The rules are the core's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use estatekit::fees::FeeError;
use estatekit::fees::billing::BillingPeriod;
use estatekit::fees::dunning;
use estatekit::fees::ledger::{self, PaymentOrder};
use estatekit::fees::receivables::{self, ChargeRow, GroupBy, OpeningBalance, PaymentRow};
use estatekit::i18n::Lang;
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::EstateKitError;
use crate::estate::Estate;
use crate::fees::{
    AgingRecord, BalanceRecord, BillingRun, FeeSchedule, Ledger, PaymentRecord, ReminderRecord,
};

/// One payment row (a bank or cashier line).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentRowRecord {
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

/// A typed problem with one line or row: `code`, `path`, message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RowProblem {
    /// 1-based row number (0 for a posting conflict).
    pub row: u64,
    /// The row's reference, or the conflicting charge id.
    pub reference: Option<String>,
    /// Stable code: `duplicate_ref`, `conflicting_repost`, `unknown_reference`, …
    pub code: String,
    /// The field concerned.
    pub path: String,
    /// Human-readable message.
    pub detail: String,
}

fn problem(row: usize, reference: Option<String>, e: &FeeError) -> RowProblem {
    RowProblem {
        row: row as u64,
        reference,
        code: e.code().into(),
        path: e.path().into(),
        detail: e.to_string(),
    }
}

/// What `post` did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PostResultRecord {
    /// Lines posted now.
    pub posted: u64,
    /// Lines already in the book with the same amount and due date.
    pub already_posted: u64,
    /// Lines already posted with another amount or due date (not posted).
    pub conflicts: Vec<RowProblem>,
    /// Negative lines (a metered line trued up below last month's estimate): credits
    /// the book does not hold as charges, not posted, listed every time.
    #[uniffi(default = [])]
    pub credits: Vec<CreditLineRecord>,
}

/// A negative bill line `post` did not post.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CreditLineRecord {
    /// The unit.
    pub unit_id: String,
    /// The id the line would have had as a charge.
    pub charge_id: String,
    /// Fee item code.
    pub item_code: String,
    /// The amount, < 0.
    pub amount: Decimal,
}

/// A row applied now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AppliedRowRecord {
    /// 1-based row number.
    pub row: u64,
    /// Unit id.
    pub unit_id: String,
    /// The payment as applied.
    pub payment: PaymentRecord,
}

/// A row already in the book.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AlreadyAppliedRecord {
    /// 1-based row number.
    pub row: u64,
    /// Reference.
    pub reference: String,
    /// Unit id.
    pub unit_id: String,
}

/// What `applyPayments` did with each row.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentImportRecord {
    /// Rows applied now.
    pub applied: Vec<AppliedRowRecord>,
    /// Reversal rows applied now, each with the payment it reversed.
    #[uniffi(default = [])]
    pub reversed: Vec<AppliedRowRecord>,
    /// Rows already in the book.
    pub already_applied: Vec<AlreadyAppliedRecord>,
    /// Rows refused; nothing changed for them.
    pub rejected: Vec<RowProblem>,
    /// Each change made to a cell before reading it (records imports only).
    #[uniffi(default = [])]
    pub normalisations: Vec<crate::estate::Normalisation>,
}

/// One row of the aging report: owed by days overdue, principal and penalty.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AgingRowRecord {
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CollectionRowRecord {
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BookTotalsRecord {
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

fn applied_rows(rows: Vec<receivables::AppliedRow>) -> Vec<AppliedRowRecord> {
    rows.into_iter()
        .map(|a| AppliedRowRecord {
            row: a.row as u64,
            unit_id: a.unit_id,
            payment: a.payment.into(),
        })
        .collect()
}

fn import_record(res: receivables::PaymentImport) -> PaymentImportRecord {
    PaymentImportRecord {
        applied: applied_rows(res.applied),
        reversed: applied_rows(res.reversed),
        normalisations: res.normalisations.into_iter().map(Into::into).collect(),
        already_applied: res
            .already_applied
            .into_iter()
            .map(|a| AlreadyAppliedRecord {
                row: a.row as u64,
                reference: a.reference,
                unit_id: a.unit_id,
            })
            .collect(),
        rejected: res
            .rejected
            .iter()
            .map(|r| problem(r.row, r.reference.clone(), &r.error))
            .collect(),
    }
}

/// A single charge outside a billing run (a renovation shortfall, a lock
/// replacement), or an unpaid item of the old system in `openBalances`. Its id in the
/// unit's account is `reference`, else `"<periodStart>/<itemCode>"`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChargeRowRecord {
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

impl From<ChargeRowRecord> for ChargeRow {
    fn from(r: ChargeRowRecord) -> Self {
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
pub enum OpeningBalanceRecord {
    /// An unpaid item, with its original due date.
    Unpaid {
        /// The item.
        row: ChargeRowRecord,
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

impl From<OpeningBalanceRecord> for OpeningBalance {
    fn from(r: OpeningBalanceRecord) -> Self {
        match r {
            OpeningBalanceRecord::Unpaid { row } => Self::Unpaid(row.into()),
            OpeningBalanceRecord::Prepaid {
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
pub struct ImportedRowRecord {
    /// 1-based row number.
    pub row: u64,
    /// Unit id.
    pub unit_id: String,
    /// The charge id or payment reference.
    pub reference: String,
}

/// What `postCharges` or `openBalances` did with each row: every row is in exactly
/// one of the three lists.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RowImportRecord {
    /// Rows posted now.
    pub posted: Vec<ImportedRowRecord>,
    /// Rows already in the book with the same content (not posted again).
    pub already_posted: Vec<ImportedRowRecord>,
    /// Rows refused (`conflicting_repost` for a charge id already in the book with
    /// another item, amount or due date); nothing changed for them.
    pub rejected: Vec<RowProblem>,
    /// Each change made to a cell before reading it (records imports only).
    #[uniffi(default = [])]
    pub normalisations: Vec<crate::estate::Normalisation>,
}

fn imported(rows: Vec<receivables::ImportedRow>) -> Vec<ImportedRowRecord> {
    rows.into_iter()
        .map(|r| ImportedRowRecord {
            row: r.row as u64,
            unit_id: r.unit_id,
            reference: r.reference,
        })
        .collect()
}

fn row_import_record(res: receivables::RowImport) -> RowImportRecord {
    RowImportRecord {
        posted: imported(res.posted),
        already_posted: imported(res.already_posted),
        rejected: res
            .rejected
            .iter()
            .map(|r| problem(r.row, r.reference.clone(), &r.error))
            .collect(),
        normalisations: res.normalisations.into_iter().map(Into::into).collect(),
    }
}

/// A residue written off by `writeOffResidues`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WriteOffRecord {
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
pub struct LetterItemRecord {
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
/// under their key) or a unit. Render it with `renderReminderLetter`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReminderLetterRecord {
    /// The recipient: the owner key given in the grouping, else the unit id.
    pub to: String,
    /// The units on the letter, in id order.
    pub unit_ids: Vec<String>,
    /// Date of the letter.
    pub as_of: NaiveDate,
    /// Overdue items, by unit, oldest first.
    pub items: Vec<LetterItemRecord>,
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
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SuppressedRecord {
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
pub struct RemindersRecord {
    /// Letters to send.
    pub letters: Vec<ReminderLetterRecord>,
    /// Letters below the minimum total, not sent.
    pub suppressed: Vec<SuppressedRecord>,
}

impl From<dunning::ReminderLetter> for ReminderLetterRecord {
    fn from(l: dunning::ReminderLetter) -> Self {
        Self {
            to: l.to,
            unit_ids: l.unit_ids,
            as_of: l.as_of,
            items: l
                .items
                .into_iter()
                .map(|i| LetterItemRecord {
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

impl TryFrom<ReminderLetterRecord> for dunning::ReminderLetter {
    type Error = EstateKitError;
    fn try_from(l: ReminderLetterRecord) -> Result<Self, Self::Error> {
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
                        return Err(FeeError::Invalid {
                            path: format!("items[{n}].{field}"),
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

/// The notice text (催交款通知书) of a letter from `Receivables.reminders` in `lang`:
/// the recipient, every overdue item with its name, period, due date, days overdue,
/// principal and penalty, the total, and the prepaid balance when there is one.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn render_reminder_letter(
    letter: ReminderLetterRecord,
    lang: Lang,
) -> Result<String, EstateKitError> {
    Ok(dunning::ReminderLetter::try_from(letter)?.render(lang))
}

/// The estate's book of receivables (thread-safe; every method is one call).
#[derive(Debug, uniffi::Object)]
pub struct Receivables {
    inner: Mutex<receivables::Receivables>,
}

impl Receivables {
    fn lock(&self) -> MutexGuard<'_, receivables::Receivables> {
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
    ) -> Result<PostResultRecord, EstateKitError> {
        let r = self.lock().post(&run.inner, on, units.as_deref())?;
        Ok(PostResultRecord {
            posted: r.posted as u64,
            already_posted: r.already_posted as u64,
            credits: r
                .credits
                .iter()
                .map(|c| CreditLineRecord {
                    unit_id: c.unit_id.clone(),
                    charge_id: c.charge_id.clone(),
                    item_code: c.item_code.clone(),
                    amount: c.amount,
                })
                .collect(),
            conflicts: r
                .conflicts
                .iter()
                .map(|e| {
                    let id = match e {
                        FeeError::ConflictingRepost { conflict, .. } => {
                            Some(conflict.charge_id.clone())
                        }
                        _ => None,
                    };
                    problem(0, id, e)
                })
                .collect(),
        })
    }

    /// Applies payment rows; each is applied, already applied, or rejected.
    pub fn apply_payments(
        &self,
        rows: Vec<PaymentRowRecord>,
    ) -> Result<PaymentImportRecord, EstateKitError> {
        let rows: Vec<PaymentRow> = rows
            .into_iter()
            .map(|r| PaymentRow {
                reverses: r.reverses,
                ..PaymentRow::new(r.unit_id, r.amount, r.date, r.reference)
            })
            .collect();
        Ok(import_record(self.lock().apply_payments(&rows)))
    }

    /// Applies a bank file or cashier export as rows of text cells (`csvRows`, a
    /// spreadsheet) with the columns `unit_id, amount, date, ref` and optionally
    /// `reverses`: spaces, thousands separators and `YYYY/M/D` dates are accepted and
    /// reported in `normalisations`; an unreadable row is rejected naming its column
    /// (`invalid_decimal`, `invalid_date`, `missing_value`, `unknown_column`…).
    pub fn apply_payment_records(
        &self,
        rows: Vec<HashMap<String, String>>,
    ) -> Result<PaymentImportRecord, EstateKitError> {
        let rows = crate::records::core_rows(rows);
        Ok(import_record(self.lock().apply_payment_records(&rows, &[])))
    }

    /// `postCharges` for rows of text cells with the columns `unit_id, ref,
    /// item_code, amount, issued_on, due, period_start, period_end, description,
    /// penalty`, read as `applyPaymentRecords` reads them.
    pub fn post_charge_records(
        &self,
        rows: Vec<HashMap<String, String>>,
    ) -> Result<RowImportRecord, EstateKitError> {
        let rows = crate::records::core_rows(rows);
        Ok(row_import_record(
            self.lock().post_charge_records(&rows, &[]),
        ))
    }

    /// `openBalances` for rows of text cells: a row whose `prepaid` cell is filled is
    /// a prepaid balance (`unit_id, prepaid, date, ref`), any other an unpaid item
    /// with the columns of `postChargeRecords`.
    pub fn open_balance_records(
        &self,
        rows: Vec<HashMap<String, String>>,
    ) -> Result<RowImportRecord, EstateKitError> {
        let rows = crate::records::core_rows(rows);
        Ok(row_import_record(
            self.lock().open_balance_records(&rows, &[]),
        ))
    }

    /// Applies payment rows given as a JSON array of objects (unit_id, amount as a
    /// decimal string, date as YYYY-MM-DD, ref); unreadable rows are rejected.
    pub fn apply_payments_json(&self, text: String) -> Result<PaymentImportRecord, EstateKitError> {
        Ok(import_record(self.lock().apply_payments_json(&text)?))
    }

    /// Reverses (冲正) the payment with this reference, recorded `on`.
    pub fn reverse(
        &self,
        reference: String,
        on: NaiveDate,
        reason: String,
    ) -> Result<PaymentRecord, EstateKitError> {
        Ok(self.lock().reverse(&reference, on, &reason)?.into())
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
    pub fn balance(
        &self,
        unit_id: String,
        as_of: NaiveDate,
    ) -> Result<BalanceRecord, EstateKitError> {
        Ok(self.lock().balance(&unit_id, as_of)?.into())
    }

    /// A unit's payment-reminder data as of a date.
    pub fn reminder(
        &self,
        unit_id: String,
        as_of: NaiveDate,
    ) -> Result<ReminderRecord, EstateKitError> {
        Ok(self.lock().reminder(&unit_id, as_of)?.into())
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
    ) -> Result<RemindersRecord, EstateKitError> {
        let r = self.lock().reminders(as_of, min_total, group.as_ref())?;
        Ok(RemindersRecord {
            letters: r.letters.into_iter().map(Into::into).collect(),
            suppressed: r
                .suppressed
                .into_iter()
                .map(|s| SuppressedRecord {
                    to: s.to,
                    unit_ids: s.unit_ids,
                    total_due: s.total_due,
                })
                .collect(),
        })
    }

    /// Posts single charges outside a billing run (a lock replacement), each row
    /// independently and safe to retry: a charge id already in the book with the same
    /// item, amount and due date is `alreadyPosted`; with another it is rejected
    /// (`conflicting_repost`). Every row needs `issuedOn`.
    pub fn post_charges(
        &self,
        rows: Vec<ChargeRowRecord>,
    ) -> Result<RowImportRecord, EstateKitError> {
        let rows: Vec<ChargeRow> = rows.into_iter().map(Into::into).collect();
        Ok(row_import_record(self.lock().post_charges(&rows)))
    }

    /// `postCharges` for a JSON array of row objects (`unit_id`, `ref`, `item_code`,
    /// `amount` as a decimal string, `issued_on`, `due`, `period_start`, `period_end`,
    /// `description`, `penalty`); unreadable rows are rejected (`json`). Throws when
    /// the text is not a JSON array.
    pub fn post_charges_json(&self, text: String) -> Result<RowImportRecord, EstateKitError> {
        Ok(row_import_record(self.lock().post_charges_json(&text)?))
    }

    /// Enters the old system's balances on the day the book takes over (期初余额):
    /// unpaid items with their original due dates (aging and penalty count from them)
    /// and prepaid balances (recorded as payments on their date). Each row
    /// independently and safe to retry.
    pub fn open_balances(
        &self,
        rows: Vec<OpeningBalanceRecord>,
    ) -> Result<RowImportRecord, EstateKitError> {
        let rows: Vec<OpeningBalance> = rows.into_iter().map(Into::into).collect();
        Ok(row_import_record(self.lock().open_balances(&rows)))
    }

    /// `openBalances` for a JSON array of row objects: a row with a `prepaid` field is
    /// a prepaid balance (`unit_id`, `prepaid` as a decimal string, `date`, `ref`); any
    /// other row an unpaid item with the fields of `postChargesJson` (`issued_on`
    /// optional). Throws when the text is not a JSON array.
    pub fn open_balances_json(&self, text: String) -> Result<RowImportRecord, EstateKitError> {
        Ok(row_import_record(self.lock().open_balances_json(&text)?))
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
    ) -> Result<Vec<WriteOffRecord>, EstateKitError> {
        Ok(self
            .lock()
            .write_off_residues(as_of, below, &reason)?
            .into_iter()
            .map(|w| WriteOffRecord {
                unit_id: w.unit_id,
                charge_id: w.charge_id,
                item_code: w.item_code,
                principal: w.principal,
                penalty: w.penalty,
            })
            .collect())
    }

    /// Aging of everything owed as of a date (principal and penalty) by days overdue,
    /// grouped `by` null (the estate), "building", "unit" or "item_code".
    #[uniffi::method(default(by = None))]
    pub fn aging(
        &self,
        as_of: NaiveDate,
        by: Option<String>,
    ) -> Result<Vec<AgingRowRecord>, EstateKitError> {
        let by = group(by)?;
        Ok(self
            .lock()
            .aging_report(as_of, by)?
            .into_iter()
            .map(|r| AgingRowRecord {
                key: r.key,
                not_due: r.not_due,
                days_0_30: r.days_0_30,
                days_31_60: r.days_31_60,
                days_61_90: r.days_61_90,
                days_90_plus: r.days_90_plus,
                total: r.total,
            })
            .collect())
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
    ) -> Result<Vec<CollectionRowRecord>, EstateKitError> {
        let by = group(by)?;
        Ok(self
            .lock()
            .collection_report(start, end, as_of, by)?
            .into_iter()
            .map(|r| CollectionRowRecord {
                key: r.key,
                billed: r.billed,
                collected: r.collected,
                rate: r.rate,
                penalty_collected: r.penalty_collected,
            })
            .collect())
    }

    /// One unit's outstanding principal by days overdue.
    pub fn unit_aging(
        &self,
        unit_id: String,
        as_of: NaiveDate,
    ) -> Result<AgingRecord, EstateKitError> {
        Ok(self.lock().aging(&unit_id, as_of)?.into())
    }

    /// The book's figures as of a date.
    pub fn totals(&self, as_of: NaiveDate) -> Result<BookTotalsRecord, EstateKitError> {
        let t = self.lock().totals(as_of)?;
        Ok(BookTotalsRecord {
            billed: t.billed,
            penalty_accrued: t.penalty_accrued,
            penalty_waived: t.penalty_waived,
            written_off: t.written_off,
            applied: t.applied,
            outstanding: t.outstanding,
            collected: t.collected,
            prepaid: t.prepaid,
            refunded: t.refunded,
        })
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
