//! `estatekit.KeyRegister` and the records of key custody (钥匙管理): a thin adapter
//! over `estatekit::keys`.
//!
//! Enums are their wire names (`"public_room"`, `"in_custody"`, `"owner"`); money is
//! `decimal.Decimal`; instants (`at`, `as_of`, `due`) are timezone-aware
//! `datetime.datetime` values (naive ones are refused), returned in UTC. Errors are the
//! core's, with its code and path: a key set or loan in a state that does not allow the
//! operation (`key_state`), a loan not authorised (`not_authorised`, `no_consent`) and
//! an event out of order are a `StateError`, anything else a `ValidationError`.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use estatekit::keys::{
    self, Authorisation, KeyError, KeyPolicy, KeyRegister, KeySetInput, KeySetKind, LoanInput,
    Party,
};
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use rust_decimal::Decimal;

use crate::checkin::PyChecklist;
use crate::decoration::charge_row_dict;
use crate::estate::PyEstate;
use crate::record::{json_document, locked_getters, record, register, shared_eq, wrap_all};
use crate::registry::PyRegistry;
use crate::shared::Shared;
use crate::{decimal_arg, to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(
        m: PyKeyPolicy, PyKeySetInput, PyLoanInput, PyKeySet, PyLoan, PyLoss, PyStockLine,
           PyStockTake, PyKeyRegister
    )
}

/// Parses a wire name of a keys enum, naming `path` on failure (`unknown_value`).
fn enum_arg<T: FromStr<Err = KeyError>>(value: &str, path: &str) -> PyResult<T> {
    T::from_str(value).map_err(|e| {
        let (code, reason) = match &e {
            KeyError::InvalidField { code, reason, .. } => (*code, reason.clone()),
            other => (other.code(), other.to_string()),
        };
        validation_error(code, path, format!("{path}: {reason}"))
    })
}

fn text_of(v: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
    v.cast::<PyString>()
        .map_err(|_| validation_error("wrong_type", path, format!("{path}: expected str")))?
        .to_str()
        .map(str::to_owned)
        .map_err(|_| {
            validation_error(
                "invalid_text",
                path,
                format!("{path}: the text is not valid Unicode"),
            )
        })
}

/// `{"by": "owner", "person_id": ...}` or `{"by": "manager", "name": ...}`.
fn authorisation_arg(obj: &Bound<'_, PyAny>) -> PyResult<Authorisation> {
    let path = "authorisation";
    let d = obj.cast::<PyDict>().map_err(|_| {
        validation_error(
            "wrong_type",
            path,
            format!("{path}: expected a dict with \"by\" (\"owner\" or \"manager\")"),
        )
    })?;
    let field = |name: &str| -> PyResult<String> {
        let p = format!("{path}.{name}");
        match d.get_item(name)?.filter(|v| !v.is_none()) {
            Some(v) => text_of(&v, &p),
            None => Err(validation_error(
                "missing_value",
                &p,
                format!("{p}: missing"),
            )),
        }
    };
    let by = field("by")?;
    let (auth, other) = match by.as_str() {
        "owner" => (
            Authorisation::Owner {
                person_id: field("person_id")?,
            },
            "person_id",
        ),
        "manager" => (
            Authorisation::Manager {
                name: field("name")?,
            },
            "name",
        ),
        _ => {
            return Err(validation_error(
                "unknown_value",
                "authorisation.by",
                format!("authorisation.by: unknown value {by:?}; expected owner or manager"),
            ));
        }
    };
    for key in d.keys() {
        let key = key.to_string();
        if key != "by" && key != other {
            return Err(validation_error(
                "unknown_value",
                &format!("{path}.{key}"),
                format!("{path}.{key}: not a field of a {by}'s authorisation"),
            ));
        }
    }
    Ok(auth)
}

fn authorisation_dict<'py>(py: Python<'py>, a: &Authorisation) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match a {
        Authorisation::Owner { person_id } => {
            d.set_item("by", "owner")?;
            d.set_item("person_id", person_id)?;
        }
        Authorisation::Manager { name } => {
            d.set_item("by", "manager")?;
            d.set_item("name", name)?;
        }
    }
    Ok(d)
}

record! {
    /// The office's rules for keys: the lock replacement cost (换锁费), days from a
    /// loss to its charge's due date, the estate's UTC offset in minutes.
    pub(crate) struct PyKeyPolicy("KeyPolicy", eq) { inner: KeyPolicy }
    repr(lock_replacement, charge_due_days, utc_offset_minutes);
    |p| {
        /// What replacing a lock costs, unless the key set says otherwise.
        lock_replacement: Decimal,
        /// Days from a loss to the due date of its charge.
        charge_due_days: u32,
        /// The estate's offset from UTC, in minutes (local days and due times).
        utc_offset_minutes: i32,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyKeyPolicy {
    /// A policy with this lock replacement cost; charges due in 15 days, Beijing time
    /// (480) unless given.
    #[new]
    #[pyo3(signature = (lock_replacement, *, charge_due_days = 15, utc_offset_minutes = 480))]
    fn new(
        lock_replacement: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::int)] charge_due_days: u32,
        #[pyo3(from_py_with = crate::args::int)] utc_offset_minutes: i32,
    ) -> PyResult<Self> {
        let mut p = KeyPolicy::new(decimal_arg(lock_replacement, "lock_replacement")?);
        p.charge_due_days = charge_due_days;
        p.utc_offset_minutes = utc_offset_minutes;
        Ok(Self { inner: p })
    }
}

record! {
    /// A key set as registered: what it opens, its slot in the cabinet, its keys.
    pub(crate) struct PyKeySetInput("KeySetInput", eq) { inner: KeySetInput }
    repr(id, kind, name, slot, count);
    |k| {
        /// The set's id (its tag).
        id: String,
        /// "public_room", "vacant_unit" or "entrusted".
        kind: &'static str = k.kind.as_str(),
        /// The room or unit, as staff call it.
        name: String,
        /// The unit (a unit's keys), or None.
        unit_id: Option<String>,
        /// The slot in the cabinet (钥匙柜位置).
        slot: String,
        /// The keys in the set.
        count: u32,
        /// This lock's replacement cost, when not the policy's.
        lock_replacement: Option<Decimal>,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyKeySetInput {
    /// A key set of `kind` ("public_room", "vacant_unit", "entrusted"); `unit_id` for
    /// a unit's keys.
    #[new]
    #[pyo3(signature = (id, kind, name, slot, count, *, unit_id = None, lock_replacement = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] id: String,
        #[pyo3(from_py_with = crate::args::str_ref)] kind: &str,
        #[pyo3(from_py_with = crate::args::text)] name: String,
        #[pyo3(from_py_with = crate::args::text)] slot: String,
        #[pyo3(from_py_with = crate::args::int)] count: u32,
        #[pyo3(from_py_with = crate::args::opt_text)] unit_id: Option<String>,
        lock_replacement: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let kind: KeySetKind = enum_arg(kind, "kind")?;
        let mut k = KeySetInput::new(&id, kind, &name, &slot, count);
        k.unit_id = unit_id;
        k.lock_replacement = lock_replacement
            .filter(|a| !a.is_none())
            .map(|a| decimal_arg(a, "lock_replacement"))
            .transpose()?;
        Ok(Self { inner: k })
    }
}

record! {
    /// A loan as requested at the counter.
    pub(crate) struct PyLoanInput("LoanInput", eq) { inner: LoanInput }
    repr(id, key_set_id, borrower, count);
    |l| {
        /// The loan's id (the register's form number).
        id: String,
        /// The key set.
        key_set_id: String,
        /// Who takes the keys.
        borrower: String,
        /// "owner", "tenant", "staff" or "contractor".
        party: &'static str = l.party.as_str(),
        /// The unit a loss is charged to (by default the key set's unit).
        unit_id: Option<String>,
        /// The borrower's identity document was checked (查验证件).
        id_checked: bool,
        /// Why.
        reason: String,
        /// Keys taken.
        count: u32,
        /// When they are due back (None: the end of the local day).
        due: Option<DateTime<Utc>>,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyLoanInput {
    /// A loan: `party` "owner" | "tenant" | "staff" | "contractor"; `authorisation`
    /// `{"by": "owner", "person_id": ...}` (a unit's keys: checked in the occupant
    /// registry) or `{"by": "manager", "name": ...}` (public rooms, vacant units);
    /// `due` by default the end of the local day.
    #[new]
    #[pyo3(signature = (id, key_set_id, borrower, party, authorisation, reason, count, *, id_checked, unit_id = None, due = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = crate::args::text)] id: String,
        #[pyo3(from_py_with = crate::args::text)] key_set_id: String,
        #[pyo3(from_py_with = crate::args::text)] borrower: String,
        #[pyo3(from_py_with = crate::args::str_ref)] party: &str,
        authorisation: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::text)] reason: String,
        #[pyo3(from_py_with = crate::args::int)] count: u32,
        id_checked: bool,
        #[pyo3(from_py_with = crate::args::opt_text)] unit_id: Option<String>,
        due: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let party: Party = enum_arg(party, "party")?;
        let due = due
            .filter(|d| !d.is_none())
            .map(crate::args::instant)
            .transpose()?;
        Ok(Self {
            inner: LoanInput {
                id,
                key_set_id,
                borrower,
                party,
                unit_id,
                id_checked,
                authorisation: authorisation_arg(authorisation)?,
                reason,
                count,
                due,
            },
        })
    }
    /// `{"by": "owner", "person_id": ...}` or `{"by": "manager", "name": ...}`.
    #[getter]
    fn authorisation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        authorisation_dict(py, &self.inner.authorisation)
    }
}

record! {
    /// A key set and where it is now.
    pub(crate) struct PyKeySet("KeySet", eq) { inner: keys::KeySet }
    repr(id, status, count, loan_id);
    |k| {
        /// The set's id.
        id: String = k.input.id.clone(),
        /// As registered.
        input: PyKeySetInput = k.input.clone().into(),
        /// "received", "in_custody", "out", "lost", "handed_over" or "destroyed".
        status: &'static str = k.status.as_str(),
        /// The keys it has now (registered, plus duplicates, less losses).
        count: u32,
        /// Duplicates cut since the lock was fitted.
        duplicates: u32,
        /// The open loan, when out.
        loan_id: Option<String>,
        /// Who received it, when handed over.
        handed_to: Option<String>,
    }
}

record! {
    /// A loan: as requested, when out and back.
    pub(crate) struct PyLoan("Loan", eq) { inner: keys::Loan }
    repr(id, key_set_id, due, returned);
    |l| {
        /// The loan's id.
        id: String = l.input.id.clone(),
        /// The key set.
        key_set_id: String = l.input.key_set_id.clone(),
        /// As requested (its `due` filled in).
        input: PyLoanInput = l.input.clone().into(),
        /// When the keys went out (UTC).
        out_at: DateTime<Utc>,
        /// Who issued them.
        issued_by: String,
        /// When they are due back (UTC).
        due: DateTime<Utc>,
        /// When they came back.
        returned_at: Option<DateTime<Utc>>,
        /// How many came back.
        returned: Option<u32>,
    }
}

record! {
    /// Keys lost: a lock to replace at the responsible party's cost.
    pub(crate) struct PyLoss("Loss", eq) { inner: keys::Loss }
    repr(id, key_set_id, missing, party, amount);
    |l| {
        /// `LOSS-1`, `LOSS-2`, … in the order recorded.
        id: String,
        /// The key set.
        key_set_id: String,
        /// The loan it was lost on (None: lost from the cabinet).
        loan_id: Option<String>,
        /// Keys missing.
        missing: u32,
        /// "owner", "tenant", "staff" or "contractor".
        party: &'static str = l.party.as_str(),
        /// Who lost them.
        responsible: String,
        /// The unit charged (an owner's or tenant's loss).
        unit_id: Option<String>,
        /// The lock replacement charged or claimed.
        amount: Decimal,
        /// When recorded (UTC).
        at: DateTime<Utc>,
        /// When the lock was replaced.
        replaced_at: Option<DateTime<Utc>>,
        /// A claim against staff or a contractor (not a charge on a unit).
        is_claim: bool = l.is_claim(),
    }
}

record! {
    /// One key set's line of a stock-take.
    pub(crate) struct PyStockLine("StockLine", eq) { inner: keys::StockLine }
    repr(key_set_id, expected, counted, difference);
    |l| {
        /// The key set.
        key_set_id: String,
        /// Its slot.
        slot: String,
        /// Keys that should be in the cabinet (less those out on loan).
        expected: u32,
        /// Keys counted (None: not counted).
        counted: Option<u32>,
        /// Counted − expected (None: not counted).
        difference: Option<i64>,
    }
}

record! {
    /// A stock-take (盘点): every set that should be in the cabinet, and the differences.
    pub(crate) struct PyStockTake("StockTake", eq) { inner: keys::StockTake }
    repr(at, by);
    |s| {
        /// When (UTC).
        at: DateTime<Utc>,
        /// Who counted.
        by: String,
        /// One line per set expected in or counted from the cabinet, by set id.
        lines: Vec<PyStockLine> = wrap_all(&s.lines),
        /// The lines whose count differs from the record.
        differences: Vec<PyStockLine> = s.differences().cloned().map(Into::into).collect(),
        /// The lines not counted.
        not_counted: Vec<PyStockLine> = s.not_counted().cloned().map(Into::into).collect(),
    }
}

/// The key cabinet of an estate (钥匙管理): key sets (public rooms, vacant units, units
/// entrusted by owners), loans with identity and authorisation, losses charged to the
/// responsible party, hand-over at check-in, stock-takes; replayed from its events, so
/// its JSON restores exactly. Retrying an operation changes nothing.
#[pyclass(frozen, module = "estatekit", name = "KeyRegister")]
pub(crate) struct PyKeyRegister {
    inner: Shared<KeyRegister>,
}

impl PyKeyRegister {
    fn wrap(inner: KeyRegister) -> Self {
        Self {
            inner: Shared::new("KeyRegister", inner),
        }
    }
}

json_document! {
    /// Reads a saved register, replaying its events; errors name the first bad event
    /// (`events[4].action.loan.id_checked`).
    PyKeyRegister: KeyRegister, shared
}

shared_eq! {
    PyKeyRegister |a, b| a == b
}

locked_getters!(PyKeyRegister |r| {
    /// The estate's id.
    estate_id: String = r.estate_id().to_owned(),
    /// The office's rules.
    policy: PyKeyPolicy = r.policy().clone().into(),
    /// The number of events recorded.
    event_count: usize = r.events().len(),
    /// Every key set, in the order registered.
    key_sets: Vec<PyKeySet> = wrap_all(r.key_sets()),
    /// Every loan, in the order made.
    loans: Vec<PyLoan> = wrap_all(r.loans()),
    /// Every loss, in the order recorded.
    losses: Vec<PyLoss> = wrap_all(r.losses()),
    /// The losses claimed from staff or contractors.
    claims: Vec<PyLoss> = r.claims().into_iter().cloned().map(Into::into).collect(),
    /// Every stock-take, in order.
    stock_takes: Vec<PyStockTake> = wrap_all(r.stock_takes()),
});

#[guard(crate::panic_guard)]
#[pymethods]
impl PyKeyRegister {
    /// An empty register of the estate `estate_id` under `policy`.
    #[new]
    fn new(
        #[pyo3(from_py_with = crate::args::str_ref)] estate_id: &str,
        policy: PyRef<'_, PyKeyPolicy>,
    ) -> PyResult<Self> {
        KeyRegister::new(estate_id, policy.inner.clone())
            .map(Self::wrap)
            .map_err(to_py)
    }
    /// The key set with this id, or None.
    fn key_set(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
    ) -> PyResult<Option<PyKeySet>> {
        Ok(self.inner.lock()?.key_set(id).cloned().map(Into::into))
    }
    /// The loan with this id, or None.
    fn loan(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
    ) -> PyResult<Option<PyLoan>> {
        Ok(self.inner.lock()?.loan(id).cloned().map(Into::into))
    }
    /// The loans still out and past their due time at `as_of`.
    fn overdue(
        &self,
        #[pyo3(from_py_with = crate::args::instant)] as_of: DateTime<Utc>,
    ) -> PyResult<Vec<PyLoan>> {
        Ok(self
            .inner
            .lock()?
            .overdue(as_of)
            .into_iter()
            .cloned()
            .map(Into::into)
            .collect())
    }
    /// The charge of a loss for the unit (the dict `Receivables.post_charges` reads,
    /// item code "lock_replacement", reference "LOSS-1/lock_replacement"), or None for a
    /// claim or a loss of nothing. ValidationError `unknown_reference` at `loss_id`.
    fn loss_charge<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] loss_id: &str,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let row = self.inner.lock()?.loss_charge(loss_id).map_err(to_py)?;
        row.map(|r| charge_row_dict(py, &r)).transpose()
    }
    /// Registers a key set of a unit or room of `estate` (a vacant unit's: received;
    /// others: in custody). The same registration again is a retry.
    #[pyo3(signature = (estate, key_set, *, actor, at))]
    fn register(
        &self,
        estate: PyRef<'_, PyEstate>,
        key_set: PyRef<'_, PyKeySetInput>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyKeySet> {
        let set = key_set.inner.clone();
        let mut r = self.inner.lock()?;
        r.register(&estate.inner, set, actor, at)
            .map(|k| k.clone().into())
            .map_err(to_py)
    }
    /// Counts received keys into the cabinet (`mismatch` at `counted` when the count
    /// differs).
    #[pyo3(signature = (key_set_id, counted, *, actor, at))]
    fn take_into_custody(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] key_set_id: &str,
        #[pyo3(from_py_with = crate::args::int)] counted: u32,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyKeySet> {
        let mut r = self.inner.lock()?;
        r.take_into_custody(key_set_id, counted, actor, at)
            .map(|k| k.clone().into())
            .map_err(to_py)
    }
    /// Lends keys. An owner's authorisation for a unit's keys is checked in `registry`
    /// (StateError `no_consent` at `authorisation.person_id` without it or when the
    /// person may not consent); `not_authorised` (a plant room needs a manager, the
    /// identity must be checked), `key_state` (out already). The same loan again is a
    /// retry.
    #[pyo3(signature = (loan, registry = None, *, actor, at))]
    fn lend(
        &self,
        loan: PyRef<'_, PyLoanInput>,
        registry: Option<PyRef<'_, PyRegistry>>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyLoan> {
        let loan = loan.inner.clone();
        let held = registry.as_ref().map(|r| r.inner.lock()).transpose()?;
        let mut r = self.inner.lock()?;
        r.lend(loan, held.as_deref(), actor, at)
            .map(|l| l.clone().into())
            .map_err(to_py)
    }
    /// Keys back from a loan: fewer than lent records a loss (charged to the unit when
    /// an owner or tenant lost them, claimed from staff or a contractor).
    #[pyo3(signature = (loan_id, count, *, actor, at))]
    fn return_loan(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] loan_id: &str,
        #[pyo3(from_py_with = crate::args::int)] count: u32,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyLoan> {
        let mut r = self.inner.lock()?;
        r.return_loan(loan_id, count, actor, at)
            .map(|l| l.clone().into())
            .map_err(to_py)
    }
    /// Keys missing from the cabinet, lost by `responsible` as `party`.
    #[pyo3(signature = (key_set_id, missing, party, responsible, *, actor, at))]
    #[allow(clippy::too_many_arguments)]
    fn report_lost(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] key_set_id: &str,
        #[pyo3(from_py_with = crate::args::int)] missing: u32,
        #[pyo3(from_py_with = crate::args::str_ref)] party: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] responsible: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyLoss> {
        let party: Party = enum_arg(party, "party")?;
        let mut r = self.inner.lock()?;
        r.report_lost(key_set_id, missing, party, responsible, actor, at)
            .map(|l| l.clone().into())
            .map_err(to_py)
    }
    /// A new lock fitted with `count` keys: the set's open losses are settled.
    #[pyo3(signature = (key_set_id, count, *, actor, at))]
    fn replace_lock(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] key_set_id: &str,
        #[pyo3(from_py_with = crate::args::int)] count: u32,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyKeySet> {
        let mut r = self.inner.lock()?;
        r.replace_lock(key_set_id, count, actor, at)
            .map(|k| k.clone().into())
            .map_err(to_py)
    }
    /// Duplicates cut (配钥匙).
    #[pyo3(signature = (key_set_id, count, *, actor, at))]
    fn add_duplicates(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] key_set_id: &str,
        #[pyo3(from_py_with = crate::args::int)] count: u32,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyKeySet> {
        let mut r = self.inner.lock()?;
        r.add_duplicates(key_set_id, count, actor, at)
            .map(|k| k.clone().into())
            .map_err(to_py)
    }
    /// A vacant unit's keys handed to its owner by `checklist`'s key-handover item,
    /// whose count must match the set's (`mismatch` at `keys`).
    #[pyo3(signature = (key_set_id, checklist, *, actor, at))]
    fn hand_over(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] key_set_id: &str,
        checklist: PyRef<'_, PyChecklist>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyKeySet> {
        let c = checklist.inner.lock()?;
        let mut r = self.inner.lock()?;
        r.hand_over(key_set_id, &c, actor, at)
            .map(|k| k.clone().into())
            .map_err(to_py)
    }
    /// A set retired.
    #[pyo3(signature = (key_set_id, reason, *, actor, at))]
    fn destroy(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] key_set_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyKeySet> {
        let mut r = self.inner.lock()?;
        r.destroy(key_set_id, reason, actor, at)
            .map(|k| k.clone().into())
            .map_err(to_py)
    }
    /// A stock-take of `counts` (key set id → keys found): one line per set expected in
    /// or counted from the cabinet.
    #[pyo3(signature = (counts, *, actor, at))]
    fn stock_take(
        &self,
        counts: &Bound<'_, PyDict>,
        #[pyo3(from_py_with = crate::args::str_ref)] actor: &str,
        #[pyo3(from_py_with = crate::args::instant)] at: DateTime<Utc>,
    ) -> PyResult<PyStockTake> {
        let mut list = Vec::with_capacity(counts.len());
        for (k, v) in counts.iter() {
            let id = text_of(&k, "counts")?;
            let n: u32 = crate::args::int(&v)?;
            list.push((id, n));
        }
        let mut r = self.inner.lock()?;
        r.stock_take(&list, actor, at)
            .map(|s| s.clone().into())
            .map_err(to_py)
    }
    fn __repr__(&self) -> PyResult<String> {
        let r = self.inner.lock()?;
        Ok(format!(
            "KeyRegister(estate_id={:?}, key_sets={}, loans={}, losses={})",
            r.estate_id(),
            r.key_sets().len(),
            r.loans().len(),
            r.losses().len()
        ))
    }
}
