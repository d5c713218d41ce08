//! The fee engine in Python: `late_penalty`, `late_penalties`, `prorate`,
//! `pooled_split`, `FeeSchedule`, `bill_estate` → `BillingRun`, `Ledger`.

use estatekit_ffi_guard::guard;

use crate::arrow::PyArrowTable;
use std::str::FromStr;

use chrono::NaiveDate;
use estatekit::estate::ReadingUpdate;
use estatekit::fees::billing::{
    self, Bill, BillLine, BillRecord, BillingException, BillingInputs, BillingPeriod,
    MeterChangeInput, PoolSummary, PooledAmount, ReadingInput,
};
use estatekit::fees::calc::{
    self, CountFrom, DayCount, LateCharge, LateFee, MeterChange, OneOffFee, PenaltyCap,
};
use estatekit::fees::ledger::{self, ChargeInput, PaymentOrder};
use estatekit::fees::pooled::{self, Basis, BasisWeight, PoolField, PoolUnit, SplitMethod};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::fees::{FeeError, calc::PenaltyPolicy};
use estatekit::i18n::Lang;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping};
use rust_decimal::Decimal;

use crate::estate::PyEstate;
use crate::record::{
    dict_lists, dict_record, dict_views, dicts, json_document, locked_getters, record, register,
    shared_eq,
};
use crate::shared::Shared;
use crate::{date_arg, decimal_arg, opt, policy_arg, to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(
        m: PyPenaltyPolicy, PyOneOffFee, PyLateFee, PyLateCharge, PyFeeSchedule,
           PyBillingRun, PyBill, PyBillLine, PyPoolSummary, PyLedger, PyPayment,
           PyArrears, PyPenaltyBatch;
        late_penalty, late_charge, late_penalties, prorate, pooled_split, bill_estate
    )
}

fn fee_err(e: FeeError) -> PyErr {
    to_py(e)
}

pub(crate) fn lang_arg(lang: &str) -> PyResult<Lang> {
    lang.parse::<Lang>().map_err(to_py)
}

fn penalty_policy(
    daily_rate: Decimal,
    grace_days: i64,
    cap: Option<&Bound<'_, PyAny>>,
    cap_amount: Option<&Bound<'_, PyAny>>,
    count_from: &str,
    min_balance: Option<&Bound<'_, PyAny>>,
    allow_high_rate: bool,
) -> PyResult<PenaltyPolicy> {
    let grace_days = u32::try_from(grace_days).map_err(|_| {
        validation_error(
            "negative",
            "grace_days",
            format!("grace_days: must not be negative, got {grace_days}"),
        )
    })?;
    let cap = PenaltyCap::from_options(
        opt(cap, "cap", decimal_arg)?,
        opt(cap_amount, "cap_amount", decimal_arg)?,
    )
    .map_err(fee_err)?;
    let policy = PenaltyPolicy {
        daily_rate,
        grace_days,
        count_from: CountFrom::from_str(count_from).map_err(fee_err)?,
        cap,
        min_balance: opt(min_balance, "min_balance", decimal_arg)?,
        allow_high_rate,
    };
    policy.validate().map_err(fee_err)?;
    Ok(policy)
}

/// A function of the simple daily-rate penalty (`late_penalty`, `late_penalties`,
/// `Arrears.late_penalties`): its own arguments, then the keyword-only `daily_rate,
/// grace_days = 0, cap = None, cap_amount = None, count_from = "due", scale = 2,
/// rounding = "half_up"`,
/// read into the names given between the bars (the `PenaltyPolicy` and the
/// `RoundingPolicy`). `impl Type =>` makes it a method of `Type`.
macro_rules! simple_penalty {
    (@wrap [] $($item:tt)*) => {
        $($item)*
    };
    (@wrap [$ty:ty] $($item:tt)*) => {
        #[guard(crate::panic_guard)]
        #[pymethods]
        impl $ty {
            $($item)*
        }
    };
    (
        $(impl $ty:ty =>)?
        $(#[$meta:meta])*
        fn $name:ident($($arg:tt)*) [$($sig:ident),*] -> $ret:ty
        |$policy:ident, $rounding:ident, $threads:ident| $body:block
    ) => {
        simple_penalty!(@wrap [$($ty)?]
            $(#[$meta])*
            #[pyo3(signature = ($($sig,)* *, daily_rate, grace_days = 0, cap = None, cap_amount = None, count_from = "due", scale = 2, rounding = "half_up", threads = None))]
            #[allow(clippy::too_many_arguments)]
            fn $name(
                $($arg)*
                daily_rate: &Bound<'_, PyAny>,
                #[pyo3(from_py_with = crate::args::int)] grace_days: i64,
                cap: Option<&Bound<'_, PyAny>>,
                cap_amount: Option<&Bound<'_, PyAny>>,
                #[pyo3(from_py_with = crate::args::str_ref)] count_from: &str,
                #[pyo3(from_py_with = crate::args::int)] scale: i64,
                #[pyo3(from_py_with = crate::args::str_ref)] rounding: &str,
                #[pyo3(from_py_with = crate::args::threads)] threads: Option<u32>,
            ) -> PyResult<$ret> {
                let $threads = crate::args::core_threads(threads);
                let daily_rate = decimal_arg(daily_rate, "daily_rate")?;
                let $policy = penalty_policy(daily_rate, grace_days, cap, cap_amount, count_from, None, false)?;
                let $rounding = policy_arg(scale, rounding)?;
                $body
            }
        );
    };
}

/// Late penalty on `principal` due on `due`, as of `as_of`: a daily rate, a yearly
/// rate (a fraction, counted by day on 365), or both; `round_daily` rounds the daily
/// amount before multiplying by the days.
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (principal, due, as_of, *, daily_rate = None, annual_rate = None, grace_days = 0, cap = None, cap_amount = None, count_from = "due", round_daily = false, scale = 2, rounding = "half_up"))]
#[allow(clippy::too_many_arguments)]
fn late_penalty(
    principal: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::args::date)] due: NaiveDate,
    #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
    daily_rate: Option<&Bound<'_, PyAny>>,
    annual_rate: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = crate::args::int)] grace_days: i64,
    cap: Option<&Bound<'_, PyAny>>,
    cap_amount: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = crate::args::str_ref)] count_from: &str,
    round_daily: bool,
    #[pyo3(from_py_with = crate::args::int)] scale: i64,
    #[pyo3(from_py_with = crate::args::str_ref)] rounding: &str,
) -> PyResult<Decimal> {
    let principal = decimal_arg(principal, "principal")?;
    let annual = opt(annual_rate, "annual_rate", decimal_arg)?;
    let daily = opt(daily_rate, "daily_rate", decimal_arg)?;
    if daily.is_none() && annual.is_none() {
        return Err(validation_error(
            "missing_value",
            "daily_rate",
            "daily_rate: give daily_rate, annual_rate or both".into(),
        ));
    }
    let daily = daily.unwrap_or(Decimal::ZERO);
    let policy = penalty_policy(daily, grace_days, cap, cap_amount, count_from, None, false)?;
    let rounding = policy_arg(scale, rounding)?;
    calc::late_penalty_with(
        principal,
        due,
        as_of,
        &policy,
        annual,
        round_daily,
        &rounding,
    )
    .map_err(fee_err)
}

fn overdue_pairs(items: &Bound<'_, PyAny>) -> PyResult<Vec<(Decimal, NaiveDate)>> {
    let mut parsed = Vec::with_capacity(items.len().unwrap_or(0));
    for (i, item) in items.try_iter()?.enumerate() {
        let item = item?;
        let (p, due): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract().map_err(|_| {
            validation_error(
                "wrong_type",
                &format!("items[{i}]"),
                format!("items[{i}]: expected a (principal, due date) pair"),
            )
        })?;
        parsed.push((
            decimal_arg(&p, &format!("items[{i}].principal"))?,
            date_arg(&due, &format!("items[{i}].due"))?,
        ));
    }
    Ok(parsed)
}

/// Overdue items held in Rust: load once, compute penalties as of any date in one call.
#[pyclass(frozen, module = "estatekit", name = "Arrears")]
pub(crate) struct PyArrears {
    items: Vec<(Decimal, NaiveDate)>,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyArrears {
    #[new]
    fn new(items: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            items: overdue_pairs(items)?,
        })
    }
    fn __len__(&self) -> usize {
        self.items.len()
    }
    fn __repr__(&self) -> String {
        format!("Arrears(items={})", self.items.len())
    }
}

simple_penalty! {
    impl PyArrears =>
    /// The penalty of every item as of `as_of` (see `late_penalty`), in one call,
    /// on `threads` threads (None: every core; 1: the caller's thread only), the GIL
    /// released: the same result whatever the count.
    fn late_penalties(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
    ) [as_of] -> PyPenaltyBatch
    |policy, rounding, threads| {
        let batch = py
            .detach(|| {
                calc::late_penalty_batch_threads(&self.items, as_of, &policy, &rounding, threads)
            })
            .map_err(fee_err)?;
        let total = batch.total().map_err(fee_err)?;
        Ok(PyPenaltyBatch {
            inner: batch,
            total,
        })
    }
}

record! {
    /// Penalties of a set of arrears: the total, and each item's amount on demand.
    pub(crate) struct PyPenaltyBatch("PenaltyBatch") { inner: calc::PenaltyBatch, total: Decimal }
    repr(total);
    |b| {
        /// Each item's penalty, in item order.
        amounts: Vec<Decimal> = b.to_vec(),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPenaltyBatch {
    /// Sum of the penalties.
    #[getter]
    fn total(&self) -> Decimal {
        self.total
    }
    fn __len__(&self) -> usize {
        self.inner.len()
    }
    /// The penalties as an Arrow table: index (the item's position) and penalty
    /// (decimal128 at the batch's scale).
    fn to_arrow(&self) -> PyResult<PyArrowTable> {
        PyArrowTable::of(estatekit::arrow::penalties(&self.inner))
    }
}

simple_penalty! {
    /// Late penalties of many `(principal, due)` items as of one date, in one call, on
    /// `threads` threads (None: every core; 1: the caller's thread only), the GIL
    /// released: the same result whatever the count.
    #[guard(crate::panic_guard)]
    #[pyfunction]
    fn late_penalties(
        py: Python<'_>,
        items: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
    ) [items, as_of] -> Vec<Decimal>
    |policy, rounding, threads| {
        let parsed = overdue_pairs(items)?;
        py.detach(|| {
            if estatekit::parallel::resolve(threads) == 1 {
                calc::late_penalties(&parsed, as_of, &policy, &rounding)
            } else {
                calc::late_penalty_batch_threads(&parsed, as_of, &policy, &rounding, threads)
                    .map(|b| b.to_vec())
            }
        })
        .map_err(fee_err)
    }
}

/// `amount × service days ÷ period days` (all ranges inclusive), rounded.
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (amount, period_start, period_end, service_start, service_end, *, convention = "actual", scale = 2, rounding = "half_up"))]
#[allow(clippy::too_many_arguments)]
fn prorate(
    amount: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::args::date)] period_start: NaiveDate,
    #[pyo3(from_py_with = crate::args::date)] period_end: NaiveDate,
    #[pyo3(from_py_with = crate::args::date)] service_start: NaiveDate,
    #[pyo3(from_py_with = crate::args::date)] service_end: NaiveDate,
    #[pyo3(from_py_with = crate::args::str_ref)] convention: &str,
    #[pyo3(from_py_with = crate::args::int)] scale: i64,
    #[pyo3(from_py_with = crate::args::str_ref)] rounding: &str,
) -> PyResult<Decimal> {
    let conv = DayCount::from_str(convention).map_err(fee_err)?;
    let amount = decimal_arg(amount, "amount")?;
    calc::prorate(
        amount,
        period_start,
        period_end,
        service_start,
        service_end,
        conv,
        &policy_arg(scale, rounding)?,
    )
    .map_err(fee_err)
}

fn split_method(method: &str, weights: Option<&Bound<'_, PyAny>>) -> PyResult<SplitMethod> {
    if method == "hybrid" {
        let weights = weights.ok_or_else(|| {
            validation_error(
                "missing_value",
                "weights",
                "weights: a hybrid split needs weights, e.g. {\"area\": Decimal(\"0.5\")}".into(),
            )
        })?;
        let mapping = weights.cast::<PyMapping>().map_err(|_| {
            validation_error(
                "wrong_type",
                "weights",
                "weights: expected a dict of basis name to weight".into(),
            )
        })?;
        let mut parts = Vec::new();
        for item in mapping.items()?.iter() {
            let (name, w): (String, Bound<'_, PyAny>) = item.extract()?;
            let basis = Basis::from_str(&name).map_err(|_| {
                validation_error(
                    "unknown_value",
                    "weights",
                    format!(
                        "weights: unknown basis {name:?}; expected area, usage, equal or occupants"
                    ),
                )
            })?;
            parts.push(BasisWeight {
                basis,
                weight: decimal_arg(&w, &format!("weights[{name}]"))?,
            });
        }
        return Ok(SplitMethod::from_weights(parts));
    }
    Basis::from_str(method)
        .map(SplitMethod::single)
        .map_err(fee_err)
}

pub(crate) fn field<'py>(
    d: &Bound<'py, PyAny>,
    key: &str,
    path: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let mapping = d
        .cast::<PyMapping>()
        .map_err(|_| validation_error("wrong_type", path, format!("{path}: expected a dict")))?;
    if mapping.contains(key)? {
        Ok(Some(mapping.get_item(key)?)).map(|v| v.filter(|v| !v.is_none()))
    } else {
        Ok(None)
    }
}

/// `ValidationError` with `code` at `{path}.{key}`: "`{path}.{key}`: {what}".
pub(crate) fn invalid_at(code: &str, path: &str, key: &str, what: &str) -> PyErr {
    let at = format!("{path}.{key}");
    validation_error(code, &at, format!("{at}: {what}"))
}

/// A required entry of a dict argument (`{path}.{key}: required` when missing or None).
pub(crate) fn required<'py>(
    d: &Bound<'py, PyAny>,
    key: &str,
    path: &str,
) -> PyResult<Bound<'py, PyAny>> {
    field(d, key, path)?.ok_or_else(|| invalid_at("missing_value", path, key, "required"))
}

/// A required date entry of a dict argument.
pub(crate) fn required_date(d: &Bound<'_, PyAny>, key: &str, path: &str) -> PyResult<NaiveDate> {
    date_arg(&required(d, key, path)?, &format!("{path}.{key}"))
}

/// A required decimal entry of a dict argument.
pub(crate) fn required_decimal(d: &Bound<'_, PyAny>, key: &str, path: &str) -> PyResult<Decimal> {
    decimal_arg(&required(d, key, path)?, &format!("{path}.{key}"))
}

/// The items of an optional list argument, each with its path (`readings[2]`). An
/// Arrow table (a pyarrow Table, a polars or pandas DataFrame, an `ArrowTable`) is a
/// list of dicts of text cells (a null cell left out); a cell Arrow cannot give as
/// text (a float) raises `ValidationError` naming it.
pub(crate) fn list_items<'py>(
    arg: Option<&Bound<'py, PyAny>>,
    list: &str,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let Some(arg) = arg.filter(|a| !a.is_none()) else {
        return Ok(Vec::new());
    };
    if let Some(batches) = crate::arrow::batches_of(list, arg, true)? {
        let (table, problems) = estatekit::arrow::read_table(list, &[], "", &batches);
        if let Some(p) = problems.first() {
            return Err(validation_error(&p.code, &p.path, p.to_string()));
        }
        let py = arg.py();
        return table
            .rows()
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let d = PyDict::new(py);
                for (column, value) in estatekit::tables::Cells::each(row) {
                    d.set_item(column, value)?;
                }
                Ok((format!("{list}[{i}]"), d.into_any()))
            })
            .collect();
    }
    arg.try_iter()?
        .enumerate()
        .map(|(i, item)| Ok((format!("{list}[{i}]"), item?)))
        .collect()
}

/// Split `total` among `units` (dicts with id, area, usage, occupants, fraction) →
/// {id: share}. The rules (unknown keys, a total finer than the scale, hybrid weights
/// not summing to 1 are errors) are the core's: this converts the arguments.
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (total, units, *, method, weights = None, scale = 2, rounding = "half_up"))]
fn pooled_split<'py>(
    py: Python<'py>,
    total: &Bound<'py, PyAny>,
    units: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = crate::args::str_ref)] method: &str,
    weights: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = crate::args::int)] scale: i64,
    #[pyo3(from_py_with = crate::args::str_ref)] rounding: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let policy = policy_arg(scale, rounding)?;
    if method != "hybrid" && weights.is_some_and(|w| !w.is_none()) {
        return Err(validation_error(
            "conflicting_fields",
            "weights",
            format!("weights: only a hybrid split takes weights, not {method:?}"),
        ));
    }
    let method = split_method(method, weights)?;
    let total = decimal_arg(total, "total")?;
    let mut pool = Vec::new();
    for (i, u) in units.try_iter()?.enumerate() {
        let u = u?;
        let path = format!("units[{i}]");
        let id: String = field(&u, "id", &path)?
            .ok_or_else(|| {
                validation_error(
                    "missing_value",
                    &format!("{path}.id"),
                    format!("{path}.id: required"),
                )
            })?
            .extract()
            .map_err(|_| {
                validation_error(
                    "wrong_type",
                    &format!("{path}.id"),
                    format!("{path}.id: expected a str"),
                )
            })?;
        let mut unit = PoolUnit::new(id, Decimal::ZERO);
        // `field` checked that `u` is a mapping.
        for item in u.cast::<PyMapping>()?.items()?.iter() {
            let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let key: String = key.extract().map_err(|_| {
                validation_error(
                    "wrong_type",
                    &path,
                    format!(
                        "{path}: keys must be str, got {}",
                        key.repr().map_or_else(|_| "?".into(), |r| r.to_string())
                    ),
                )
            })?;
            let at = format!("{path}.{key}");
            // An unknown key is the core's error (it names the key and the unit).
            let target = match PoolField::of_unit(i, Some(&unit.id), &key).map_err(fee_err)? {
                // None means absent (the default), as before.
                _ if value.is_none() => continue,
                PoolField::Id => continue,
                PoolField::Area => &mut unit.area,
                PoolField::Usage => &mut unit.usage,
                PoolField::Fraction => &mut unit.fraction,
                PoolField::Occupants => {
                    let occupants = decimal_arg(&value, &at)?;
                    unit.occupants = u32::try_from(occupants.trunc().mantissa())
                        .ok()
                        .filter(|_| occupants.fract().is_zero())
                        .ok_or_else(|| {
                            validation_error(
                                "out_of_range",
                                &at,
                                format!("{at}: expected a whole number ≥ 0, got {occupants}"),
                            )
                        })?;
                    continue;
                }
            };
            *target = decimal_arg(&value, &at)?;
        }
        pool.push(unit);
    }
    let split = pooled::split(total, &pool, &method, &policy).map_err(fee_err)?;
    let out = PyDict::new(py);
    for s in split.shares {
        out.set_item(s.unit_id, s.amount)?;
    }
    Ok(out)
}

record! {
    /// A late-penalty clause: simple daily rate, grace, count-from, cap, minimum.
    pub(crate) struct PyPenaltyPolicy("PenaltyPolicy", eq) { inner: PenaltyPolicy }
    repr(daily_rate, grace_days);
    |p| {
        allow_high_rate: bool,
        daily_rate: Decimal,
        grace_days: u32,
        /// "due" or "grace_end".
        count_from: &'static str = match p.count_from {
            CountFrom::Due => "due",
            CountFrom::GraceEnd => "grace_end",
        },
        /// The cap as a fraction of the principal, or None.
        cap_fraction: Option<Decimal> = match p.cap {
            Some(PenaltyCap::Fraction(f)) => Some(f),
            _ => None,
        },
        /// The cap as an amount, or None.
        cap_amount: Option<Decimal> = match p.cap {
            Some(PenaltyCap::Amount(a)) => Some(a),
            _ => None,
        },
        /// No penalty accrues while the outstanding principal is below this (None: always).
        min_balance: Option<Decimal>,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPenaltyPolicy {
    #[new]
    #[pyo3(signature = (daily_rate, *, grace_days = 0, count_from = "due", cap = None, cap_amount = None, min_balance = None, allow_high_rate = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        daily_rate: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::int)] grace_days: i64,
        #[pyo3(from_py_with = crate::args::str_ref)] count_from: &str,
        cap: Option<&Bound<'_, PyAny>>,
        cap_amount: Option<&Bound<'_, PyAny>>,
        min_balance: Option<&Bound<'_, PyAny>>,
        allow_high_rate: bool,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: penalty_policy(
                decimal_arg(daily_rate, "daily_rate")?,
                grace_days,
                cap,
                cap_amount,
                count_from,
                min_balance,
                allow_high_rate,
            )?,
        })
    }
}

record! {
    /// A one-off late fee: a flat `amount`, or a `percent` of the overdue amount kept
    /// between `min` and `max`.
    pub(crate) struct PyOneOffFee("OneOffFee", eq) { inner: OneOffFee }
    repr(amount, percent, min, max);
    |f| {
        amount: Option<Decimal>,
        /// Percent of the overdue amount, 0–100 ("3" = 3 %).
        percent: Option<Decimal>,
        min: Option<Decimal>,
        max: Option<Decimal>,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyOneOffFee {
    #[new]
    #[pyo3(signature = (amount = None, *, percent = None, min = None, max = None))]
    fn new(
        amount: Option<&Bound<'_, PyAny>>,
        percent: Option<&Bound<'_, PyAny>>,
        min: Option<&Bound<'_, PyAny>>,
        max: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let inner = OneOffFee {
            amount: opt(amount, "amount", decimal_arg)?,
            percent: opt(percent, "percent", decimal_arg)?,
            min: opt(min, "min", decimal_arg)?,
            max: opt(max, "max", decimal_arg)?,
        };
        inner.validate().map_err(fee_err)?;
        Ok(Self { inner })
    }
}

record! {
    /// Late-fee terms beside a penalty clause's daily rate: a one-off fee, a yearly
    /// rate in percent (counted by day on 365), daily rounding.
    pub(crate) struct PyLateFee("LateFee", eq) { inner: LateFee }
    repr(one_off, annual_percent, round_daily);
    |t| {
        one_off: Option<PyOneOffFee> = t.one_off.map(|inner| PyOneOffFee { inner }),
        /// Percent a year, 0–100 ("12" = 12 % a year), or None.
        annual_percent: Option<Decimal>,
        round_daily: bool,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyLateFee {
    #[new]
    #[pyo3(signature = (*, one_off = None, annual_percent = None, round_daily = false))]
    fn new(
        one_off: Option<&PyOneOffFee>,
        annual_percent: Option<&Bound<'_, PyAny>>,
        round_daily: bool,
    ) -> PyResult<Self> {
        let inner = LateFee {
            one_off: one_off.map(|f| f.inner),
            annual_percent: opt(annual_percent, "annual_percent", decimal_arg)?,
            round_daily,
        };
        inner.validate().map_err(fee_err)?;
        Ok(Self { inner })
    }
}

record! {
    /// What `late_charge` gives: the one-off fee, the days counted, the rounded daily
    /// amount (with `round_daily`), the interest, whether the cap cut it, the total.
    pub(crate) struct PyLateCharge("LateCharge", eq) { inner: LateCharge }
    repr(one_off, days, interest, total);
    |c| {
        one_off: Decimal,
        days: i64,
        daily: Option<Decimal>,
        interest: Decimal,
        capped: bool,
        total: Decimal,
    }
}

/// The late charge on `principal` due on `due`, as of `as_of`, under `terms` and the
/// penalty clause `penalty` (its daily rate, grace, count-from rule, minimum and
/// cap; None: no daily rate, grace or cap).
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (principal, due, as_of, terms, *, penalty = None, scale = 2, rounding = "half_up"))]
fn late_charge(
    principal: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::args::date)] due: NaiveDate,
    #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
    terms: &PyLateFee,
    penalty: Option<&PyPenaltyPolicy>,
    #[pyo3(from_py_with = crate::args::int)] scale: i64,
    #[pyo3(from_py_with = crate::args::str_ref)] rounding: &str,
) -> PyResult<PyLateCharge> {
    let principal = decimal_arg(principal, "principal")?;
    let rounding = policy_arg(scale, rounding)?;
    let inner = terms
        .inner
        .charge(principal, due, as_of, penalty.map(|p| &p.inner), &rounding)
        .map_err(fee_err)?;
    Ok(PyLateCharge { inner })
}

record! {
    /// A validated fee schedule (JSON, versioned).
    pub(crate) struct PyFeeSchedule("FeeSchedule", eq) { inner: FeeSchedule }
    |s| {
        /// Item codes, in document order.
        codes: Vec<String> = s.items().iter().map(|i| i.code.clone()).collect(),
    }
}

json_document! {
    /// Parse and validate a schedule; errors name the field's path.
    PyFeeSchedule: FeeSchedule
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyFeeSchedule {
    /// The demo schedule for the demo estate.
    #[staticmethod]
    fn demo() -> Self {
        Self {
            inner: FeeSchedule::demo(),
        }
    }
    fn __repr__(&self) -> String {
        format!("FeeSchedule(items={})", self.inner.items().len())
    }
}

fn inputs_arg(
    pooled: Option<&Bound<'_, PyAny>>,
    readings: Option<&Bound<'_, PyAny>>,
    meter_changes: Option<&Bound<'_, PyAny>>,
) -> PyResult<BillingInputs> {
    let mut inputs = BillingInputs::default();
    if let Some(p) = pooled.filter(|p| !p.is_none()) {
        if let Ok(mapping) = p.cast::<PyMapping>() {
            for item in mapping.items()?.iter() {
                let (code, amount): (String, Bound<'_, PyAny>) = item.extract()?;
                // An item split per building or group: {building or group id: amount}.
                if let Ok(groups) = amount.cast::<PyMapping>() {
                    for entry in groups.items()?.iter() {
                        let (group, amount): (String, Bound<'_, PyAny>) = entry.extract()?;
                        let amount = decimal_arg(&amount, &format!("pooled[{code}@{group}]"))?;
                        inputs.pooled.push(PooledAmount {
                            code: code.clone(),
                            group: Some(group),
                            amount,
                        });
                    }
                    continue;
                }
                let amount = decimal_arg(&amount, &format!("pooled[{code}]"))?;
                inputs.pooled.push(PooledAmount {
                    code,
                    group: None,
                    amount,
                });
            }
        } else {
            // The month's pooled invoices as rows (item_code, amount): a list of dicts,
            // a DataFrame or `csv_rows`, read leniently by the core.
            if p.is_instance_of::<pyo3::types::PyString>()
                || (p.try_iter().is_err() && !p.hasattr("to_dict")?)
            {
                return Err(validation_error(
                    "wrong_type",
                    "pooled",
                    "pooled: expected a dict of item code to amount, or rows with the \
                     columns item_code and amount"
                        .into(),
                ));
            }
            let (table, earlier) = crate::receivables::text_rows(
                "pooled",
                p,
                &estatekit::records::POOLED_COLUMNS,
                "item_code, amount",
            )?;
            let (amounts, _) = estatekit::records::pooled_amounts(&table.rows(), &earlier)
                .map_err(|e| crate::estate::records_error(p.py(), &e))?;
            inputs.pooled = amounts;
        }
        inputs
            .pooled
            .sort_by(|a, b| (&a.code, &a.group).cmp(&(&b.code, &b.group)));
    }
    for (path, r) in list_items(readings, "readings")? {
        inputs.readings.push(ReadingInput {
            meter_id: required(&r, "meter_id", &path)?.extract()?,
            date: required_date(&r, "date", &path)?,
            value: required_decimal(&r, "value", &path)?,
        });
    }
    for (path, c) in list_items(meter_changes, "meter_changes")? {
        let meter_id: String = required(&c, "meter_id", &path)?.extract()?;
        let change = meter_change_arg(&c, &path)?;
        inputs
            .meter_changes
            .push(MeterChangeInput { meter_id, change });
    }
    Ok(inputs)
}

/// The change of a meter-change dict: its `replacement` ({"old_final",
/// "new_initial"}) or `rollover` ({"wraps_at"}) entry.
pub(crate) fn meter_change_arg(c: &Bound<'_, PyAny>, path: &str) -> PyResult<MeterChange> {
    if let Some(rep) = field(c, "replacement", path)? {
        let p = format!("{path}.replacement");
        Ok(MeterChange::Replacement {
            old_final: required_decimal(&rep, "old_final", &p)?,
            new_initial: required_decimal(&rep, "new_initial", &p)?,
        })
    } else if let Some(roll) = field(c, "rollover", path)? {
        Ok(MeterChange::Rollover {
            wraps_at: required_decimal(&roll, "wraps_at", &format!("{path}.rollover"))?,
        })
    } else {
        Err(validation_error(
            "unknown_value",
            path,
            format!("{path}: expected a 'replacement' or 'rollover' entry"),
        ))
    }
}

/// A meter change as a dict: `{"replacement": {"old_final", "new_initial"}}` or
/// `{"rollover": {"wraps_at"}}` (the form `meter_change_arg` reads).
pub(crate) fn meter_change_dict<'py>(
    py: Python<'py>,
    change: &MeterChange,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let inner = PyDict::new(py);
    match change {
        MeterChange::Replacement {
            old_final,
            new_initial,
        } => {
            inner.set_item("old_final", *old_final)?;
            inner.set_item("new_initial", *new_initial)?;
            d.set_item("replacement", inner)?;
        }
        MeterChange::Rollover { wraps_at } => {
            inner.set_item("wraps_at", *wraps_at)?;
            d.set_item("rollover", inner)?;
        }
    }
    Ok(d)
}

/// `year_to_date=`: a mapping of meter id to its consumption so far in the tier year
/// (the core refuses a negative one or an unknown meter, naming `year_to_date[id]`).
fn year_to_date_arg(
    year_to_date: Option<&Bound<'_, PyAny>>,
) -> PyResult<std::collections::BTreeMap<String, Decimal>> {
    let mut out = std::collections::BTreeMap::new();
    let Some(y) = year_to_date.filter(|y| !y.is_none()) else {
        return Ok(out);
    };
    let mapping = y.cast::<PyMapping>().map_err(|_| {
        validation_error(
            "wrong_type",
            "year_to_date",
            "year_to_date: expected a dict of meter id to consumption".into(),
        )
    })?;
    for item in mapping.items()?.iter() {
        let (meter, value): (String, Bound<'_, PyAny>) = item.extract()?;
        let value = decimal_arg(&value, &format!("year_to_date[{meter}]"))?;
        out.insert(meter, value);
    }
    Ok(out)
}

/// The number of periods of `estimate=` as the core's `u32` (the core refuses 0).
fn estimate_arg(estimate: Option<i64>) -> PyResult<Option<u32>> {
    estimate
        .map(|n| {
            u32::try_from(n).map_err(|_| {
                validation_error(
                    "out_of_range",
                    "estimate",
                    format!(
                        "estimate: the periods of history must be a whole number from 1, got {n}"
                    ),
                )
            })
        })
        .transpose()
}

/// Bill every unit of an estate for a calendar month, in one call. The bills are
/// issued on `issued_on` (default: the day after the month ends); each line is due
/// by its item's due rule, counted from that date. `threads`: units billed on that
/// many threads (None or 0: every core; 1: the caller's only), the same run whatever
/// the count.
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (estate, schedule, year, month, *, pooled = None, readings = None, meter_changes = None, issued_on = None, strict = false, estimate = None, year_to_date = None, since = None, threads = None))]
#[allow(clippy::too_many_arguments)]
fn bill_estate(
    py: Python<'_>,
    estate: &PyEstate,
    schedule: &PyFeeSchedule,
    #[pyo3(from_py_with = crate::args::int)] year: i32,
    #[pyo3(from_py_with = crate::args::int)] month: u32,
    pooled: Option<&Bound<'_, PyAny>>,
    readings: Option<&Bound<'_, PyAny>>,
    meter_changes: Option<&Bound<'_, PyAny>>,
    issued_on: Option<&Bound<'_, PyAny>>,
    strict: bool,
    #[pyo3(from_py_with = crate::args::opt_int)] estimate: Option<i64>,
    year_to_date: Option<&Bound<'_, PyAny>>,
    since: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = crate::args::threads)] threads: Option<u32>,
) -> PyResult<PyBillingRun> {
    let mut inputs = inputs_arg(pooled, readings, meter_changes)?;
    inputs.since = opt(since, "since", date_arg)?;
    inputs.issued_on = opt(issued_on, "issued_on", date_arg)?;
    inputs.strict = strict;
    inputs.estimate = estimate_arg(estimate)?;
    inputs.year_to_date = year_to_date_arg(year_to_date)?;
    let period = BillingPeriod::month(year, month).map_err(fee_err)?;
    let run = py
        .detach(|| {
            billing::bill_estate_threads(
                &estate.inner,
                &schedule.inner,
                period,
                &inputs,
                crate::args::core_threads(threads),
            )
        })
        .map_err(fee_err)?;
    Ok(PyBillingRun { inner: run })
}

fn json_to_py<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text =
        serde_json::to_string(value).map_err(|e| validation_error("json", "$", e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

record! {
    /// The result of `bill_estate`: bills per unit and pooled summaries.
    pub(crate) struct PyBillingRun("BillingRun") { inner: billing::BillingRun }
    |r| {
        period_start: NaiveDate = r.period.start,
        period_end: NaiveDate = r.period.end,
        /// The date the bills are issued.
        issued_on: NaiveDate = r.issued_on,
        currency: &str = &r.currency,
        /// Sum of all bills.
        total: Decimal = r.total(),
        /// One bill per unit charged, in estate order.
        bills: Vec<PyBill> = r.bills().into_iter().map(|b| PyBill { inner: b }).collect(),
        /// Pooled items: amounts, deductions, adjustments.
        pools: Vec<PyPoolSummary> = r
            .pools
            .iter()
            .map(|p| PyPoolSummary {
                inner: p.clone(),
                adjusted_units: r
                    .adjusted_units_in(&p.code, p.group.as_deref())
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            })
            .collect(),
    }
}

dict_lists!(PyBillingRun {
    /// Problems of single units, meters or reading rows the run set aside instead of
    /// failing (empty with strict=True): dicts with unit_id (the unit not billed, or
    /// None), item_code (the pooled item billed to no one, or None), meter_id, code,
    /// path, message.
    exceptions,
    /// The readings the run estimated (估抄): dicts with meter_id, date (the month's
    /// last day), value and estimated=True, in estate order; store them with
    /// `estate.updated(readings=run.estimated_readings)`.
    estimated_readings,
});

json_document! {
    /// Read a run saved with `to_json`: every view (bills, to_records, total, pools,
    /// exceptions, estimated_readings, to_json) is the original's. A document that
    /// contradicts itself (a bill total that is not the sum of its lines…) raises
    /// ValidationError `inconsistent_document` naming the field.
    PyBillingRun: billing::BillingRun
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyBillingRun {
    /// The bill of one unit, or None.
    fn bill(&self, #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str) -> Option<PyBill> {
        self.inner.bill(unit_id).map(|b| PyBill { inner: b })
    }
    /// The explanation lines of one unit's bill (its `Bill.explain`), in "zh"/"zh-CN"
    /// or "en"; an empty list when the unit has no bill in the run.
    #[pyo3(signature = (unit_id, lang = "zh"))]
    fn explain(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] lang: &str,
    ) -> PyResult<Vec<String>> {
        let lang = lang_arg(lang)?;
        Ok(self
            .inner
            .bill(unit_id)
            .map(|b| b.explain(lang))
            .unwrap_or_default())
    }
    /// Every line as a dict (for pandas.DataFrame): amounts are Decimal, dates date.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        dicts(py, &self.inner.to_records())
    }
    /// Every line as an Arrow table with the columns of `to_records` (amount as
    /// decimal128 at the estate's scale, dates as date32): `pyarrow.table(run.to_arrow())`.
    /// `explanations=False` leaves out explanation_zh and explanation_en (most of
    /// the cost).
    #[pyo3(signature = (*, explanations = true))]
    fn to_arrow(&self, py: Python<'_>, explanations: bool) -> PyResult<PyArrowTable> {
        PyArrowTable::of(py.detach(|| {
            if explanations {
                estatekit::arrow::bill_lines(&self.inner)
            } else {
                estatekit::arrow::bill_lines_without_explanations(&self.inner)
            }
        }))
    }
    /// One row per bill as an Arrow table: unit_id, period_start, period_end,
    /// issued_on, lines, total, estimated.
    fn bills_to_arrow(&self, py: Python<'_>) -> PyResult<PyArrowTable> {
        PyArrowTable::of(py.detach(|| estatekit::arrow::bills(&self.inner)))
    }
    /// One row per pool as an Arrow table (the fields of `pools`, adjusted_units a
    /// list of unit ids).
    fn pools_to_arrow(&self) -> PyResult<PyArrowTable> {
        PyArrowTable::of(estatekit::arrow::pools(&self.inner))
    }
    /// Equal when every view is (bills, pools, exceptions, estimated readings).
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Self>()
            .is_ok_and(|o| std::ptr::eq(self, o.get()) || self.inner == o.get().inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "BillingRun(period={}..{}, bills={}, total=Decimal('{}'))",
            self.inner.period.start,
            self.inner.period.end,
            self.inner.bill_count(),
            self.inner.total()
        )
    }
}

record! {
    /// A unit's bill for the period.
    pub(crate) struct PyBill("Bill") { inner: Bill }
    repr(unit_id, total, issued_on);
    |b| {
        unit_id: String,
        total: Decimal,
        /// The first day of the billing period.
        period_start: NaiveDate = b.period.start,
        /// The last day of the billing period.
        period_end: NaiveDate = b.period.end,
        /// The date the bill is issued (its lines' due dates count from it).
        issued_on: NaiveDate,
        lines: Vec<PyBillLine> = b.lines.iter().map(|l| PyBillLine { inner: l.clone() }).collect(),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyBill {
    /// Every line as `name: explanation`, then the total with the issue and due dates,
    /// in "zh-CN" or "en".
    #[pyo3(signature = (lang = "zh-CN"))]
    fn explain(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] lang: &str,
    ) -> PyResult<Vec<String>> {
        Ok(self.inner.explain(lang_arg(lang)?))
    }
}

record! {
    /// One line of a bill.
    pub(crate) struct PyBillLine("BillLine") { inner: BillLine }
    repr(item_code, amount);
    |l| {
        item_code: &str = &l.item_code,
        name_zh: &str = &l.name_zh,
        name_en: &str = &l.name_en,
        amount: Decimal,
        due: NaiveDate,
        /// A metered line billed on an estimated reading (估抄).
        estimated: bool,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyBillLine {
    /// The structured explanation (formula type and inputs; decimals as strings).
    #[getter]
    fn explanation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.inner.explanation)
    }
    /// The explanation as text in "zh-CN" or "en".
    #[pyo3(signature = (lang = "zh-CN"))]
    fn explain(&self, #[pyo3(from_py_with = crate::args::str_ref)] lang: &str) -> PyResult<String> {
        Ok(self.inner.explain(lang_arg(lang)?))
    }
}

record! {
    /// What happened to one pooled item in a billing run.
    pub(crate) struct PyPoolSummary("PoolSummary") {
        inner: PoolSummary,
        adjusted_units: Vec<String>,
    }
    repr(code, group, split_amount, participants);
    |p| {
        code: String,
        /// The building or group of this pool, for an item split per building or
        /// group (split_by); None for the estate's pool.
        group: Option<String>,
        source_amount: Decimal,
        consumption: Option<Decimal>,
        deduction: Decimal,
        admin_fee: Decimal,
        split_amount: Decimal,
        shares_total: Decimal,
        /// Shares of units whose bills were set aside (run.exceptions): the pooled lines
        /// sum to split_amount - set_aside.
        set_aside: Decimal,
        participants: usize,
        adjustment: Decimal,
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPoolSummary {
    #[getter]
    fn adjusted_units(&self) -> Vec<String> {
        self.adjusted_units.clone()
    }
}

record! {
    /// How a payment was applied: `amount == sum(principal + penalty) + to_prepaid`.
    pub(crate) struct PyPayment("Payment") { inner: ledger::Payment }
    repr(id, amount, to_prepaid);
    |p| {
        id: String,
        date: NaiveDate,
        amount: Decimal,
        to_prepaid: Decimal,
        /// `(on, reason)` when the payment was reversed (冲正), else None.
        reversed: Option<(NaiveDate, String)> =
            p.reversed.as_ref().map(|r| (r.on, r.reason.clone())),
        /// `(charge_id, principal, penalty)` per charge paid, oldest first.
        applied: Vec<(String, Decimal, Decimal)> = applied_tuples(&p.applied),
    }
}

/// `(charge_id, principal, penalty)` per charge a payment paid.
pub(crate) fn applied_tuples(applied: &[ledger::Application]) -> Vec<(String, Decimal, Decimal)> {
    applied
        .iter()
        .map(|a| (a.charge_id.clone(), a.principal, a.penalty))
        .collect()
}

dict_record! {
    ledger::Aging { not_due, days_0_30, days_31_60, days_61_90, days_90_plus }
    ledger::ReminderItem { charge_id, item_code, due, days_overdue, principal, penalty }
    ledger::Reminder { unit_id, as_of, items = |r, py| dicts(py, &r.items)?, total_due, prepaid }
    ledger::Balance {
        billed, penalty_accrued, penalty_waived, paid, principal_paid, principal_written_off,
        penalty_paid, principal_outstanding, penalty_outstanding, prepaid, refunded,
    }
    BillingException {
        unit_id, item_code, meter_id, code = |e| e.code(), path = |e| e.error.path(),
        message = |e| e.message(),
    }
    ReadingUpdate { meter_id, date, value, estimated }
    BillRecord {
        unit_id, period_start, period_end, item_code, name_zh, name_en, amount, issued_on, due,
        explanation_zh, explanation_en, estimated,
    }
}

/// A unit's ledger: charges, payments, prepaid balance, penalties.
#[pyclass(frozen, module = "estatekit", name = "Ledger")]
pub(crate) struct PyLedger {
    pub(crate) inner: Shared<ledger::Ledger>,
}

impl PyLedger {
    pub(crate) fn wrap(inner: ledger::Ledger) -> Self {
        Self {
            inner: Shared::new("Ledger", inner),
        }
    }
}

locked_getters!(PyLedger |l| {
    unit_id: String = l.unit_id().to_owned(),
    prepaid: Decimal = l.prepaid(),
    low_balance: bool = l.low_balance(),
});

json_document! {
    /// Restore a ledger saved with `to_json`.
    PyLedger: ledger::Ledger, shared
}

dict_views!(PyLedger |l, as_of| {
    /// Outstanding principal by days overdue.
    aging = l.aging(as_of),
    /// Payment-reminder data: overdue items with principal, penalty, days overdue.
    reminder = l.reminder(as_of),
    /// The account's figures as of a date: billed, penalty accrued and waived, paid,
    /// principal and penalty paid and outstanding, principal written off, prepaid.
    balance = l.balance(as_of),
});

shared_eq! {
    /// Equal when the JSON forms are equal (the same history, policy and figures).
    PyLedger |a, b| a.to_json() == b.to_json()
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyLedger {
    #[new]
    #[pyo3(signature = (unit_id, *, scale = 2, rounding = "half_up", order = "penalty_first"))]
    fn new(
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::int)] scale: i64,
        #[pyo3(from_py_with = crate::args::str_ref)] rounding: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] order: &str,
    ) -> PyResult<Self> {
        let order = PaymentOrder::from_str(order).map_err(fee_err)?;
        Ok(Self::wrap(
            ledger::Ledger::open(unit_id, policy_arg(scale, rounding)?, order).map_err(fee_err)?,
        ))
    }
    /// Alert when the prepaid balance is below `threshold` (None: never).
    fn set_low_balance_threshold(&self, threshold: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let threshold = opt(threshold, "threshold", decimal_arg)?;
        self.inner
            .lock()?
            .set_low_balance_threshold(threshold)
            .map_err(fee_err)
    }
    /// `(id, item_code, due in force, principal, outstanding principal)` per charge.
    #[getter]
    #[allow(clippy::type_complexity)]
    fn charges(&self) -> PyResult<Vec<(String, String, NaiveDate, Decimal, Decimal)>> {
        Ok(self
            .inner
            .lock()?
            .charges()
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.item_code.clone(),
                    c.effective_due(),
                    c.principal,
                    c.outstanding_principal(),
                )
            })
            .collect())
    }
    /// Add a charge; the prepaid balance pays it down at once (dated `on`).
    #[pyo3(signature = (id, item_code, due, amount, *, on, penalty = None, late_fee = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_charge(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] item_code: &str,
        #[pyo3(from_py_with = crate::args::date)] due: NaiveDate,
        amount: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
        penalty: Option<&PyPenaltyPolicy>,
        late_fee: Option<&PyLateFee>,
    ) -> PyResult<()> {
        let amount = decimal_arg(amount, "amount")?;
        let mut input = ChargeInput::new(id, item_code, due, amount);
        input.penalty = penalty.map(|p| p.inner.clone());
        input.late_fee = late_fee.map(|t| t.inner);
        self.inner.lock()?.add_charge(input, on).map_err(fee_err)
    }
    /// Add every line of a bill as a charge, with the schedule's penalty clauses.
    fn add_bill(
        &self,
        bill: &PyBill,
        schedule: &PyFeeSchedule,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
    ) -> PyResult<()> {
        self.inner
            .lock()?
            .add_bill(&bill.inner, &schedule.inner, on)
            .map_err(fee_err)
    }
    /// Apply a payment oldest item first; the rest goes to the prepaid balance.
    fn pay(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
        amount: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::date)] date: NaiveDate,
    ) -> PyResult<PyPayment> {
        let amount = decimal_arg(amount, "amount")?;
        Ok(PyPayment {
            inner: self.inner.lock()?.pay(id, amount, date).map_err(fee_err)?,
        })
    }
    /// Penalty owed on one charge as of a date.
    fn penalty(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] charge_id: &str,
        #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
    ) -> PyResult<Decimal> {
        self.inner
            .lock()?
            .penalty(charge_id, as_of)
            .map_err(fee_err)
    }
    /// Every payment as it is applied now (a payment recorded later but dated earlier
    /// may have changed how later ones apply), in the order recorded.
    #[getter]
    fn payments(&self) -> PyResult<Vec<PyPayment>> {
        Ok(self
            .inner
            .lock()?
            .payments()
            .iter()
            .map(|p| PyPayment { inner: p.clone() })
            .collect())
    }
    /// Reverse (冲正) a payment recorded `on`: it counts as never made, from its own
    /// date on; its id stays taken.
    #[pyo3(signature = (id, *, on, reason))]
    fn reverse(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
    ) -> PyResult<PyPayment> {
        Ok(PyPayment {
            inner: self
                .inner
                .lock()?
                .reverse(id, on, reason)
                .map_err(fee_err)?,
        })
    }
    /// Pay `amount` back out of the prepaid balance on `on` (退款), never more than it
    /// holds that day.
    #[pyo3(signature = (id, amount, *, on))]
    fn refund(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
        amount: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
    ) -> PyResult<()> {
        let amount = decimal_arg(amount, "amount")?;
        self.inner.lock()?.refund(id, amount, on).map_err(fee_err)
    }
    /// `(id, date, amount)` per refund, in the order recorded.
    #[getter]
    fn refunds(&self) -> PyResult<Vec<(String, NaiveDate, Decimal)>> {
        Ok(self
            .inner
            .lock()?
            .refunds()
            .iter()
            .map(|r| (r.id.clone(), r.date, r.amount))
            .collect())
    }
    /// One payment by id, as it is applied now, or None.
    fn payment(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
    ) -> PyResult<Option<PyPayment>> {
        Ok(self
            .inner
            .lock()?
            .payment(id)
            .map(|p| PyPayment { inner: p.clone() }))
    }
    /// Waive (part of) a charge's penalty owed as of `date`; returns the amount waived.
    #[pyo3(signature = (charge_id, *, reason, date, amount = None))]
    fn waive(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] charge_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        #[pyo3(from_py_with = crate::args::date)] date: NaiveDate,
        amount: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Decimal> {
        let amount = opt(amount, "amount", decimal_arg)?;
        self.inner
            .lock()?
            .waive(charge_id, amount, reason, date)
            .map_err(fee_err)
    }
    /// Write off (核销) what one charge still owes on `on`, principal and penalty,
    /// with a recorded reason; returns `(principal, penalty)` written off.
    #[pyo3(signature = (charge_id, *, reason, on))]
    fn write_off(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] charge_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
    ) -> PyResult<(Decimal, Decimal)> {
        self.inner
            .lock()?
            .write_off(charge_id, reason, on)
            .map_err(fee_err)
    }
    /// Approve a deferred payment: a later due date for one charge.
    fn defer(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] charge_id: &str,
        #[pyo3(from_py_with = crate::args::date)] new_due: NaiveDate,
    ) -> PyResult<()> {
        self.inner
            .lock()?
            .defer(charge_id, new_due)
            .map_err(fee_err)
    }
    /// Collected ÷ billed principal for charges due in [start, end], or None.
    fn collection_rate(
        &self,
        #[pyo3(from_py_with = crate::args::date)] start: NaiveDate,
        #[pyo3(from_py_with = crate::args::date)] end: NaiveDate,
    ) -> PyResult<Option<Decimal>> {
        Ok(self.inner.lock()?.collection_rate(start, end))
    }
    /// `(paid, principal, penalty, prepaid)`: paid == principal + penalty + prepaid.
    fn money_flow(&self) -> PyResult<(Decimal, Decimal, Decimal, Decimal)> {
        Ok(self.inner.lock()?.money_flow())
    }
    fn __repr__(&self) -> PyResult<String> {
        let l = self.inner.lock()?;
        Ok(format!(
            "Ledger(unit_id={:?}, charges={}, prepaid=Decimal('{}'))",
            l.unit_id(),
            l.charges().len(),
            l.prepaid()
        ))
    }
    /// Test hook: holds the lock while `callback()` runs, then panics if `panic`.
    #[cfg(feature = "test-hooks")]
    #[pyo3(signature = (callback, panic = false))]
    fn _hold_lock_for_test(&self, callback: &Bound<'_, PyAny>, panic: bool) -> PyResult<()> {
        self.inner.hold_for_test(callback, panic)
    }
}
