//! Arrow tables (core `estatekit::arrow`): `ArrowTable`, which implements the Arrow
//! PyCapsule interface (`__arrow_c_stream__`, `__arrow_c_schema__`), so
//! `pyarrow.table(t)`, `polars.from_arrow(t)` and `polars.DataFrame(t)` take its
//! buffers without copying; and the reading of any object that implements
//! `__arrow_c_stream__` (a pyarrow Table or RecordBatch, a polars DataFrame, an
//! `ArrowTable`) as record batches.

use std::collections::HashMap;

use estatekit::arrow::arrow_array::RecordBatch;
use estatekit::arrow::arrow_schema::ffi::FFI_ArrowSchema;
use estatekit::arrow::{self, FFI_ArrowArrayStream};
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::record::register;
use crate::{to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(m: PyArrowTable;)
}

/// An Arrow table made by EstateKit (one record batch): `pyarrow.table(t)`,
/// `polars.from_arrow(t)`, `polars.DataFrame(t)` or
/// `pyarrow.table(t).to_pandas()` read it through the Arrow PyCapsule interface
/// without copying. Money columns are `decimal128(38, scale)` (the estate's scale),
/// dates `date32`; `metadata` names the table (`estatekit.table`) and the schema
/// version.
#[pyclass(frozen, module = "estatekit", name = "ArrowTable")]
pub(crate) struct PyArrowTable {
    pub(crate) batch: RecordBatch,
}

impl PyArrowTable {
    /// The table of a core batch, or the core's error.
    pub(crate) fn of(batch: Result<RecordBatch, arrow::ArrowError>) -> PyResult<Self> {
        batch.map(|batch| Self { batch }).map_err(to_py)
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyArrowTable {
    /// A table of text columns (every cell a str or None) from a list of rows, for
    /// building an input where no Arrow library is at hand.
    #[staticmethod]
    #[pyo3(signature = (columns, rows, *, table = "table"))]
    fn from_text(
        columns: Vec<String>,
        rows: Vec<Vec<Option<String>>>,
        #[pyo3(from_py_with = crate::args::str_ref)] table: &str,
    ) -> PyResult<Self> {
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        Self::of(arrow::text_batch(table, &names, &rows))
    }

    /// Reads any object implementing `__arrow_c_stream__` (a pyarrow Table, a polars
    /// DataFrame…) into one table.
    #[staticmethod]
    fn from_arrow(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let Some(batches) = batches_of("data", data, true)? else {
            return Err(not_arrow("data", data));
        };
        let batch = py.detach(|| arrow::concat("data", &batches));
        Self::of(batch)
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// Column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The schema's metadata (`estatekit.table`, `estatekit.schema_version`, …).
    #[getter]
    fn metadata(&self) -> HashMap<String, String> {
        self.batch.schema().metadata().clone()
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    fn __repr__(&self) -> String {
        let schema = self.batch.schema();
        let name = schema
            .metadata()
            .get("estatekit.table")
            .map_or("table", String::as_str);
        format!(
            "ArrowTable({name}, rows={}, columns={})",
            self.batch.num_rows(),
            schema.fields().len()
        )
    }

    /// The table as a `pyarrow.Table` (zero-copy; needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("pyarrow")?.call_method1("table", (slf,))
    }

    /// The table as a `polars.DataFrame` (zero-copy; needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("polars")?.call_method1("DataFrame", (slf,))
    }

    /// The table as a `pandas.DataFrame` through pyarrow (money as `Decimal`
    /// objects, dates as `datetime.date`; needs pyarrow and pandas).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::to_pyarrow(slf)?.call_method0("to_pandas")
    }

    /// The Arrow PyCapsule interface: the table as an `ArrowArrayStream` capsule (one
    /// batch; `requested_schema` is not applied: the schema is the table's).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let stream = arrow::export_stream(self.batch.clone());
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The Arrow PyCapsule interface: the schema as an `ArrowSchema` capsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.batch.schema().as_ref())
            .map_err(|e| validation_error("invalid_arrow", "schema", format!("schema: {e}")))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }
}

/// `ValidationError(wrong_type)`: `data` is not an Arrow table.
fn not_arrow(table: &str, data: &Bound<'_, PyAny>) -> PyErr {
    let ty = data
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default();
    validation_error(
        "wrong_type",
        table,
        format!(
            "{table}: expected an Arrow table (an object with __arrow_c_stream__, such as a \
             pyarrow Table or a polars DataFrame), got {ty}"
        ),
    )
}

/// The record batches of `data` when it is an Arrow table: an `ArrowTable`, or an
/// object implementing `__arrow_c_stream__`. With `dataframes` false, pandas and
/// polars DataFrames are not taken as Arrow (their rows are read as dicts, as
/// before), and `None` is returned for them.
pub(crate) fn batches_of(
    table: &str,
    data: &Bound<'_, PyAny>,
    dataframes: bool,
) -> PyResult<Option<Vec<RecordBatch>>> {
    if let Ok(t) = data.cast::<PyArrowTable>() {
        return Ok(Some(vec![t.get().batch.clone()]));
    }
    if !data.hasattr("__arrow_c_stream__")? {
        return Ok(None);
    }
    let is_dataframe =
        data.hasattr("to_dicts")? || (data.hasattr("to_dict")? && data.hasattr("columns")?);
    if is_dataframe && !dataframes {
        return Ok(None);
    }
    let capsule = data.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast_into::<PyCapsule>().map_err(|_| {
        validation_error(
            "invalid_arrow",
            table,
            format!("{table}: __arrow_c_stream__ did not return a capsule"),
        )
    })?;
    let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    #[allow(unsafe_code)]
    // SAFETY: a capsule named "arrow_array_stream" holds an `ArrowArrayStream` (the
    // Arrow PyCapsule interface). `from_raw` moves the stream out and leaves a
    // released one (null `release`) behind, which the capsule's destructor skips.
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
    let batches = data
        .py()
        .detach(|| arrow::import_stream(table, stream))
        .map_err(to_py)?;
    Ok(Some(batches))
}

/// The batches of a required Arrow argument, or `wrong_type`.
pub(crate) fn required_batches(table: &str, data: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    batches_of(table, data, true)?.ok_or_else(|| not_arrow(table, data))
}
