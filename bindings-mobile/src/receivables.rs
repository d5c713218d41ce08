//! The estate's book of accounts on mobile: a `Receivables` object (post a billing
//! run, apply payment rows, query accounts). The rules are the core's.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use estatekit::fees::FeeError;
use estatekit::fees::ledger::{self, PaymentOrder};
use estatekit::fees::receivables::{self, GroupBy, PaymentRow};
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
    /// Rows already in the book.
    pub already_applied: Vec<AlreadyAppliedRecord>,
    /// Rows refused; nothing changed for them.
    pub rejected: Vec<RowProblem>,
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
    /// Penalty waived.
    pub penalty_waived: Decimal,
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

fn import_record(res: receivables::PaymentImport) -> PaymentImportRecord {
    PaymentImportRecord {
        applied: res
            .applied
            .into_iter()
            .map(|a| AppliedRowRecord {
                row: a.row as u64,
                unit_id: a.unit_id,
                payment: a.payment.into(),
            })
            .collect(),
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
            .map(|r| PaymentRow::new(r.unit_id, r.amount, r.date, r.reference))
            .collect();
        Ok(import_record(self.lock().apply_payments(&rows)))
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

    /// Every unit with an overdue item as of a date.
    pub fn reminders(&self, as_of: NaiveDate) -> Result<Vec<ReminderRecord>, EstateKitError> {
        Ok(self
            .lock()
            .reminders(as_of)?
            .into_iter()
            .map(Into::into)
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
