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

use super::billing::BillingRun;
use super::ledger::{Aging, Balance, Ledger, Payment, PaymentOrder, Reminder, bill_charges};
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
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Day the money arrived.
    pub date: NaiveDate,
    /// The bank or receipt reference, unique in the book (`ref` in JSON and Python).
    #[serde(rename = "ref")]
    pub reference: String,
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
}

/// What [`Receivables::apply_payments`] did with each row: every row is in exactly
/// one of the three lists.
///
/// ```
/// let r = estatekit::fees::receivables::PaymentImport::default();
/// assert!(r.applied.is_empty() && r.already_applied.is_empty() && r.rejected.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentImport {
    /// Rows applied now.
    pub applied: Vec<AppliedRow>,
    /// Rows already in the book.
    pub already_applied: Vec<AlreadyApplied>,
    /// Rows refused.
    pub rejected: Vec<RejectedRow>,
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

impl std::str::FromStr for GroupBy {
    type Err = FeeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "estate" => Ok(Self::Estate),
            "building" => Ok(Self::Building),
            "unit" => Ok(Self::Unit),
            "item_code" => Ok(Self::ItemCode),
            _ => Err(FeeError::invalid(
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
/// `billed + penalty_accrued − penalty_waived = applied + outstanding` and
/// `collected = applied + prepaid + refunded`.
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
    #[serde(with = "rust_decimal::serde::str")]
    pub billed: Decimal,
    /// Penalty accrued by the date.
    #[serde(with = "rust_decimal::serde::str")]
    pub penalty_accrued: Decimal,
    /// Penalty waived by the date.
    #[serde(with = "rust_decimal::serde::str")]
    pub penalty_waived: Decimal,
    /// Principal and penalty settled (by payments and prepaid money).
    #[serde(with = "rust_decimal::serde::str")]
    pub applied: Decimal,
    /// Principal and penalty still owed.
    #[serde(with = "rust_decimal::serde::str")]
    pub outstanding: Decimal,
    /// Money received.
    #[serde(with = "rust_decimal::serde::str")]
    pub collected: Decimal,
    /// Prepaid balances (预存款).
    #[serde(with = "rust_decimal::serde::str")]
    pub prepaid: Decimal,
    /// Money paid back out of prepaid balances.
    #[serde(with = "rust_decimal::serde::str")]
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
struct BookDoc {
    format_version: u32,
    estate_id: String,
    rounding: RoundingPolicy,
    order: PaymentOrder,
    accounts: Vec<Ledger>,
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
    /// [`FeeError::Json`] for a malformed document; [`FeeError::Invalid`] for another
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
        let doc: BookDoc = crate::json::parse(text).map_err(|f| FeeError::Json {
            path: f.path,
            message: f.message,
        })?;
        if doc.format_version != BOOK_FORMAT_VERSION {
            return Err(FeeError::invalid(
                "format_version",
                format!(
                    "format version {} is not supported (expected {BOOK_FORMAT_VERSION})",
                    doc.format_version
                ),
            ));
        }
        if doc.estate_id != estate.id() {
            return Err(FeeError::invalid(
                "estate_id",
                format!(
                    "the book is for estate {:?}, not {:?}",
                    doc.estate_id,
                    estate.id()
                ),
            ));
        }
        if doc.rounding != *estate.rounding() {
            return Err(FeeError::invalid(
                "rounding",
                "the book's rounding differs from the estate's",
            ));
        }
        let mut book = Self::new(estate, schedule, doc.order);
        for (i, account) in doc.accounts.into_iter().enumerate() {
            let p = |f: &str| format!("accounts[{i}].{f}");
            // Re-read through the ledger's own checks and replay.
            let account = Ledger::from_json(&account.to_json())
                .map_err(|e| e.under(&format!("accounts[{i}]")))?;
            if account.rounding() != &book.rounding {
                return Err(FeeError::invalid(p("rounding"), "differs from the book's"));
            }
            if account.order() != book.order {
                return Err(FeeError::invalid(p("order"), "differs from the book's"));
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
                return Err(FeeError::invalid(
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
            accounts: self.accounts.values().cloned().collect(),
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
    /// [`FeeError::Invalid`] for a run of another estate; [`FeeError::Unknown`] for an
    /// unknown unit in `units`; a ledger error (overflow) for a line, with nothing
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
            return Err(FeeError::invalid(
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
                let path = format!("units[{}].{}", bill.unit_id, id);
                let issued = bill.issued_on;
                account
                    .add_charge_posted(input, issued, Some(on.unwrap_or(issued)))
                    .map_err(|e| e.under(&path))?;
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
        let rows: Vec<serde_json::Value> =
            crate::json::parse(text).map_err(|f| FeeError::Json {
                path: f.path,
                message: f.message,
            })?;
        let parsed = rows.iter().map(|v| {
            let text = v.to_string();
            crate::json::parse::<PaymentRow>(&text).map_err(|f| RejectedRow {
                row: 0,
                reference: v.get("ref").and_then(|r| r.as_str()).map(str::to_owned),
                error: FeeError::Json {
                    path: f.path,
                    message: f.message,
                },
            })
        });
        Ok(self.apply_payment_rows(parsed.collect::<Vec<_>>()))
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
        let mut out = PaymentImport::default();
        for (i, row) in rows.into_iter().enumerate() {
            let n = i + 1;
            match row {
                Err(mut r) => {
                    r.row = n;
                    out.rejected.push(r);
                }
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
        out
    }

    /// One row: `Some(payment)` applied now, `None` already in the book.
    fn apply_one(&mut self, row: &PaymentRow) -> Result<Option<Payment>, FeeError> {
        if row.reference.trim().is_empty() {
            return Err(FeeError::invalid("ref", "a payment needs a reference"));
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

    fn group_key(&self, by: GroupBy, unit: &str, item: &str) -> String {
        match by {
            GroupBy::Estate => self.estate_id.clone(),
            GroupBy::Building => self.buildings.get(unit).cloned().unwrap_or_default(),
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
            for (item, days, principal, penalty) in l.outstanding_by_charge(as_of).map_err(at)? {
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
    /// [`FeeError::Invalid`] when `end` is before `start`; a ledger error, its path
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
            return Err(FeeError::invalid("end", format!("{end} is before {start}")));
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

    /// The reminders worth sending as of a date: every unit with an overdue item, in
    /// unit-id order (an owner whose prepaid balance settled everything has none).
    ///
    /// # Errors
    /// A ledger error, its path under `accounts[<unit>]`.
    ///
    /// ```
    /// # use estatekit::{estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
    /// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
    /// assert!(book.reminders("2026-12-01".parse().unwrap())?.is_empty());
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn reminders(&self, as_of: NaiveDate) -> Result<Vec<Reminder>, FeeError> {
        let mut out = Vec::new();
        for (unit, l) in &self.accounts {
            let r = l
                .reminder(as_of)
                .map_err(|e| e.under(&format!("accounts[{unit}]")))?;
            if !r.items.is_empty() {
                out.push(r);
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
    /// assert_eq!(t.billed + t.penalty_accrued - t.penalty_waived, t.applied + t.outstanding);
    /// # Ok::<(), estatekit::fees::FeeError>(())
    /// ```
    pub fn totals(&self, as_of: NaiveDate) -> Result<BookTotals, FeeError> {
        let z = Decimal::new(0, self.rounding.scale());
        let mut t = BookTotals {
            billed: z,
            penalty_accrued: z,
            penalty_waived: z,
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
