//! Key custody (钥匙管理): the management office's key cabinet.
//!
//! A [`KeyRegister`] holds the estate's **key sets**: public rooms (the roof, plant,
//! pump and switch rooms), vacant units' keys received from the developer, and units
//! whose owners entrusted their keys to the office. Each set has a slot in the cabinet,
//! a count, duplicates and a status:
//!
//! - `received` → `in_custody` (counted into the cabinet; a vacant unit's keys) →
//!   `handed_over` to the owner by the check-in's key-handover item, whose count must
//!   match;
//! - `in_custody` ⇄ `out` on a **loan**: the borrower's identity checked, authorised by
//!   the owner (a unit's keys: the occupant registry says who may consent) or by a
//!   manager (public rooms; vacant units), a reason, a due time (by default the end of
//!   the local day); no second loan while out;
//! - a return short of keys is an exception: a **loss** charged to the responsible
//!   party (a single charge on the unit when an owner or tenant lost them, a claim
//!   record when staff or a contractor did) until the lock is replaced; a set with no
//!   key left is `lost`; `destroyed` when retired.
//!
//! Every change is an event, in time order; the register is its events replayed, so a
//! saved register restores exactly and a document that contradicts itself is refused
//! with the path of the first bad event. Retrying an operation changes nothing.
//!
//! ```
//! use estatekit::keys::*;
//! let mut reg = KeyRegister::example()?;
//! assert_eq!(reg.key_set("K-ROOF-1").unwrap().status, KeyStatus::Out);
//! // Out already: no second loan.
//! let mut again = KeyRegister::example_loan();
//! again.id = "L-9".into();
//! let err = reg.lend(again, None, "小陈", "2026-11-03T03:00:00Z".parse()?).unwrap_err();
//! assert_eq!((err.code(), err.path()), ("key_state", "key_set_id"));
//! // Returned one key short: a loss charged to the borrower's unit.
//! reg.return_loan("L-1", 1, "小陈", "2026-11-03T09:00:00Z".parse()?)?;
//! let loss = &reg.losses()[0];
//! assert_eq!((loss.missing, loss.amount.to_string()), (1, "150.00".into()));
//! let charge = reg.loss_charge(&loss.id)?.unwrap();
//! assert_eq!((charge.unit_id.as_str(), charge.item_code.as_str()), ("1-101", "lock_replacement"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::checkin::{Checklist, ItemKind};
use crate::estate::Estate;
use crate::fees::receivables::ChargeRow;
use crate::registry::{Registry, RegistryError};

mod example;

/// The version of the key register's JSON this build reads and writes.
///
/// ```
/// assert_eq!(estatekit::keys::KEYS_FORMAT_VERSION, 1);
/// ```
pub const KEYS_FORMAT_VERSION: u32 = 1;

pub(crate) fn unknown_value(path: String, value: &str, expected: String) -> KeyError {
    KeyError::value(
        "unknown_value",
        path,
        format!("unknown value {value:?}; expected one of {expected}"),
    )
}

macro_rules! key_enum {
    ($(#[$meta:meta])* $name:ident ($path:literal) { $($body:tt)* }) => {
        crate::wire::wire_enum! {
            module: "estatekit::keys", error: $crate::keys::KeyError,
            unknown: $crate::keys::unknown_value,
            $(#[$meta])* $name ($path) { $($body)* }
        }
    };
}

key_enum! {
    /// What a key set opens.
    KeySetKind ("kind") {
        /// A public room: the roof, a plant, pump or switch room (公共钥匙).
        PublicRoom => "public_room",
        /// A vacant unit's keys, received from the developer (空置房钥匙).
        VacantUnit => "vacant_unit",
        /// A unit whose owner entrusted the keys to the office (业主委托保管).
        Entrusted => "entrusted",
    }
}

key_enum! {
    /// Where a key set is.
    KeyStatus ("status") {
        /// Received, not yet counted into the cabinet.
        Received => "received",
        /// In the cabinet.
        InCustody => "in_custody",
        /// Lent out.
        Out => "out",
        /// Every key lost.
        Lost => "lost",
        /// Handed to the owner (交钥匙).
        HandedOver => "handed_over",
        /// Retired.
        Destroyed => "destroyed",
    }
}

key_enum! {
    /// Who borrowed, or lost, keys.
    Party ("party") {
        /// The unit's owner.
        Owner => "owner",
        /// The unit's tenant.
        Tenant => "tenant",
        /// A member of staff.
        Staff => "staff",
        /// A contractor.
        Contractor => "contractor",
    }
}

crate::i18n::labels!(KeySetKind {
    PublicRoom => "公共钥匙", "public room";
    VacantUnit => "空置房钥匙", "vacant unit";
    Entrusted => "委托保管钥匙", "entrusted unit";
});

crate::i18n::labels!(KeyStatus {
    Received => "已接收", "received";
    InCustody => "在库", "in custody";
    Out => "借出", "out";
    Lost => "遗失", "lost";
    HandedOver => "已移交", "handed over";
    Destroyed => "已销毁", "destroyed";
});

crate::i18n::labels!(Party {
    Owner => "业主", "owner";
    Tenant => "租户", "tenant";
    Staff => "员工", "staff";
    Contractor => "承包商", "contractor";
});

/// Why a key operation failed. Every variant has a stable [`KeyError::code`] and the
/// [`KeyError::path`] of the field concerned.
///
/// ```
/// let e = estatekit::keys::KeyError::DuplicateId { path: "id".into(), id: "K1".into() };
/// assert_eq!((e.code(), e.path()), ("duplicate_id", "id"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A document larger than the loader reads, refused before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`.
        path: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The JSON is malformed, has a wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The document's `format_version` is not supported.
    #[error("{path}: unsupported format version {found}, expected {supported}")]
    UnsupportedFormatVersion {
        /// `format_version`.
        path: String,
        /// Found.
        found: u32,
        /// Read.
        supported: u32,
    },
    /// A field has a bad value (`code`: one of [`KeyError::VALUE_CODES`]).
    #[error("{path}: {reason}")]
    InvalidField {
        /// The field.
        path: String,
        /// The cause.
        code: &'static str,
        /// Why.
        reason: String,
    },
    /// An id given twice with different contents.
    #[error("{path}: duplicate id {id:?}")]
    DuplicateId {
        /// The field.
        path: String,
        /// The id.
        id: String,
    },
    /// An id that names nothing: a key set, loan, loss or unit.
    #[error("{path}: unknown {what} {id:?}")]
    UnknownReference {
        /// The field.
        path: String,
        /// What was looked for.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// The key set or loan is not in a state that allows the operation (lent out
    /// already, returned already, handed over, …).
    #[error("{path}: {id} is {state}; cannot {action}")]
    KeyState {
        /// The field naming it.
        path: String,
        /// The key set or loan.
        id: String,
        /// Its state (a [`KeyStatus`], or `returned` for a loan).
        state: String,
        /// What was attempted.
        action: String,
    },
    /// A loan without the authorisation its keys need, or without the borrower's
    /// identity checked.
    #[error("{path}: {reason}")]
    NotAuthorised {
        /// `authorisation` or `id_checked`.
        path: String,
        /// Why.
        reason: String,
    },
    /// The person named may not consent for the unit (the occupant registry's answer).
    #[error("{path}: {reason}")]
    NoConsent {
        /// `authorisation.person_id`.
        path: String,
        /// The registry's reason.
        reason: String,
    },
    /// A count that differs from the keys on record.
    #[error("{path}: {found} keys counted, {expected} on record")]
    Mismatch {
        /// The count's field.
        path: String,
        /// On record.
        expected: u32,
        /// Counted.
        found: u32,
    },
    /// An operation dated before the register's last event.
    #[error("{path}: {at} is before {last} (the register's last event)")]
    EventOutOfOrder {
        /// `at`.
        path: String,
        /// The time given.
        at: DateTime<Utc>,
        /// The last event's time.
        last: DateTime<Utc>,
    },
}

crate::diagnostic::error_table! {
    KeyError;
    code_example: "use estatekit::keys::KeyError;\nlet e = KeyError::DuplicateId { path: \"id\".into(), id: \"K1\".into() };\nassert_eq!(e.code(), \"duplicate_id\");";
    path_example: "use estatekit::keys::KeyError;\nlet e = KeyError::DuplicateId { path: \"id\".into(), id: \"K1\".into() };\nassert_eq!(e.path(), \"id\");";
    DocumentTooLarge => "document_too_large";
    Json => "json";
    UnsupportedFormatVersion => "unsupported_format_version";
    InvalidField { code } => *code;
    DuplicateId => "duplicate_id";
    UnknownReference => "unknown_reference";
    KeyState => "key_state", state;
    NotAuthorised => "not_authorised", state;
    NoConsent => "no_consent", state;
    Mismatch => "mismatch";
    EventOutOfOrder => "event_out_of_order", state;
}

crate::diagnostic::value_codes! {
    KeyError;
    example: "assert!(estatekit::keys::KeyError::VALUE_CODES.contains(&\"empty_field\"));";
    codes: ["empty_field", "missing_value", "out_of_range", "too_many_decimals", "unknown_value"];
    /// [`KeyError::InvalidField`] with `code`, one of [`KeyError::VALUE_CODES`].
    fn value => InvalidField;
}

/// The office's rules for keys.
///
/// ```
/// let p = estatekit::keys::KeyPolicy::new("150.00".parse()?);
/// assert_eq!((p.charge_due_days, p.utc_offset_minutes), (15, 480));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPolicy {
    /// What replacing a lock costs, unless the key set says otherwise (换锁费).
    #[serde(with = "crate::json::decimal")]
    pub lock_replacement: Decimal,
    /// Days from a loss to the due date of its charge.
    pub charge_due_days: u32,
    /// The estate's offset from UTC, in minutes (local days and due times).
    pub utc_offset_minutes: i32,
}

impl KeyPolicy {
    /// A policy with this lock replacement cost, charges due in 15 days, Beijing time.
    ///
    /// ```
    /// let p = estatekit::keys::KeyPolicy::new("200.00".parse()?);
    /// assert_eq!(p.lock_replacement.to_string(), "200.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(lock_replacement: Decimal) -> KeyPolicy {
        KeyPolicy {
            lock_replacement,
            charge_due_days: 15,
            utc_offset_minutes: 480,
        }
    }

    fn check(&self) -> Result<(), KeyError> {
        check_money(self.lock_replacement, "policy.lock_replacement")?;
        if self.charge_due_days > 366 {
            return Err(KeyError::value(
                "out_of_range",
                "policy.charge_due_days",
                format!("{} days is beyond a year", self.charge_due_days),
            ));
        }
        if self.utc_offset_minutes.abs() > 18 * 60 {
            return Err(KeyError::value(
                "out_of_range",
                "policy.utc_offset_minutes",
                "beyond ±18 hours",
            ));
        }
        Ok(())
    }
}

fn check_money(amount: Decimal, path: &str) -> Result<(), KeyError> {
    if amount < Decimal::ZERO || amount > Decimal::new(100_000_000, 0) {
        return Err(KeyError::value(
            "out_of_range",
            path,
            format!("{amount} is not an amount from 0 to 100000000"),
        ));
    }
    if amount.scale() > 2 {
        return Err(KeyError::value(
            "too_many_decimals",
            path,
            format!("{amount} has more than 2 decimal places"),
        ));
    }
    Ok(())
}

/// A key set as registered.
///
/// ```
/// use estatekit::keys::{KeySetInput, KeySetKind};
/// let k = KeySetInput::new("K-PUMP", KeySetKind::PublicRoom, "水泵房", "A-03", 2);
/// assert_eq!((k.unit_id, k.lock_replacement), (None, None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySetInput {
    /// The set's id (its tag).
    pub id: String,
    /// What it opens.
    pub kind: KeySetKind,
    /// The room or unit, as staff call it (天台, 1-101).
    pub name: String,
    /// The unit (required for a unit's keys; none for a public room).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// The slot in the cabinet (钥匙柜位置).
    pub slot: String,
    /// The keys in the set.
    pub count: u32,
    /// This lock's replacement cost, when not the policy's.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::json::decimal_opt"
    )]
    pub lock_replacement: Option<Decimal>,
}

impl KeySetInput {
    /// A key set of `kind` (set `unit_id` for a unit's keys).
    ///
    /// ```
    /// use estatekit::keys::{KeySetInput, KeySetKind};
    /// let mut k = KeySetInput::new("K-1-101", KeySetKind::VacantUnit, "1-101", "B-01", 3);
    /// k.unit_id = Some("1-101".into());
    /// assert_eq!(k.count, 3);
    /// ```
    pub fn new(id: &str, kind: KeySetKind, name: &str, slot: &str, count: u32) -> KeySetInput {
        KeySetInput {
            id: id.to_owned(),
            kind,
            name: name.to_owned(),
            unit_id: None,
            slot: slot.to_owned(),
            count,
            lock_replacement: None,
        }
    }
}

/// A key set and where it is now.
///
/// ```
/// # let reg = estatekit::keys::KeyRegister::example()?;
/// let k = reg.key_set("K-ROOF-1").unwrap();
/// assert_eq!((k.count, k.duplicates, k.loan_id.as_deref()), (2, 0, Some("L-1")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySet {
    /// As registered.
    pub input: KeySetInput,
    /// Where it is.
    pub status: KeyStatus,
    /// The keys it has now (registered, plus duplicates, less losses; reset by a new
    /// lock).
    pub count: u32,
    /// Duplicates cut since the lock was fitted.
    pub duplicates: u32,
    /// The open loan, when out.
    pub loan_id: Option<String>,
    /// Who received it, when handed over.
    pub handed_to: Option<String>,
}

/// Who allowed a loan.
///
/// ```
/// use estatekit::keys::Authorisation;
/// let a = Authorisation::Manager { name: "周经理".into() };
/// assert!(matches!(a, Authorisation::Manager { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", deny_unknown_fields)]
pub enum Authorisation {
    /// A person who may consent for the unit (owner, co-owner, tenant with the owner's
    /// consent), as the occupant registry says on the loan's day.
    Owner {
        /// The registry's person.
        person_id: String,
    },
    /// The property manager (public rooms; vacant units not yet handed over).
    Manager {
        /// Who.
        name: String,
    },
}

/// A loan as requested at the counter.
///
/// ```
/// let l = estatekit::keys::KeyRegister::example_loan();
/// assert_eq!((l.key_set_id.as_str(), l.count), ("K-ROOF-1", 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanInput {
    /// The loan's id (the register's form number).
    pub id: String,
    /// The key set.
    pub key_set_id: String,
    /// Who takes the keys.
    pub borrower: String,
    /// As what.
    pub party: Party,
    /// The unit a loss is charged to when an owner or tenant borrows (by default the
    /// key set's unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// The borrower's identity document was checked (查验证件).
    pub id_checked: bool,
    /// Who allowed it.
    pub authorisation: Authorisation,
    /// Why (维修, 查漏, 看房, …).
    pub reason: String,
    /// Keys taken (1 to the set's count).
    pub count: u32,
    /// When they are due back (by default the end of the local day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
}

/// A loan.
///
/// ```
/// # let reg = estatekit::keys::KeyRegister::example()?;
/// let l = reg.loan("L-1").unwrap();
/// assert_eq!(l.due.to_string(), "2026-11-03 16:00:00 UTC"); // the end of the Beijing day
/// assert!(l.returned_at.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loan {
    /// As requested (its `due` filled in).
    pub input: LoanInput,
    /// When the keys went out.
    pub out_at: DateTime<Utc>,
    /// Who issued them.
    pub issued_by: String,
    /// When they are due back.
    pub due: DateTime<Utc>,
    /// When they came back.
    pub returned_at: Option<DateTime<Utc>>,
    /// How many came back.
    pub returned: Option<u32>,
}

/// Keys lost: a lock to replace at the responsible party's cost.
///
/// ```
/// # let mut reg = estatekit::keys::KeyRegister::example()?;
/// reg.return_loan("L-1", 1, "小陈", "2026-11-03T09:00:00Z".parse()?)?;
/// let l = &reg.losses()[0];
/// assert_eq!((l.id.as_str(), l.party.as_str(), l.responsible.as_str()), ("LOSS-1", "owner", "王芳"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// `LOSS-1`, `LOSS-2`, … in the order recorded.
    pub id: String,
    /// The key set.
    pub key_set_id: String,
    /// The loan it was lost on (none: lost from the cabinet).
    pub loan_id: Option<String>,
    /// Keys missing.
    pub missing: u32,
    /// Who lost them, as what.
    pub party: Party,
    /// Who lost them.
    pub responsible: String,
    /// The unit charged (an owner's or tenant's loss).
    pub unit_id: Option<String>,
    /// The lock replacement charged or claimed.
    pub amount: Decimal,
    /// When recorded.
    pub at: DateTime<Utc>,
    /// When the lock was replaced.
    pub replaced_at: Option<DateTime<Utc>>,
}

impl Loss {
    /// A claim against staff or a contractor (not a charge on a unit).
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// # reg.return_loan("L-1", 1, "小陈", "2026-11-03T09:00:00Z".parse()?)?;
    /// assert!(!reg.losses()[0].is_claim());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_claim(&self) -> bool {
        matches!(self.party, Party::Staff | Party::Contractor)
    }
}

/// One key set's line of a stock-take.
///
/// ```
/// # let mut reg = estatekit::keys::KeyRegister::example()?;
/// let st = reg.stock_take(&[("K-PUMP".into(), 1)], "李主管", "2026-11-30T09:00:00Z".parse()?)?;
/// let pump = st.lines.iter().find(|l| l.key_set_id == "K-PUMP").unwrap();
/// assert_eq!((pump.expected, pump.counted, pump.difference), (2, Some(1), Some(-1)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLine {
    /// The key set.
    pub key_set_id: String,
    /// Its slot.
    pub slot: String,
    /// Keys that should be in the cabinet (the set's count, less those out on loan).
    pub expected: u32,
    /// Keys counted (none: not counted).
    pub counted: Option<u32>,
    /// Counted − expected (none: not counted).
    pub difference: Option<i64>,
}

/// A stock-take (盘点): every set that should be in the cabinet, and the differences.
///
/// ```
/// # let mut reg = estatekit::keys::KeyRegister::example()?;
/// let st = reg.stock_take(&[("K-PUMP".into(), 2), ("K-ROOF-1".into(), 0)], "李主管", "2026-11-30T09:00:00Z".parse()?)?;
/// assert_eq!(st.differences().count(), 0);
/// assert_eq!(st.not_counted().map(|l| l.key_set_id.as_str()).collect::<Vec<_>>(), ["K-1-603"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockTake {
    /// When.
    pub at: DateTime<Utc>,
    /// Who counted.
    pub by: String,
    /// One line per set expected in or counted from the cabinet, by set id.
    pub lines: Vec<StockLine>,
}

impl StockTake {
    /// The lines whose count differs from the record.
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// let st = reg.stock_take(&[("K-PUMP".into(), 3)], "李主管", "2026-11-30T09:00:00Z".parse()?)?;
    /// assert_eq!(st.differences().next().unwrap().difference, Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn differences(&self) -> impl Iterator<Item = &StockLine> {
        self.lines
            .iter()
            .filter(|l| l.difference.is_some_and(|d| d != 0))
    }

    /// The lines not counted.
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// let st = reg.stock_take(&[], "李主管", "2026-11-30T09:00:00Z".parse()?)?;
    /// assert_eq!(st.not_counted().count(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn not_counted(&self) -> impl Iterator<Item = &StockLine> {
        self.lines.iter().filter(|l| l.counted.is_none())
    }
}

/// A set's count in a stock-take.
///
/// ```
/// let c = estatekit::keys::Count { key_set_id: "K-PUMP".into(), counted: 2 };
/// assert_eq!(c.counted, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    /// The key set.
    pub key_set_id: String,
    /// Keys found.
    pub counted: u32,
}

/// What happened to the cabinet.
///
/// ```
/// # let reg = estatekit::keys::KeyRegister::example()?;
/// assert!(matches!(reg.events()[0].action, estatekit::keys::KeyAction::Register { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyAction {
    /// A key set registered (a vacant unit's: received; others: in custody).
    Register {
        /// The set.
        set: KeySetInput,
    },
    /// Received keys counted into the cabinet.
    TakeIntoCustody {
        /// The key set.
        key_set_id: String,
        /// Keys counted.
        counted: u32,
    },
    /// Keys lent.
    Lend {
        /// The loan (its due time filled in).
        loan: LoanInput,
    },
    /// Keys back from a loan.
    Return {
        /// The loan.
        loan_id: String,
        /// Keys returned.
        count: u32,
    },
    /// Keys missing from the cabinet, lost by staff or a contractor.
    ReportLost {
        /// The key set.
        key_set_id: String,
        /// Keys missing.
        missing: u32,
        /// As what.
        party: Party,
        /// Who.
        responsible: String,
    },
    /// A new lock fitted, with its keys: open losses of the set are settled.
    ReplaceLock {
        /// The key set.
        key_set_id: String,
        /// The new lock's keys.
        count: u32,
    },
    /// Duplicates cut (配钥匙).
    AddDuplicates {
        /// The key set.
        key_set_id: String,
        /// Keys added.
        count: u32,
    },
    /// A vacant unit's keys handed to its owner at check-in.
    HandOver {
        /// The key set.
        key_set_id: String,
        /// The owner.
        to: String,
        /// Keys handed over (the check-in's key count).
        count: u32,
    },
    /// A set retired.
    Destroy {
        /// The key set.
        key_set_id: String,
        /// Why.
        reason: String,
    },
    /// A stock-take.
    StockTake {
        /// The counts.
        counts: Vec<Count>,
    },
}

/// An event of the register.
///
/// ```
/// # let reg = estatekit::keys::KeyRegister::example()?;
/// assert_eq!(reg.events()[0].actor, "李主管");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEvent {
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: String,
    /// What.
    pub action: KeyAction,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    format_version: u32,
    estate_id: String,
    policy: KeyPolicy,
    #[serde(default)]
    events: Vec<KeyEvent>,
}

/// The key cabinet of an estate: key sets, loans, losses and stock-takes, replayed
/// from its events.
///
/// ```
/// use estatekit::keys::*;
/// let mut reg = KeyRegister::new("lakeside", KeyPolicy::new("150.00".parse()?))?;
/// let estate = estatekit::estate::Estate::demo();
/// reg.register(&estate, KeySetInput::new("K-PUMP", KeySetKind::PublicRoom, "水泵房", "A-03", 2),
///     "李主管", "2026-11-01T01:00:00Z".parse()?)?;
/// assert_eq!(reg.key_set("K-PUMP").unwrap().status, KeyStatus::InCustody);
/// assert_eq!(KeyRegister::from_json(&reg.to_json())?, reg);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRegister {
    estate_id: String,
    policy: KeyPolicy,
    events: Vec<KeyEvent>,
    sets: Vec<KeySet>,
    loans: Vec<Loan>,
    losses: Vec<Loss>,
    stock_takes: Vec<StockTake>,
    /// The index of each key set and each loan by id (a year of loans is looked up by
    /// id, not scanned).
    set_at: HashMap<String, usize>,
    loan_at: HashMap<String, usize>,
}

fn non_empty(value: &str, path: &str) -> Result<(), KeyError> {
    if value.trim().is_empty() {
        return Err(KeyError::value("empty_field", path, "must not be empty"));
    }
    Ok(())
}

fn at_least_one(n: u32, path: &str) -> Result<(), KeyError> {
    if n == 0 {
        return Err(KeyError::value("out_of_range", path, "at least 1"));
    }
    Ok(())
}

impl KeyRegister {
    /// An empty register for an estate.
    ///
    /// # Errors
    /// `empty_field` (`estate_id`); a bad policy (`policy.…`).
    ///
    /// ```
    /// use estatekit::keys::{KeyPolicy, KeyRegister};
    /// let err = KeyRegister::new("lakeside", KeyPolicy::new("-1".parse()?)).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("out_of_range", "policy.lock_replacement"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(estate_id: &str, policy: KeyPolicy) -> Result<KeyRegister, KeyError> {
        non_empty(estate_id, "estate_id")?;
        policy.check()?;
        Ok(KeyRegister {
            estate_id: estate_id.to_owned(),
            policy,
            events: Vec::new(),
            sets: Vec::new(),
            loans: Vec::new(),
            losses: Vec::new(),
            stock_takes: Vec::new(),
            set_at: HashMap::new(),
            loan_at: HashMap::new(),
        })
    }

    /// The estate's id.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert_eq!(reg.estate_id(), "lakeside");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn estate_id(&self) -> &str {
        &self.estate_id
    }

    /// The policy.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert_eq!(reg.policy().lock_replacement.to_string(), "150.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn policy(&self) -> &KeyPolicy {
        &self.policy
    }

    /// Every event, in time order.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert_eq!(reg.events().len(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn events(&self) -> &[KeyEvent] {
        &self.events
    }

    /// Every key set, in the order registered.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert_eq!(reg.key_sets().len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_sets(&self) -> &[KeySet] {
        &self.sets
    }

    /// A key set by id.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert!(reg.key_set("K-NOPE").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_set(&self, id: &str) -> Option<&KeySet> {
        self.set_at.get(id).map(|&i| &self.sets[i])
    }

    /// Every loan, in the order lent.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert_eq!(reg.loans().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn loans(&self) -> &[Loan] {
        &self.loans
    }

    /// A loan by id.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert_eq!(reg.loan("L-1").unwrap().input.borrower, "王芳");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn loan(&self, id: &str) -> Option<&Loan> {
        self.loan_at.get(id).map(|&i| &self.loans[i])
    }

    /// Every loss, in the order recorded.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert!(reg.losses().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn losses(&self) -> &[Loss] {
        &self.losses
    }

    /// The losses claimed from staff or contractors (not charged to a unit).
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// reg.report_lost("K-PUMP", 1, estatekit::keys::Party::Contractor, "安居装饰", "李主管", "2026-11-04T01:00:00Z".parse()?)?;
    /// assert_eq!(reg.claims()[0].amount.to_string(), "300.00"); // the pump room's own lock cost
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn claims(&self) -> Vec<&Loss> {
        self.losses.iter().filter(|l| l.is_claim()).collect()
    }

    /// Every stock-take, in time order.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert!(reg.stock_takes().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stock_takes(&self) -> &[StockTake] {
        &self.stock_takes
    }

    /// The loans not returned whose due time is before `as_of`, most overdue first.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert!(reg.overdue("2026-11-03T15:59:59Z".parse()?).is_empty());
    /// assert_eq!(reg.overdue("2026-11-03T16:00:01Z".parse()?)[0].input.id, "L-1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overdue(&self, as_of: DateTime<Utc>) -> Vec<&Loan> {
        let mut v: Vec<&Loan> = self
            .loans
            .iter()
            .filter(|l| l.returned_at.is_none() && l.due < as_of)
            .collect();
        v.sort_by(|a, b| (a.due, &a.input.id).cmp(&(b.due, &b.input.id)));
        v
    }

    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        crate::clock::local(at, self.policy.utc_offset_minutes)
    }

    /// A loss as a single charge for the receivables book: an owner's or tenant's loss
    /// on their unit (reference `{loss id}/lock_replacement`, item `lock_replacement`,
    /// issued on the loss's local date, due the policy's `charge_due_days` later); none
    /// for a claim against staff or a contractor, or a loss of no cost.
    ///
    /// # Errors
    /// [`KeyError::UnknownReference`] (`loss_id`).
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// reg.return_loan("L-1", 1, "小陈", "2026-11-03T09:00:00Z".parse()?)?;
    /// let row = reg.loss_charge("LOSS-1")?.unwrap();
    /// assert_eq!((row.reference.as_deref(), row.amount.to_string(), row.due.to_string()),
    ///     (Some("LOSS-1/lock_replacement"), "150.00".into(), "2026-11-18".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn loss_charge(&self, loss_id: &str) -> Result<Option<ChargeRow>, KeyError> {
        let l = self
            .losses
            .iter()
            .find(|l| l.id == loss_id)
            .ok_or_else(|| KeyError::UnknownReference {
                path: "loss_id".into(),
                what: "loss",
                id: loss_id.to_owned(),
            })?;
        let Some(unit) = l.unit_id.as_deref().filter(|_| !l.is_claim()) else {
            return Ok(None);
        };
        if l.amount.is_zero() {
            return Ok(None);
        }
        let issued = self.local(l.at).date();
        let due = issued
            .checked_add_signed(Duration::days(i64::from(self.policy.charge_due_days)))
            .expect("a date of years 1–9999 plus at most 366 days is a date");
        Ok(Some(
            ChargeRow::new(unit, "lock_replacement", l.amount, issued, due)
                .with_reference(format!("{}/lock_replacement", l.id))
                .with_description(format!(
                    "{} 遗失钥匙 {} 把，换锁费 lost {} key(s): lock replacement",
                    l.key_set_id, l.missing, l.missing
                )),
        ))
    }

    fn set_index(&self, id: &str, path: &str) -> Result<usize, KeyError> {
        self.set_at
            .get(id)
            .copied()
            .ok_or_else(|| KeyError::UnknownReference {
                path: path.into(),
                what: "key set",
                id: id.to_owned(),
            })
    }

    fn set_in(&self, i: usize, states: &[KeyStatus], action: &str) -> Result<(), KeyError> {
        let s = &self.sets[i];
        if states.contains(&s.status) {
            Ok(())
        } else {
            Err(KeyError::KeyState {
                path: "key_set_id".into(),
                id: s.input.id.clone(),
                state: s.status.as_str().into(),
                action: action.into(),
            })
        }
    }

    fn lock_cost(&self, i: usize) -> Decimal {
        self.sets[i]
            .input
            .lock_replacement
            .unwrap_or(self.policy.lock_replacement)
    }

    fn push_loss(
        &mut self,
        i: usize,
        loan: Option<&Loan>,
        missing: u32,
        party: Party,
        who: &str,
        at: DateTime<Utc>,
    ) {
        let unit_id = match party {
            Party::Owner | Party::Tenant => loan
                .and_then(|l| l.input.unit_id.clone())
                .or_else(|| self.sets[i].input.unit_id.clone()),
            Party::Staff | Party::Contractor => None,
        };
        let loss = Loss {
            id: format!("LOSS-{}", self.losses.len() + 1),
            key_set_id: self.sets[i].input.id.clone(),
            loan_id: loan.map(|l| l.input.id.clone()),
            missing,
            party,
            responsible: who.to_owned(),
            unit_id,
            amount: self.lock_cost(i),
            at,
            replaced_at: None,
        };
        self.losses.push(loss);
        let s = &mut self.sets[i];
        s.count -= missing;
        if s.count == 0 {
            s.status = KeyStatus::Lost;
        }
    }

    /// Checks an event against the register and applies it; nothing changes on error.
    fn apply(&mut self, e: &KeyEvent) -> Result<(), KeyError> {
        non_empty(&e.actor, "actor")?;
        if !crate::diagnostic::in_supported_years(&e.at) {
            return Err(KeyError::value(
                "out_of_range",
                "at",
                format!("{} is outside the supported years 1–9999 (UTC)", e.at),
            ));
        }
        if let Some(last) = self.events.last().map(|l| l.at).filter(|l| e.at < *l) {
            return Err(KeyError::EventOutOfOrder {
                path: "at".into(),
                at: e.at,
                last,
            });
        }
        match &e.action {
            KeyAction::Register { set } => {
                non_empty(&set.id, "set.id")?;
                non_empty(&set.name, "set.name")?;
                non_empty(&set.slot, "set.slot")?;
                at_least_one(set.count, "set.count")?;
                if let Some(c) = set.lock_replacement {
                    check_money(c, "set.lock_replacement")?;
                }
                match (set.kind, &set.unit_id) {
                    (KeySetKind::PublicRoom, Some(_)) => {
                        return Err(KeyError::value(
                            "unknown_value",
                            "set.unit_id",
                            "a public room's keys belong to no unit",
                        ));
                    }
                    (KeySetKind::VacantUnit | KeySetKind::Entrusted, None) => {
                        return Err(KeyError::value(
                            "missing_value",
                            "set.unit_id",
                            "a unit's keys name the unit",
                        ));
                    }
                    (_, Some(u)) => non_empty(u, "set.unit_id")?,
                    _ => {}
                }
                if self.key_set(&set.id).is_some() {
                    return Err(KeyError::DuplicateId {
                        path: "set.id".into(),
                        id: set.id.clone(),
                    });
                }
                self.set_at.insert(set.id.clone(), self.sets.len());
                self.sets.push(KeySet {
                    input: set.clone(),
                    status: if set.kind == KeySetKind::VacantUnit {
                        KeyStatus::Received
                    } else {
                        KeyStatus::InCustody
                    },
                    count: set.count,
                    duplicates: 0,
                    loan_id: None,
                    handed_to: None,
                });
            }
            KeyAction::TakeIntoCustody {
                key_set_id,
                counted,
            } => {
                let i = self.set_index(key_set_id, "key_set_id")?;
                self.set_in(i, &[KeyStatus::Received], "take into custody")?;
                if *counted != self.sets[i].count {
                    return Err(KeyError::Mismatch {
                        path: "counted".into(),
                        expected: self.sets[i].count,
                        found: *counted,
                    });
                }
                self.sets[i].status = KeyStatus::InCustody;
            }
            KeyAction::Lend { loan } => {
                non_empty(&loan.id, "loan.id")?;
                if self.loan(&loan.id).is_some() {
                    return Err(KeyError::DuplicateId {
                        path: "loan.id".into(),
                        id: loan.id.clone(),
                    });
                }
                let i = self.set_index(&loan.key_set_id, "key_set_id")?;
                self.set_in(i, &[KeyStatus::InCustody], "lend")?;
                non_empty(&loan.borrower, "borrower")?;
                non_empty(&loan.reason, "reason")?;
                if loan.count == 0 || loan.count > self.sets[i].count {
                    return Err(KeyError::value(
                        "out_of_range",
                        "count",
                        format!("{} keys; the set has {}", loan.count, self.sets[i].count),
                    ));
                }
                if !loan.id_checked {
                    return Err(KeyError::NotAuthorised {
                        path: "id_checked".into(),
                        reason: "the borrower's identity document must be checked (查验证件)"
                            .into(),
                    });
                }
                let kind = self.sets[i].input.kind;
                match (&loan.authorisation, kind) {
                    (
                        Authorisation::Manager { name },
                        KeySetKind::PublicRoom | KeySetKind::VacantUnit,
                    ) => {
                        non_empty(name, "authorisation.name")?;
                    }
                    (
                        Authorisation::Owner { person_id },
                        KeySetKind::VacantUnit | KeySetKind::Entrusted,
                    ) => {
                        non_empty(person_id, "authorisation.person_id")?;
                    }
                    (Authorisation::Manager { .. }, KeySetKind::Entrusted) => {
                        return Err(KeyError::NotAuthorised {
                            path: "authorisation".into(),
                            reason:
                                "an entrusted unit's keys are lent with the owner's consent only"
                                    .into(),
                        });
                    }
                    (Authorisation::Owner { .. }, KeySetKind::PublicRoom) => {
                        return Err(KeyError::NotAuthorised {
                            path: "authorisation".into(),
                            reason: "a public room's keys are lent with a manager's authorisation"
                                .into(),
                        });
                    }
                }
                if matches!(loan.party, Party::Owner | Party::Tenant)
                    && loan.unit_id.is_none()
                    && self.sets[i].input.unit_id.is_none()
                {
                    return Err(KeyError::value(
                        "missing_value",
                        "unit_id",
                        "an owner's or tenant's loan of a public room's keys names their unit (a loss is charged to it)",
                    ));
                }
                let due = loan.due.unwrap_or_else(|| self.end_of_day(e.at));
                if due <= e.at {
                    return Err(KeyError::value(
                        "out_of_range",
                        "due",
                        format!("{due} is not after the loan ({})", e.at),
                    ));
                }
                self.loan_at.insert(loan.id.clone(), self.loans.len());
                self.loans.push(Loan {
                    input: LoanInput {
                        due: Some(due),
                        ..loan.clone()
                    },
                    out_at: e.at,
                    issued_by: e.actor.clone(),
                    due,
                    returned_at: None,
                    returned: None,
                });
                self.sets[i].status = KeyStatus::Out;
                self.sets[i].loan_id = Some(loan.id.clone());
            }
            KeyAction::Return { loan_id, count } => {
                let li = self.loan_at.get(loan_id).copied().ok_or_else(|| {
                    KeyError::UnknownReference {
                        path: "loan_id".into(),
                        what: "loan",
                        id: loan_id.clone(),
                    }
                })?;
                if self.loans[li].returned_at.is_some() {
                    return Err(KeyError::KeyState {
                        path: "loan_id".into(),
                        id: loan_id.clone(),
                        state: "returned".into(),
                        action: "return it again".into(),
                    });
                }
                let out = self.loans[li].input.count;
                if *count > out {
                    return Err(KeyError::value(
                        "out_of_range",
                        "count",
                        format!("{count} keys back; {out} were lent"),
                    ));
                }
                let i = self.set_index(&self.loans[li].input.key_set_id, "loan_id")?;
                self.loans[li].returned_at = Some(e.at);
                self.loans[li].returned = Some(*count);
                self.sets[i].status = KeyStatus::InCustody;
                self.sets[i].loan_id = None;
                if *count < out {
                    let loan = self.loans[li].clone();
                    self.push_loss(
                        i,
                        Some(&loan),
                        out - count,
                        loan.input.party,
                        &loan.input.borrower,
                        e.at,
                    );
                }
            }
            KeyAction::ReportLost {
                key_set_id,
                missing,
                party,
                responsible,
            } => {
                let i = self.set_index(key_set_id, "key_set_id")?;
                self.set_in(
                    i,
                    &[KeyStatus::InCustody],
                    "report keys lost from the cabinet",
                )?;
                non_empty(responsible, "responsible")?;
                if !matches!(party, Party::Staff | Party::Contractor) {
                    return Err(KeyError::value(
                        "unknown_value",
                        "party",
                        "keys lost from the cabinet are staff's or a contractor's; a borrower's loss is recorded on return",
                    ));
                }
                if *missing == 0 || *missing > self.sets[i].count {
                    return Err(KeyError::value(
                        "out_of_range",
                        "missing",
                        format!("{missing} keys; the set has {}", self.sets[i].count),
                    ));
                }
                self.push_loss(i, None, *missing, *party, responsible, e.at);
            }
            KeyAction::ReplaceLock { key_set_id, count } => {
                let i = self.set_index(key_set_id, "key_set_id")?;
                self.set_in(
                    i,
                    &[KeyStatus::InCustody, KeyStatus::Lost],
                    "replace the lock",
                )?;
                at_least_one(*count, "count")?;
                let s = &mut self.sets[i];
                s.count = *count;
                s.duplicates = 0;
                s.status = KeyStatus::InCustody;
                for l in &mut self.losses {
                    if l.key_set_id == *key_set_id && l.replaced_at.is_none() {
                        l.replaced_at = Some(e.at);
                    }
                }
            }
            KeyAction::AddDuplicates { key_set_id, count } => {
                let i = self.set_index(key_set_id, "key_set_id")?;
                self.set_in(i, &[KeyStatus::InCustody], "add duplicates")?;
                at_least_one(*count, "count")?;
                let total = self.sets[i]
                    .count
                    .checked_add(*count)
                    .filter(|n| *n <= 1000);
                let Some(total) = total else {
                    return Err(KeyError::value(
                        "out_of_range",
                        "count",
                        "more than 1000 keys in a set",
                    ));
                };
                self.sets[i].count = total;
                self.sets[i].duplicates = self.sets[i].duplicates.saturating_add(*count);
            }
            KeyAction::HandOver {
                key_set_id,
                to,
                count,
            } => {
                let i = self.set_index(key_set_id, "key_set_id")?;
                if self.sets[i].input.kind != KeySetKind::VacantUnit {
                    return Err(KeyError::KeyState {
                        path: "key_set_id".into(),
                        id: key_set_id.clone(),
                        state: self.sets[i].input.kind.as_str().into(),
                        action: "hand over (a vacant unit's keys only)".into(),
                    });
                }
                self.set_in(i, &[KeyStatus::InCustody], "hand over")?;
                non_empty(to, "to")?;
                if *count != self.sets[i].count {
                    return Err(KeyError::Mismatch {
                        path: "count".into(),
                        expected: self.sets[i].count,
                        found: *count,
                    });
                }
                self.sets[i].status = KeyStatus::HandedOver;
                self.sets[i].handed_to = Some(to.clone());
            }
            KeyAction::Destroy { key_set_id, reason } => {
                let i = self.set_index(key_set_id, "key_set_id")?;
                self.set_in(i, &[KeyStatus::InCustody, KeyStatus::Lost], "destroy")?;
                non_empty(reason, "reason")?;
                self.sets[i].status = KeyStatus::Destroyed;
            }
            KeyAction::StockTake { counts } => {
                let mut seen = BTreeSet::new();
                for (j, c) in counts.iter().enumerate() {
                    self.set_index(&c.key_set_id, &format!("counts[{j}].key_set_id"))?;
                    if !seen.insert(c.key_set_id.as_str()) {
                        return Err(KeyError::DuplicateId {
                            path: format!("counts[{j}].key_set_id"),
                            id: c.key_set_id.clone(),
                        });
                    }
                }
                let counted_of: HashMap<&str, u32> = counts
                    .iter()
                    .map(|c| (c.key_set_id.as_str(), c.counted))
                    .collect();
                let mut lines: Vec<StockLine> = Vec::new();
                for s in &self.sets {
                    let expected = match s.status {
                        KeyStatus::Received | KeyStatus::InCustody => s.count,
                        KeyStatus::Out => {
                            let out = s
                                .loan_id
                                .as_deref()
                                .and_then(|l| self.loan(l))
                                .map(|l| l.input.count)
                                .expect("a set out has its open loan");
                            s.count - out
                        }
                        KeyStatus::Lost | KeyStatus::HandedOver | KeyStatus::Destroyed => 0,
                    };
                    let counted = counted_of.get(s.input.id.as_str()).copied();
                    let expected_here = !matches!(
                        s.status,
                        KeyStatus::Lost | KeyStatus::HandedOver | KeyStatus::Destroyed
                    );
                    if expected_here || counted.is_some() {
                        lines.push(StockLine {
                            key_set_id: s.input.id.clone(),
                            slot: s.input.slot.clone(),
                            expected,
                            counted,
                            difference: counted.map(|c| i64::from(c) - i64::from(expected)),
                        });
                    }
                }
                lines.sort_by(|a, b| a.key_set_id.cmp(&b.key_set_id));
                self.stock_takes.push(StockTake {
                    at: e.at,
                    by: e.actor.clone(),
                    lines,
                });
            }
        }
        self.events.push(e.clone());
        Ok(())
    }

    /// The end of the local day of `at` (the next local midnight), in UTC.
    fn end_of_day(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let next: NaiveDate = self
            .local(at)
            .date()
            .succ_opt()
            .expect("a date of years 1–9999 has a successor");
        let midnight = next.and_hms_opt(0, 0, 0).expect("midnight exists");
        midnight.and_utc() - Duration::minutes(i64::from(self.policy.utc_offset_minutes))
    }

    /// Applies an operation as a checked transaction: on error the register is
    /// unchanged. `apply` checks everything an operation needs before it changes
    /// anything (every arm validates, then mutates, and nothing after its first change
    /// can fail), so no copy of the register is made: an operation costs the same in
    /// a register of a year of loans as in an empty one (`keys_props` checks that a
    /// refused operation leaves the register equal to what it was).
    fn act(&mut self, actor: &str, at: DateTime<Utc>, action: KeyAction) -> Result<(), KeyError> {
        let e = KeyEvent {
            at,
            actor: actor.to_owned(),
            action,
        };
        self.apply(&e)
    }

    /// Registers a key set of one of the estate's units or public rooms: a vacant
    /// unit's keys are `received` (count them in with [`KeyRegister::take_into_custody`]),
    /// others `in_custody`. The same set again is a retry and changes nothing.
    ///
    /// # Errors
    /// `empty_field` (`set.id`, `set.name`, `set.slot`), `out_of_range`
    /// (`set.count` 0, a bad `set.lock_replacement`), `missing_value` / `unknown_value`
    /// (`set.unit_id`: a unit's keys name it, a public room's do not),
    /// [`KeyError::UnknownReference`] (`set.unit_id` not a unit of `estate`;
    /// `estate_id`), [`KeyError::DuplicateId`] (another set with this id),
    /// [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// use estatekit::keys::*;
    /// # let mut reg = KeyRegister::example()?;
    /// let mut k = KeySetInput::new("K-9-999", KeySetKind::Entrusted, "9-999", "C-01", 2);
    /// k.unit_id = Some("9-999".into());
    /// let err = reg.register(&estatekit::estate::Estate::demo(), k, "李主管", "2026-11-05T01:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_reference", "set.unit_id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn register(
        &mut self,
        estate: &Estate,
        set: KeySetInput,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&KeySet, KeyError> {
        if estate.id() != self.estate_id {
            return Err(KeyError::UnknownReference {
                path: "estate_id".into(),
                what: "estate",
                id: estate.id().to_owned(),
            });
        }
        if let Some(i) = self.sets.iter().position(|s| s.input.id == set.id) {
            if self.sets[i].input == set {
                return Ok(&self.sets[i]);
            }
        }
        if let Some(u) = set.unit_id.as_deref() {
            if estate.unit(u).is_none() {
                return Err(KeyError::UnknownReference {
                    path: "set.unit_id".into(),
                    what: "unit",
                    id: u.to_owned(),
                });
            }
        }
        let id = set.id.clone();
        self.act(actor, at, KeyAction::Register { set })?;
        Ok(&self.sets[self.set_index(&id, "set.id")?])
    }

    /// Counts received keys into the cabinet: the count must match the set's.
    ///
    /// # Errors
    /// [`KeyError::UnknownReference`], [`KeyError::KeyState`] (not `received`),
    /// [`KeyError::Mismatch`] (`counted`), [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// let err = reg.take_into_custody("K-1-603", 2, "李主管", "2026-11-05T01:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("key_state", "key_set_id")); // counted in already
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn take_into_custody(
        &mut self,
        key_set_id: &str,
        counted: u32,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&KeySet, KeyError> {
        let action = KeyAction::TakeIntoCustody {
            key_set_id: key_set_id.to_owned(),
            counted,
        };
        self.act(actor, at, action)?;
        Ok(&self.sets[self.set_index(key_set_id, "key_set_id")?])
    }

    /// Lends keys. The borrower's identity is checked; a unit's keys need the consent
    /// of a person the registry says may consent for the unit on the loan's local day
    /// (pass the registry), a public room's a manager's authorisation, a vacant unit's
    /// either. The due time defaults to the end of the local day. The same loan again
    /// is a retry and returns it.
    ///
    /// # Errors
    /// [`KeyError::KeyState`] (`key_set_id`: out already, or not in custody),
    /// [`KeyError::NotAuthorised`] (`id_checked`, `authorisation`),
    /// [`KeyError::NoConsent`] (`authorisation.person_id`, with the registry's reason;
    /// also when an owner's authorisation comes without a registry),
    /// [`KeyError::DuplicateId`] (`loan.id` of another loan),
    /// [`KeyError::UnknownReference`], `empty_field`, `missing_value` (`unit_id`),
    /// `out_of_range` (`count`, `due`), [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// use estatekit::keys::*;
    /// # let (mut reg, registry) = KeyRegister::example_with_registry()?;
    /// let loan = LoanInput { id: "L-2".into(), key_set_id: "K-1-603".into(), borrower: "维修工 赵".into(),
    ///     party: Party::Contractor, unit_id: None, id_checked: true,
    ///     authorisation: Authorisation::Owner { person_id: "P-NOBODY".into() }, reason: "查漏".into(), count: 1, due: None };
    /// let err = reg.lend(loan, Some(&registry), "小陈", "2026-11-04T02:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("no_consent", "authorisation.person_id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lend(
        &mut self,
        loan: LoanInput,
        registry: Option<&Registry>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&Loan, KeyError> {
        if let Some(&i) = self.loan_at.get(&loan.id) {
            let same = LoanInput {
                due: loan.due.or(self.loans[i].input.due),
                ..loan.clone()
            };
            if self.loans[i].input == same {
                return Ok(&self.loans[i]);
            }
        }
        if !crate::diagnostic::in_supported_years(&at) {
            return Err(KeyError::value(
                "out_of_range",
                "at",
                format!("{at} is outside the supported years 1–9999 (UTC)"),
            ));
        }
        // The due time is recorded as decided: the end of the local day by default.
        let loan = LoanInput {
            due: Some(loan.due.unwrap_or_else(|| self.end_of_day(at))),
            ..loan
        };
        if let Authorisation::Owner { person_id } = &loan.authorisation {
            let unit = self
                .key_set(&loan.key_set_id)
                .and_then(|s| s.input.unit_id.clone());
            if let Some(unit) = unit {
                let Some(registry) = registry else {
                    return Err(KeyError::NoConsent {
                        path: "authorisation.person_id".into(),
                        reason:
                            "an owner's consent is checked against the occupant registry: pass it"
                                .into(),
                    });
                };
                let on = self.local(at).date();
                registry
                    .may_consent(&unit, person_id, on)
                    .map_err(|e: RegistryError| KeyError::NoConsent {
                        path: "authorisation.person_id".into(),
                        reason: e.to_string(),
                    })?;
            }
        }
        let id = loan.id.clone();
        self.act(actor, at, KeyAction::Lend { loan })?;
        Ok(self.loan(&id).expect("the loan just made"))
    }

    /// Takes keys back. Fewer keys than lent is an exception: a [`Loss`] charged to
    /// the borrower (a single charge on the unit for an owner or tenant, see
    /// [`KeyRegister::loss_charge`]; a claim for staff or a contractor), the set's count
    /// reduced (`lost` when none is left). The same return again is a retry.
    ///
    /// # Errors
    /// [`KeyError::UnknownReference`] (`loan_id`), [`KeyError::KeyState`] (returned
    /// already with another count), `out_of_range` (`count` above the loan's),
    /// [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// reg.return_loan("L-1", 2, "小陈", "2026-11-03T09:00:00Z".parse()?)?;
    /// assert!(reg.losses().is_empty());
    /// reg.return_loan("L-1", 2, "小陈", "2026-11-03T09:30:00Z".parse()?)?; // a retry
    /// assert_eq!(reg.events().len(), 6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn return_loan(
        &mut self,
        loan_id: &str,
        count: u32,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&Loan, KeyError> {
        if self
            .loan(loan_id)
            .is_some_and(|l| l.returned == Some(count))
        {
            return Ok(self.loan(loan_id).expect("found above"));
        }
        let action = KeyAction::Return {
            loan_id: loan_id.to_owned(),
            count,
        };
        self.act(actor, at, action)?;
        Ok(self.loan(loan_id).expect("the loan just returned"))
    }

    /// Records keys missing from the cabinet, lost by staff or a contractor: a claim
    /// for the lock replacement.
    ///
    /// # Errors
    /// [`KeyError::KeyState`] (not in custody), `unknown_value` (`party`: an owner or
    /// tenant loses keys on a loan), `out_of_range` (`missing`), `empty_field`
    /// (`responsible`), [`KeyError::UnknownReference`], [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// use estatekit::keys::Party;
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// let l = reg.report_lost("K-PUMP", 2, Party::Staff, "保安 刘", "李主管", "2026-11-04T01:00:00Z".parse()?)?;
    /// assert_eq!((l.id.as_str(), l.is_claim()), ("LOSS-1", true));
    /// assert_eq!(reg.key_set("K-PUMP").unwrap().status.as_str(), "lost");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report_lost(
        &mut self,
        key_set_id: &str,
        missing: u32,
        party: Party,
        responsible: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&Loss, KeyError> {
        let action = KeyAction::ReportLost {
            key_set_id: key_set_id.to_owned(),
            missing,
            party,
            responsible: responsible.to_owned(),
        };
        self.act(actor, at, action)?;
        Ok(self.losses.last().expect("the loss just recorded"))
    }

    /// Fits a new lock with `count` keys: the set is in custody again and its open
    /// losses are settled.
    ///
    /// # Errors
    /// [`KeyError::KeyState`] (out, handed over or destroyed), `out_of_range`
    /// (`count` 0), [`KeyError::UnknownReference`], [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// use estatekit::keys::Party;
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// reg.report_lost("K-PUMP", 2, Party::Staff, "保安 刘", "李主管", "2026-11-04T01:00:00Z".parse()?)?;
    /// reg.replace_lock("K-PUMP", 3, "李主管", "2026-11-05T01:00:00Z".parse()?)?;
    /// assert_eq!(reg.key_set("K-PUMP").unwrap().count, 3);
    /// assert!(reg.losses()[0].replaced_at.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace_lock(
        &mut self,
        key_set_id: &str,
        count: u32,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&KeySet, KeyError> {
        let action = KeyAction::ReplaceLock {
            key_set_id: key_set_id.to_owned(),
            count,
        };
        self.act(actor, at, action)?;
        Ok(&self.sets[self.set_index(key_set_id, "key_set_id")?])
    }

    /// Records duplicates cut for a set in custody.
    ///
    /// # Errors
    /// [`KeyError::KeyState`], `out_of_range` (`count` 0, over 1000 keys in a set),
    /// [`KeyError::UnknownReference`], [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// let k = reg.add_duplicates("K-PUMP", 1, "李主管", "2026-11-04T01:00:00Z".parse()?)?;
    /// assert_eq!((k.count, k.duplicates), (3, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_duplicates(
        &mut self,
        key_set_id: &str,
        count: u32,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&KeySet, KeyError> {
        let action = KeyAction::AddDuplicates {
            key_set_id: key_set_id.to_owned(),
            count,
        };
        self.act(actor, at, action)?;
        Ok(&self.sets[self.set_index(key_set_id, "key_set_id")?])
    }

    /// Hands a vacant unit's keys to its owner through the check-in: the checklist is
    /// the unit's, its key-handover item is done, and the keys it records match the
    /// set's count. The same hand-over again is a retry.
    ///
    /// # Errors
    /// [`KeyError::Mismatch`] (`keys`), `unknown_value` (`unit_id`: another unit's
    /// checklist), `missing_value` (`key_handover`: not done), [`KeyError::KeyState`]
    /// (not a vacant unit's keys, or not in custody), [`KeyError::UnknownReference`],
    /// [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let (mut reg, checklist) = estatekit::keys::KeyRegister::example_checkin()?;
    /// let k = reg.hand_over("K-1-603", &checklist, "小陈", "2026-11-10T03:00:00Z".parse()?)?;
    /// assert_eq!((k.status.as_str(), k.handed_to.as_deref()), ("handed_over", Some("王芳")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hand_over(
        &mut self,
        key_set_id: &str,
        checklist: &Checklist,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&KeySet, KeyError> {
        let i = self.set_index(key_set_id, "key_set_id")?;
        if self.sets[i].status == KeyStatus::HandedOver
            && self.sets[i].handed_to.as_deref() == Some(checklist.owner())
        {
            return Ok(&self.sets[i]);
        }
        if self.sets[i].input.unit_id.as_deref() != Some(checklist.unit_id()) {
            return Err(KeyError::value(
                "unknown_value",
                "unit_id",
                format!(
                    "the checklist is unit {}'s, the keys {}'s",
                    checklist.unit_id(),
                    self.sets[i].input.unit_id.as_deref().unwrap_or("-")
                ),
            ));
        }
        let keys = checklist
            .items()
            .iter()
            .filter(|it| it.kind == ItemKind::KeyHandover)
            .find_map(|it| it.completion.as_ref().and_then(|c| c.data.keys))
            .ok_or_else(|| {
                KeyError::value(
                    "missing_value",
                    "key_handover",
                    "the checklist's key handover is not done",
                )
            })?;
        let action = KeyAction::HandOver {
            key_set_id: key_set_id.to_owned(),
            to: checklist.owner().to_owned(),
            count: keys,
        };
        self.act(actor, at, action).map_err(|mut e| {
            if let KeyError::Mismatch { path, .. } = &mut e {
                *path = "keys".into();
            }
            e
        })?;
        Ok(&self.sets[i])
    }

    /// Retires a set in custody or lost.
    ///
    /// # Errors
    /// [`KeyError::KeyState`], `empty_field` (`reason`), [`KeyError::UnknownReference`],
    /// [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// let k = reg.destroy("K-PUMP", "水泵房换门禁", "李主管", "2026-11-04T01:00:00Z".parse()?)?;
    /// assert_eq!(k.status.as_str(), "destroyed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn destroy(
        &mut self,
        key_set_id: &str,
        reason: &str,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&KeySet, KeyError> {
        let action = KeyAction::Destroy {
            key_set_id: key_set_id.to_owned(),
            reason: reason.to_owned(),
        };
        self.act(actor, at, action)?;
        Ok(&self.sets[self.set_index(key_set_id, "key_set_id")?])
    }

    /// Records a stock-take (monthly 盘点): each set's count against the keys that
    /// should be in the cabinet (its count, less those out on loan); sets not counted
    /// are listed as such.
    ///
    /// # Errors
    /// [`KeyError::UnknownReference`] / [`KeyError::DuplicateId`]
    /// (`counts[i].key_set_id`), [`KeyError::EventOutOfOrder`].
    ///
    /// ```
    /// # let mut reg = estatekit::keys::KeyRegister::example()?;
    /// let err = reg.stock_take(&[("K-NOPE".into(), 1)], "李主管", "2026-11-30T09:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_reference", "counts[0].key_set_id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stock_take(
        &mut self,
        counts: &[(String, u32)],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<&StockTake, KeyError> {
        let counts = counts
            .iter()
            .map(|(id, n)| Count {
                key_set_id: id.clone(),
                counted: *n,
            })
            .collect();
        self.act(actor, at, KeyAction::StockTake { counts })?;
        Ok(self
            .stock_takes
            .last()
            .expect("the stock-take just recorded"))
    }

    /// Reads a register saved by [`KeyRegister::to_json`], replaying its events.
    ///
    /// # Errors
    /// [`KeyError::DocumentTooLarge`], [`KeyError::Json`],
    /// [`KeyError::UnsupportedFormatVersion`], a bad policy, and the first event the
    /// register refuses, its path prefixed with `events[i].`.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// let text = reg.to_json().replace("\"counted\": 2", "\"counted\": 3");
    /// let err = estatekit::keys::KeyRegister::from_json(&text).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("mismatch", "events[3].action.counted"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<KeyRegister, KeyError> {
        crate::json::within_limit(text).map_err(|(size, limit)| KeyError::DocumentTooLarge {
            path: "$".into(),
            size,
            limit,
        })?;
        let doc: Document = crate::json::parse(text).map_err(|f| KeyError::Json {
            path: f.path,
            message: f.message,
        })?;
        if doc.format_version != KEYS_FORMAT_VERSION {
            return Err(KeyError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: doc.format_version,
                supported: KEYS_FORMAT_VERSION,
            });
        }
        let mut reg = KeyRegister::new(&doc.estate_id, doc.policy)?;
        for (i, e) in doc.events.iter().enumerate() {
            reg.apply(e).map_err(|mut err| {
                let p = err.path_slot();
                let field = match (&e.action, p.as_str()) {
                    (_, "at" | "actor") => p.clone(),
                    (KeyAction::Lend { .. }, other) => {
                        format!("action.loan.{}", other.trim_start_matches("loan."))
                    }
                    (_, other) => format!("action.{other}"),
                };
                *p = format!("events[{i}].{field}");
                err
            })?;
        }
        Ok(reg)
    }

    /// The register as pretty JSON: the estate, the policy and the events.
    ///
    /// ```
    /// # let reg = estatekit::keys::KeyRegister::example()?;
    /// assert!(reg.to_json().contains("\"type\": \"lend\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        let doc = Document {
            format_version: KEYS_FORMAT_VERSION,
            estate_id: self.estate_id.clone(),
            policy: self.policy.clone(),
            events: self.events.clone(),
        };
        serde_json::to_string_pretty(&doc).expect("a key register serializes")
    }
}
