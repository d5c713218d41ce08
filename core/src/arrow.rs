//! Arrow record batches in and out (feature `arrow`): a billing run's lines, bills
//! and pools, a penalty batch, the book's reports, reminder items and ticket
//! classifications as [`RecordBatch`]es; estate tables and book rows read from
//! record batches.
//!
//! Money columns are exact: `decimal128(38, s)` with `s` the estate's scale (the
//! column's largest scale when a value has more places), with the field metadata
//! `estatekit.money = "true"`; quantities that are not money (a pool's consumption)
//! are `decimal128` too (a pool's consumption at 3 places or more, a collection rate
//! at 4). Dates are `date32`, counts `uint64` or `int64`, flags `bool`, text
//! `utf8`; a missing value is a null, and whether a column may hold nulls is fixed
//! by the table, not by the data (the schemas are listed, and tested, in
//! `core/tests/data/arrow_schemas.txt`). Every batch's schema carries the
//! metadata `estatekit.table` (its name: `bill_lines`, `bills`, `pools`,
//! `penalties`, `aging`, `collection`, `reminder_items`, `book_charges`,
//! `book_payments`, `classifications`) and
//! `estatekit.schema_version` ([`SCHEMA_VERSION`]); a run's tables also
//! `estatekit.estate_id` and `estatekit.currency`. Column names are those of the
//! matching `to_records` rows.
//!
//! The batches cross a language boundary without copies through Arrow's C data and
//! C stream interfaces: [`export_stream`] makes an [`FFI_ArrowArrayStream`] that
//! pyarrow, polars, pandas (through pyarrow), DuckDB or Arrow Java take as it is, and
//! [`import_stream`] reads one.
//!
//! Reading: [`read_table`] turns a table's batches into text rows (the cells a
//! spreadsheet gives), so an Arrow table goes through the same importers, checks and
//! named errors as a CSV file or a list of dicts ([`import_estate`], and the book's
//! `*_records` importers). Text, integers, decimals, dates, timestamps at midnight,
//! booleans and dictionary-encoded text are read; a float cell is refused
//! (`float_cell`: a float cannot hold an exact area or amount), and a column of
//! another type is refused as a whole (`unsupported_type`).
//!
//! ```
//! use estatekit::{arrow, estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
//! let inputs = BillingInputs::default().with_pooled("common_electricity", "100.00".parse()?);
//! let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
//! let lines = arrow::bill_lines(&run)?;
//! assert_eq!(lines.num_rows(), run.to_records().len());
//! assert_eq!(lines.schema().field_with_name("amount")?.data_type().to_string(), "Decimal128(38, 2)");
//! assert_eq!(lines.schema().metadata()["estatekit.table"], "bill_lines");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    UInt64Builder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, Decimal128Array, RecordBatch, RecordBatchIterator};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The `arrow-array` crate the batches are built with (its version is the one to use).
pub use arrow_array;
pub use arrow_array::ffi_stream::FFI_ArrowArrayStream;
/// The `arrow-schema` crate of the batches' schemas.
pub use arrow_schema;

use crate::fees::billing::BillingRun;
use crate::fees::calc::PenaltyBatch;
use crate::fees::dunning::Reminders;
use crate::fees::receivables::{AgingRow, CollectionRow, GroupBy, Receivables};
use crate::i18n::Lang;
use crate::money::RoundingPolicy;
use crate::tables::{
    BUILDING_COLUMNS, EstateTables, METER_CHANGE_COLUMNS, METER_COLUMNS, READING_COLUMNS,
    TableProblem, TablesError, TablesImport, TextTable, UNIT_COLUMNS,
};
use crate::tickets::Classification;

/// The version of the schemas below, in every batch's metadata
/// (`estatekit.schema_version`); it changes when a column is renamed, retyped or
/// removed.
///
/// ```
/// assert_eq!(estatekit::arrow::SCHEMA_VERSION, "1");
/// ```
pub const SCHEMA_VERSION: &str = "1";

/// The precision of every decimal column.
const PRECISION: u8 = 38;

/// Why a table could not be written as, or read from, Arrow.
///
/// ```
/// let e = estatekit::arrow::ArrowError::Stream { table: "units".into(), message: "bad".into() };
/// assert_eq!((e.code(), e.path().as_str(), e.to_string().as_str()), ("invalid_arrow", "units", "units: invalid Arrow data: bad"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArrowError {
    /// A value does not fit the column's `decimal128(38, scale)`.
    #[error("{table}.{column}: {value} does not fit decimal128(38, {scale})")]
    Overflow {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The value.
        value: String,
        /// The column's scale.
        scale: u32,
    },
    /// A stream or batch that cannot be read (a producer's error, batches with
    /// different schemas).
    #[error("{table}: invalid Arrow data: {message}")]
    Stream {
        /// The table being read.
        table: String,
        /// What the Arrow reader said.
        message: String,
    },
}

impl ArrowError {
    /// Stable snake_case code: `overflow` or `invalid_arrow`.
    ///
    /// ```
    /// let e = estatekit::arrow::ArrowError::Overflow { table: "pools".into(), column: "consumption".into(), value: "1".into(), scale: 40 };
    /// assert_eq!(e.code(), "overflow");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::Overflow { .. } => "overflow",
            Self::Stream { .. } => "invalid_arrow",
        }
    }

    /// Where: `table.column` or `table`.
    ///
    /// ```
    /// let e = estatekit::arrow::ArrowError::Overflow { table: "pools".into(), column: "consumption".into(), value: "1".into(), scale: 40 };
    /// assert_eq!(e.path(), "pools.consumption");
    /// ```
    pub fn path(&self) -> String {
        match self {
            Self::Overflow { table, column, .. } => format!("{table}.{column}"),
            Self::Stream { table, .. } => table.clone(),
        }
    }
}

/// A batch under construction: fields and their arrays, in order.
struct Table {
    name: &'static str,
    fields: Vec<Field>,
    columns: Vec<ArrayRef>,
    metadata: HashMap<String, String>,
}

impl Table {
    fn new(name: &'static str) -> Self {
        let metadata = HashMap::from([
            ("estatekit.table".to_owned(), name.to_owned()),
            (
                "estatekit.schema_version".to_owned(),
                SCHEMA_VERSION.to_owned(),
            ),
        ]);
        Self {
            name,
            fields: Vec::new(),
            columns: Vec::new(),
            metadata,
        }
    }

    fn meta(mut self, key: &str, value: &str) -> Self {
        self.metadata
            .insert(format!("estatekit.{key}"), value.to_owned());
        self
    }

    fn push(&mut self, field: Field, array: ArrayRef) {
        self.fields.push(field);
        self.columns.push(array);
    }

    /// A text column that is never null.
    fn text<S: AsRef<str>>(self, name: &str, values: impl IntoIterator<Item = S>) -> Self {
        self.text_column(name, values.into_iter().map(Some), false)
    }

    /// A text column that may hold nulls (nullable in the schema whatever the data).
    fn text_opt<S: AsRef<str>>(
        self,
        name: &str,
        values: impl IntoIterator<Item = Option<S>>,
    ) -> Self {
        self.text_column(name, values, true)
    }

    fn text_column<S: AsRef<str>>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = Option<S>>,
        nullable: bool,
    ) -> Self {
        let mut b = StringBuilder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(
            Field::new(name, DataType::Utf8, nullable),
            Arc::new(b.finish()),
        );
        self
    }

    /// A date column; `nullable` says whether the schema allows nulls.
    fn date(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = Option<NaiveDate>>,
        nullable: bool,
    ) -> Self {
        let mut b = Date32Builder::new();
        for v in values {
            b.append_option(v.map(Date32Type::from_naive_date));
        }
        self.push(
            Field::new(name, DataType::Date32, nullable),
            Arc::new(b.finish()),
        );
        self
    }

    fn boolean(mut self, name: &str, values: impl IntoIterator<Item = bool>) -> Self {
        let mut b = BooleanBuilder::new();
        for v in values {
            b.append_value(v);
        }
        self.push(
            Field::new(name, DataType::Boolean, false),
            Arc::new(b.finish()),
        );
        self
    }

    fn count(mut self, name: &str, values: impl IntoIterator<Item = u64>) -> Self {
        let mut b = UInt64Builder::new();
        for v in values {
            b.append_value(v);
        }
        self.push(
            Field::new(name, DataType::UInt64, false),
            Arc::new(b.finish()),
        );
        self
    }

    fn int(mut self, name: &str, values: impl IntoIterator<Item = i64>) -> Self {
        let mut b = Int64Builder::new();
        for v in values {
            b.append_value(v);
        }
        self.push(
            Field::new(name, DataType::Int64, false),
            Arc::new(b.finish()),
        );
        self
    }

    fn float(mut self, name: &str, values: impl IntoIterator<Item = f64>) -> Self {
        let mut b = Float64Builder::new();
        for v in values {
            b.append_value(v);
        }
        self.push(
            Field::new(name, DataType::Float64, false),
            Arc::new(b.finish()),
        );
        self
    }

    /// A decimal column of `values` at `scale` or the largest scale among them;
    /// money is never null, a quantity may be.
    fn decimal(
        self,
        name: &str,
        values: impl IntoIterator<Item = Option<Decimal>>,
        scale: u32,
        money: bool,
    ) -> Result<Self, ArrowError> {
        let values: Vec<Option<Decimal>> = values.into_iter().collect();
        let scale = values
            .iter()
            .flatten()
            .map(Decimal::scale)
            .fold(scale, u32::max);
        let mut out = Vec::with_capacity(values.len());
        for v in &values {
            out.push(match v {
                Some(d) => Some(self.mantissa(name, *d, scale)?),
                None => None,
            });
        }
        let a = Decimal128Array::from(out);
        self.decimal_array(name, a, scale, money)
    }

    /// `d` as a mantissa at `scale` (at least `d`'s own).
    fn mantissa(&self, column: &str, d: Decimal, scale: u32) -> Result<i128, ArrowError> {
        let overflow = || ArrowError::Overflow {
            table: self.name.to_owned(),
            column: column.to_owned(),
            value: d.to_string(),
            scale,
        };
        let m = 10i128
            .checked_pow(scale - d.scale())
            .and_then(|p| d.mantissa().checked_mul(p))
            .ok_or_else(overflow)?;
        if m.unsigned_abs() >= 10u128.pow(u32::from(PRECISION)) {
            return Err(overflow());
        }
        Ok(m)
    }

    fn decimal_array(
        mut self,
        name: &str,
        a: Decimal128Array,
        scale: u32,
        money: bool,
    ) -> Result<Self, ArrowError> {
        let s = i8::try_from(scale).ok().filter(|s| *s <= PRECISION as i8);
        let Some(s) = s else {
            return Err(ArrowError::Overflow {
                table: self.name.to_owned(),
                column: name.to_owned(),
                value: format!("a value with {scale} decimal places"),
                scale,
            });
        };
        let a = a
            .with_precision_and_scale(PRECISION, s)
            .expect("precision 38 and a scale of at most 38 are a valid decimal128 type");
        let mut field = Field::new(name, a.data_type().clone(), !money);
        if money {
            field = field.with_metadata(HashMap::from([(
                "estatekit.money".to_owned(),
                "true".to_owned(),
            )]));
        }
        self.push(field, Arc::new(a));
        Ok(self)
    }

    fn money(
        self,
        name: &str,
        values: impl IntoIterator<Item = Decimal>,
        scale: u32,
    ) -> Result<Self, ArrowError> {
        self.decimal(name, values.into_iter().map(Some), scale, true)
    }

    fn finish(self) -> RecordBatch {
        let schema = Schema::new(self.fields).with_metadata(self.metadata);
        RecordBatch::try_new(Arc::new(schema), self.columns)
            .expect("every column is built with one value per row and its field's type")
    }
}

/// Every line of a run, one row each, in bill then line order: the columns of
/// [`BillingRun::to_records`] (`unit_id`, `period_start`, `period_end`,
/// `item_code`, `name_zh`, `name_en`, `amount`, `issued_on`, `due`,
/// `explanation_zh`, `explanation_en`, `estimated`).
///
/// # Errors
/// [`ArrowError::Overflow`] when an amount does not fit `decimal128(38, scale)`.
///
/// ```
/// use estatekit::{arrow, estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// use estatekit::arrow::arrow_array::cast::AsArray;
/// let inputs = BillingInputs::default().with_pooled("common_electricity", "100.00".parse()?);
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let lines = arrow::bill_lines(&run)?;
/// let amounts = lines.column_by_name("amount").unwrap().as_primitive::<arrow::arrow_array::types::Decimal128Type>();
/// assert_eq!(amounts.value_as_string(0), run.to_records()[0].amount.to_string());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bill_lines(run: &BillingRun) -> Result<RecordBatch, ArrowError> {
    lines_table(run, true)
}

/// [`bill_lines`] without the two explanation columns, which cost most of the
/// conversion (two texts a line): for totals and joins; explain a bill on demand
/// with [`BillingRun::bill`].
///
/// # Errors
/// [`ArrowError::Overflow`] when an amount does not fit `decimal128(38, scale)`.
///
/// ```
/// use estatekit::{arrow, estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// let inputs = BillingInputs::default().with_pooled("common_electricity", "100.00".parse()?);
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let lines = arrow::bill_lines_without_explanations(&run)?;
/// assert!(lines.schema().column_with_name("explanation_en").is_none());
/// assert_eq!(lines.num_columns(), 10);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bill_lines_without_explanations(run: &BillingRun) -> Result<RecordBatch, ArrowError> {
    lines_table(run, false)
}

fn lines_table(run: &BillingRun, explain: bool) -> Result<RecordBatch, ArrowError> {
    let n = run.line_count();
    let mut unit = StringBuilder::with_capacity(n, n * 8);
    let mut code = StringBuilder::with_capacity(n, n * 16);
    let mut zh = StringBuilder::with_capacity(n, n * 12);
    let mut en = StringBuilder::with_capacity(n, n * 16);
    let mut due = Date32Builder::with_capacity(n);
    let text = if explain { n * 48 } else { 0 };
    let mut ex_zh = StringBuilder::with_capacity(n, text);
    let mut ex_en = StringBuilder::with_capacity(n, text);
    let mut estimated = BooleanBuilder::with_capacity(n);
    let mut amounts: Vec<Decimal> = Vec::with_capacity(n);
    run.each_line(|_, unit_id, item, amount, explanation| {
        unit.append_value(unit_id);
        code.append_value(&item.code);
        zh.append_value(&item.zh);
        en.append_value(&item.en);
        due.append_value(Date32Type::from_naive_date(item.due));
        if explain {
            ex_zh.append_value(explanation.render(Lang::ZhCn, amount));
            ex_en.append_value(explanation.render(Lang::En, amount));
        }
        estimated.append_value(explanation.is_estimated());
        amounts.push(amount);
    });
    let dates = |d: NaiveDate| std::iter::repeat_n(Some(d), n);
    let mut t = Table::new("bill_lines")
        .meta("estate_id", &run.estate_id)
        .meta("currency", &run.currency);
    t.push(
        Field::new("unit_id", DataType::Utf8, false),
        Arc::new(unit.finish()),
    );
    t = t.date("period_start", dates(run.period.start), false).date(
        "period_end",
        dates(run.period.end),
        false,
    );
    for (name, b) in [
        ("item_code", &mut code),
        ("name_zh", &mut zh),
        ("name_en", &mut en),
    ] {
        t.push(
            Field::new(name, DataType::Utf8, false),
            Arc::new(b.finish()),
        );
    }
    t = t.money("amount", amounts, run.scale())?;
    t = t.date("issued_on", dates(run.issued_on), false);
    t.push(
        Field::new("due", DataType::Date32, false),
        Arc::new(due.finish()),
    );
    if explain {
        for (name, b) in [
            ("explanation_zh", &mut ex_zh),
            ("explanation_en", &mut ex_en),
        ] {
            t.push(
                Field::new(name, DataType::Utf8, false),
                Arc::new(b.finish()),
            );
        }
    }
    t.push(
        Field::new("estimated", DataType::Boolean, false),
        Arc::new(estimated.finish()),
    );
    Ok(t.finish())
}

/// One row per bill, in bill order: `unit_id`, `period_start`, `period_end`,
/// `issued_on`, `lines` (the number of lines), `total` (their sum) and `estimated`
/// (a line is billed on an estimated reading).
///
/// # Errors
/// [`ArrowError::Overflow`] when a total does not fit `decimal128(38, scale)`.
///
/// ```
/// use estatekit::{arrow, estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// let inputs = BillingInputs::default().with_pooled("common_electricity", "100.00".parse()?);
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let bills = arrow::bills(&run)?;
/// assert_eq!(bills.num_rows(), run.bill_count());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bills(run: &BillingRun) -> Result<RecordBatch, ArrowError> {
    let ids: Vec<&str> = run.unit_ids().collect();
    let mut lines: Vec<u64> = vec![0; ids.len()];
    let mut totals: Vec<Decimal> = vec![Decimal::ZERO; ids.len()];
    let mut estimated: Vec<bool> = vec![false; ids.len()];
    let mut overflow = None;
    run.each_line(|i, _, _, amount, explanation| {
        lines[i] += 1;
        match totals[i].checked_add(amount) {
            Some(t) => totals[i] = t,
            None => overflow = Some(i),
        }
        estimated[i] |= explanation.is_estimated();
    });
    if let Some(i) = overflow {
        return Err(ArrowError::Overflow {
            table: "bills".into(),
            column: format!("total[unit_id={}]", ids[i]),
            value: "the sum of the bill's lines".into(),
            scale: run.scale(),
        });
    }
    let n = ids.len();
    Table::new("bills")
        .meta("estate_id", &run.estate_id)
        .meta("currency", &run.currency)
        .text("unit_id", ids.iter())
        .date(
            "period_start",
            std::iter::repeat_n(Some(run.period.start), n),
            false,
        )
        .date(
            "period_end",
            std::iter::repeat_n(Some(run.period.end), n),
            false,
        )
        .date(
            "issued_on",
            std::iter::repeat_n(Some(run.issued_on), n),
            false,
        )
        .count("lines", lines)
        .money("total", totals, run.scale())
        .map(|t| t.boolean("estimated", estimated).finish())
}

/// One row per pool of the run: `code`, `group` (null for a pool over the whole
/// estate), `source_amount`, `consumption` (null for a pool without one; not
/// money), `deduction`, `admin_fee`, `split_amount`, `shares_total`,
/// `participants`, `adjustment`, `adjusted_count`, `set_aside` and `adjusted_units`
/// (a list of unit ids).
///
/// # Errors
/// [`ArrowError::Overflow`] when an amount does not fit `decimal128(38, scale)`.
///
/// ```
/// use estatekit::{arrow, estate::Estate, fees::{billing::*, schedule::FeeSchedule}};
/// let inputs = BillingInputs::default().with_pooled("common_electricity", "100.00".parse()?);
/// let run = bill_estate(&Estate::demo(), &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
/// let pools = arrow::pools(&run)?;
/// assert_eq!(pools.num_rows(), run.pools.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pools(run: &BillingRun) -> Result<RecordBatch, ArrowError> {
    let p = &run.pools;
    let s = run.scale();
    let mut adjusted = ListBuilder::new(StringBuilder::new());
    for pool in p {
        for u in run.adjusted_units_in(&pool.code, pool.group.as_deref()) {
            adjusted.values().append_value(u);
        }
        adjusted.append(true);
    }
    let mut t = Table::new("pools")
        .meta("estate_id", &run.estate_id)
        .meta("currency", &run.currency)
        .text("code", p.iter().map(|x| &x.code))
        .text_opt("group", p.iter().map(|x| x.group.as_ref()))
        .money("source_amount", p.iter().map(|x| x.source_amount), s)?
        .decimal("consumption", p.iter().map(|x| x.consumption), 3, false)?
        .money("deduction", p.iter().map(|x| x.deduction), s)?
        .money("admin_fee", p.iter().map(|x| x.admin_fee), s)?
        .money("split_amount", p.iter().map(|x| x.split_amount), s)?
        .money("shares_total", p.iter().map(|x| x.shares_total), s)?
        .count("participants", p.iter().map(|x| x.participants as u64))
        .money("adjustment", p.iter().map(|x| x.adjustment), s)?
        .count("adjusted_count", p.iter().map(|x| x.adjusted_count as u64))
        .money("set_aside", p.iter().map(|x| x.set_aside), s)?;
    let a = adjusted.finish();
    t.push(
        Field::new("adjusted_units", a.data_type().clone(), false),
        Arc::new(a),
    );
    Ok(t.finish())
}

/// One row per item of a penalty batch, in item order: `index` (the item's
/// position) and `penalty` at the batch's scale.
///
/// # Errors
/// Never in practice: a penalty is at most a decimal's 28 digits.
///
/// ```
/// use estatekit::{arrow, fees::calc::{late_penalty_batch, PenaltyPolicy}};
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// let items = [("1000.00".parse()?, d("2026-09-30")), ("50.00".parse()?, d("2026-12-31"))];
/// let batch = late_penalty_batch(&items, d("2026-10-31"), &PenaltyPolicy::daily("0.0005".parse()?), &Default::default())?;
/// let t = arrow::penalties(&batch)?;
/// assert_eq!(t.num_rows(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn penalties(batch: &PenaltyBatch) -> Result<RecordBatch, ArrowError> {
    let (scale, minor, wide) = batch.parts();
    let mut values: Vec<i128> = minor.iter().map(|&m| i128::from(m)).collect();
    let mut t = Table::new("penalties");
    for &(i, d) in wide {
        values[i] = t.mantissa("penalty", d, scale)?;
    }
    t = t.count("index", 0..values.len() as u64);
    t.decimal_array("penalty", Decimal128Array::from(values), scale, true)
        .map(Table::finish)
}

/// The rows of [`Receivables::aging_report`](crate::fees::receivables::Receivables::aging_report):
/// the key column (named by [`GroupBy::key_column`]), `not_due`, `days_0_30`,
/// `days_31_60`, `days_61_90`, `days_90_plus`, `total`.
///
/// # Errors
/// [`ArrowError::Overflow`] when an amount does not fit `decimal128(38, scale)`.
///
/// ```
/// # use estatekit::{arrow, estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
/// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
/// let rows = book.aging_report("2026-12-31".parse().unwrap(), GroupBy::Estate)?;
/// let t = arrow::aging(&rows, GroupBy::Estate, 2)?;
/// assert_eq!(t.schema().field(0).name(), "estate");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn aging(rows: &[AgingRow], by: GroupBy, scale: u32) -> Result<RecordBatch, ArrowError> {
    Ok(Table::new("aging")
        .text(by.key_column(), rows.iter().map(|r| &r.key))
        .money("not_due", rows.iter().map(|r| r.not_due), scale)?
        .money("days_0_30", rows.iter().map(|r| r.days_0_30), scale)?
        .money("days_31_60", rows.iter().map(|r| r.days_31_60), scale)?
        .money("days_61_90", rows.iter().map(|r| r.days_61_90), scale)?
        .money("days_90_plus", rows.iter().map(|r| r.days_90_plus), scale)?
        .money("total", rows.iter().map(|r| r.total), scale)?
        .finish())
}

/// The rows of [`Receivables::collection_report`](crate::fees::receivables::Receivables::collection_report):
/// the key column, `billed`, `collected`, `rate` (a decimal fraction, null when
/// nothing was billed) and `penalty_collected`.
///
/// # Errors
/// [`ArrowError::Overflow`] when an amount does not fit `decimal128(38, scale)`.
///
/// ```
/// # use estatekit::{arrow, fees::receivables::{CollectionRow, GroupBy}};
/// let row = CollectionRow { key: "B1".into(), billed: "100.00".parse()?, collected: "80.00".parse()?,
///     rate: Some("0.8".parse()?), penalty_collected: "0.00".parse()? };
/// let t = arrow::collection(&[row], GroupBy::Building, 2)?;
/// assert_eq!(t.schema().field(0).name(), "building");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn collection(
    rows: &[CollectionRow],
    by: GroupBy,
    scale: u32,
) -> Result<RecordBatch, ArrowError> {
    Ok(Table::new("collection")
        .text(by.key_column(), rows.iter().map(|r| &r.key))
        .money("billed", rows.iter().map(|r| r.billed), scale)?
        .money("collected", rows.iter().map(|r| r.collected), scale)?
        .decimal("rate", rows.iter().map(|r| r.rate), 4, false)?
        .money(
            "penalty_collected",
            rows.iter().map(|r| r.penalty_collected),
            scale,
        )?
        .finish())
}

/// One row per item of every letter, in letter order: `to`, `unit_id`,
/// `charge_id`, `item_code`, `name_zh`, `name_en`, `period_start`, `period_end`
/// (null for a charge without a period), `due`, `days_overdue`, `principal`,
/// `penalty`, `total`.
///
/// # Errors
/// [`ArrowError::Overflow`] when an amount does not fit `decimal128(38, scale)`.
///
/// ```
/// # use estatekit::{arrow, fees::dunning::Reminders};
/// let t = arrow::reminder_items(&Reminders::default(), 2)?;
/// assert_eq!((t.num_rows(), t.schema().field(0).name().as_str()), (0, "to"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reminder_items(reminders: &Reminders, scale: u32) -> Result<RecordBatch, ArrowError> {
    let rows: Vec<_> = reminders
        .letters
        .iter()
        .flat_map(|l| l.items.iter().map(move |i| (l.to.as_str(), i)))
        .collect();
    Ok(Table::new("reminder_items")
        .text("to", rows.iter().map(|r| r.0))
        .text("unit_id", rows.iter().map(|r| &r.1.unit_id))
        .text("charge_id", rows.iter().map(|r| &r.1.charge_id))
        .text("item_code", rows.iter().map(|r| &r.1.item_code))
        .text("name_zh", rows.iter().map(|r| &r.1.name_zh))
        .text("name_en", rows.iter().map(|r| &r.1.name_en))
        .date(
            "period_start",
            rows.iter().map(|r| r.1.period.map(|p| p.start)),
            true,
        )
        .date(
            "period_end",
            rows.iter().map(|r| r.1.period.map(|p| p.end)),
            true,
        )
        .date("due", rows.iter().map(|r| Some(r.1.due)), false)
        .int("days_overdue", rows.iter().map(|r| r.1.days_overdue))
        .money("principal", rows.iter().map(|r| r.1.principal), scale)?
        .money("penalty", rows.iter().map(|r| r.1.penalty), scale)?
        .money("total", rows.iter().map(|r| r.1.total), scale)?
        .finish())
}

/// Every charge of every account of the book, one row each, in account then charge
/// order (the receivables ledger as a fact table): `unit_id`, `charge_id`,
/// `item_code`, `period_start` and `period_end` (null for a charge without a period),
/// `issued_on` (null when not kept), `due`, `deferred_to` (null unless deferred),
/// `principal`, `principal_written_off`, `principal_outstanding`, `penalty_paid`,
/// `penalty_waived`, `description` (null when none).
///
/// # Errors
/// [`ArrowError::Overflow`] when an amount does not fit `decimal128(38, scale)`.
///
/// ```
/// # use estatekit::{arrow, estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
/// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
/// let t = arrow::book_charges(&book, 2)?;
/// assert_eq!((t.num_rows(), t.schema().field(1).name().as_str()), (0, "charge_id"));
/// # Ok::<(), estatekit::arrow::ArrowError>(())
/// ```
pub fn book_charges(book: &Receivables, scale: u32) -> Result<RecordBatch, ArrowError> {
    let rows: Vec<_> = book
        .accounts()
        .flat_map(|l| l.charges().iter().map(move |c| (l.unit_id(), c)))
        .collect();
    Ok(Table::new("book_charges")
        .meta("estate_id", book.estate_id())
        .text("unit_id", rows.iter().map(|r| r.0))
        .text("charge_id", rows.iter().map(|r| &r.1.id))
        .text("item_code", rows.iter().map(|r| &r.1.item_code))
        .date(
            "period_start",
            rows.iter().map(|r| r.1.period.map(|p| p.start)),
            true,
        )
        .date(
            "period_end",
            rows.iter().map(|r| r.1.period.map(|p| p.end)),
            true,
        )
        .date("issued_on", rows.iter().map(|r| r.1.issued_on), true)
        .date("due", rows.iter().map(|r| Some(r.1.due)), false)
        .date("deferred_to", rows.iter().map(|r| r.1.deferred_to), true)
        .money("principal", rows.iter().map(|r| r.1.principal), scale)?
        .money(
            "principal_written_off",
            rows.iter().map(|r| r.1.principal_written_off),
            scale,
        )?
        .money(
            "principal_outstanding",
            rows.iter().map(|r| r.1.outstanding_principal()),
            scale,
        )?
        .money("penalty_paid", rows.iter().map(|r| r.1.penalty_paid), scale)?
        .money(
            "penalty_waived",
            rows.iter().map(|r| r.1.penalty_waived),
            scale,
        )?
        .text_opt("description", rows.iter().map(|r| r.1.description.as_ref()))
        .finish())
}

/// Every payment of every account of the book, one row each, in account then
/// payment order: `unit_id`, `payment_id` (the receipt or bank reference), `date`,
/// `amount`, `to_prepaid` (what went to the prepaid balance), `reversed_on` and
/// `reversal_reason` (null unless reversed, 冲正).
///
/// # Errors
/// [`ArrowError::Overflow`] when an amount does not fit `decimal128(38, scale)`.
///
/// ```
/// # use estatekit::{arrow, estate::Estate, fees::{ledger::PaymentOrder, receivables::*, schedule::FeeSchedule}};
/// let book = Receivables::new(&Estate::demo(), &FeeSchedule::demo(), PaymentOrder::default());
/// assert_eq!(arrow::book_payments(&book, 2)?.schema().field(1).name(), "payment_id");
/// # Ok::<(), estatekit::arrow::ArrowError>(())
/// ```
pub fn book_payments(book: &Receivables, scale: u32) -> Result<RecordBatch, ArrowError> {
    let rows: Vec<_> = book
        .accounts()
        .flat_map(|l| l.payments().iter().map(move |p| (l.unit_id(), p)))
        .collect();
    Ok(Table::new("book_payments")
        .meta("estate_id", book.estate_id())
        .text("unit_id", rows.iter().map(|r| r.0))
        .text("payment_id", rows.iter().map(|r| &r.1.id))
        .date("date", rows.iter().map(|r| Some(r.1.date)), false)
        .money("amount", rows.iter().map(|r| r.1.amount), scale)?
        .money("to_prepaid", rows.iter().map(|r| r.1.to_prepaid), scale)?
        .date(
            "reversed_on",
            rows.iter().map(|r| r.1.reversed.as_ref().map(|v| v.on)),
            true,
        )
        .text_opt(
            "reversal_reason",
            rows.iter()
                .map(|r| r.1.reversed.as_ref().map(|v| &v.reason)),
        )
        .finish())
}

/// One row per classified text, in order: `category`, `kind`, `urgency`,
/// `temperament`, `escalate`, `department`, `confidence`, `advice` and
/// `escalation_advice` (null unless `escalate`). The evidence is left out: ask
/// [`TicketClassifier::classify`](crate::tickets::TicketClassifier::classify) for
/// one text's.
///
/// ```
/// use estatekit::{arrow, tickets::TicketClassifier};
/// let c = TicketClassifier::default();
/// let t = arrow::classifications(&c.classify_batch(&["电梯困人了！".to_string()]));
/// assert_eq!(t.num_rows(), 1);
/// ```
pub fn classifications(results: &[Classification]) -> RecordBatch {
    let r = results;
    Table::new("classifications")
        .text("category", r.iter().map(|c| &c.category))
        .text("kind", r.iter().map(|c| c.kind.as_str()))
        .text("urgency", r.iter().map(|c| c.urgency.as_str()))
        .text("temperament", r.iter().map(|c| c.temperament.as_str()))
        .boolean("escalate", r.iter().map(|c| c.escalate))
        .text("department", r.iter().map(|c| &c.department))
        .float("confidence", r.iter().map(|c| c.confidence))
        .text("advice", r.iter().map(|c| c.advice))
        .text_opt("escalation_advice", r.iter().map(|c| c.escalation_advice))
        .finish()
}

/// A batch of text columns (all `utf8`, nullable) from rows of cells: `None` is a
/// null. For building a table where no Arrow library is at hand (a test, a mobile
/// app reading a CSV).
///
/// # Errors
/// [`ArrowError::Stream`] when a row has more or fewer cells than there are columns
/// (naming the 1-based row).
///
/// ```
/// let t = estatekit::arrow::text_batch("units", &["id", "gross_area"], &[vec![Some("1-101".into()), None]])?;
/// assert_eq!((t.num_rows(), t.column(1).null_count()), (1, 1));
/// # Ok::<(), estatekit::arrow::ArrowError>(())
/// ```
pub fn text_batch(
    table: &str,
    columns: &[&str],
    rows: &[Vec<Option<String>>],
) -> Result<RecordBatch, ArrowError> {
    if let Some(i) = rows.iter().position(|r| r.len() != columns.len()) {
        return Err(ArrowError::Stream {
            table: table.to_owned(),
            message: format!(
                "row {} has {} cells for {} columns",
                i + 1,
                rows[i].len(),
                columns.len()
            ),
        });
    }
    let mut fields = Vec::with_capacity(columns.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(columns.len());
    for (c, name) in columns.iter().enumerate() {
        let mut b = StringBuilder::new();
        for r in rows {
            b.append_option(r[c].as_deref());
        }
        fields.push(Field::new(*name, DataType::Utf8, true));
        arrays.push(Arc::new(b.finish()));
    }
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, arrays).map_err(|e| ArrowError::Stream {
        table: table.to_owned(),
        message: e.to_string(),
    })
}

/// A batch as an Arrow C stream (one batch), to hand to another library or
/// language without copying: the consumer takes the buffers and releases them.
///
/// ```
/// let t = estatekit::arrow::text_batch("t", &["a"], &[vec![Some("x".into())]])?;
/// let back = estatekit::arrow::import_stream("t", estatekit::arrow::export_stream(t.clone()))?;
/// assert_eq!(back, vec![t]);
/// # Ok::<(), estatekit::arrow::ArrowError>(())
/// ```
pub fn export_stream(batch: RecordBatch) -> FFI_ArrowArrayStream {
    let schema = batch.schema();
    FFI_ArrowArrayStream::new(Box::new(RecordBatchIterator::new([Ok(batch)], schema)))
}

/// Every batch of an Arrow C stream (from pyarrow, polars, Arrow Java…).
///
/// # Errors
/// [`ArrowError::Stream`] naming `table` when the stream cannot be read.
///
/// ```
/// let t = estatekit::arrow::text_batch("t", &["a"], &[])?;
/// assert_eq!(estatekit::arrow::import_stream("t", estatekit::arrow::export_stream(t))?[0].num_rows(), 0);
/// # Ok::<(), estatekit::arrow::ArrowError>(())
/// ```
pub fn import_stream(
    table: &str,
    stream: FFI_ArrowArrayStream,
) -> Result<Vec<RecordBatch>, ArrowError> {
    let err = |e: arrow_schema::ArrowError| ArrowError::Stream {
        table: table.to_owned(),
        message: e.to_string(),
    };
    let reader = arrow_array::ffi_stream::ArrowArrayStreamReader::try_new(stream).map_err(err)?;
    reader.collect::<Result<Vec<_>, _>>().map_err(err)
}

/// One batch holding every row of `batches` (the first one when there is one).
///
/// # Errors
/// [`ArrowError::Stream`] when the batches' schemas differ.
///
/// ```
/// let t = estatekit::arrow::text_batch("t", &["a"], &[vec![Some("x".into())]])?;
/// assert_eq!(estatekit::arrow::concat("t", &[t.clone(), t])?.num_rows(), 2);
/// # Ok::<(), estatekit::arrow::ArrowError>(())
/// ```
pub fn concat(table: &str, batches: &[RecordBatch]) -> Result<RecordBatch, ArrowError> {
    let err = |message: String| ArrowError::Stream {
        table: table.to_owned(),
        message,
    };
    let Some(first) = batches.first() else {
        return Err(err("no batch".into()));
    };
    if batches.len() == 1 {
        return Ok(first.clone());
    }
    let schema = first.schema();
    let mut columns = Vec::with_capacity(schema.fields().len());
    for c in 0..schema.fields().len() {
        let arrays: Vec<&dyn Array> = batches.iter().map(|b| b.column(c).as_ref()).collect();
        columns.push(concat_arrays(&arrays).map_err(|e| err(e.to_string()))?);
    }
    RecordBatch::try_new(schema, columns).map_err(|e| err(e.to_string()))
}

fn concat_arrays(arrays: &[&dyn Array]) -> Result<ArrayRef, arrow_schema::ArrowError> {
    let data: Vec<_> = arrays.iter().map(|a| a.to_data()).collect();
    let refs: Vec<_> = data.iter().collect();
    let capacity = data.iter().map(|d| d.len()).sum();
    let mut m = arrow_data::transform::MutableArrayData::new(refs, false, capacity);
    for (i, d) in data.iter().enumerate() {
        m.extend(i, 0, d.len());
    }
    Ok(arrow_array::make_array(m.freeze()))
}

/// A table's batches as text rows of its `known` columns (the cells the table
/// importers read), with a [`TableProblem`] for each cell that cannot be taken as
/// text (`float_cell`) and each column of a type that cannot (`unsupported_type`,
/// row 0). Rows are numbered from 1 across the batches; `id_column` names a row in
/// its problems. The columns pyarrow makes of a pandas index (`__index_level_0__`…)
/// are left out.
///
/// ```
/// use estatekit::{arrow, tables::{Cells, UNIT_COLUMNS}};
/// let t = arrow::text_batch("units", &["id", "gross_area"], &[vec![Some("1-101".into()), Some("89.50".into())]])?;
/// let (rows, problems) = arrow::read_table("units", &UNIT_COLUMNS, "id", &[t]);
/// assert_eq!((rows.rows()[0].cell("gross_area"), problems.len()), (Some("89.50"), 0));
/// # Ok::<(), estatekit::arrow::ArrowError>(())
/// ```
pub fn read_table(
    table: &str,
    known: &'static [&'static str],
    id_column: &str,
    batches: &[RecordBatch],
) -> (TextTable, Vec<TableProblem>) {
    let mut out = TextTable::new(known);
    let mut problems = Vec::new();
    let mut row0 = 0;
    let mut refused: Vec<String> = Vec::new();
    for batch in batches {
        let schema = batch.schema();
        let columns: Vec<(&str, Reader<'_>)> = schema
            .fields()
            .iter()
            .zip(batch.columns())
            // A pandas index converted through Arrow is not a column of the table.
            .filter(|(f, _)| !is_pandas_index(f.name()))
            .map(|(f, a)| (f.name().as_str(), Reader::of(a.as_ref())))
            .collect();
        for (name, r) in &columns {
            if let Reader::Unsupported(t) = r
                && !refused.iter().any(|c| c == name)
            {
                refused.push((*name).to_owned());
                problems.push(TableProblem::new(
                    table,
                    0,
                    None,
                    Some(name),
                    "unsupported_type",
                    format!(
                        "a column of Arrow type {t} cannot be read; give text, integers, \
                         decimals, dates or booleans"
                    ),
                ));
            }
        }
        let id_at = columns.iter().position(|(n, _)| *n == id_column);
        let mut cell = String::new();
        for i in 0..batch.num_rows() {
            out.start_row();
            let row = row0 + i + 1;
            for (name, r) in &columns {
                cell.clear();
                match r.cell(i, &mut cell) {
                    Cell::Value => out.push_cell(name, &cell),
                    Cell::Null | Cell::Skip => {}
                    Cell::Float(v) => {
                        let mut id = String::new();
                        let id = id_at.and_then(|k| match columns[k].1.cell(i, &mut id) {
                            Cell::Value => Some(id),
                            _ => None,
                        });
                        problems.push(TableProblem::new(
                            table,
                            row,
                            id.as_deref(),
                            Some(name),
                            "float_cell",
                            format!(
                                "got the float {v}; a float cannot hold an exact area or \
                                 amount: give text, an integer or a decimal column"
                            ),
                        ));
                    }
                }
            }
        }
        row0 += batch.num_rows();
    }
    (out, problems)
}

/// [`read_table`] for the book's row importers (`Receivables::apply_payment_records`
/// and the others), which take problems of single rows (a `float_cell` rejects its
/// row): a column that cannot be read at all (`unsupported_type`) refuses the whole
/// table here rather than being read as empty cells.
///
/// # Errors
/// [`TablesError`] listing the columns that cannot be read.
///
/// ```
/// use estatekit::{arrow, records::PAYMENT_COLUMNS};
/// let t = arrow::text_batch("payments", &["unit_id", "amount"], &[vec![Some("1-101".into()), Some("10.00".into())]])?;
/// let (rows, problems) = arrow::read_rows_table("payments", &PAYMENT_COLUMNS, "ref", &[t]).expect("text columns");
/// assert_eq!((rows.rows().len(), problems.len()), (1, 0));
/// # Ok::<(), estatekit::arrow::ArrowError>(())
/// ```
pub fn read_rows_table(
    table: &str,
    known: &'static [&'static str],
    id_column: &str,
    batches: &[RecordBatch],
) -> Result<(TextTable, Vec<TableProblem>), TablesError> {
    let (rows, problems) = read_table(table, known, id_column, batches);
    let (whole, cells): (Vec<_>, Vec<_>) = problems.into_iter().partition(|p| p.row == 0);
    if !whole.is_empty() {
        return Err(TablesError {
            problems: whole,
            more: 0,
        });
    }
    Ok((rows, cells))
}

/// `__index_level_0__`…: the column pyarrow makes of a pandas DataFrame's index.
fn is_pandas_index(name: &str) -> bool {
    name.strip_prefix("__index_level_")
        .and_then(|r| r.strip_suffix("__"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// What a column gives for one row.
enum Cell {
    Value,
    Null,
    /// A column of an unsupported type (reported once for the column).
    Skip,
    Float(f64),
}

/// A column, typed for reading its cells as text.
enum Reader<'a> {
    Text(&'a dyn Array),
    Int(&'a dyn Array),
    Decimal(&'a dyn Array),
    Date(&'a dyn Array),
    Timestamp(&'a dyn Array),
    Bool(&'a dyn Array),
    Float(&'a dyn Array),
    /// The key of each row (`None`: null) and the values.
    Dictionary(Vec<Option<usize>>, Box<Reader<'a>>),
    Null,
    Unsupported(String),
}

impl<'a> Reader<'a> {
    fn of(a: &'a dyn Array) -> Self {
        match a.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Self::Text(a),
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => Self::Int(a),
            DataType::Decimal128(..) | DataType::Decimal256(..) => Self::Decimal(a),
            DataType::Date32 | DataType::Date64 => Self::Date(a),
            DataType::Timestamp(..) => Self::Timestamp(a),
            DataType::Boolean => Self::Bool(a),
            DataType::Float16 | DataType::Float32 | DataType::Float64 => Self::Float(a),
            DataType::Null => Self::Null,
            DataType::Dictionary(..) => match a.as_any_dictionary_opt() {
                Some(d) => {
                    let values = Reader::of(d.values().as_ref());
                    match values {
                        Self::Unsupported(_) => Self::Unsupported(a.data_type().to_string()),
                        v => {
                            let keys = d.normalized_keys();
                            let nulls = d.keys().logical_nulls();
                            let keys = keys
                                .into_iter()
                                .enumerate()
                                .map(|(i, k)| {
                                    nulls.as_ref().is_none_or(|n| n.is_valid(i)).then_some(k)
                                })
                                .collect();
                            Self::Dictionary(keys, Box::new(v))
                        }
                    }
                }
                None => Self::Unsupported(a.data_type().to_string()),
            },
            t => Self::Unsupported(t.to_string()),
        }
    }

    fn cell(&self, i: usize, out: &mut String) -> Cell {
        use std::fmt::Write;
        let a = match self {
            Self::Null => return Cell::Null,
            Self::Unsupported(_) => return Cell::Skip,
            Self::Dictionary(keys, values) => {
                return match keys[i] {
                    Some(k) => values.cell(k, out),
                    None => Cell::Null,
                };
            }
            Self::Text(a)
            | Self::Int(a)
            | Self::Decimal(a)
            | Self::Date(a)
            | Self::Timestamp(a)
            | Self::Bool(a)
            | Self::Float(a) => *a,
        };
        if a.is_null(i) {
            return Cell::Null;
        }
        let w = match self {
            Self::Text(a) => match a.data_type() {
                DataType::Utf8 => out.write_str(a.as_string::<i32>().value(i)),
                DataType::LargeUtf8 => out.write_str(a.as_string::<i64>().value(i)),
                _ => out.write_str(a.as_string_view().value(i)),
            },
            Self::Int(a) => match a.data_type() {
                DataType::Int8 => write!(out, "{}", a.as_primitive::<Int8Type>().value(i)),
                DataType::Int16 => write!(out, "{}", a.as_primitive::<Int16Type>().value(i)),
                DataType::Int32 => write!(out, "{}", a.as_primitive::<Int32Type>().value(i)),
                DataType::Int64 => write!(out, "{}", a.as_primitive::<Int64Type>().value(i)),
                DataType::UInt8 => write!(out, "{}", a.as_primitive::<UInt8Type>().value(i)),
                DataType::UInt16 => write!(out, "{}", a.as_primitive::<UInt16Type>().value(i)),
                DataType::UInt32 => write!(out, "{}", a.as_primitive::<UInt32Type>().value(i)),
                _ => write!(out, "{}", a.as_primitive::<UInt64Type>().value(i)),
            },
            Self::Decimal(a) => match a.data_type() {
                DataType::Decimal128(..) => {
                    let a = a.as_primitive::<arrow_array::types::Decimal128Type>();
                    out.write_str(&a.value_as_string(i))
                }
                _ => {
                    let a = a.as_primitive::<arrow_array::types::Decimal256Type>();
                    out.write_str(&a.value_as_string(i))
                }
            },
            Self::Date(a) => {
                let d = match a.data_type() {
                    DataType::Date32 => a.as_primitive::<Date32Type>().value_as_date(i),
                    _ => a.as_primitive::<Date64Type>().value_as_date(i),
                };
                match d {
                    Some(d) => write!(out, "{d}"),
                    None => return Cell::Null,
                }
            }
            Self::Timestamp(a) => {
                let t = match a.data_type() {
                    DataType::Timestamp(TimeUnit::Second, _) => {
                        a.as_primitive::<TimestampSecondType>().value_as_datetime(i)
                    }
                    DataType::Timestamp(TimeUnit::Millisecond, _) => a
                        .as_primitive::<TimestampMillisecondType>()
                        .value_as_datetime(i),
                    DataType::Timestamp(TimeUnit::Microsecond, _) => a
                        .as_primitive::<TimestampMicrosecondType>()
                        .value_as_datetime(i),
                    _ => a
                        .as_primitive::<TimestampNanosecondType>()
                        .value_as_datetime(i),
                };
                match t {
                    // A date read by pandas as a timestamp at midnight is the date;
                    // any other time of day is kept, and the date reader refuses it.
                    Some(t) if t.time() == chrono::NaiveTime::MIN => write!(out, "{}", t.date()),
                    Some(t) => write!(out, "{t}"),
                    None => return Cell::Null,
                }
            }
            Self::Bool(a) => out.write_str(if a.as_boolean().value(i) {
                "true"
            } else {
                "false"
            }),
            Self::Float(a) => {
                let v = match a.data_type() {
                    DataType::Float16 => f64::from(
                        a.as_primitive::<arrow_array::types::Float16Type>()
                            .value(i)
                            .to_f32(),
                    ),
                    DataType::Float32 => {
                        f64::from(a.as_primitive::<arrow_array::types::Float32Type>().value(i))
                    }
                    _ => a.as_primitive::<arrow_array::types::Float64Type>().value(i),
                };
                return Cell::Float(v);
            }
            Self::Null | Self::Unsupported(_) | Self::Dictionary(..) => {
                unreachable!("handled above")
            }
        };
        w.expect("writing to a String cannot fail");
        Cell::Value
    }
}

/// An estate's tables as Arrow batches, for [`import_estate`]: `units` is required;
/// `buildings` may be left out (each `building_id` of the units becomes a building
/// named after its id).
///
/// ```
/// let b = estatekit::arrow::EstateBatches::new("e1", "Test");
/// assert!(b.units.is_empty() && b.buildings.is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct EstateBatches<'a> {
    /// Estate id.
    pub id: &'a str,
    /// Display name.
    pub name: &'a str,
    /// ISO 4217 currency code (`CNY` by default).
    pub currency: &'a str,
    /// Rounding policy.
    pub rounding: RoundingPolicy,
    /// Columns `id, name`; `None`: from the units' `building_id`s.
    pub buildings: Option<&'a [RecordBatch]>,
    /// Columns [`UNIT_COLUMNS`].
    pub units: &'a [RecordBatch],
    /// Columns [`METER_COLUMNS`].
    pub meters: &'a [RecordBatch],
    /// Columns [`READING_COLUMNS`].
    pub readings: &'a [RecordBatch],
    /// Columns [`METER_CHANGE_COLUMNS`].
    pub meter_changes: &'a [RecordBatch],
}

impl<'a> EstateBatches<'a> {
    /// No tables yet, currency `CNY`, the default rounding.
    ///
    /// ```
    /// assert_eq!(estatekit::arrow::EstateBatches::new("e1", "Test").currency, "CNY");
    /// ```
    pub fn new(id: &'a str, name: &'a str) -> Self {
        Self {
            id,
            name,
            currency: "CNY",
            ..Self::default()
        }
    }
}

/// An estate from Arrow batches, read as [`EstateTables::import`] reads text tables:
/// the same checks, normalisations and problems naming table, row, id and column,
/// plus those of [`read_table`].
///
/// # Errors
/// [`TablesError`] listing every problem.
///
/// ```
/// use estatekit::arrow::{self, EstateBatches};
/// let s = |v: &str| Some(v.to_string());
/// let units = arrow::text_batch("units", &["id", "building_id", "floor", "number", "kind", "gross_area", "status"],
///     &[vec![s("1-101"), s("B1"), s("1"), s("101"), s("residential"), s("89.50"), s("unsold")]])?;
/// let mut b = EstateBatches::new("e1", "Test");
/// let units = [units];
/// b.units = &units;
/// let import = arrow::import_estate(&b)?;
/// assert_eq!(import.estate.units().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_estate(b: &EstateBatches<'_>) -> Result<TablesImport, TablesError> {
    let mut problems = Vec::new();
    let mut read = |table: &str, known: &'static [&'static str], batches: &[RecordBatch]| {
        let id = if table == "readings" || table == "meter_changes" {
            "meter_id"
        } else {
            "id"
        };
        let (t, p) = read_table(table, known, id, batches);
        problems.extend(p);
        t
    };
    let units = read("units", &UNIT_COLUMNS, b.units);
    let buildings = match b.buildings {
        Some(batches) => read("buildings", &BUILDING_COLUMNS, batches),
        None => {
            let mut t = TextTable::new(&BUILDING_COLUMNS);
            let mut seen = std::collections::HashSet::new();
            for r in units.rows() {
                if let Some(id) = crate::tables::Cells::cell(&r, "building_id")
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    && seen.insert(id.to_owned())
                {
                    t.start_row();
                    t.push_cell("id", id);
                    t.push_cell("name", id);
                }
            }
            t
        }
    };
    let meters = read("meters", &METER_COLUMNS, b.meters);
    let readings = read("readings", &READING_COLUMNS, b.readings);
    let changes = read("meter_changes", &METER_CHANGE_COLUMNS, b.meter_changes);
    let tables = EstateTables {
        id: b.id.to_owned(),
        name: b.name.to_owned(),
        currency: b.currency.to_owned(),
        rounding: b.rounding,
        buildings: buildings.rows(),
        units: units.rows(),
        meters: meters.rows(),
        readings: readings.rows(),
        meter_changes: changes.rows(),
    };
    tables.import_with(problems)
}
