//! Key custody on mobile (钥匙管理): the `KeyRegister` object and its records. A thin
//! adapter over `estatekit::keys`: every rule is the core's. Counts cross as `Long`
//! (refused with `out_of_range` when negative), money as `BigDecimal` / `Decimal`,
//! instants as [`Timestamp`](crate::Timestamp).

use std::sync::{Arc, MutexGuard};

use estatekit::keys::{self, Authorisation, KeySetKind, KeyStatus, Party};
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::checkin::Checklist;
use crate::decoration::charge_row;
use crate::receivables::ChargeRow;
use crate::registry::Registry;
use crate::{Estate, EstateKitError, IntoCore, Timestamp, ToMobile};

/// What a key set opens.
#[uniffi::remote(Enum)]
pub enum KeySetKind {
    PublicRoom,
    VacantUnit,
    Entrusted,
}

/// Where a key set is.
#[uniffi::remote(Enum)]
pub enum KeyStatus {
    Received,
    InCustody,
    Out,
    Lost,
    HandedOver,
    Destroyed,
}

/// Who holds keys, as what (a loss by an owner or tenant is charged to the unit; by
/// staff or a contractor, claimed).
#[uniffi::remote(Enum)]
pub enum Party {
    Owner,
    Tenant,
    Staff,
    Contractor,
}

/// Who allowed a loan: a person who may consent for the unit (checked in the occupant
/// registry), or the manager (public rooms; vacant units). Python: the dicts
/// `{"by": "owner", "person_id": ...}` / `{"by": "manager", "name": ...}`.
#[uniffi::remote(Enum)]
pub enum Authorisation {
    Owner { person_id: String },
    Manager { name: String },
}

/// The office's rules for keys: the lock replacement cost (换锁费), days from a loss to
/// its charge's due date, the estate's UTC offset in minutes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeyPolicy {
    /// What replacing a lock costs, unless the key set says otherwise.
    pub lock_replacement: Decimal,
    /// Days from a loss to the due date of its charge.
    #[uniffi(default = 15)]
    pub charge_due_days: i64,
    /// The estate's offset from UTC, in minutes (Beijing: 480).
    #[uniffi(default = 480)]
    pub utc_offset_minutes: i32,
}

impl From<keys::KeyPolicy> for KeyPolicy {
    fn from(p: keys::KeyPolicy) -> Self {
        Self {
            lock_replacement: p.lock_replacement,
            charge_due_days: p.charge_due_days.to_mobile(),
            utc_offset_minutes: p.utc_offset_minutes,
        }
    }
}

impl KeyPolicy {
    fn into_core(self) -> Result<keys::KeyPolicy, EstateKitError> {
        let mut p = keys::KeyPolicy::new(self.lock_replacement);
        p.charge_due_days = self.charge_due_days.into_core("policy.charge_due_days")?;
        p.utc_offset_minutes = self.utc_offset_minutes;
        Ok(p)
    }
}

crate::mirror_record! {
    /// A key set as registered: what it opens, its slot in the cabinet, its keys.
    #[derive(Eq)]
    pub struct KeySetInput mirrors keys::KeySetInput {
        /// The set's id (its tag).
        id: String,
        /// What it opens.
        kind: KeySetKind,
        /// The room or unit, as staff call it.
        name: String,
        /// The unit (a unit's keys), or null.
        #[uniffi(default = None)]
        unit_id: Option<String>,
        /// The slot in the cabinet (钥匙柜位置).
        slot: String,
        /// The keys in the set.
        count: i64,
        /// This lock's replacement cost, when not the policy's.
        #[uniffi(default = None)]
        lock_replacement: Option<Decimal>,
    }
}

crate::mirror_record! {
    /// A loan as requested at the counter; `due` by default the end of the local day.
    #[derive(Eq)]
    pub struct LoanInput mirrors keys::LoanInput {
        /// The loan's id (the register's form number).
        id: String,
        /// The key set.
        key_set_id: String,
        /// Who takes the keys.
        borrower: String,
        /// As what.
        party: Party,
        /// The unit a loss is charged to (by default the key set's unit).
        #[uniffi(default = None)]
        unit_id: Option<String>,
        /// The borrower's identity document was checked (查验证件).
        id_checked: bool,
        /// Who allowed it.
        authorisation: Authorisation,
        /// Why.
        reason: String,
        /// Keys taken.
        count: i64,
        /// When they are due back (null: the end of the local day).
        #[uniffi(default = None)]
        due: Option<Timestamp>,
    }
}

/// A key set and where it is now.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeySet {
    /// The set's id.
    pub id: String,
    /// As registered.
    pub input: KeySetInput,
    /// Where it is.
    pub status: KeyStatus,
    /// The keys it has now (registered, plus duplicates, less losses).
    pub count: i64,
    /// Duplicates cut since the lock was fitted.
    pub duplicates: i64,
    /// The open loan, when out.
    pub loan_id: Option<String>,
    /// Who received it, when handed over.
    pub handed_to: Option<String>,
}

impl From<&keys::KeySet> for KeySet {
    fn from(k: &keys::KeySet) -> Self {
        Self {
            id: k.input.id.clone(),
            input: k.input.clone().into(),
            status: k.status,
            count: k.count.to_mobile(),
            duplicates: k.duplicates.to_mobile(),
            loan_id: k.loan_id.clone(),
            handed_to: k.handed_to.clone(),
        }
    }
}

/// A loan: as requested, when out and back.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Loan {
    /// The loan's id.
    pub id: String,
    /// The key set.
    pub key_set_id: String,
    /// As requested (its `due` filled in).
    pub input: LoanInput,
    /// When the keys went out.
    pub out_at: Timestamp,
    /// Who issued them.
    pub issued_by: String,
    /// When they are due back.
    pub due: Timestamp,
    /// When they came back.
    pub returned_at: Option<Timestamp>,
    /// How many came back.
    pub returned: Option<i64>,
}

impl From<&keys::Loan> for Loan {
    fn from(l: &keys::Loan) -> Self {
        Self {
            id: l.input.id.clone(),
            key_set_id: l.input.key_set_id.clone(),
            input: l.input.clone().into(),
            out_at: l.out_at,
            issued_by: l.issued_by.clone(),
            due: l.due,
            returned_at: l.returned_at,
            returned: l.returned.to_mobile(),
        }
    }
}

/// Keys lost: a lock to replace at the responsible party's cost.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Loss {
    /// `LOSS-1`, `LOSS-2`, … in the order recorded.
    pub id: String,
    /// The key set.
    pub key_set_id: String,
    /// The loan it was lost on (null: lost from the cabinet).
    pub loan_id: Option<String>,
    /// Keys missing.
    pub missing: i64,
    /// Who lost them, as what.
    pub party: Party,
    /// Who lost them.
    pub responsible: String,
    /// The unit charged (an owner's or tenant's loss).
    pub unit_id: Option<String>,
    /// The lock replacement charged or claimed.
    pub amount: Decimal,
    /// When recorded.
    pub at: Timestamp,
    /// When the lock was replaced.
    pub replaced_at: Option<Timestamp>,
    /// A claim against staff or a contractor (not a charge on a unit).
    pub is_claim: bool,
}

impl From<&keys::Loss> for Loss {
    fn from(l: &keys::Loss) -> Self {
        Self {
            id: l.id.clone(),
            key_set_id: l.key_set_id.clone(),
            loan_id: l.loan_id.clone(),
            missing: l.missing.to_mobile(),
            party: l.party,
            responsible: l.responsible.clone(),
            unit_id: l.unit_id.clone(),
            amount: l.amount,
            at: l.at,
            replaced_at: l.replaced_at,
            is_claim: l.is_claim(),
        }
    }
}

/// One key set's line of a stock-take.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StockLine {
    /// The key set.
    pub key_set_id: String,
    /// Its slot.
    pub slot: String,
    /// Keys that should be in the cabinet (less those out on loan).
    pub expected: i64,
    /// Keys counted (null: not counted).
    pub counted: Option<i64>,
    /// Counted − expected (null: not counted).
    pub difference: Option<i64>,
}

impl From<&keys::StockLine> for StockLine {
    fn from(l: &keys::StockLine) -> Self {
        Self {
            key_set_id: l.key_set_id.clone(),
            slot: l.slot.clone(),
            expected: l.expected.to_mobile(),
            counted: l.counted.to_mobile(),
            difference: l.difference,
        }
    }
}

/// A stock-take (盘点): every set that should be in the cabinet, and the differences.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StockTake {
    /// When.
    pub at: Timestamp,
    /// Who counted.
    pub by: String,
    /// One line per set expected in or counted from the cabinet, by set id.
    pub lines: Vec<StockLine>,
    /// The lines whose count differs from the record.
    pub differences: Vec<StockLine>,
    /// The lines not counted.
    pub not_counted: Vec<StockLine>,
}

impl From<&keys::StockTake> for StockTake {
    fn from(s: &keys::StockTake) -> Self {
        Self {
            at: s.at,
            by: s.by.clone(),
            lines: s.lines.iter().map(Into::into).collect(),
            differences: s.differences().map(Into::into).collect(),
            not_counted: s.not_counted().map(Into::into).collect(),
        }
    }
}

/// A set's count in a stock-take (Python: an item of the `counts` dict).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeyCount {
    /// The key set.
    pub key_set_id: String,
    /// Keys found.
    pub counted: i64,
}

crate::json_object! {
    /// The key cabinet of an estate (钥匙管理): key sets (public rooms, vacant units,
    /// units entrusted by owners), loans with identity and authorisation, losses charged
    /// to the responsible party, hand-over at check-in, stock-takes; replayed from its
    /// events, so `toJson` / `fromJson` restore it exactly (thread-safe). Retrying an
    /// operation changes nothing.
    pub struct KeyRegister(mutex keys::KeyRegister);
}

impl KeyRegister {
    fn lock(&self) -> MutexGuard<'_, keys::KeyRegister> {
        // A poisoned lock only means another thread panicked mid-call; the register
        // changes only once an operation has succeeded.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl KeyRegister {
    /// An empty register of the estate `estate_id` under `policy`.
    #[uniffi::constructor]
    pub fn new(estate_id: String, policy: KeyPolicy) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: std::sync::Mutex::new(keys::KeyRegister::new(&estate_id, policy.into_core()?)?),
        }))
    }

    /// The estate's id.
    pub fn estate_id(&self) -> String {
        self.lock().estate_id().to_owned()
    }

    /// The office's rules.
    pub fn policy(&self) -> KeyPolicy {
        self.lock().policy().clone().into()
    }

    /// The number of events recorded.
    pub fn event_count(&self) -> i64 {
        self.lock().events().len().to_mobile()
    }

    /// Every key set, in the order registered.
    pub fn key_sets(&self) -> Vec<KeySet> {
        self.lock().key_sets().iter().map(Into::into).collect()
    }

    /// Every loan, in the order made.
    pub fn loans(&self) -> Vec<Loan> {
        self.lock().loans().iter().map(Into::into).collect()
    }

    /// Every loss, in the order recorded.
    pub fn losses(&self) -> Vec<Loss> {
        self.lock().losses().iter().map(Into::into).collect()
    }

    /// The losses claimed from staff or contractors.
    pub fn claims(&self) -> Vec<Loss> {
        self.lock().claims().into_iter().map(Into::into).collect()
    }

    /// Every stock-take, in order.
    pub fn stock_takes(&self) -> Vec<StockTake> {
        self.lock().stock_takes().iter().map(Into::into).collect()
    }

    /// The key set with this id.
    pub fn key_set(&self, id: String) -> Option<KeySet> {
        self.lock().key_set(&id).map(Into::into)
    }

    /// The loan with this id.
    pub fn loan(&self, id: String) -> Option<Loan> {
        self.lock().loan(&id).map(Into::into)
    }

    /// The loans still out and past their due time at `as_of`.
    pub fn overdue(&self, as_of: Timestamp) -> Vec<Loan> {
        self.lock()
            .overdue(as_of)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The charge of a loss for the unit (for `Receivables.postCharges`: item code
    /// "lock_replacement", reference "LOSS-1/lock_replacement"), or null for a claim or
    /// a loss of nothing; `unknown_reference` at `loss_id`.
    pub fn loss_charge(&self, loss_id: String) -> Result<Option<ChargeRow>, EstateKitError> {
        Ok(self.lock().loss_charge(&loss_id)?.map(charge_row))
    }

    /// Registers a key set of a unit or room of `estate` (a vacant unit's: received;
    /// others: in custody). The same registration again is a retry.
    pub fn register(
        &self,
        estate: Arc<Estate>,
        key_set: KeySetInput,
        actor: String,
        at: Timestamp,
    ) -> Result<KeySet, EstateKitError> {
        let set = key_set.into_core("key_set")?;
        Ok(self.lock().register(&estate.inner, set, &actor, at)?.into())
    }

    /// Counts received keys into the cabinet (`mismatch` at `counted` when the count
    /// differs).
    pub fn take_into_custody(
        &self,
        key_set_id: String,
        counted: i64,
        actor: String,
        at: Timestamp,
    ) -> Result<KeySet, EstateKitError> {
        let counted = counted.into_core("counted")?;
        Ok(self
            .lock()
            .take_into_custody(&key_set_id, counted, &actor, at)?
            .into())
    }

    /// Lends keys. An owner's authorisation for a unit's keys is checked in `registry`
    /// (`no_consent` at `authorisation.person_id` without it or when the person may not
    /// consent); `not_authorised` (a plant room needs a manager, the identity must be
    /// checked), `key_state` (out already). The same loan again is a retry.
    #[uniffi::method(default(registry = None))]
    pub fn lend(
        &self,
        loan: LoanInput,
        registry: Option<Arc<Registry>>,
        actor: String,
        at: Timestamp,
    ) -> Result<Loan, EstateKitError> {
        let loan = loan.into_core("loan")?;
        let held = registry.as_ref().map(|r| r.lock());
        Ok(self.lock().lend(loan, held.as_deref(), &actor, at)?.into())
    }

    /// Keys back from a loan: fewer than lent records a loss (charged to the unit when
    /// an owner or tenant lost them, claimed from staff or a contractor).
    pub fn return_loan(
        &self,
        loan_id: String,
        count: i64,
        actor: String,
        at: Timestamp,
    ) -> Result<Loan, EstateKitError> {
        let count = count.into_core("count")?;
        Ok(self.lock().return_loan(&loan_id, count, &actor, at)?.into())
    }

    /// Keys missing from the cabinet, lost by `responsible` as `party`.
    pub fn report_lost(
        &self,
        key_set_id: String,
        missing: i64,
        party: Party,
        responsible: String,
        actor: String,
        at: Timestamp,
    ) -> Result<Loss, EstateKitError> {
        let missing = missing.into_core("missing")?;
        Ok(self
            .lock()
            .report_lost(&key_set_id, missing, party, &responsible, &actor, at)?
            .into())
    }

    /// A new lock fitted with `count` keys: the set's open losses are settled.
    pub fn replace_lock(
        &self,
        key_set_id: String,
        count: i64,
        actor: String,
        at: Timestamp,
    ) -> Result<KeySet, EstateKitError> {
        let count = count.into_core("count")?;
        Ok(self
            .lock()
            .replace_lock(&key_set_id, count, &actor, at)?
            .into())
    }

    /// Duplicates cut (配钥匙).
    pub fn add_duplicates(
        &self,
        key_set_id: String,
        count: i64,
        actor: String,
        at: Timestamp,
    ) -> Result<KeySet, EstateKitError> {
        let count = count.into_core("count")?;
        Ok(self
            .lock()
            .add_duplicates(&key_set_id, count, &actor, at)?
            .into())
    }

    /// A vacant unit's keys handed to its owner by `checklist`'s key-handover item,
    /// whose count must match the set's (`mismatch` at `keys`).
    pub fn hand_over(
        &self,
        key_set_id: String,
        checklist: Arc<Checklist>,
        actor: String,
        at: Timestamp,
    ) -> Result<KeySet, EstateKitError> {
        let c = checklist.lock();
        Ok(self.lock().hand_over(&key_set_id, &c, &actor, at)?.into())
    }

    /// A set retired.
    pub fn destroy(
        &self,
        key_set_id: String,
        reason: String,
        actor: String,
        at: Timestamp,
    ) -> Result<KeySet, EstateKitError> {
        Ok(self
            .lock()
            .destroy(&key_set_id, &reason, &actor, at)?
            .into())
    }

    /// A stock-take of `counts`: one line per set expected in or counted from the
    /// cabinet.
    pub fn stock_take(
        &self,
        counts: Vec<KeyCount>,
        actor: String,
        at: Timestamp,
    ) -> Result<StockTake, EstateKitError> {
        let counts = counts
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                Ok((
                    c.key_set_id,
                    c.counted.into_core(&format!("counts[{i}].counted"))?,
                ))
            })
            .collect::<Result<Vec<(String, u32)>, EstateKitError>>()?;
        Ok(self.lock().stock_take(&counts, &actor, at)?.into())
    }
}
