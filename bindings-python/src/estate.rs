//! `estatekit.Estate` and its buildings, units, meters and readings.

use std::str::FromStr;

use chrono::NaiveDate;
use estatekit::estate::{
    Building, Estate, EstateSummary, EstateUpdate, Meter, MeterChangeUpdate, MeterEvent, Reading,
    ReadingUpdate, StatusUpdate, Unit, UnitStatus,
};
use estatekit::tables::{
    BUILDING_COLUMNS, EstateTables, METER_CHANGE_COLUMNS, METER_COLUMNS, Normalisation,
    READING_COLUMNS, TableProblem, TablesError, TextTable, UNIT_COLUMNS,
};
use estatekit_ffi_guard::guard;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString};
use rust_decimal::Decimal;

use crate::fees::{
    field, invalid_at, list_items, meter_change_arg, meter_change_dict, required, required_date,
    required_decimal,
};
use crate::money_py::PyRoundingPolicy;
use crate::receivables::rows_of;
use crate::record::{
    OrderedDict, ToDict, dict_lists, dict_record, dicts, json_document, record, register, wrap_all,
};
use crate::{to_py, validation_error};

/// A dict key as text (a column name): a `str` read in place, anything else through
/// `str()`.
pub(crate) fn key_text(k: &Bound<'_, PyAny>) -> PyResult<String> {
    match k.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Ok(k.str()?.to_cow()?.into_owned()),
    }
}

/// One cell as text: `Ok(None)` when missing (None, NaN, NaT), `Err((code, message))`
/// for a cell that cannot be taken as text (a float, a bool, an object).
pub(crate) fn cell_text(v: &Bound<'_, PyAny>) -> Result<Option<String>, (&'static str, String)> {
    let type_name = || {
        v.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(s) = v.cast::<PyString>() {
        return s
            .to_cow()
            .map(|c| Some(c.into_owned()))
            .map_err(|e| ("invalid_cell", e.to_string()));
    }
    if v.is_instance_of::<PyBool>() {
        return Err((
            "invalid_cell",
            format!(
                "expected text, an int, a Decimal or a date, got {}",
                type_name()
            ),
        ));
    }
    // pandas' NA and NaT, NaN and a NaN Decimal: missing.
    if matches!(type_name().as_str(), "NAType" | "NaTType") || v.ne(v).unwrap_or(false) {
        return Ok(None);
    }
    if v.is_instance_of::<PyFloat>() {
        return Err((
            "float_cell",
            format!(
                "got the float {}; a float cannot hold an exact area or amount: give text, \
                 an int or a Decimal (e.g. read the sheet with dtype=str)",
                v.str().map(|s| s.to_string()).unwrap_or_default()
            ),
        ));
    }
    if v.is_instance_of::<PyInt>() {
        // By value: an int subclass's own __str__ is not the number.
        return Ok(crate::args::int_value(v)
            .and_then(|i| i.str())
            .ok()
            .map(|s| s.to_string()));
    }
    if v.is_instance_of::<PyDate>() {
        let part = |name: &str| {
            v.getattr(name)
                .and_then(|x| x.extract::<i64>())
                .unwrap_or(0)
        };
        return Ok(Some(format!(
            "{:04}-{:02}-{:02}",
            part("year"),
            part("month"),
            part("day")
        )));
    }
    if type_name() == "Decimal" {
        return Ok(v
            .call_method1("__format__", ("f",))
            .and_then(|s| s.extract::<String>())
            .ok());
    }
    if v.hasattr("__index__").unwrap_or(false) {
        return Ok(v
            .call_method0("__index__")
            .and_then(|i| i.str())
            .map(|s| s.to_string())
            .ok());
    }
    Err((
        "invalid_cell",
        format!(
            "expected text, an int, a Decimal or a date, got {}",
            type_name()
        ),
    ))
}

/// A cell the binding could not take as text: `(column, (code, message))`.
pub(crate) type BadCell = (String, (&'static str, String));

/// Reads one dict row's cells into `table` (a new row), each `str` cell copied as
/// it is, others through `cell_text` (with `bools`, a bool as `true`/`false`). Cells
/// that cannot be taken as text are returned; with `keep_bad` they stay in the row,
/// empty, so that an unknown column is still reported.
pub(crate) fn read_dict_row(
    dict: &Bound<'_, PyDict>,
    table: &mut TextTable,
    bools: bool,
    keep_bad: bool,
) -> PyResult<Vec<BadCell>> {
    table.start_row();
    let mut bad: Vec<BadCell> = Vec::new();
    for (k, v) in dict.iter() {
        let owned;
        let key: &str = match k.cast::<PyString>() {
            Ok(s) => {
                owned = s.to_cow()?;
                &owned
            }
            Err(_) => {
                owned = std::borrow::Cow::Owned(key_text(&k)?);
                &owned
            }
        };
        let cell = if let Ok(s) = v.cast::<PyString>() {
            match s.to_str() {
                Ok(text) => {
                    table.push_cell(key, text);
                    continue;
                }
                Err(e) => Err(("invalid_cell", e.to_string())),
            }
        } else if bools && v.is_instance_of::<PyBool>() {
            Ok(Some(
                if v.is_truthy()? { "true" } else { "false" }.to_owned(),
            ))
        } else {
            cell_text(&v)
        };
        match cell {
            Ok(Some(text)) => table.push_cell(key, &text),
            Ok(None) => {}
            Err(e) => {
                if keep_bad {
                    table.push_cell(key, "");
                }
                bad.push((key.to_owned(), e));
            }
        }
    }
    Ok(bad)
}

/// The trimmed id cell of a dict row, for naming a problem.
pub(crate) fn dict_id(dict: &Bound<'_, PyDict>, column: &str) -> Option<String> {
    let v = dict.get_item(column).ok().flatten()?;
    cell_text(&v)
        .ok()
        .flatten()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The cells of a row that could not be taken as text, as problems of `(table, row)`
/// (row 1-based) naming the row by its `id_column` cell.
pub(crate) fn cell_problems(
    (table, row): (&str, usize),
    dict: &Bound<'_, PyDict>,
    id_column: &str,
    bad: Vec<BadCell>,
    problems: &mut Vec<TableProblem>,
) {
    if bad.is_empty() {
        return;
    }
    let id = dict_id(dict, id_column);
    for (column, (code, message)) in bad {
        problems.push(TableProblem::new(
            table,
            row,
            id.as_deref(),
            Some(&column),
            code,
            message,
        ));
    }
}

/// A table (list of dicts or DataFrame) as core rows; cells that cannot be taken as
/// text become problems.
fn table_rows(
    table: &str,
    rows: Option<&Bound<'_, PyAny>>,
    known: &'static [&'static str],
    problems: &mut Vec<TableProblem>,
) -> PyResult<TextTable> {
    let mut out = TextTable::new(known);
    let Some(rows) = rows.filter(|r| !r.is_none()) else {
        return Ok(out);
    };
    let id_column = if table == "readings" || table == "meter_changes" {
        "meter_id"
    } else {
        "id"
    };
    if let Some(batches) = crate::arrow::batches_of(table, rows, false)? {
        let (text, found) = estatekit::arrow::read_table(table, known, id_column, &batches);
        problems.extend(found);
        return Ok(text);
    }
    for (i, row) in rows_of(rows)?.iter().enumerate() {
        let dict = row.cast::<PyDict>().map_err(|_| {
            validation_error(
                "invalid_records",
                table,
                format!("{table}: row {} is not a dict", i + 1),
            )
        })?;
        let bad = read_dict_row(dict, &mut out, false, true)?;
        cell_problems((table, i + 1), dict, id_column, bad, problems);
    }
    Ok(out)
}

dict_record! {
    Normalisation { table, row, id, column, before, after }
    TableProblem { table, row, id, column, path, code, message }
}

/// `ValidationError(code="invalid_records")` with `.problems` (a list of dicts) and
/// `.more` (problems beyond those listed).
pub(crate) fn records_error(py: Python<'_>, e: &TablesError) -> PyErr {
    let err = validation_error(e.code(), e.path(), e.to_string());
    let attach = || -> PyResult<()> {
        let list = dicts(py, &e.problems)?;
        let value = err.value(py);
        value.setattr("problems", list)?;
        value.setattr("more", e.more)?;
        Ok(())
    };
    match attach() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// The dicts of a list argument of `Estate.updated`, each refused with an unknown key.
fn update_dicts<'py>(
    arg: Option<&Bound<'py, PyAny>>,
    list: &str,
    keys: &[&str],
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let items = list_items(arg, list)?;
    for (path, item) in &items {
        let mapping = item.cast::<PyMapping>().map_err(|_| {
            validation_error("wrong_type", path, format!("{path}: expected a dict"))
        })?;
        for key in mapping.keys()?.iter() {
            let name = key.str()?.to_string();
            if !key.is_instance_of::<PyString>() || !keys.contains(&name.as_str()) {
                return Err(validation_error(
                    "unknown_value",
                    &format!("{path}.{name}"),
                    format!(
                        "{path}.{name}: unknown key; the keys are {}",
                        keys.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(items)
}

/// A required str entry of an update dict.
fn required_str(d: &Bound<'_, PyAny>, key: &str, path: &str) -> PyResult<String> {
    let v = required(d, key, path)?;
    v.cast::<PyString>()
        .map(|s| s.to_string())
        .map_err(|_| invalid_at("wrong_type", path, key, "expected a str"))
}

/// The arguments of `Estate.updated` as an [`EstateUpdate`].
fn update_arg(
    readings: Option<&Bound<'_, PyAny>>,
    status_changes: Option<&Bound<'_, PyAny>>,
    meter_changes: Option<&Bound<'_, PyAny>>,
) -> PyResult<EstateUpdate> {
    let mut update = EstateUpdate::default();
    for (path, r) in update_dicts(
        readings,
        "readings",
        &["meter_id", "date", "value", "estimated"],
    )? {
        let estimated = match field(&r, "estimated", &path)? {
            None => false,
            Some(b) => b.cast::<PyBool>().map(|b| b.is_true()).map_err(|_| {
                invalid_at("wrong_type", &path, "estimated", "expected True or False")
            })?,
        };
        update.readings.push(ReadingUpdate {
            meter_id: required_str(&r, "meter_id", &path)?,
            date: required_date(&r, "date", &path)?,
            value: required_decimal(&r, "value", &path)?,
            estimated,
        });
    }
    for (path, c) in update_dicts(
        status_changes,
        "status_changes",
        &["unit_id", "status", "since", "occupants"],
    )? {
        let text = required_str(&c, "status", &path)?;
        let status = UnitStatus::from_str(&text).map_err(|_| {
            let names: Vec<&str> = UnitStatus::ALL.iter().map(|s| s.as_str()).collect();
            invalid_at(
                "unknown_value",
                &path,
                "status",
                &format!(
                    "unknown status {text:?}; expected one of {}",
                    names.join(", ")
                ),
            )
        })?;
        let occupants = match field(&c, "occupants", &path)? {
            None => None,
            Some(n) => Some(
                n.extract::<u32>()
                    .ok()
                    .filter(|_| !n.is_instance_of::<PyBool>())
                    .ok_or_else(|| {
                        invalid_at(
                            "out_of_range",
                            &path,
                            "occupants",
                            "expected a whole number ≥ 0",
                        )
                    })?,
            ),
        };
        update.status_changes.push(StatusUpdate {
            unit_id: required_str(&c, "unit_id", &path)?,
            status,
            since: required_date(&c, "since", &path)?,
            occupants,
        });
    }
    for (path, c) in update_dicts(
        meter_changes,
        "meter_changes",
        &["meter_id", "date", "replacement", "rollover"],
    )? {
        update.meter_changes.push(MeterChangeUpdate {
            meter_id: required_str(&c, "meter_id", &path)?,
            date: required_date(&c, "date", &path)?,
            change: meter_change_arg(&c, &path)?,
        });
    }
    Ok(update)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(m: PyEstate, PyBuilding, PyUnit, PyMeter, PyReading, PyEstateSummary)
}

record! {
    /// A building of an estate.
    struct PyBuilding("Building", eq) { inner: Building }
    repr(id, name);
    |b| {
        id: String,
        name: String,
    }
}

record! {
    /// A unit (flat, shop, parking space, storage room).
    struct PyUnit("Unit", eq) { inner: Unit }
    repr(id, kind, gross_area, status);
    |u| {
        id: String,
        building_id: String,
        floor: i32,
        number: String,
        kind: &'static str = u.kind.as_str(),
        gross_area: Decimal,
        internal_area: Option<Decimal>,
        occupants: u32,
        status: &'static str = u.status.as_str(),
        status_since: Option<NaiveDate>,
        delivered_on: Option<NaiveDate>,
        is_delivered: bool = u.is_delivered(),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyUnit {
    /// The fee area: internal if asked for and known, gross otherwise.
    #[pyo3(signature = (*, internal = false))]
    fn area(&self, internal: bool) -> Decimal {
        self.inner.area(internal)
    }
}

record! {
    /// A meter reading.
    struct PyReading("Reading", eq) { inner: Reading }
    repr(date, value, estimated);
    |r| {
        date: NaiveDate,
        value: Decimal,
        /// An estimate (估抄) a billing run made for a missing reading.
        estimated: bool,
    }
}

record! {
    /// A meter: a unit's own, or a common/master meter when `unit_id` is None.
    struct PyMeter("Meter", eq) { inner: Meter }
    repr(id, unit_id, kind);
    |m| {
        id: String,
        unit_id: Option<String>,
        kind: &'static str = m.kind.as_str(),
        multiplier: Decimal,
        readings: Vec<PyReading> = wrap_all(&m.readings),
    }
}

/// A meter change kept in the estate: its date and its change dict
/// (`meter_change_dict`), the fields of the core's `MeterEvent`.
impl ToDict for MeterEvent {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("date", self.date)?;
        d.set_item("change", meter_change_dict(py, &self.change)?)?;
        Ok(d)
    }
}

dict_lists!(PyMeter {
    /// Replacements and rollovers kept in the estate, in date order: dicts with `date`
    /// and `change`, itself `{"replacement": {"old_final", "new_initial"}}` or
    /// `{"rollover": {"wraps_at"}}`.
    changes,
});

record! {
    /// Counts and areas of an estate.
    struct PyEstateSummary("EstateSummary") { inner: EstateSummary }
    repr(buildings, units, total_gross_area);
    |s| {
        buildings: usize,
        units: usize,
        total_gross_area: Decimal,
        total_internal_area: Decimal,
        occupants: u32,
        meters: usize,
        /// Units per kind, every kind in declaration order.
        by_kind: OrderedDict<&'static str, usize> =
            s.by_kind.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
        /// Units per status, every status in declaration order.
        by_status: OrderedDict<&'static str, usize> =
            s.by_status.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
    }
}

record! {
    /// A validated estate: buildings, units, meters, rounding policy.
    pub(crate) struct PyEstate("Estate", eq) { inner: Estate }
    repr(id, name, currency);
    |e| {
        id: &str = e.id(),
        name: &str = e.name(),
        currency: &str = e.currency(),
        rounding: PyRoundingPolicy = PyRoundingPolicy { inner: *e.rounding(), },
        buildings: Vec<PyBuilding> = wrap_all(e.buildings()),
        units: Vec<PyUnit> = wrap_all(e.units()),
        meters: Vec<PyMeter> = wrap_all(e.meters()),
    }
}

json_document! {
    /// Parse and validate an estate JSON document.
    PyEstate: Estate
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyEstate {
    /// An estate from tables of rows (lists of dicts or pandas/polars DataFrames)
    /// whose cells are text as spreadsheets give them; see the stubs.
    #[staticmethod]
    #[pyo3(signature = (*, id, name, buildings, units, meters = None, readings = None, currency = "CNY", rounding = None, report = false, meter_changes = None))]
    #[allow(clippy::too_many_arguments)]
    fn from_records(
        py: Python<'_>,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] name: &str,
        buildings: &Bound<'_, PyAny>,
        units: &Bound<'_, PyAny>,
        meters: Option<&Bound<'_, PyAny>>,
        readings: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::args::str_ref)] currency: &str,
        rounding: Option<PyRef<'_, PyRoundingPolicy>>,
        report: bool,
        meter_changes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let mut problems = Vec::new();
        let t_buildings = table_rows(
            "buildings",
            Some(buildings),
            &BUILDING_COLUMNS,
            &mut problems,
        )?;
        let t_units = table_rows("units", Some(units), &UNIT_COLUMNS, &mut problems)?;
        let t_meters = table_rows("meters", meters, &METER_COLUMNS, &mut problems)?;
        let t_readings = table_rows("readings", readings, &READING_COLUMNS, &mut problems)?;
        let t_changes = table_rows(
            "meter_changes",
            meter_changes,
            &METER_CHANGE_COLUMNS,
            &mut problems,
        )?;
        let tables = EstateTables {
            id: id.to_owned(),
            name: name.to_owned(),
            currency: currency.to_owned(),
            rounding: rounding.map(|r| r.inner).unwrap_or_default(),
            buildings: t_buildings.rows(),
            units: t_units.rows(),
            meters: t_meters.rows(),
            readings: t_readings.rows(),
            meter_changes: t_changes.rows(),
        };
        let import = py
            .detach(|| tables.import_with(problems))
            .map_err(|e| records_error(py, &e))?;
        let estate = Self {
            inner: import.estate,
        }
        .into_py_any(py)?;
        if !report {
            return Ok(estate);
        }
        (estate, dicts(py, &import.normalisations)?).into_py_any(py)
    }
    /// An estate from Arrow tables (pyarrow Tables, polars DataFrames, ArrowTables:
    /// anything with `__arrow_c_stream__`), read as `from_records` reads its tables;
    /// without `buildings`, each `building_id` of the units is a building named
    /// after its id. See the stubs.
    #[staticmethod]
    #[pyo3(signature = (*, units, meters = None, readings = None, meter_changes = None, buildings = None, id = "estate", name = None, currency = "CNY", rounding = None, report = false))]
    #[allow(clippy::too_many_arguments)]
    fn from_arrow(
        py: Python<'_>,
        units: &Bound<'_, PyAny>,
        meters: Option<&Bound<'_, PyAny>>,
        readings: Option<&Bound<'_, PyAny>>,
        meter_changes: Option<&Bound<'_, PyAny>>,
        buildings: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
        name: Option<String>,
        #[pyo3(from_py_with = crate::args::str_ref)] currency: &str,
        rounding: Option<PyRef<'_, PyRoundingPolicy>>,
        report: bool,
    ) -> PyResult<Py<PyAny>> {
        let opt = |table: &str, data: Option<&Bound<'_, PyAny>>| -> PyResult<Option<Vec<_>>> {
            data.filter(|d| !d.is_none())
                .map(|d| crate::arrow::required_batches(table, d))
                .transpose()
        };
        let units = crate::arrow::required_batches("units", units)?;
        let meters = opt("meters", meters)?.unwrap_or_default();
        let readings = opt("readings", readings)?.unwrap_or_default();
        let changes = opt("meter_changes", meter_changes)?.unwrap_or_default();
        let buildings = opt("buildings", buildings)?;
        let name = name.unwrap_or_else(|| id.to_owned());
        let batches = estatekit::arrow::EstateBatches {
            id,
            name: &name,
            currency,
            rounding: rounding.map(|r| r.inner).unwrap_or_default(),
            buildings: buildings.as_deref(),
            units: &units,
            meters: &meters,
            readings: &readings,
            meter_changes: &changes,
        };
        let import = py
            .detach(|| estatekit::arrow::import_estate(&batches))
            .map_err(|e| records_error(py, &e))?;
        let estate = Self {
            inner: import.estate,
        }
        .into_py_any(py)?;
        if !report {
            return Ok(estate);
        }
        (estate, dicts(py, &import.normalisations)?).into_py_any(py)
    }
    /// The estate for the next month: new readings, status changes and meter changes
    /// applied to a copy (this one is untouched); see the stubs.
    #[pyo3(signature = (*, readings = None, status_changes = None, meter_changes = None))]
    fn updated(
        &self,
        py: Python<'_>,
        readings: Option<&Bound<'_, PyAny>>,
        status_changes: Option<&Bound<'_, PyAny>>,
        meter_changes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let update = update_arg(readings, status_changes, meter_changes)?;
        let inner = py.detach(|| self.inner.updated(&update)).map_err(to_py)?;
        Ok(Self { inner })
    }
    /// The embedded demo estate (two buildings, 40 units).
    #[staticmethod]
    fn demo() -> Self {
        Self {
            inner: Estate::demo(),
        }
    }
    /// The unit with this id, or None.
    fn unit(&self, #[pyo3(from_py_with = crate::args::str_ref)] id: &str) -> Option<PyUnit> {
        self.inner.unit(id).cloned().map(PyUnit::from)
    }
    /// The building with this id, or None.
    fn building(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
    ) -> Option<PyBuilding> {
        self.inner.building(id).cloned().map(PyBuilding::from)
    }
    /// The meter with this id, or None.
    fn meter(&self, #[pyo3(from_py_with = crate::args::str_ref)] id: &str) -> Option<PyMeter> {
        self.inner.meter(id).cloned().map(PyMeter::from)
    }
    /// The meters of one unit.
    fn meters_of(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
    ) -> Vec<PyMeter> {
        wrap_all(self.inner.meters_of(unit_id))
    }
    /// Counts by kind and status, total areas, occupants.
    fn summary(&self) -> PyEstateSummary {
        self.inner.summary().into()
    }
    /// The statuses a unit held, oldest first: dicts `{"since": date, "status": str}`
    /// (its `status_history` records, then its current status); empty for an unknown
    /// or unsold unit.
    fn status_periods<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for (since, status) in self.inner.status_periods(unit_id) {
            let d = PyDict::new(py);
            d.set_item("since", since)?;
            d.set_item("status", status.as_str())?;
            list.append(d)?;
        }
        Ok(list)
    }
}
