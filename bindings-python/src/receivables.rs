//! The estate's book of accounts in Python: `Receivables` (post billing runs, apply
//! bank rows from a list of dicts or a pandas/polars DataFrame), `PostResult`,
//! `PaymentImport`. The rules are the core's; this file converts.

use estatekit_ffi_guard::guard;
use std::str::FromStr;

use chrono::NaiveDate;
use estatekit::fees::FeeError;
use estatekit::fees::ledger::PaymentOrder;
use estatekit::fees::receivables::{self, GroupBy, PaymentRow, RejectedRow};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyDict, PyInt, PyList, PyString};

use crate::estate::PyEstate;
use crate::fees::{PyBillingRun, PyFeeSchedule, PyLedger, balance_dict, reminder_dict};
use crate::{decimal_arg, to_py};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyReceivables>()?;
    m.add_class::<PyPostResult>()?;
    m.add_class::<PyPaymentImport>()?;
    Ok(())
}

fn fee_err(e: FeeError) -> PyErr {
    to_py(e)
}

/// The keys a payment row may have.
const ROW_KEYS: [&str; 4] = ["unit_id", "amount", "date", "ref"];

/// A pandas or polars DataFrame as a list of row dicts; a list (or any iterable) of
/// dicts as it is.
fn rows_of<'py>(rows: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
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

    /// Every unit with an overdue item as of a date, in unit-id order.
    fn reminders<'py>(&self, py: Python<'py>, as_of: NaiveDate) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for r in self.inner.reminders(as_of).map_err(fee_err)? {
            list.append(reminder_dict(py, r)?)?;
        }
        Ok(list)
    }

    /// Aging (账龄) of everything owed as of a date (principal and penalty), by days
    /// overdue, grouped by None (the estate), "building", "unit" or "item_code": one
    /// dict per group (DataFrame-ready records).
    #[pyo3(signature = (as_of, by = None))]
    fn aging<'py>(
        &self,
        py: Python<'py>,
        as_of: NaiveDate,
        by: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let by = group_arg(by)?;
        let rows = self.inner.aging_report(as_of, by).map_err(fee_err)?;
        let list = PyList::empty(py);
        for r in rows {
            let d = PyDict::new(py);
            d.set_item(key_name(by), r.key)?;
            d.set_item("not_due", r.not_due)?;
            d.set_item("days_0_30", r.days_0_30)?;
            d.set_item("days_31_60", r.days_31_60)?;
            d.set_item("days_61_90", r.days_61_90)?;
            d.set_item("days_90_plus", r.days_90_plus)?;
            d.set_item("total", r.total)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The collection rate (收缴率) of the principal billed for periods within
    /// [start, end], paid by `as_of`, grouped like `aging`: dicts with billed,
    /// collected, rate (half-up to 4 places, None when nothing was billed) and
    /// penalty_collected.
    #[pyo3(signature = (start, end, as_of, by = None))]
    fn collection<'py>(
        &self,
        py: Python<'py>,
        start: NaiveDate,
        end: NaiveDate,
        as_of: NaiveDate,
        by: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let by = group_arg(by)?;
        let rows = self
            .inner
            .collection_report(start, end, as_of, by)
            .map_err(fee_err)?;
        let list = PyList::empty(py);
        for r in rows {
            let d = PyDict::new(py);
            d.set_item(key_name(by), r.key)?;
            d.set_item("billed", r.billed)?;
            d.set_item("collected", r.collected)?;
            d.set_item("rate", r.rate)?;
            d.set_item("penalty_collected", r.penalty_collected)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The book's figures as of a date: billed + penalty_accrued − penalty_waived ==
    /// applied + outstanding, and collected == applied + prepaid + refunded.
    fn totals<'py>(&self, py: Python<'py>, as_of: NaiveDate) -> PyResult<Bound<'py, PyDict>> {
        let t = self.inner.totals(as_of).map_err(fee_err)?;
        let d = PyDict::new(py);
        d.set_item("billed", t.billed)?;
        d.set_item("penalty_accrued", t.penalty_accrued)?;
        d.set_item("penalty_waived", t.penalty_waived)?;
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
        let list = PyList::empty(py);
        for r in &self.inner.rejected {
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
    fn __repr__(&self) -> String {
        format!(
            "PaymentImport(applied={}, already_applied={}, rejected={})",
            self.inner.applied.len(),
            self.inner.already_applied.len(),
            self.inner.rejected.len()
        )
    }
}
