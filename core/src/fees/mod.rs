//! The fee engine: schedules, rules, proration, pooled utilities, late penalties,
//! ledgers and billing runs with explanations.
//!
//! - [`calc`]: the pure formulas: [`prorate`](calc::prorate) by day count,
//!   [`late_penalty`](calc::late_penalty), tiered prices, meter consumption.
//! - [`pooled`]: splitting a pooled (公摊) bill among units by area, usage, equal
//!   shares, occupants or a weighted hybrid, exactly.
//! - [`schedule`]: the fee schedule (JSON, versioned), its items and rules.
//! - [`billing`]: billing a whole estate for a month, with an explanation per line.
//! - [`ledger`]: a unit's account: charges, payments, prepaid balance, penalties,
//!   aging, reminders, in date order whatever order events arrive in.
//! - [`receivables`]: the estate's book of accounts: posting billing runs and bank
//!   files, safely retried; opening balances, single charges, reversals, refunds,
//!   write-offs, aging and collection reports.
//! - [`dunning`]: payment reminders worth sending, per unit or per owner, rendered
//!   in zh-CN and en.
//!
//! ```
//! use estatekit::fees::calc::{prorate, DayCount};
//! use estatekit::money::RoundingPolicy;
//! use chrono::NaiveDate;
//!
//! let d = |s: &str| s.parse::<NaiveDate>().unwrap();
//! // 100.00 a month, served Oct 20–31 of a 31-day October: 100 × 12/31 = 38.71.
//! let due = prorate("100".parse()?, d("2026-10-01"), d("2026-10-31"),
//!                   d("2026-10-20"), d("2026-10-31"), DayCount::Actual, &RoundingPolicy::default())?;
//! assert_eq!(due.to_string(), "38.71");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod billing;
pub mod calc;
pub mod dunning;
pub mod ledger;
mod penalty_batch;
pub mod pooled;
pub mod receivables;
pub mod schedule;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::MoneyError;

/// Errors of the fee engine; each names the field or object concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeeError {
    /// A document larger than the loader reads
    /// ([`MAX_DOCUMENT_BYTES`](crate::MAX_DOCUMENT_BYTES)), refused before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`: the whole document.
        path: String,
        /// The document's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The JSON is malformed, has a wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where in the document.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// A rate, price or amount that must not be negative is negative.
    #[error("{path}: must not be negative, got {value}")]
    Negative {
        /// The field.
        path: String,
        /// The value given.
        value: Decimal,
    },
    /// Two versions of the same fee item are in force on the same day.
    #[error(
        "{path}: fee item {code:?} effective from {from} overlaps the version effective from {other_from}"
    )]
    OverlappingEffectiveDates {
        /// The later version, e.g. `items[3].effective_from`.
        path: String,
        /// The fee item code.
        code: String,
        /// Its effective-from date.
        from: NaiveDate,
        /// The effective-from date of the version it overlaps.
        other_from: NaiveDate,
    },
    /// A meter reading is below the previous one and no replacement or rollover is recorded.
    #[error(
        "{path}: reading {current} on meter {meter_id:?} is below the previous reading {previous}; record a meter replacement or rollover"
    )]
    ReadingBelowPrevious {
        /// The meter, e.g. `meters[E-1-101]`.
        path: String,
        /// Meter id.
        meter_id: String,
        /// Previous reading.
        previous: Decimal,
        /// Current reading.
        current: Decimal,
    },
    /// A reading needed for a metered charge is missing.
    #[error("{path}: meter {meter_id:?} has no reading {when}")]
    MissingReading {
        /// The meter.
        path: String,
        /// Meter id.
        meter_id: String,
        /// Which reading is missing, e.g. "before 2026-10-01".
        when: String,
    },
    /// A pooled charge needs its amount as a billing input.
    #[error("{path}: no amount given for pooled fee item {code:?}")]
    MissingPooledAmount {
        /// `pooled[code]`.
        path: String,
        /// The fee item code.
        code: String,
    },
    /// A reference to something that does not exist.
    #[error("{path}: unknown {what} {id:?}")]
    Unknown {
        /// Where the reference is.
        path: String,
        /// What kind of thing (meter, unit, charge, fee item…).
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// A payment of zero or less.
    #[error("{path}: a payment must be greater than zero, got {amount}")]
    NonPositivePayment {
        /// `amount`.
        path: String,
        /// The amount given.
        amount: Decimal,
    },
    /// Money arithmetic failed (overflow, bad weights, bad scale).
    #[error("{path}: {source}")]
    Money {
        /// Where.
        path: String,
        /// The money error.
        source: MoneyError,
    },
    /// The same payment reference with other content (unit, amount or date) than the
    /// payment already recorded under it.
    #[error("{path}: reference {reference:?} is already used by {existing}")]
    DuplicateRef {
        /// `ref` (or the row's path).
        path: String,
        /// The reference.
        reference: String,
        /// The payment recorded under it.
        existing: String,
    },
    /// A bill line already posted with another amount or due date (a corrected re-run
    /// must be posted as a correction, not again).
    #[error("{path}: {conflict}")]
    ConflictingRepost {
        /// Where (`units[1-101].2026-11-01/management`).
        path: String,
        /// What differs.
        conflict: Box<RepostConflict>,
    },
    /// A refund larger than the prepaid balance on its date.
    #[error(
        "{path}: refund {reference:?} of {amount} on {date} exceeds the prepaid balance {prepaid}"
    )]
    RefundExceedsPrepaid {
        /// `amount`.
        path: String,
        /// The refund's reference.
        reference: String,
        /// The refund.
        amount: Decimal,
        /// The prepaid balance that day.
        prepaid: Decimal,
        /// The refund's date.
        date: NaiveDate,
    },
    /// A payment reversed a second time.
    #[error("{path}: payment {reference:?} is already reversed")]
    AlreadyReversed {
        /// `ref`.
        path: String,
        /// The payment's reference.
        reference: String,
    },
    /// A document whose stated figures disagree with what its own history gives (a
    /// prepaid balance from nothing, a charge settled with no payment behind it): it
    /// was edited, or written by something that does not keep the rules.
    #[error("{path}: the document contradicts its history: {reason}")]
    Inconsistent {
        /// The first field that disagrees.
        path: String,
        /// What the history gives and what the document says.
        reason: String,
    },
    /// A cell of a spreadsheet or bank-file row that cannot be read (an amount that is
    /// not a number, a date in no accepted form, an empty required cell, a column the
    /// table does not have); `code` is the table importers' code (`invalid_decimal`,
    /// `invalid_date`, `missing_value`, `unknown_column`…), see
    /// [`crate::records`].
    #[error("{}{message}", path_prefix(.path))]
    Cell {
        /// The column.
        path: String,
        /// `missing_value`, `invalid_decimal`, `invalid_date`, `invalid_choice`,
        /// `unknown_column`, `float_cell` or `invalid_cell`.
        code: &'static str,
        /// What is wrong, naming the accepted forms.
        message: String,
    },
    /// The same id twice where ids must be unique (the units of a pooled split).
    #[error("{path}: duplicate id {id:?}")]
    DuplicateId {
        /// The list.
        path: String,
        /// The id given twice.
        id: String,
    },
    /// A pooled split whose every participant weighs zero (no consumption on their
    /// meters, no occupants, no day in the period): the message names the cause.
    #[error("{path}: all {participants} participants weigh zero: {cause}")]
    NothingToWeigh {
        /// The pool's method, `pooled[code].method`.
        path: String,
        /// Units taking part.
        participants: usize,
        /// Why every weight is zero.
        cause: String,
    },
    /// An invalid value of a named kind, `code` being one of [`FeeError::VALUE_CODES`]:
    /// `too_many_decimals` (an amount with a non-zero digit beyond the scale, e.g.
    /// `150.001` on a scale-2 ledger), `duplicate_id` (a payment, refund or charge id
    /// already used: a retried receipt), `empty_field` (an id, reason or unit id that
    /// is empty), `out_of_range` (a date outside years 1–9999, a day of month above 31,
    /// a share above 1), `unsupported_format_version`, `unknown_value` (a name that is
    /// not one of the accepted values), `ends_before_starts` (an end, a new due date or
    /// a maximum before what it must follow), `not_increasing` (tier bounds),
    /// `missing_value` (a field the others require), `conflicting_fields` (two fields
    /// that exclude each other), `mismatch` (a bill, run or reversal for another unit,
    /// estate or payment), `too_many` (more records than one call holds),
    /// `inconsistent_readings` (a rollover, a replacement or sub-meters that do not fit
    /// the readings), `weights_sum` (hybrid weights that do not sum to 1),
    /// `all_zero_weights`, `overflow`, `invalid_currency`, `unsupported_rule` (an
    /// operation on a rule of another kind).
    #[error("{path}: {reason}")]
    InvalidValue {
        /// Where.
        path: String,
        /// The kind of invalid value (one of [`FeeError::VALUE_CODES`]).
        code: &'static str,
        /// Why.
        reason: String,
    },
}

/// `path: ` before a message, nothing when the error is about a whole row.
fn path_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

crate::diagnostic::error_table! {
    FeeError;
    code_example: "use estatekit::fees::FeeError;\nlet e = FeeError::InvalidValue { path: \"x\".into(), code: \"out_of_range\", reason: \"bad\".into() };\nassert_eq!((e.code(), e.path()), (\"out_of_range\", \"x\"));";
    path_example: "use estatekit::fees::FeeError;\nlet e = FeeError::NonPositivePayment { path: \"amount\".into(), amount: 0.into() };\nassert_eq!(e.path(), \"amount\");";
    Json => "json";
    DocumentTooLarge => "document_too_large";
    Negative => "negative";
    OverlappingEffectiveDates => "overlapping_effective_dates";
    ReadingBelowPrevious => "reading_below_previous";
    MissingReading => "missing_reading";
    MissingPooledAmount => "missing_pooled_amount";
    Unknown => "unknown_reference";
    NonPositivePayment => "non_positive_payment";
    Money { source } => source.code();
    DuplicateRef => "duplicate_ref";
    ConflictingRepost => "conflicting_repost";
    RefundExceedsPrepaid => "refund_exceeds_prepaid";
    AlreadyReversed => "already_reversed";
    Inconsistent => "inconsistent_document";
    Cell { code } => *code;
    DuplicateId => "duplicate_id";
    NothingToWeigh => "all_zero_weights";
    InvalidValue { code } => *code;
}

crate::diagnostic::value_codes! {
    FeeError;
    example: "assert!(estatekit::fees::FeeError::VALUE_CODES.contains(&\"too_many_decimals\"));";
    codes: [
        "too_many_decimals",
        "duplicate_id",
        "empty_field",
        "out_of_range",
        "unsupported_format_version",
        "unknown_value",
        "ends_before_starts",
        "not_increasing",
        "missing_value",
        "conflicting_fields",
        "mismatch",
        "too_many",
        "inconsistent_readings",
        "weights_sum",
        "all_zero_weights",
        "overflow",
        "invalid_currency",
        "unsupported_rule",
    ];
    /// [`FeeError::InvalidValue`] with `code`, one of [`FeeError::VALUE_CODES`].
    fn value => InvalidValue;
}

impl FeeError {
    /// Sets the path when the error has none (hot loops compute with an empty path and
    /// name the field only when something actually fails).
    pub(crate) fn or_path(mut self, path: impl FnOnce() -> String) -> Self {
        let slot = self.path_slot();
        if slot.is_empty() {
            *slot = path();
        }
        self
    }

    /// The same error with its path under `prefix` (`prefix.path`).
    pub(crate) fn under(self, prefix: &str) -> Self {
        let inner = self.path().to_owned();
        self.with_path(if inner.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}.{inner}")
        })
    }

    /// The same error naming another path.
    pub(crate) fn with_path(mut self, new: String) -> Self {
        *self.path_slot() = new;
        self
    }

    pub(crate) fn money(path: impl Into<String>) -> impl FnOnce(MoneyError) -> Self {
        let path = path.into();
        move |source| Self::Money { path, source }
    }
}

/// The details of a [`FeeError::ConflictingRepost`].
///
/// ```
/// let c = estatekit::fees::RepostConflict { unit_id: "1-101".into(), charge_id: "2026-11-01/management".into(),
///     field: "amount".into(), booked: "331.15".into(), given: "340.00".into() };
/// assert_eq!(c.to_string(), "\"2026-11-01/management\" of unit \"1-101\" is posted with amount 331.15, not 340.00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepostConflict {
    /// Unit id.
    pub unit_id: String,
    /// Charge id.
    pub charge_id: String,
    /// Which field differs (`amount` or `due`).
    pub field: String,
    /// The value in the book.
    pub booked: String,
    /// The value given now.
    pub given: String,
}

impl std::fmt::Display for RepostConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} of unit {:?} is posted with {} {}, not {}",
            self.charge_id, self.unit_id, self.field, self.booked, self.given
        )
    }
}

/// Fails with [`FeeError::Negative`] when `value < 0`.
pub(crate) fn non_negative(
    value: Decimal,
    path: impl FnOnce() -> String,
) -> Result<Decimal, FeeError> {
    if value < Decimal::ZERO {
        Err(FeeError::Negative {
            path: path(),
            value,
        })
    } else {
        Ok(value)
    }
}

/// `a × b` or an overflow error naming `path`.
pub(crate) fn mul(a: Decimal, b: Decimal, path: &str) -> Result<Decimal, FeeError> {
    a.checked_mul(b).ok_or_else(|| FeeError::Money {
        path: path.to_owned(),
        source: MoneyError::Overflow {
            context: format!("{a} × {b} is too large"),
        },
    })
}

/// `a + b` of weights (areas, shares of a hybrid split): rounded to the 28 digits a
/// decimal holds when it must, an overflow error naming `path` only when it cannot
/// be held at all. Weights with many digits (a fraction such as 11/31) are normal;
/// money is added with [`add`].
pub(crate) fn add_weight(a: Decimal, b: Decimal, path: &str) -> Result<Decimal, FeeError> {
    a.checked_add(b).ok_or_else(|| FeeError::Money {
        path: path.to_owned(),
        source: MoneyError::Overflow {
            context: format!("{a} + {b} is too large"),
        },
    })
}

/// `a + b` of money, or an overflow error naming `path`.
pub(crate) fn add(a: Decimal, b: Decimal, path: &str) -> Result<Decimal, FeeError> {
    // Exact: a sum that a decimal cannot hold to the last digit is an error, not rounded.
    crate::money::sum(&[a, b]).map_err(|_| FeeError::Money {
        path: path.to_owned(),
        source: MoneyError::Overflow {
            context: format!("{a} + {b} is too large"),
        },
    })
}
