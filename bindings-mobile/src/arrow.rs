//! Arrow record batches on mobile: an [`ArrowTable`] object holding one record batch
//! (a run's lines, bills or pools, a penalty batch, a book report, reminder items,
//! classifications; or a table to import), handed to and taken from other Arrow
//! libraries (Arrow Java, DuckDB, any C data interface consumer) through Arrow's C
//! stream interface at a caller-allocated `struct ArrowArrayStream`, without copying
//! the buffers. The batches and their schemas are the core's (`estatekit::arrow`);
//! this file converts.

use std::collections::HashMap;
use std::sync::Arc;

use estatekit::arrow::arrow_array::ffi_stream::ArrowArrayStreamReader;
use estatekit::arrow::arrow_array::{RecordBatch, RecordBatchReader};
use estatekit::arrow::{self, ArrowError, FFI_ArrowArrayStream};
use estatekit::fees::calc;
use estatekit::tables::TableProblem;
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use chrono::NaiveDate;

use crate::EstateKitError;
use crate::estate::{Estate, EstateFromRecords};
use crate::fees::{BillingRun, OverdueItem, PenaltyPolicy};
use crate::money::RoundingPolicy;
use crate::tickets::TicketClassifier;

/// The name an imported stream's errors carry (`invalid_arrow` at path `stream`).
const STREAM: &str = "stream";

/// One Arrow record batch: its schema (column names and types, metadata
/// `estatekit.table`, `estatekit.schema_version`, for a run's tables
/// `estatekit.estate_id` and `estatekit.currency`) and its columns. Money columns
/// are exact `decimal128(38, scale)` (field metadata `estatekit.money = true`),
/// dates `date32`, a missing value a null.
///
/// Hand it to Arrow Java (or any consumer of Arrow's C stream interface) with
/// `exportStream`, take one from it with `ArrowTable.importStream`; the buffers are
/// shared, not copied. Immutable and shareable across threads.
#[derive(Debug, uniffi::Object)]
pub struct ArrowTable {
    pub(crate) batch: RecordBatch,
}

impl ArrowTable {
    pub(crate) fn new(batch: RecordBatch) -> Arc<Self> {
        Arc::new(Self { batch })
    }

    /// The batch, as the core's readers take it.
    pub(crate) fn batches(&self) -> &[RecordBatch] {
        std::slice::from_ref(&self.batch)
    }
}

/// The `struct ArrowArrayStream` at `address`: a typed error for a null address, an
/// address not aligned for the struct (8 bytes) or one beyond this platform's
/// pointers. The address is a `Long` as Arrow Java gives it (`memoryAddress()`): its
/// 64 bits are the pointer's, so a tagged Android heap pointer (top byte set, a
/// negative `Long`) is taken as it is.
fn stream_at(address: i64) -> Result<*mut FFI_ArrowArrayStream, EstateKitError> {
    // The bits of the Long, not its value: a tagged pointer is negative as a Long.
    let bits = u64::from_ne_bytes(address.to_ne_bytes());
    let Ok(at) = usize::try_from(bits) else {
        return Err(EstateKitError::validation(
            "out_of_range",
            "address",
            format!("address: {bits:#x} is beyond this platform's pointers"),
        ));
    };
    if at == 0 {
        return Err(EstateKitError::validation(
            "missing_value",
            "address",
            "address: null; give the address of a struct ArrowArrayStream (Arrow Java: \
             ArrowArrayStream.allocateNew(allocator).memoryAddress())"
                .to_owned(),
        ));
    }
    let align = std::mem::align_of::<FFI_ArrowArrayStream>();
    if at % align != 0 {
        return Err(EstateKitError::validation(
            "out_of_range",
            "address",
            format!(
                "address: {at:#x} is not aligned to {align} bytes for a struct ArrowArrayStream"
            ),
        ));
    }
    Ok(std::ptr::with_exposed_provenance_mut(at))
}

/// Writes `stream` into the caller's `struct ArrowArrayStream` at `address`.
#[allow(unsafe_code)]
fn write_stream(address: i64, stream: FFI_ArrowArrayStream) -> Result<(), EstateKitError> {
    let at = stream_at(address)?;
    // SAFETY: `at` is non-null and aligned (checked by `stream_at`). The caller's
    // contract (documented on `exportStream`): `address` is that of a writable
    // `struct ArrowArrayStream` (40 bytes on 64-bit platforms) that it allocated and
    // does not hold a live stream (released or never written), and that stays
    // allocated until the consumer has called the stream's `release`. The old
    // contents are overwritten, not dropped (`ptr::write`), so garbage there is
    // never read; the stream moves to the caller, who releases it.
    unsafe { std::ptr::write(at, stream) };
    Ok(())
}

/// Takes the stream out of the caller's `struct ArrowArrayStream` at `address`,
/// leaving it released (its `release` set to null), as the C stream interface
/// moves a stream.
#[allow(unsafe_code)]
fn take_stream(address: i64) -> Result<FFI_ArrowArrayStream, EstateKitError> {
    let at = stream_at(address)?;
    // SAFETY: `at` is non-null and aligned (checked by `stream_at`). The caller's
    // contract (documented on `ArrowTable.importStream`): `address` is that of a
    // readable and writable, initialised `struct ArrowArrayStream` (a producer's
    // stream, or one already released: its `release` null, refused below as
    // `invalid_arrow`), not used by another thread during the call. `from_raw` moves
    // the stream out and marks the caller's struct released, so it is released once,
    // by this side; the struct's memory stays the caller's to free.
    Ok(unsafe { FFI_ArrowArrayStream::from_raw(at) })
}

/// Every batch of a C stream as one batch (an empty one of the stream's schema when
/// it has none).
fn read_stream(stream: FFI_ArrowArrayStream) -> Result<RecordBatch, ArrowError> {
    let err = |e: arrow::arrow_schema::ArrowError| ArrowError::Stream {
        table: STREAM.to_owned(),
        message: e.to_string(),
    };
    let reader = ArrowArrayStreamReader::try_new(stream).map_err(err)?;
    let schema = reader.schema();
    let batches = reader.collect::<Result<Vec<_>, _>>().map_err(err)?;
    if batches.is_empty() {
        return Ok(RecordBatch::new_empty(schema));
    }
    arrow::concat(STREAM, &batches)
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl ArrowTable {
    /// A table of text columns (`utf8`, nullable) from rows of cells, a null cell a
    /// null: for `Estate.fromArrow` or `Receivables.applyPaymentsArrow` where no
    /// Arrow library is at hand (a CSV read by the app). `table` names the table in
    /// errors. Throws `EstateKitError.Validation` (`invalid_arrow`, path `table`) when
    /// a row has more or fewer cells than there are columns.
    #[uniffi::constructor]
    pub fn from_text(
        table: String,
        columns: Vec<String>,
        rows: Vec<Vec<Option<String>>>,
    ) -> Result<Arc<Self>, EstateKitError> {
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        Ok(Self::new(arrow::text_batch(&table, &columns, &rows)?))
    }

    /// Takes the Arrow C stream at `address` (a `struct ArrowArrayStream` filled by
    /// a producer: Arrow Java's `Data.exportArrayStream(allocator, reader, stream)`
    /// then `stream.memoryAddress()`), reading every batch into one table (one batch
    /// is kept as it is, without a copy; several are joined). The stream is moved
    /// out: the struct at `address` is left released (its `release` null) and is the
    /// caller's to free (Arrow Java: `stream.close()`).
    ///
    /// The caller's contract: `address` is that of an initialised, aligned `struct
    /// ArrowArrayStream`, readable and writable, not used by another thread during
    /// the call. Throws `EstateKitError.Validation`: `missing_value` (path `address`)
    /// for 0, `out_of_range` for a misaligned address, `invalid_arrow` (path
    /// `stream`) for a stream already released, a producer's error or batches whose
    /// schemas differ.
    #[uniffi::constructor]
    pub fn import_stream(address: i64) -> Result<Arc<Self>, EstateKitError> {
        let stream = take_stream(address)?;
        Ok(Self::new(read_stream(stream)?))
    }

    /// Writes the table as an Arrow C stream (one batch) into the caller's `struct
    /// ArrowArrayStream` at `address`, without copying the buffers (Arrow Java:
    /// `ArrowArrayStream.allocateNew(allocator)`, pass `memoryAddress()`, then
    /// `Data.importArrayStream(allocator, stream)`). The consumer calls the stream's
    /// `release` when done; the table stays usable and may be exported again.
    ///
    /// The caller's contract: `address` is that of a writable, aligned `struct
    /// ArrowArrayStream` (40 bytes on 64-bit platforms) holding no live stream, kept
    /// allocated until the stream is released. Throws `EstateKitError.Validation`:
    /// `missing_value` (path `address`) for 0, `out_of_range` for a misaligned
    /// address.
    pub fn export_stream(&self, address: i64) -> Result<(), EstateKitError> {
        // A batch's clone shares its buffers (reference counts, no copy).
        write_stream(address, arrow::export_stream(self.batch.clone()))
    }

    /// The number of rows.
    pub fn num_rows(&self) -> i64 {
        crate::ToMobile::to_mobile(self.batch.num_rows())
    }

    /// The column names, in order.
    pub fn column_names(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The schema's metadata (`estatekit.table`, `estatekit.schema_version`, …;
    /// empty for a table from `fromText`).
    pub fn metadata(&self) -> HashMap<String, String> {
        self.batch.schema().metadata().clone()
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl BillingRun {
    /// Every line of the run as an Arrow table, one row each in bill then line
    /// order: `unit_id`, `period_start`, `period_end`, `item_code`, `name_zh`,
    /// `name_en`, `amount` (`decimal128(38, scale)`), `issued_on`, `due`,
    /// `explanation_zh`, `explanation_en`, `estimated`. `explanations = false`
    /// leaves out the two explanation columns (most of the conversion's cost; explain
    /// a bill on demand with `explain`). Throws `overflow` when an amount does not
    /// fit.
    #[uniffi::method(default(explanations = true))]
    pub fn to_arrow(&self, explanations: bool) -> Result<Arc<ArrowTable>, EstateKitError> {
        let t = if explanations {
            arrow::bill_lines(&self.inner)
        } else {
            arrow::bill_lines_without_explanations(&self.inner)
        };
        Ok(ArrowTable::new(t?))
    }

    /// One row per bill: `unit_id`, `period_start`, `period_end`, `issued_on`,
    /// `lines`, `total`, `estimated`.
    pub fn bills_to_arrow(&self) -> Result<Arc<ArrowTable>, EstateKitError> {
        Ok(ArrowTable::new(arrow::bills(&self.inner)?))
    }

    /// One row per pool: `code`, `group`, `source_amount`, `consumption`,
    /// `deduction`, `admin_fee`, `split_amount`, `shares_total`, `participants`,
    /// `adjustment`, `adjusted_count`, `set_aside`, `adjusted_units` (a list).
    pub fn pools_to_arrow(&self) -> Result<Arc<ArrowTable>, EstateKitError> {
        Ok(ArrowTable::new(arrow::pools(&self.inner)?))
    }
}

/// `latePenalties` as an Arrow table (`index`, `penalty` at the rounding's scale),
/// on `threads` threads (`null` or 0: every core; 1: the calling thread only): the
/// penalties stay in the core's compact form until written as the column.
#[guard(crate::panic_guard)]
#[uniffi::export(default(rounding_policy = None, threads = None))]
pub fn late_penalties_arrow(
    items: Vec<OverdueItem>,
    as_of: NaiveDate,
    policy: PenaltyPolicy,
    rounding_policy: Option<RoundingPolicy>,
    threads: Option<i32>,
) -> Result<Arc<ArrowTable>, EstateKitError> {
    let threads = crate::threads_arg(threads)?;
    let items: Vec<(Decimal, NaiveDate)> =
        items.into_iter().map(|i| (i.principal, i.due)).collect();
    let (policy, rounding) = (
        policy.try_into()?,
        crate::money::core_policy(rounding_policy)?,
    );
    let batch = calc::late_penalty_batch_threads(&items, as_of, &policy, &rounding, threads)?;
    Ok(ArrowTable::new(arrow::penalties(&batch)?))
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl TicketClassifier {
    /// `classifyBatch` as an Arrow table: `category`, `kind`, `urgency`,
    /// `temperament`, `escalate`, `department`, `confidence`, `advice`,
    /// `escalation_advice` (null unless `escalate`); no evidence.
    #[uniffi::method(default(threads = None))]
    pub fn classify_arrow(
        &self,
        texts: Vec<String>,
        threads: Option<i32>,
    ) -> Result<Arc<ArrowTable>, EstateKitError> {
        let threads = crate::threads_arg(threads)?;
        Ok(ArrowTable::new(arrow::classifications(
            &self.inner.classify_batch_threads(&texts, threads),
        )))
    }
}

/// An estate from Arrow tables, read as `estateFromRecords` reads spreadsheet tables
/// (the same checks, normalisations and problems), with the normalisations made
/// (Python's `Estate.from_arrow(..., report=True)`): `units` (columns `id,
/// building_id, floor, number, kind, gross_area, status`, optionally `internal_area,
/// occupants, status_since, delivered_on`), `buildings` (`id, name`; null: one
/// building per `building_id`, named after it), `meters`, `readings`, `meterChanges`;
/// `name` defaults to `id`. Text, integer, decimal, date and boolean columns are read
/// as their cells' text; a float cell is refused (`float_cell`), as is a column of
/// another type (`unsupported_type`). Throws `EstateKitError.Records` listing every
/// problem.
#[guard(crate::panic_guard)]
#[uniffi::export(default(
    buildings = None,
    meters = None,
    readings = None,
    meter_changes = None,
    id = "estate",
    name = None,
    currency = "CNY",
    rounding = None
))]
#[allow(clippy::too_many_arguments)]
pub fn estate_from_arrow(
    units: Arc<ArrowTable>,
    buildings: Option<Arc<ArrowTable>>,
    meters: Option<Arc<ArrowTable>>,
    readings: Option<Arc<ArrowTable>>,
    meter_changes: Option<Arc<ArrowTable>>,
    id: String,
    name: Option<String>,
    currency: String,
    rounding: Option<RoundingPolicy>,
) -> Result<Arc<EstateFromRecords>, EstateKitError> {
    let name = name.unwrap_or_else(|| id.clone());
    let mut b = arrow::EstateBatches::new(&id, &name);
    b.currency = &currency;
    b.rounding = crate::money::core_policy(rounding)?;
    b.units = units.batches();
    b.buildings = buildings.as_deref().map(ArrowTable::batches);
    b.meters = batches(&meters);
    b.readings = batches(&readings);
    b.meter_changes = batches(&meter_changes);
    let import = arrow::import_estate(&b)?;
    Ok(Arc::new(EstateFromRecords {
        estate: Arc::new(Estate {
            inner: import.estate,
        }),
        normalisations: import.normalisations.into_iter().map(Into::into).collect(),
    }))
}

/// The batches of an optional table (none: no rows).
fn batches(t: &Option<Arc<ArrowTable>>) -> &[RecordBatch] {
    t.as_deref().map_or(&[], ArrowTable::batches)
}

/// The rows of a book's import table as text cells, or `EstateKitError.Records` when
/// a column cannot be read at all (`unsupported_type`, row 0): the `*_records`
/// importers take problems of single rows (a `float_cell` rejects its row), so a
/// whole column refused is refused here rather than read as empty cells.
pub(crate) fn book_rows(
    table: &str,
    known: &'static [&'static str],
    t: &ArrowTable,
) -> Result<(estatekit::tables::TextTable, Vec<TableProblem>), EstateKitError> {
    Ok(arrow::read_rows_table(table, known, "ref", t.batches())?)
}
