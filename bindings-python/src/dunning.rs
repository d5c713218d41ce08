//! Payment reminders in Python (催交款通知书): `Reminders` (from
//! `Receivables.reminders`) and `ReminderLetter`. The rules and the text are the
//! core's; this file converts.

use estatekit::fees::dunning::{self, LetterItem, ReminderLetter};
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::fees::lang_arg;
use crate::record::{ToDict, dict_lists, dict_record, record, register};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(m: PyReminders, PyReminderLetter)
}

dict_record! {
    // The period as period_start and period_end, None when there is none.
    LetterItem {
        unit_id, charge_id, item_code, name_zh, name_en,
        period_start = |i| i.period.map(|p| p.start), period_end = |i| i.period.map(|p| p.end),
        due, days_overdue, principal, penalty, total,
    }
    dunning::Suppressed { to, unit_ids, total_due }
}

/// The reminders of a date: a read-only sequence of the letters to send (in
/// recipient order), and those not sent because their total is below the minimum.
#[pyclass(frozen, sequence, module = "estatekit", name = "Reminders")]
pub(crate) struct PyReminders {
    pub(crate) inner: dunning::Reminders,
    /// The estate's scale, for the money columns of `to_arrow`.
    pub(crate) scale: u32,
}

impl PyReminders {
    fn letter(&self, i: usize) -> PyReminderLetter {
        self.inner.letters[i].clone().into()
    }

    fn all_letters(&self) -> Vec<PyReminderLetter> {
        (0..self.inner.letters.len())
            .map(|i| self.letter(i))
            .collect()
    }
}

dict_lists!(PyReminders {
    /// Letters not sent because their total is below the minimum: dicts with to,
    /// unit_ids, total_due.
    suppressed,
});

#[guard(crate::panic_guard)]
#[pymethods]
impl PyReminders {
    /// The letters to send, in recipient order.
    #[getter]
    fn letters(&self) -> Vec<PyReminderLetter> {
        self.all_letters()
    }
    /// One row per item of every letter as an Arrow table (the keys of
    /// `to_records`; money as decimal128 at the estate's scale, dates as date32).
    fn to_arrow(&self) -> PyResult<crate::arrow::PyArrowTable> {
        crate::arrow::PyArrowTable::of(estatekit::arrow::reminder_items(&self.inner, self.scale))
    }
    /// One dict per item of every letter (for pandas.DataFrame): to, unit_id,
    /// charge_id, item_code, name_zh, name_en, period_start, period_end, due,
    /// days_overdue, principal, penalty, total.
    fn to_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for letter in &self.inner.letters {
            for i in &letter.items {
                let d = PyDict::new(py);
                d.set_item("to", &letter.to)?;
                d.update(i.to_dict(py)?.as_mapping())?;
                list.append(d)?;
            }
        }
        Ok(list)
    }
    fn __len__(&self) -> usize {
        self.inner.letters.len()
    }
    fn __getitem__(&self, index: isize) -> PyResult<PyReminderLetter> {
        let n = self.inner.letters.len() as isize;
        let at = if index < 0 { index + n } else { index };
        if !(0..n).contains(&at) {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "reminder index out of range",
            ));
        }
        Ok(self.letter(at as usize))
    }
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let letters = PyList::new(py, self.all_letters())?;
        Ok(letters.try_iter()?.into_any())
    }
    fn __repr__(&self) -> String {
        format!(
            "Reminders(letters={}, suppressed={})",
            self.inner.letters.len(),
            self.inner.suppressed.len()
        )
    }
}

record! {
    /// A payment reminder to one recipient (an owner's key, or a unit): its overdue
    /// items with names from the fee schedule, days overdue and penalty as of the date.
    pub(crate) struct PyReminderLetter("ReminderLetter") { inner: ReminderLetter }
    repr(to, total_due);
    |l| {
        /// The recipient: the owner key given in `group`, else the unit id.
        to: String,
        /// The units on the letter, in id order.
        unit_ids: Vec<String>,
        /// Date of the letter.
        as_of: NaiveDate,
        /// Principal outstanding on the items.
        principal: Decimal,
        /// Penalty outstanding on the items as of the date.
        penalty: Decimal,
        /// principal + penalty: what the letter asks for.
        total_due: Decimal,
        /// Prepaid balances of the units (each settles its own unit's charges only).
        prepaid: Decimal,
    }
}

dict_lists!(PyReminderLetter {
    /// Overdue items, by unit, oldest first: dicts with unit_id, charge_id,
    /// item_code, name_zh, name_en, period_start, period_end, due, days_overdue,
    /// principal, penalty, total.
    items,
});

#[guard(crate::panic_guard)]
#[pymethods]
impl PyReminderLetter {
    /// The notice text in "zh-CN" (also "zh") or "en".
    #[pyo3(signature = (lang = "zh-CN"))]
    fn render(&self, #[pyo3(from_py_with = crate::args::str_ref)] lang: &str) -> PyResult<String> {
        Ok(self.inner.render(lang_arg(lang)?))
    }
}
