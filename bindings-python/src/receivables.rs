//! The estate's book of accounts in Python: `Receivables` (post billing runs, apply
//! bank rows, post single charges and opening balances from a list of dicts or a
//! pandas/polars DataFrame, write off residues, reports), `PostResult`,
//! `PaymentImport`, `RowImport`, `Report`. The rules are the core's; this file
//! converts.

use estatekit_ffi_guard::guard;
use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use estatekit::fees::FeeError;
use estatekit::fees::ledger::PaymentOrder;
use estatekit::fees::receivables::{
    self, ChargeRow, GroupBy, ImportedRow, OpeningBalance, PaymentRow, RejectedRow,
};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PySlice, PyString};
use rust_decimal::Decimal;

use crate::dunning::PyReminders;
use crate::estate::PyEstate;
use crate::fees::{PyBillingRun, PyFeeSchedule, PyLedger, balance_dict, reminder_dict};
use crate::{decimal_arg, opt_decimal_arg, to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyReceivables>()?;
    m.add_class::<PyPostResult>()?;
    m.add_class::<PyPaymentImport>()?;
    m.add_class::<PyRowImport>()?;
    m.add_class::<PyReport>()?;
    Ok(())
}

fn fee_err(e: FeeError) -> PyErr {
    to_py(e)
}

/// The keys a payment row may have.
const ROW_KEYS: [&str; 4] = ["unit_id", "amount", "date", "ref"];

/// A pandas or polars DataFrame as a list of row dicts; a list (or any iterable) of
/// dicts as it is.
pub(crate) fn rows_of<'py>(rows: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let py = rows.py();
    if rows.hasattr("to_dicts")? {
        // polars
        return rows.call_method0("to_dicts")?.try_iter()?.collect();
    }
    if rows.hasattr("to_dict")? && rows.hasattr("columns")? {
        // pandas
        return rows
            .call_method1("to_dict", ("records",))?
            .try_iter()?
            .collect();
    }
    if rows.is_instance_of::<PyString>() || rows.is_instance_of::<PyDict>() {
        return Err(crate::validation_error(
            "invalid",
            "rows",
            "rows: expected a list of dicts or a DataFrame".into(),
        ));
    }
    let _ = py;
    rows.try_iter()?.collect()
}

/// A cell that must be a date: `datetime.date` (a pandas `Timestamp` or `datetime` is
/// taken at its calendar date) or an ISO `YYYY-MM-DD` string.
fn date_cell(v: &Bound<'_, PyAny>) -> Result<NaiveDate, String> {
    if v.is_instance_of::<PyDate>() {
        let (y, m, d): (i32, u32, u32) = (
            v.getattr("year")
                .and_then(|x| x.extract())
                .map_err(|e| e.to_string())?,
            v.getattr("month")
                .and_then(|x| x.extract())
                .map_err(|e| e.to_string())?,
            v.getattr("day")
                .and_then(|x| x.extract())
                .map_err(|e| e.to_string())?,
        );
        return NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| format!("{y}-{m}-{d} is not a date"));
    }
    if let Ok(s) = v.cast::<PyString>() {
        let s = s.to_string();
        return NaiveDate::from_str(s.trim())
            .map_err(|_| format!("{s:?} is not a date; expected YYYY-MM-DD or datetime.date"));
    }
    Err(format!(
        "expected datetime.date or a YYYY-MM-DD string, got {}",
        v.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    ))
}

/// A cell that must be a reference: a string, or an integer (a numeric bank ref).
fn ref_cell(v: &Bound<'_, PyAny>) -> Option<String> {
    if v.is_instance_of::<PyString>() || v.is_instance_of::<PyInt>() {
        v.str().ok().map(|s| s.to_string())
    } else {
        None
    }
}

/// One row dict as a core row, or the reason it cannot be read (with its reference
/// when that much could be read).
fn row_of(row: &Bound<'_, PyAny>) -> Result<PaymentRow, RejectedRow> {
    let bad = |reference: Option<String>, path: &str, message: String| RejectedRow {
        row: 0,
        reference,
        error: FeeError::Json {
            path: path.to_owned(),
            message,
        },
    };
    let Ok(dict) = row.cast::<PyDict>() else {
        return Err(bad(
            None,
            "row",
            "expected a dict with unit_id, amount, date, ref".into(),
        ));
    };
    let get = |k: &str| dict.get_item(k).ok().flatten().filter(|v| !v.is_none());
    let reference = get("ref").as_ref().and_then(ref_cell);
    for (k, _) in dict.iter() {
        let key = k.str().map(|s| s.to_string()).unwrap_or_default();
        if !ROW_KEYS.contains(&key.as_str()) {
            return Err(bad(
                reference,
                &key,
                format!("unknown field {key:?}; expected unit_id, amount, date, ref"),
            ));
        }
    }
    let field =
        |k: &str| get(k).ok_or_else(|| bad(reference.clone(), k, format!("missing field {k:?}")));
    let reference_cell = field("ref")?;
    let Some(reference) = ref_cell(&reference_cell) else {
        return Err(bad(None, "ref", "expected a string".into()));
    };
    let unit = field("unit_id")?;
    let unit_id = match unit.cast::<PyString>() {
        Ok(s) => s.to_string(),
        Err(_) => return Err(bad(Some(reference), "unit_id", "expected a string".into())),
    };
    let amount = decimal_arg(&field("amount")?, "amount")
        .map_err(|e| bad(Some(reference.clone()), "amount", e.to_string()))?;
    let date = date_cell(&field("date")?).map_err(|m| bad(Some(reference.clone()), "date", m))?;
    Ok(PaymentRow {
        unit_id,
        amount,
        date,
        reference,
    })
}

/// The keys a charge row (and an unpaid opening item) may have.
const CHARGE_KEYS: [&str; 10] = [
    "unit_id",
    "ref",
    "item_code",
    "amount",
    "issued_on",
    "due",
    "period_start",
    "period_end",
    "description",
    "penalty",
];
const CHARGE_EXPECTED: &str = "unit_id, ref, item_code, amount, issued_on, due, period_start, \
                               period_end, description, penalty";

/// The keys a prepaid opening balance may have.
const PREPAID_KEYS: [&str; 4] = ["unit_id", "prepaid", "date", "ref"];
const PREPAID_EXPECTED: &str = "unit_id, prepaid, date, ref";

/// Keys of the other kind of opening row (a DataFrame has every column in every row):
/// allowed when their cell is absent.
const PREPAID_ONLY: [&str; 2] = ["prepaid", "date"];

/// A cell DataFrames use for "no value": None, a float NaN, pandas' NaT or NA.
fn is_absent(v: &Bound<'_, PyAny>) -> bool {
    if v.is_none() {
        return true;
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return f.value().is_nan();
    }
    let name = v
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default();
    matches!(name.as_str(), "NaTType" | "NAType")
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// A row refused because it cannot be read (row numbers are set by the import).
fn unreadable(reference: Option<String>, path: &str, message: String) -> RejectedRow {
    RejectedRow {
        row: 0,
        reference,
        error: FeeError::Json {
            path: path.to_owned(),
            message,
        },
    }
}

/// The present cells of one row dict, checked against the keys its kind may have.
struct Cells<'py> {
    cells: HashMap<String, Bound<'py, PyAny>>,
    /// The row's `ref`, when it can be read.
    reference: Option<String>,
}

impl<'py> Cells<'py> {
    /// `keys`: the row's keys; `tolerated`: keys allowed only with an absent cell;
    /// `expected`: the keys, for messages. Absent cells (None, NaN, NaT) are left out.
    fn read(
        row: &Bound<'py, PyAny>,
        keys: &[&str],
        tolerated: &[&str],
        expected: &str,
    ) -> Result<Self, RejectedRow> {
        let Ok(dict) = row.cast::<PyDict>() else {
            return Err(unreadable(
                None,
                "row",
                format!("expected a dict with {expected}"),
            ));
        };
        let mut cells = HashMap::new();
        let mut unknown = None;
        for (k, v) in dict.iter() {
            let key = k.str().map(|s| s.to_string()).unwrap_or_default();
            let absent = is_absent(&v);
            if keys.contains(&key.as_str()) {
                if !absent {
                    cells.insert(key, v);
                }
            } else if !(absent && tolerated.contains(&key.as_str())) && unknown.is_none() {
                unknown = Some(key);
            }
        }
        let reference = cells.get("ref").and_then(ref_cell);
        if let Some(key) = unknown {
            return Err(unreadable(
                reference,
                &key,
                format!("unknown field {key:?}; expected {expected}"),
            ));
        }
        Ok(Self { cells, reference })
    }

    fn bad(&self, path: &str, message: String) -> RejectedRow {
        unreadable(self.reference.clone(), path, message)
    }

    fn required(&self, k: &str) -> Result<&Bound<'py, PyAny>, RejectedRow> {
        self.cells
            .get(k)
            .ok_or_else(|| self.bad(k, format!("missing field {k:?}")))
    }

    fn text(&self, k: &str) -> Result<Option<String>, RejectedRow> {
        match self.cells.get(k) {
            None => Ok(None),
            Some(v) => match v.cast::<PyString>() {
                Ok(s) => Ok(Some(s.to_string())),
                Err(_) => Err(self.bad(k, format!("expected a string, got {}", type_name(v)))),
            },
        }
    }

    fn required_text(&self, k: &str) -> Result<String, RejectedRow> {
        self.required(k)?;
        self.text(k).map(Option::unwrap_or_default)
    }

    /// `ref`: a string or an integer.
    fn reference(&self) -> Result<Option<String>, RejectedRow> {
        match self.cells.get("ref") {
            None => Ok(None),
            Some(v) => ref_cell(v).map(Some).ok_or_else(|| {
                unreadable(
                    None,
                    "ref",
                    format!("expected a string, got {}", type_name(v)),
                )
            }),
        }
    }

    fn money(&self, k: &str) -> Result<Decimal, RejectedRow> {
        decimal_arg(self.required(k)?, k).map_err(|e| self.bad(k, e.to_string()))
    }

    fn date(&self, k: &str) -> Result<Option<NaiveDate>, RejectedRow> {
        self.cells
            .get(k)
            .map(|v| date_cell(v).map_err(|m| self.bad(k, m)))
            .transpose()
    }

    fn required_date(&self, k: &str) -> Result<NaiveDate, RejectedRow> {
        date_cell(self.required(k)?).map_err(|m| self.bad(k, m))
    }

    /// A bool (also numpy's `bool_`).
    fn flag(&self, k: &str) -> Result<Option<bool>, RejectedRow> {
        match self.cells.get(k) {
            None => Ok(None),
            Some(v) if v.is_instance_of::<PyBool>() || type_name(v) == "bool_" => v
                .is_truthy()
                .map(Some)
                .map_err(|e| self.bad(k, e.to_string())),
            Some(v) => Err(self.bad(k, format!("expected a bool, got {}", type_name(v)))),
        }
    }

    /// The cells of a charge row.
    fn charge(&self) -> Result<ChargeRow, RejectedRow> {
        let unit_id = self.required_text("unit_id")?;
        let reference = self.reference()?;
        let item_code = self.required_text("item_code")?;
        let amount = self.money("amount")?;
        let issued_on = self.date("issued_on")?;
        let due = self.required_date("due")?;
        Ok(ChargeRow {
            unit_id,
            reference,
            item_code,
            amount,
            issued_on,
            due,
            period_start: self.date("period_start")?,
            period_end: self.date("period_end")?,
            description: self.text("description")?,
            penalty: self.flag("penalty")?.unwrap_or(true),
        })
    }
}

/// One row dict of `post_charges` as a core row, or why it cannot be read.
fn charge_row_of(row: &Bound<'_, PyAny>) -> Result<ChargeRow, RejectedRow> {
    Cells::read(row, &CHARGE_KEYS, &[], CHARGE_EXPECTED)?.charge()
}

/// One row dict of `open_balances`: a prepaid balance when its `prepaid` cell is
/// present, else an unpaid item.
fn opening_row_of(row: &Bound<'_, PyAny>) -> Result<OpeningBalance, RejectedRow> {
    let prepaid = row
        .cast::<PyDict>()
        .ok()
        .and_then(|d| d.get_item("prepaid").ok().flatten())
        .is_some_and(|v| !is_absent(&v));
    if !prepaid {
        return Cells::read(row, &CHARGE_KEYS, &PREPAID_ONLY, CHARGE_EXPECTED)?
            .charge()
            .map(OpeningBalance::Unpaid);
    }
    let charge_only: Vec<&str> = CHARGE_KEYS
        .into_iter()
        .filter(|k| !PREPAID_KEYS.contains(k))
        .collect();
    let c = Cells::read(row, &PREPAID_KEYS, &charge_only, PREPAID_EXPECTED)?;
    let unit_id = c.required_text("unit_id")?;
    let reference = c
        .reference()?
        .ok_or_else(|| c.bad("ref", "missing field \"ref\"".into()))?;
    Ok(OpeningBalance::Prepaid {
        unit_id,
        amount: c.money("prepaid")?,
        date: c.required_date("date")?,
        reference,
    })
}

fn group_arg(by: Option<&str>) -> PyResult<GroupBy> {
    by.map_or(Ok(GroupBy::Estate), |b| {
        GroupBy::from_str(b).map_err(fee_err)
    })
}

/// The column a report's group key is in.
fn key_name(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Building => "building",
        GroupBy::Unit => "unit_id",
        GroupBy::ItemCode => "item_code",
        _ => "estate",
    }
}

/// The estate's book of receivables: every unit's account, posted from billing runs
/// and bank rows, safe to retry.
#[pyclass(module = "estatekit", name = "Receivables")]
pub(crate) struct PyReceivables {
    inner: receivables::Receivables,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyReceivables {
    #[new]
    #[pyo3(signature = (estate, schedule, *, order = "penalty_first"))]
    fn new(estate: &PyEstate, schedule: &PyFeeSchedule, order: &str) -> PyResult<Self> {
        let order = PaymentOrder::from_str(order).map_err(fee_err)?;
        Ok(Self {
            inner: receivables::Receivables::new(&estate.inner, &schedule.inner, order),
        })
    }

    /// Restore a book saved with `to_json`, for the same estate.
    #[staticmethod]
    fn from_json(
        py: Python<'_>,
        text: &str,
        estate: &PyEstate,
        schedule: &PyFeeSchedule,
    ) -> PyResult<Self> {
        let inner = py
            .detach(|| receivables::Receivables::from_json(text, &estate.inner, &schedule.inner))
            .map_err(fee_err)?;
        Ok(Self { inner })
    }

    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    #[getter]
    fn estate_id(&self) -> &str {
        self.inner.estate_id()
    }

    /// Post a billing run's lines (on: posting date, default the run's issue date;
    /// units: a subset). Lines already posted are counted, not posted again.
    #[pyo3(signature = (run, on = None, units = None))]
    fn post(
        &mut self,
        py: Python<'_>,
        run: &PyBillingRun,
        on: Option<NaiveDate>,
        units: Option<Vec<String>>,
    ) -> PyResult<PyPostResult> {
        let inner = &mut self.inner;
        let res = py
            .detach(|| inner.post(&run.inner, on, units.as_deref()))
            .map_err(fee_err)?;
        Ok(PyPostResult { inner: res })
    }

    /// Apply payment rows (a list of dicts or a pandas/polars DataFrame with columns
    /// unit_id, amount, date, ref). Every row is applied, already applied, or
    /// rejected with its 1-based row number, ref and code.
    fn apply_payments(&mut self, rows: &Bound<'_, PyAny>) -> PyResult<PyPaymentImport> {
        let parsed: Vec<Result<PaymentRow, RejectedRow>> =
            rows_of(rows)?.iter().map(row_of).collect();
        let res = rows.py().detach(|| self.inner.apply_payment_rows(parsed));
        Ok(PyPaymentImport { inner: res })
    }

    /// Apply payment rows given as a JSON array of objects (unit_id, amount as a
    /// decimal string, date as YYYY-MM-DD, ref).
    fn apply_payments_json(&mut self, py: Python<'_>, text: &str) -> PyResult<PyPaymentImport> {
        let inner = &mut self.inner;
        let res = py
            .detach(|| inner.apply_payments_json(text))
            .map_err(fee_err)?;
        Ok(PyPaymentImport { inner: res })
    }

    /// Reverse (冲正) the payment with reference `ref`, recorded `on`: it counts as
    /// never made, from its own date on; the reference cannot be used again.
    #[pyo3(name = "reverse", signature = (reference, *, on, reason))]
    fn reverse_payment(
        &mut self,
        reference: &str,
        on: NaiveDate,
        reason: &str,
    ) -> PyResult<crate::fees::PyPayment> {
        Ok(crate::fees::PyPayment {
            inner: self.inner.reverse(reference, on, reason).map_err(fee_err)?,
        })
    }

    /// Pay money back to a unit's owner out of its prepaid balance (退款), never more
    /// than it holds on `on`; `ref` is unique in the book.
    #[pyo3(signature = (unit_id, amount, *, on, r#ref))]
    fn refund(
        &mut self,
        unit_id: &str,
        amount: &Bound<'_, PyAny>,
        on: NaiveDate,
        r#ref: &str,
    ) -> PyResult<()> {
        let amount = decimal_arg(amount, "amount")?;
        self.inner
            .refund(unit_id, amount, on, r#ref)
            .map_err(fee_err)
    }

    /// Penalty owed on one charge of a unit as of a date.
    fn penalty(
        &self,
        unit_id: &str,
        charge_id: &str,
        as_of: NaiveDate,
    ) -> PyResult<rust_decimal::Decimal> {
        self.inner
            .penalty(unit_id, charge_id, as_of)
            .map_err(fee_err)
    }

    /// A unit's figures as of a date.
    fn balance<'py>(
        &self,
        py: Python<'py>,
        unit_id: &str,
        as_of: NaiveDate,
    ) -> PyResult<Bound<'py, PyDict>> {
        balance_dict(py, &self.inner.balance(unit_id, as_of).map_err(fee_err)?)
    }

    /// A unit's payment-reminder data as of a date.
    fn reminder<'py>(
        &self,
        py: Python<'py>,
        unit_id: &str,
        as_of: NaiveDate,
    ) -> PyResult<Bound<'py, PyDict>> {
        reminder_dict(py, self.inner.reminder(unit_id, as_of).map_err(fee_err)?)
    }

    /// The reminders worth sending as of a date (催交款通知书): one letter per unit
    /// with an overdue item, or per owner when `group` maps unit ids to an owner key
    /// (units not in it get their own letter). A letter whose total is below
    /// `min_total` (default Decimal("1.00")) is not sent but listed in `suppressed`.
    #[pyo3(signature = (as_of, min_total = None, group = None))]
    fn reminders(
        &self,
        py: Python<'_>,
        as_of: NaiveDate,
        min_total: Option<&Bound<'_, PyAny>>,
        group: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyReminders> {
        let min_total = opt_decimal_arg(min_total, "min_total")?.unwrap_or(Decimal::new(100, 2));
        let group: Option<HashMap<String, String>> = match group {
            Some(g) if !g.is_none() => Some(g.extract().map_err(|_| {
                validation_error(
                    "invalid",
                    "group",
                    "group: expected a dict of unit id (str) to owner key (str)".into(),
                )
            })?),
            _ => None,
        };
        let inner = &self.inner;
        let res = py
            .detach(|| inner.reminders(as_of, min_total, group.as_ref()))
            .map_err(fee_err)?;
        Ok(PyReminders { inner: res })
    }

    /// Post single charges outside a billing run (a lock replacement, a renovation
    /// shortfall): a list of dicts or a pandas/polars DataFrame with columns unit_id,
    /// ref, item_code, amount, issued_on, due, period_start, period_end, description,
    /// penalty. Every row is posted, already posted, or rejected with its 1-based row
    /// number.
    fn post_charges(&mut self, rows: &Bound<'_, PyAny>) -> PyResult<PyRowImport> {
        let parsed: Vec<Result<ChargeRow, RejectedRow>> =
            rows_of(rows)?.iter().map(charge_row_of).collect();
        let res = rows.py().detach(|| self.inner.post_charge_rows(parsed));
        Ok(PyRowImport { inner: res })
    }

    /// Post single charges given as a JSON array of objects (amount as a decimal
    /// string, dates as YYYY-MM-DD).
    fn post_charges_json(&mut self, py: Python<'_>, text: &str) -> PyResult<PyRowImport> {
        let inner = &mut self.inner;
        let res = py
            .detach(|| inner.post_charges_json(text))
            .map_err(fee_err)?;
        Ok(PyRowImport { inner: res })
    }

    /// Enter the old system's balances on the day the book takes over (期初余额): a
    /// row with a `prepaid` cell is a prepaid balance (unit_id, prepaid, date, ref),
    /// any other an unpaid item with its original due date (the columns of
    /// `post_charges`, issued_on optional).
    fn open_balances(&mut self, rows: &Bound<'_, PyAny>) -> PyResult<PyRowImport> {
        let parsed: Vec<Result<OpeningBalance, RejectedRow>> =
            rows_of(rows)?.iter().map(opening_row_of).collect();
        let res = rows.py().detach(|| self.inner.open_balance_rows(parsed));
        Ok(PyRowImport { inner: res })
    }

    /// Opening balances given as a JSON array of objects.
    fn open_balances_json(&mut self, py: Python<'_>, text: &str) -> PyResult<PyRowImport> {
        let inner = &mut self.inner;
        let res = py
            .detach(|| inner.open_balances_json(text))
            .map_err(fee_err)?;
        Ok(PyRowImport { inner: res })
    }

    /// Write off (核销) every overdue charge owing more than zero and less than
    /// `below` (default Decimal("1.00")) on `as_of`, principal and penalty, with
    /// `reason` recorded: dicts with unit_id, charge_id, item_code, principal,
    /// penalty. All or nothing; a second run finds nothing.
    #[pyo3(signature = (as_of, *, reason, below = None))]
    fn write_off_residues<'py>(
        &mut self,
        py: Python<'py>,
        as_of: NaiveDate,
        reason: &str,
        below: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let below = opt_decimal_arg(below, "below")?.unwrap_or(Decimal::new(100, 2));
        let done = self
            .inner
            .write_off_residues(as_of, below, reason)
            .map_err(fee_err)?;
        let list = PyList::empty(py);
        for w in done {
            let d = PyDict::new(py);
            d.set_item("unit_id", w.unit_id)?;
            d.set_item("charge_id", w.charge_id)?;
            d.set_item("item_code", w.item_code)?;
            d.set_item("principal", w.principal)?;
            d.set_item("penalty", w.penalty)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// Aging (账龄) of everything owed as of a date (principal and penalty), by days
    /// overdue, grouped by None (the estate), "building", "unit" or "item_code": a
    /// `Report`, one row per group.
    #[pyo3(signature = (as_of, by = None))]
    fn aging(&self, py: Python<'_>, as_of: NaiveDate, by: Option<&str>) -> PyResult<PyReport> {
        let by = group_arg(by)?;
        let rows = self.inner.aging_report(as_of, by).map_err(fee_err)?;
        let columns = vec![
            key_name(by),
            "not_due",
            "days_0_30",
            "days_31_60",
            "days_61_90",
            "days_90_plus",
            "total",
        ];
        let rows = rows
            .into_iter()
            .map(|r| {
                Ok(vec![
                    cell(py, r.key)?,
                    cell(py, r.not_due)?,
                    cell(py, r.days_0_30)?,
                    cell(py, r.days_31_60)?,
                    cell(py, r.days_61_90)?,
                    cell(py, r.days_90_plus)?,
                    cell(py, r.total)?,
                ])
            })
            .collect::<PyResult<_>>()?;
        Ok(PyReport { columns, rows })
    }

    /// The collection rate (收缴率) of the principal billed for periods within
    /// [start, end], paid by `as_of`, grouped like `aging`: a `Report` with billed,
    /// collected, rate (half-up to 4 places, None when nothing was billed) and
    /// penalty_collected.
    #[pyo3(signature = (start, end, as_of, by = None))]
    fn collection(
        &self,
        py: Python<'_>,
        start: NaiveDate,
        end: NaiveDate,
        as_of: NaiveDate,
        by: Option<&str>,
    ) -> PyResult<PyReport> {
        let by = group_arg(by)?;
        let rows = self
            .inner
            .collection_report(start, end, as_of, by)
            .map_err(fee_err)?;
        let columns = vec![
            key_name(by),
            "billed",
            "collected",
            "rate",
            "penalty_collected",
        ];
        let rows = rows
            .into_iter()
            .map(|r| {
                Ok(vec![
                    cell(py, r.key)?,
                    cell(py, r.billed)?,
                    cell(py, r.collected)?,
                    cell(py, r.rate)?,
                    cell(py, r.penalty_collected)?,
                ])
            })
            .collect::<PyResult<_>>()?;
        Ok(PyReport { columns, rows })
    }

    /// The book's figures as of a date: billed − written_off + penalty_accrued −
    /// penalty_waived == applied + outstanding, and collected == applied + prepaid +
    /// refunded.
    fn totals<'py>(&self, py: Python<'py>, as_of: NaiveDate) -> PyResult<Bound<'py, PyDict>> {
        let t = self.inner.totals(as_of).map_err(fee_err)?;
        let d = PyDict::new(py);
        d.set_item("billed", t.billed)?;
        d.set_item("penalty_accrued", t.penalty_accrued)?;
        d.set_item("penalty_waived", t.penalty_waived)?;
        d.set_item("written_off", t.written_off)?;
        d.set_item("applied", t.applied)?;
        d.set_item("outstanding", t.outstanding)?;
        d.set_item("collected", t.collected)?;
        d.set_item("prepaid", t.prepaid)?;
        d.set_item("refunded", t.refunded)?;
        Ok(d)
    }

    /// A copy of one unit's account (a `Ledger`), or None if it has no activity.
    fn account(&self, unit_id: &str) -> Option<PyLedger> {
        self.inner
            .account(unit_id)
            .map(|l| PyLedger { inner: l.clone() })
    }

    fn __repr__(&self) -> String {
        format!(
            "Receivables(estate_id={:?}, accounts={})",
            self.inner.estate_id(),
            self.inner.accounts().count()
        )
    }
}

/// What `Receivables.post` did.
#[pyclass(frozen, module = "estatekit", name = "PostResult")]
pub(crate) struct PyPostResult {
    inner: receivables::PostResult,
}

fn error_dict<'py>(py: Python<'py>, e: &FeeError) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("code", e.code())?;
    d.set_item("path", e.path())?;
    d.set_item("message", e.to_string())?;
    Ok(d)
}

/// Rejected rows as dicts: row (1-based), ref, code, path, message.
fn rejected_list<'py>(py: Python<'py>, rows: &[RejectedRow]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for r in rows {
        let d = error_dict(py, &r.error)?;
        d.set_item("row", r.row)?;
        d.set_item("ref", r.reference.as_deref())?;
        let who = match &r.reference {
            Some(x) => format!("row {} (ref {x:?})", r.row),
            None => format!("row {}", r.row),
        };
        d.set_item("message", format!("{who}: {}", r.error))?;
        list.append(d)?;
    }
    Ok(list)
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPostResult {
    /// Bill lines posted now.
    #[getter]
    fn posted(&self) -> usize {
        self.inner.posted
    }
    /// Bill lines already in the book with the same amount and due date.
    #[getter]
    fn already_posted(&self) -> usize {
        self.inner.already_posted
    }
    /// Lines already posted with another amount or due date (not posted): dicts with
    /// code "conflicting_repost", path, message, unit_id, charge_id, field, booked, given.
    #[getter]
    fn conflicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for e in &self.inner.conflicts {
            let d = error_dict(py, e)?;
            if let FeeError::ConflictingRepost { conflict, .. } = e {
                d.set_item("unit_id", &conflict.unit_id)?;
                d.set_item("charge_id", &conflict.charge_id)?;
                d.set_item("field", &conflict.field)?;
                d.set_item("booked", &conflict.booked)?;
                d.set_item("given", &conflict.given)?;
            }
            list.append(d)?;
        }
        Ok(list)
    }
    fn __repr__(&self) -> String {
        format!(
            "PostResult(posted={}, already_posted={}, conflicts={})",
            self.inner.posted,
            self.inner.already_posted,
            self.inner.conflicts.len()
        )
    }
}

/// What `Receivables.apply_payments` did with each row.
#[pyclass(frozen, module = "estatekit", name = "PaymentImport")]
pub(crate) struct PyPaymentImport {
    inner: receivables::PaymentImport,
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPaymentImport {
    /// Rows applied now: dicts with row, ref, unit_id, amount, date, applied
    /// ((charge_id, principal, penalty) tuples) and to_prepaid.
    #[getter]
    fn applied<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for a in &self.inner.applied {
            let d = PyDict::new(py);
            d.set_item("row", a.row)?;
            d.set_item("ref", &a.payment.id)?;
            d.set_item("unit_id", &a.unit_id)?;
            d.set_item("amount", a.payment.amount)?;
            d.set_item("date", a.payment.date)?;
            let parts: Vec<(String, rust_decimal::Decimal, rust_decimal::Decimal)> = a
                .payment
                .applied
                .iter()
                .map(|x| (x.charge_id.clone(), x.principal, x.penalty))
                .collect();
            d.set_item("applied", parts)?;
            d.set_item("to_prepaid", a.payment.to_prepaid)?;
            list.append(d)?;
        }
        Ok(list)
    }
    /// Rows already in the book: dicts with row, ref, unit_id.
    #[getter]
    fn already_applied<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for a in &self.inner.already_applied {
            let d = PyDict::new(py);
            d.set_item("row", a.row)?;
            d.set_item("ref", &a.reference)?;
            d.set_item("unit_id", &a.unit_id)?;
            list.append(d)?;
        }
        Ok(list)
    }
    /// Rows refused (nothing changed for them): dicts with row (1-based), ref (None
    /// when it could not be read), code, path and message.
    #[getter]
    fn rejected<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        rejected_list(py, &self.inner.rejected)
    }
    fn __repr__(&self) -> String {
        format!(
            "PaymentImport(applied={}, already_applied={}, rejected={})",
            self.inner.applied.len(),
            self.inner.already_applied.len(),
            self.inner.rejected.len()
        )
    }
}

/// What `Receivables.post_charges` or `open_balances` did with each row.
#[pyclass(frozen, module = "estatekit", name = "RowImport")]
pub(crate) struct PyRowImport {
    inner: receivables::RowImport,
}

fn imported_list<'py>(py: Python<'py>, rows: &[ImportedRow]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for r in rows {
        let d = PyDict::new(py);
        d.set_item("row", r.row)?;
        d.set_item("unit_id", &r.unit_id)?;
        d.set_item("ref", &r.reference)?;
        list.append(d)?;
    }
    Ok(list)
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyRowImport {
    /// Rows posted now: dicts with row (1-based), unit_id, ref (the charge id or the
    /// prepaid balance's reference).
    #[getter]
    fn posted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        imported_list(py, &self.inner.posted)
    }
    /// Rows already in the book with the same content: dicts like `posted`.
    #[getter]
    fn already_posted<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        imported_list(py, &self.inner.already_posted)
    }
    /// Rows refused (nothing changed for them): dicts with row (1-based), ref (None
    /// when it could not be read), code, path and message.
    #[getter]
    fn rejected<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        rejected_list(py, &self.inner.rejected)
    }
    fn __repr__(&self) -> String {
        format!(
            "RowImport(posted={}, already_posted={}, rejected={})",
            self.inner.posted.len(),
            self.inner.already_posted.len(),
            self.inner.rejected.len()
        )
    }
}

fn cell<'py, T: IntoPyObject<'py>>(py: Python<'py>, v: T) -> PyResult<Py<PyAny>> {
    v.into_bound_py_any(py).map(Bound::unbind)
}

/// A report (`Receivables.aging`, `Receivables.collection`): a read-only sequence of
/// row dicts with the same keys (`columns`); `to_records()` for a DataFrame.
#[pyclass(frozen, sequence, module = "estatekit", name = "Report")]
pub(crate) struct PyReport {
    columns: Vec<&'static str>,
    rows: Vec<Vec<Py<PyAny>>>,
}

impl PyReport {
    fn row<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.columns.iter().zip(&self.rows[i]) {
            d.set_item(k, v.bind(py))?;
        }
        Ok(d)
    }

    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for i in 0..self.rows.len() {
            list.append(self.row(py, i)?)?;
        }
        Ok(list)
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyReport {
    /// The keys of every row, in order (the group key first).
    #[getter]
    fn columns(&self) -> Vec<&'static str> {
        self.columns.clone()
    }
    /// The rows as a new list of dicts (Decimal amounts): `pandas.DataFrame(r.to_records())`.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.records(py)
    }
    fn __len__(&self) -> usize {
        self.rows.len()
    }
    fn __getitem__<'py>(&self, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = index.py();
        if index.is_instance_of::<PySlice>() {
            return self.records(py)?.as_any().get_item(index);
        }
        let i: isize = index.extract()?;
        let n = self.rows.len() as isize;
        let at = if i < 0 { i + n } else { i };
        if !(0..n).contains(&at) {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "report index out of range",
            ));
        }
        Ok(self.row(py, at as usize)?.into_any())
    }
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.records(py)?.try_iter()?.into_any())
    }
    fn __richcmp__<'py>(
        &self,
        other: &Bound<'py, PyAny>,
        op: CompareOp,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = other.py();
        let theirs = if let Ok(r) = other.cast::<PyReport>() {
            r.get().records(py)?.into_any()
        } else if other.is_instance_of::<PyList>() {
            other.clone()
        } else {
            return Ok(py.NotImplemented().into_bound(py));
        };
        let eq = self.records(py)?.eq(theirs)?;
        let out = match op {
            CompareOp::Eq => eq,
            CompareOp::Ne => !eq,
            _ => return Ok(py.NotImplemented().into_bound(py)),
        };
        Ok(PyBool::new(py, out).to_owned().into_any())
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Report({})", self.records(py)?.repr()?))
    }
}
