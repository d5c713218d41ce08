//! The estate's book of accounts in Python: `Receivables` (post billing runs, apply
//! bank rows, post single charges and opening balances from a list of dicts or a
//! pandas/polars DataFrame, write off residues, reports), `PostResult`,
//! `PaymentImport`, `RowImport`, `Report`. The rules are the core's; this file
//! converts.

use estatekit::arrow::ArrowError;
use estatekit::arrow::arrow_array::RecordBatch;
use estatekit_ffi_guard::guard;
use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;
use estatekit::fees::FeeError;
use estatekit::fees::ledger::PaymentOrder;
use estatekit::fees::receivables::{
    self, AgingRow, AppliedRow, CollectionRow, GroupBy, ImportedRow, RejectedRow,
};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyBool, PyDict, PyList, PySlice, PyString};
use rust_decimal::Decimal;

use crate::dunning::PyReminders;
use crate::estate::PyEstate;
use crate::fees::{PyBillingRun, PyFeeSchedule, PyLedger, applied_tuples};
use crate::record::{
    ToDict, dict_lists, dict_record, dict_views, dicts, locked_getters, record, register, shared_eq,
};
use crate::shared::Shared;
use crate::{date_arg, decimal_arg, opt, to_py, validation_error};
use estatekit::records::{CHARGE_COLUMNS, OPENING_COLUMNS, PAYMENT_COLUMNS};
use estatekit::tables::{Row, TableProblem, TextRow, TextTable};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(m: PyReceivables, PyPostResult, PyPaymentImport, PyRowImport, PyReport; csv_rows)
}

/// The rows of a CSV text keyed by its header line, every cell as text (RFC 4180
/// quoting, LF or CRLF, a byte-order mark dropped, empty lines skipped).
#[guard(crate::panic_guard)]
#[pyfunction]
fn csv_rows(
    py: Python<'_>,
    #[pyo3(from_py_with = crate::args::str_ref)] table: &str,
    #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
) -> PyResult<Vec<Row>> {
    py.detach(|| estatekit::records::csv_rows(table, text))
        .map_err(|e| crate::estate::records_error(py, &e))
}

fn fee_err(e: FeeError) -> PyErr {
    to_py(e)
}

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
            "wrong_type",
            "rows",
            "rows: expected a list of dicts or a DataFrame".into(),
        ));
    }
    let _ = py;
    rows.try_iter()?.collect()
}

fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// The columns of each importer, for messages.
const PAYMENT_COLUMNS_TEXT: &str = "unit_id, amount, date, ref, reverses";
const CHARGE_COLUMNS_TEXT: &str = "unit_id, ref, item_code, amount, issued_on, due, period_start, \
                                   period_end, description, penalty";
const OPENING_COLUMNS_TEXT: &str = "the columns of a charge, or unit_id, prepaid, date, ref";

/// Rows (a list of dicts or a DataFrame) as text rows for the core's records
/// importers: each cell through `read_dict_row` (a bool as `true`/`false`); a cell
/// that cannot be taken as text (a float) or a row that is not a dict becomes a
/// problem that rejects its row.
pub(crate) fn text_rows(
    table: &str,
    rows: &Bound<'_, PyAny>,
    known: &'static [&'static str],
    columns: &str,
) -> PyResult<(TextTable, Vec<TableProblem>)> {
    // The row's id: its `ref`, or for pooled invoices its item code.
    let id_column = if table == "pooled" {
        "item_code"
    } else {
        "ref"
    };
    if let Some(batches) = crate::arrow::batches_of(table, rows, false)? {
        return estatekit::arrow::read_rows_table(table, known, id_column, &batches)
            .map_err(|e| crate::estate::records_error(rows.py(), &e));
    }
    let mut out = TextTable::new(known);
    let mut problems = Vec::new();
    for (i, row) in rows_of(rows)?.iter().enumerate() {
        let Ok(dict) = row.cast::<PyDict>() else {
            problems.push(TableProblem::new(
                table,
                i + 1,
                None,
                None,
                "invalid_cell",
                format!("expected a dict with {columns}, got {}", type_name(row)),
            ));
            out.start_row();
            continue;
        };
        let bad = crate::estate::read_dict_row(dict, &mut out, true, false)?;
        crate::estate::cell_problems((table, i + 1), dict, id_column, bad, &mut problems);
    }
    Ok((out, problems))
}

fn group_arg(by: Option<&str>) -> PyResult<GroupBy> {
    by.map_or(Ok(GroupBy::Estate), |b| {
        GroupBy::from_str(b).map_err(fee_err)
    })
}

/// The estate's book of receivables: every unit's account, posted from billing runs
/// and bank rows, safe to retry.
#[pyclass(frozen, module = "estatekit", name = "Receivables")]
pub(crate) struct PyReceivables {
    pub(crate) inner: Shared<receivables::Receivables>,
    /// The estate and schedule it was made with, for `__reduce__`.
    estate: Py<PyEstate>,
    schedule: Py<PyFeeSchedule>,
}

locked_getters!(PyReceivables |b| {
    estate_id: String = b.estate_id().to_owned(),
});

dict_views!(PyReceivables |b, unit_id, as_of| {
    /// A unit's figures as of a date.
    balance = b.balance(unit_id, as_of),
    /// One unit's outstanding principal by days overdue as of a date (as
    /// `Ledger.aging`): not_due, days_0_30, days_31_60, days_61_90, days_90_plus.
    unit_aging = b.aging(unit_id, as_of),
    /// A unit's payment-reminder data as of a date.
    reminder = b.reminder(unit_id, as_of),
});

dict_views!(PyReceivables |b, as_of| {
    /// The book's figures as of a date: billed − written_off + penalty_accrued −
    /// penalty_waived == applied + outstanding, and collected == applied + prepaid +
    /// refunded.
    totals = b.totals(as_of),
});

impl PyReceivables {
    /// Runs `f` on the book, locked, with the GIL released.
    fn with_book<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut receivables::Receivables) -> R + Send,
    ) -> PyResult<R> {
        let mut held = self.inner.lock()?;
        let book = &mut *held;
        Ok(py.detach(|| f(book)))
    }

    /// Reads `rows` (dicts or a DataFrame) as text rows of `table` for a records
    /// importer, then runs it on the book (`with_book`) with the rows and the problems
    /// found while reading them.
    fn import_rows<R: Send>(
        &self,
        rows: &Bound<'_, PyAny>,
        (table, known, columns): (&str, &'static [&'static str], &str),
        f: impl FnOnce(&mut receivables::Receivables, &[TextRow<'_>], &[TableProblem]) -> R + Send,
    ) -> PyResult<R> {
        let (text, earlier) = text_rows(table, rows, known, columns)?;
        self.with_book(rows.py(), |book| f(book, &text.rows(), &earlier))
    }

    /// The `Report` of the rows `f` reads from the book grouped `by` (None, "building",
    /// "unit" or "item_code").
    fn report<R: ReportRow>(
        &self,
        py: Python<'_>,
        by: Option<String>,
        f: impl FnOnce(&receivables::Receivables, GroupBy) -> Result<Vec<R>, FeeError>,
    ) -> PyResult<PyReport> {
        let by = group_arg(by.as_deref())?;
        let scale = self.scale(py);
        let book = self.inner.lock()?;
        let rows = f(&book, by).map_err(fee_err)?;
        PyReport::of(py, by, rows, scale)
    }

    /// The estate's scale (its rounding policy's decimal places).
    fn scale(&self, py: Python<'_>) -> u32 {
        self.estate.bind(py).get().inner.rounding().scale()
    }
}

/// The two entry points of each row importer of the book: `name(rows)`, a list of
/// dicts or a pandas/polars DataFrame read as text rows of the table (`import_rows`)
/// and given to the core's `records` importer, and `name_json(text)`, a JSON array of
/// objects given to the core's method of the same name.
macro_rules! row_importers {
    ($(
        $(#[doc = $doc:literal])*
        $rows:ident($table:literal, $known:expr, $columns:expr) => $records:ident -> $out:ty;
        $(#[doc = $json_doc:literal])*
        $json:ident;
    )*) => {
        #[guard(crate::panic_guard)]
        #[pymethods]
        impl PyReceivables {$(
            $(#[doc = $doc])*
            fn $rows(&self, rows: &Bound<'_, PyAny>) -> PyResult<$out> {
                self.import_rows(rows, ($table, &$known, $columns), |book, rows, earlier| {
                    book.$records(rows, earlier).into()
                })
            }

            $(#[doc = $json_doc])*
            fn $json(
                &self,
                py: Python<'_>,
                #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
            ) -> PyResult<$out> {
                let done = self.with_book(py, |book| book.$json(text))?;
                Ok(done.map_err(fee_err)?.into())
            }
        )*}
    };
}

row_importers! {
    /// Apply payment rows (a list of dicts or a pandas/polars DataFrame with columns
    /// unit_id, amount, date, ref). Every row is applied, already applied, or
    /// rejected with its 1-based row number, ref and code.
    apply_payments("payments", PAYMENT_COLUMNS, PAYMENT_COLUMNS_TEXT)
        => apply_payment_records -> PyPaymentImport;
    /// Apply payment rows given as a JSON array of objects (unit_id, amount as a
    /// decimal string, date as YYYY-MM-DD, ref).
    apply_payments_json;

    /// Post single charges outside a billing run (a lock replacement, a renovation
    /// shortfall): a list of dicts or a pandas/polars DataFrame with columns unit_id,
    /// ref, item_code, amount, issued_on, due, period_start, period_end, description,
    /// penalty. Every row is posted, already posted, or rejected with its 1-based row
    /// number.
    post_charges("charges", CHARGE_COLUMNS, CHARGE_COLUMNS_TEXT)
        => post_charge_records -> PyRowImport;
    /// Post single charges given as a JSON array of objects (amount as a decimal
    /// string, dates as YYYY-MM-DD).
    post_charges_json;

    /// Enter the old system's balances on the day the book takes over (期初余额): a
    /// row with a `prepaid` cell is a prepaid balance (unit_id, prepaid, date, ref),
    /// any other an unpaid item with its original due date (the columns of
    /// `post_charges`, issued_on optional).
    open_balances("opening", OPENING_COLUMNS, OPENING_COLUMNS_TEXT)
        => open_balance_records -> PyRowImport;
    /// Opening balances given as a JSON array of objects.
    open_balances_json;
}

shared_eq! {
    /// Equal when the JSON forms are equal (the same estate id, policy and accounts).
    PyReceivables |a, b| a.to_json() == b.to_json()
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyReceivables {
    #[new]
    #[pyo3(signature = (estate, schedule, *, order = "penalty_first"))]
    fn new(
        estate: Bound<'_, PyEstate>,
        schedule: Bound<'_, PyFeeSchedule>,
        #[pyo3(from_py_with = crate::args::str_ref)] order: &str,
    ) -> PyResult<Self> {
        let order = PaymentOrder::from_str(order).map_err(fee_err)?;
        let inner =
            receivables::Receivables::new(&estate.get().inner, &schedule.get().inner, order);
        Ok(Self {
            inner: Shared::new("Receivables", inner),
            estate: estate.unbind(),
            schedule: schedule.unbind(),
        })
    }

    /// Restore a book saved with `to_json`, for the same estate.
    #[staticmethod]
    fn from_json(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::str_ref)] text: &str,
        estate: Bound<'_, PyEstate>,
        schedule: Bound<'_, PyFeeSchedule>,
    ) -> PyResult<Self> {
        let (e, s) = (&estate.get().inner, &schedule.get().inner);
        let inner = py
            .detach(|| receivables::Receivables::from_json(text, e, s))
            .map_err(fee_err)?;
        Ok(Self {
            inner: Shared::new("Receivables", inner),
            estate: estate.unbind(),
            schedule: schedule.unbind(),
        })
    }

    fn to_json(&self) -> PyResult<String> {
        Ok(self.inner.lock()?.to_json())
    }

    /// Pickle and `copy` through the JSON form, with the estate and schedule the book
    /// was made with: `(Receivables.from_json, (self.to_json(), estate, schedule))`.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(
        Bound<'py, PyAny>,
        (String, Bound<'py, PyEstate>, Bound<'py, PyFeeSchedule>),
    )> {
        let py = slf.py();
        let me = slf.get();
        let text = me.to_json()?;
        Ok((
            slf.get_type().getattr("from_json")?,
            (
                text,
                me.estate.bind(py).clone(),
                me.schedule.bind(py).clone(),
            ),
        ))
    }

    /// Post a billing run's lines (on: posting date, default the run's issue date;
    /// units: a subset). Lines already posted are counted, not posted again.
    #[pyo3(signature = (run, on = None, units = None))]
    fn post(
        &self,
        py: Python<'_>,
        run: &PyBillingRun,
        on: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::args::opt_text_list)] units: Option<Vec<String>>,
    ) -> PyResult<PyPostResult> {
        let on = opt(on, "on", date_arg)?;
        let mut held = self.inner.lock()?;
        let inner = &mut *held;
        let res = py
            .detach(|| inner.post(&run.inner, on, units.as_deref()))
            .map_err(fee_err)?;
        Ok(res.into())
    }

    /// Reverse (冲正) the payment with reference `ref`, recorded `on`: it counts as
    /// never made, from its own date on; the reference cannot be used again.
    #[pyo3(name = "reverse", signature = (reference, *, on, reason))]
    fn reverse_payment(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] reference: &str,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
    ) -> PyResult<crate::fees::PyPayment> {
        Ok(crate::fees::PyPayment {
            inner: self
                .inner
                .lock()?
                .reverse(reference, on, reason)
                .map_err(fee_err)?,
        })
    }

    /// Pay money back to a unit's owner out of its prepaid balance (退款), never more
    /// than it holds on `on`; `ref` is unique in the book.
    #[pyo3(signature = (unit_id, amount, *, on, r#ref))]
    fn refund(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        amount: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
        #[pyo3(from_py_with = crate::args::str_ref)] r#ref: &str,
    ) -> PyResult<()> {
        let amount = decimal_arg(amount, "amount")?;
        self.inner
            .lock()?
            .refund(unit_id, amount, on, r#ref)
            .map_err(fee_err)
    }

    /// Penalty owed on one charge of a unit as of a date.
    fn penalty(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] charge_id: &str,
        #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
    ) -> PyResult<rust_decimal::Decimal> {
        self.inner
            .lock()?
            .penalty(unit_id, charge_id, as_of)
            .map_err(fee_err)
    }

    /// The reminders worth sending as of a date (催交款通知书): one letter per unit
    /// with an overdue item, or per owner when `group` maps unit ids to an owner key
    /// (units not in it get their own letter). A letter whose total is below
    /// `min_total` (default Decimal("1.00")) is not sent but listed in `suppressed`.
    #[pyo3(signature = (as_of, min_total = None, group = None))]
    fn reminders(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
        min_total: Option<&Bound<'_, PyAny>>,
        group: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyReminders> {
        let min_total = opt(min_total, "min_total", decimal_arg)?.unwrap_or(Decimal::new(100, 2));
        let group: Option<HashMap<String, String>> = match group {
            Some(g) if !g.is_none() => Some(g.extract().map_err(|_| {
                validation_error(
                    "wrong_type",
                    "group",
                    "group: expected a dict of unit id (str) to owner key (str)".into(),
                )
            })?),
            _ => None,
        };
        let scale = self.scale(py);
        let held = self.inner.lock()?;
        let inner = &*held;
        let res = py
            .detach(|| inner.reminders(as_of, min_total, group.as_ref()))
            .map_err(fee_err)?;
        Ok(PyReminders { inner: res, scale })
    }

    /// Write off (核销) every overdue charge owing more than zero and less than
    /// `below` (default Decimal("1.00")) on `as_of`, principal and penalty, with
    /// `reason` recorded: dicts with unit_id, charge_id, item_code, principal,
    /// penalty. All or nothing; a second run finds nothing.
    #[pyo3(signature = (as_of, *, reason, below = None))]
    fn write_off_residues<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
        #[pyo3(from_py_with = crate::args::str_ref)] reason: &str,
        below: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let below = opt(below, "below", decimal_arg)?.unwrap_or(Decimal::new(100, 2));
        let done = self
            .inner
            .lock()?
            .write_off_residues(as_of, below, reason)
            .map_err(fee_err)?;
        dicts(py, &done)
    }

    /// Aging (账龄) of everything owed as of a date (principal and penalty), by days
    /// overdue, grouped by None (the estate), "building", "unit" or "item_code": a
    /// `Report`, one row per group.
    #[pyo3(signature = (as_of, by = None))]
    fn aging(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
        #[pyo3(from_py_with = crate::args::opt_text)] by: Option<String>,
    ) -> PyResult<PyReport> {
        self.report(py, by, |book, by| book.aging_report(as_of, by))
    }

    /// Every charge of every account as an Arrow table (the receivables ledger as a
    /// fact table; money at the estate's scale): see the stubs.
    fn charges_to_arrow(&self, py: Python<'_>) -> PyResult<crate::arrow::PyArrowTable> {
        let scale = self.scale(py);
        let book = self.inner.lock()?;
        crate::arrow::PyArrowTable::of(estatekit::arrow::book_charges(&book, scale))
    }

    /// Every payment of every account as an Arrow table: see the stubs.
    fn payments_to_arrow(&self, py: Python<'_>) -> PyResult<crate::arrow::PyArrowTable> {
        let scale = self.scale(py);
        let book = self.inner.lock()?;
        crate::arrow::PyArrowTable::of(estatekit::arrow::book_payments(&book, scale))
    }

    /// The collection rate (收缴率) of the principal billed for periods within
    /// [start, end], paid by `as_of`, grouped like `aging`: a `Report` with billed,
    /// collected, rate (half-up to 4 places, None when nothing was billed) and
    /// penalty_collected.
    #[pyo3(signature = (start, end, as_of, by = None))]
    fn collection(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::date)] start: NaiveDate,
        #[pyo3(from_py_with = crate::args::date)] end: NaiveDate,
        #[pyo3(from_py_with = crate::args::date)] as_of: NaiveDate,
        #[pyo3(from_py_with = crate::args::opt_text)] by: Option<String>,
    ) -> PyResult<PyReport> {
        self.report(py, by, |book, by| {
            book.collection_report(start, end, as_of, by)
        })
    }

    /// A copy of one unit's account (a `Ledger`), or None if it has no activity.
    fn account(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
    ) -> PyResult<Option<PyLedger>> {
        Ok(self
            .inner
            .lock()?
            .account(unit_id)
            .map(|l| PyLedger::wrap(l.clone())))
    }

    fn __repr__(&self) -> PyResult<String> {
        let book = self.inner.lock()?;
        Ok(format!(
            "Receivables(estate_id={:?}, accounts={})",
            book.estate_id(),
            book.accounts().count()
        ))
    }

    /// Test hook: holds the lock while `callback()` runs, then panics if `panic`.
    #[cfg(feature = "test-hooks")]
    #[pyo3(signature = (callback, panic = false))]
    fn _hold_lock_for_test(&self, callback: &Bound<'_, PyAny>, panic: bool) -> PyResult<()> {
        self.inner.hold_for_test(callback, panic)
    }
}

/// A reversal row of a payment import (`PaymentImport.reversed`).
struct Reversal<'a>(&'a AppliedRow);

dict_record! {
    receivables::BookTotals {
        billed, penalty_accrued, penalty_waived, written_off, applied, outstanding, collected,
        prepaid, refunded,
    }
    receivables::WriteOff { unit_id, charge_id, item_code, principal, penalty }
    receivables::CreditLine { unit_id, charge_id, item_code, amount }
    RejectedRow {
        code = |r| r.error.code(), path = |r| r.error.path(), message = |r| r.message(),
        row, r#ref = |r| &r.reference,
    }
    AppliedRow {
        row, r#ref = |a| &a.payment.id, unit_id, amount = |a| a.payment.amount,
        date = |a| a.payment.date, applied = |a| applied_tuples(&a.payment.applied),
        to_prepaid = |a| a.payment.to_prepaid,
    }
    Reversal<'_> {
        row = |a| a.0.row, r#ref = |a| &a.0.payment.id, unit_id = |a| &a.0.unit_id,
        amount = |a| a.0.payment.amount, date = |a| a.0.payment.date,
        reversed_on = |a| reversal(a.0).on, reason = |a| &reversal(a.0).reason,
    }
    receivables::AlreadyApplied { row, r#ref = |a| &a.reference, unit_id }
    ImportedRow { row, unit_id, r#ref = |r| &r.reference }
}

/// The reversal of a reversal row's payment.
fn reversal(a: &AppliedRow) -> &estatekit::fees::ledger::Reversal {
    a.payment
        .reversed
        .as_ref()
        .expect("a reversed row's payment carries its reversal")
}

/// An error as a dict: code, path, message; a conflicting repost adds unit_id,
/// charge_id, field, booked and given.
impl ToDict for FeeError {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("code", self.code())?;
        d.set_item("path", self.path())?;
        d.set_item("message", self.to_string())?;
        if let FeeError::ConflictingRepost { conflict, .. } = self {
            d.set_item("unit_id", &conflict.unit_id)?;
            d.set_item("charge_id", &conflict.charge_id)?;
            d.set_item("field", &conflict.field)?;
            d.set_item("booked", &conflict.booked)?;
            d.set_item("given", &conflict.given)?;
        }
        Ok(d)
    }
}

record! {
    /// What `Receivables.post` did.
    pub(crate) struct PyPostResult("PostResult") { inner: receivables::PostResult }
    repr(posted, already_posted);
    |r| {
        /// Bill lines posted now.
        posted: usize,
        /// Bill lines already in the book with the same amount and due date.
        already_posted: usize,
    }
}

dict_lists!(PyPostResult {
    /// Lines already posted with another amount or due date (not posted): dicts with
    /// code "conflicting_repost", path, message, unit_id, charge_id, field, booked, given.
    conflicts,
    /// Negative lines (a metered line trued up below last month's estimate): credits
    /// the book does not hold as charges, not posted, listed every time: dicts with
    /// unit_id, charge_id, item_code, amount.
    credits,
});

record! {
    /// What `Receivables.apply_payments` did with each row.
    pub(crate) struct PyPaymentImport("PaymentImport") { inner: receivables::PaymentImport }
    |r| {}
}

dict_lists!(PyPaymentImport {
    /// Rows applied now: dicts with row, ref, unit_id, amount, date, applied
    /// ((charge_id, principal, penalty) tuples) and to_prepaid.
    applied,
    /// Each change made to a cell before reading it: dicts with table, row, id,
    /// column, before, after.
    normalisations,
    /// Rows already in the book: dicts with row, ref, unit_id.
    already_applied,
    /// Rows refused (nothing changed for them): dicts with row (1-based), ref (None
    /// when it could not be read), code, path and message.
    rejected,
});

#[guard(crate::panic_guard)]
#[pymethods]
impl PyPaymentImport {
    /// Reversal rows applied now: dicts with row, ref (the reversed payment's),
    /// unit_id, amount, date, reversed_on and reason.
    #[getter]
    fn reversed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        dicts(
            py,
            self.inner
                .reversed
                .iter()
                .map(Reversal)
                .collect::<Vec<_>>()
                .iter(),
        )
    }
    fn __repr__(&self) -> String {
        format!(
            "PaymentImport(applied={}, reversed={}, already_applied={}, rejected={})",
            self.inner.applied.len(),
            self.inner.reversed.len(),
            self.inner.already_applied.len(),
            self.inner.rejected.len()
        )
    }
}

record! {
    /// What `Receivables.post_charges` or `open_balances` did with each row.
    pub(crate) struct PyRowImport("RowImport") { inner: receivables::RowImport }
    |r| {}
}

dict_lists!(PyRowImport {
    /// Rows posted now: dicts with row (1-based), unit_id, ref (the charge id or the
    /// prepaid balance's reference).
    posted,
    /// Each change made to a cell before reading it: dicts with table, row, id,
    /// column, before, after.
    normalisations,
    /// Rows already in the book with the same content: dicts like `posted`.
    already_posted,
    /// Rows refused (nothing changed for them): dicts with row (1-based), ref (None
    /// when it could not be read), code, path and message.
    rejected,
});

#[guard(crate::panic_guard)]
#[pymethods]
impl PyRowImport {
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
    /// The rows as an Arrow batch, for `to_arrow`.
    batch: RecordBatch,
}

/// A row of a `Report`: its cells after the group key, in the order of `COLUMNS`.
trait ReportRow {
    /// The column names after the key's.
    const COLUMNS: &'static [&'static str];
    /// The key's cell, then one per column.
    fn cells(self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>>;
    /// The rows as an Arrow batch (`estatekit::arrow`).
    fn arrow(rows: &[Self], by: GroupBy, scale: u32) -> Result<RecordBatch, ArrowError>
    where
        Self: Sized;
}

/// `ReportRow` for core report rows from their one list of columns (the fields after
/// `key`, in report order).
macro_rules! report_rows {
    ($($row:ident($arrow:ident) { $($column:ident),* $(,)? })*) => {$(
        impl ReportRow for $row {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($column)),*];
            fn cells(self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
                Ok(vec![cell(py, self.key)?, $(cell(py, self.$column)?),*])
            }
            fn arrow(rows: &[Self], by: GroupBy, scale: u32) -> Result<RecordBatch, ArrowError> {
                estatekit::arrow::$arrow(rows, by, scale)
            }
        }
    )*};
}

report_rows! {
    AgingRow(aging) { not_due, days_0_30, days_31_60, days_61_90, days_90_plus, total }
    CollectionRow(collection) { billed, collected, rate, penalty_collected }
}

impl PyReport {
    /// The report of `rows` grouped `by`: the key column (named after `by`), then the
    /// row type's columns.
    fn of<R: ReportRow>(py: Python<'_>, by: GroupBy, rows: Vec<R>, scale: u32) -> PyResult<Self> {
        let mut columns = vec![by.key_column()];
        columns.extend_from_slice(R::COLUMNS);
        let batch = R::arrow(&rows, by, scale).map_err(to_py)?;
        let rows = rows
            .into_iter()
            .map(|r| r.cells(py))
            .collect::<PyResult<_>>()?;
        Ok(Self {
            columns,
            rows,
            batch,
        })
    }

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
    /// The rows as an Arrow table (the same columns; money as decimal128 at the
    /// estate's scale, `rate` as a decimal).
    fn to_arrow(&self) -> crate::arrow::PyArrowTable {
        crate::arrow::PyArrowTable {
            batch: self.batch.clone(),
        }
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
