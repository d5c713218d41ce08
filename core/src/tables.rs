//! Estates from spreadsheets: buildings, units, meters, readings and meter changes
//! (replacements and rollovers) given as table rows whose cells are text, as a
//! spreadsheet or a CSV file gives them.
//!
//! Only these importers are lenient about cell text (JSON documents and API arguments
//! stay strict): surrounding spaces, no-break spaces (U+00A0) and ideographic spaces
//! (U+3000) are trimmed, `1,234.50` loses its thousands separators, dates may be
//! written `2026-11-05`, `2026/11/05` or `2026/1/5`, an enum value may be in any case,
//! and an empty cell means "missing". Each change is reported as a [`Normalisation`]
//! (table, row, id, column, before → after); a cell that was simply empty is not.
//!
//! They are strict about column names (an unknown column is a problem) and report
//! **every** problem at once (up to [`MAX_PROBLEMS`]), each naming its row by id and
//! 1-based number: `units[id=3-1-1203].gross_area`, row 12. Once the rows parse, the
//! estate is checked by the same rules as [`Estate::new`], again naming rows by id.
//!
//! Row numbers count the data rows from 1 (the header is not a row; in a spreadsheet
//! with one header line, row `n` is line `n + 1`). Rows whose cells are all empty are
//! skipped but counted.
//!
//! ```
//! use estatekit::tables::{EstateTables, Row};
//!
//! let row = |cells: &[(&str, &str)]| -> Row {
//!     cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
//! };
//! let mut tables = EstateTables::new("e1", "Test");
//! tables.buildings.push(row(&[("id", "B1"), ("name", "1号楼")]));
//! tables.units.push(row(&[
//!     ("id", " 1-101 "), ("building_id", "B1"), ("floor", "1"), ("number", "101"),
//!     ("kind", "residential"), ("gross_area", "1,089.50"), ("status", "occupied"),
//!     ("delivered_on", "2024/6/1"), ("status_since", "2024-06-01"), ("occupants", "0"),
//! ]));
//! let import = tables.import()?;
//! assert_eq!(import.estate.unit("1-101").unwrap().gross_area.to_string(), "1089.50");
//! assert_eq!(import.normalisations.len(), 3); // id, gross_area, delivered_on
//! assert_eq!(import.normalisations[1].before, "1,089.50");
//! # Ok::<(), estatekit::tables::TablesError>(())
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::estate::{
    self, Building, ESTATE_FORMAT_VERSION, Estate, EstateData, EstateError, Meter, MeterEvent,
    MeterKind, Reading, Unit, UnitKind, UnitStatus,
};
use crate::fees::calc::MeterChange;
use crate::money::RoundingPolicy;

/// At most this many problems are reported; [`TablesError::more`] counts the rest.
pub const MAX_PROBLEMS: usize = 1000;

/// At most this many data rows in one CSV text or one JSON row import (payments,
/// charges, opening balances): a larger file is refused before its rows are held, so
/// that memory stays bounded by the input whatever it contains (split larger files;
/// the importers are idempotent, so the parts may be imported one by one).
///
/// ```
/// assert_eq!(estatekit::tables::MAX_ROWS, 1_000_000);
/// ```
pub const MAX_ROWS: usize = 1_000_000;

/// One table row: column name → cell text. A missing key and an empty cell both mean
/// "missing".
///
/// ```
/// let row: estatekit::tables::Row = [("id".to_string(), "B1".to_string())].into();
/// assert_eq!(row["id"], "B1");
/// ```
pub type Row = BTreeMap<String, String>;

/// A table row the importers can read: its cells by column name. [`Row`] is one; a
/// binding implements it over its own rows so that cells are read where they are,
/// without being copied into owned strings first.
///
/// ```
/// use estatekit::tables::{Cells, Row};
/// let row: Row = [("id".to_string(), " B1 ".to_string())].into();
/// assert_eq!(row.cell("id"), Some(" B1 "));
/// assert_eq!(row.each().count(), 1);
/// ```
pub trait Cells {
    /// The cell of `column` as given (untrimmed), `None` when the row has none.
    fn cell(&self, column: &str) -> Option<&str>;
    /// Every `(column, cell)` of the row.
    fn each(&self) -> impl Iterator<Item = (&str, &str)>;
}

impl Cells for Row {
    fn cell(&self, column: &str) -> Option<&str> {
        self.get(column).map(String::as_str)
    }
    fn each(&self) -> impl Iterator<Item = (&str, &str)> {
        self.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Rows of text cells stored flat: one text buffer and each cell's range in it, so a
/// binding copies a table's cells without one allocation per cell (a [`Row`] holds
/// two `String`s a cell). Column names of the table's known columns are not copied.
///
/// ```
/// use estatekit::tables::{Cells, TextTable, BUILDING_COLUMNS};
/// let mut t = TextTable::new(&BUILDING_COLUMNS);
/// t.start_row();
/// t.push_cell("id", "B1");
/// t.push_cell("colour", "red");
/// let rows = t.rows();
/// assert_eq!((rows.len(), rows[0].cell("id"), rows[0].cell("colour")), (1, Some("B1"), Some("red")));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextTable {
    known: &'static [&'static str],
    text: String,
    /// `(column, start, end)`: a known column's index, or `usize::MAX` and the name's
    /// range in `text` (`names`).
    cells: Vec<(usize, usize, usize)>,
    /// Unknown column names: `(start, end)` in `text`, parallel to the cells that
    /// use them (indexed by the cell).
    names: Vec<(usize, usize, usize)>,
    /// The index in `cells` where each row starts.
    starts: Vec<usize>,
}

impl TextTable {
    /// An empty table whose columns are usually `known` (other names are kept too).
    ///
    /// ```
    /// assert!(estatekit::tables::TextTable::new(&estatekit::tables::UNIT_COLUMNS).rows().is_empty());
    /// ```
    pub fn new(known: &'static [&'static str]) -> Self {
        Self {
            known,
            ..Self::default()
        }
    }

    /// Starts a new (empty) row.
    ///
    /// ```
    /// let mut t = estatekit::tables::TextTable::new(&[]);
    /// t.start_row();
    /// assert_eq!(t.rows().len(), 1);
    /// ```
    pub fn start_row(&mut self) {
        self.starts.push(self.cells.len());
    }

    /// Adds a cell to the last row (starting one if there is none).
    ///
    /// ```
    /// let mut t = estatekit::tables::TextTable::new(&["id"]);
    /// t.push_cell("id", " 1-101 ");
    /// assert_eq!(estatekit::tables::Cells::cell(&t.rows()[0], "id"), Some(" 1-101 "));
    /// ```
    pub fn push_cell(&mut self, column: &str, value: &str) {
        if self.starts.is_empty() {
            self.start_row();
        }
        let key = match self.known.iter().position(|k| *k == column) {
            Some(k) => k,
            None => {
                let start = self.text.len();
                self.text.push_str(column);
                self.names.push((self.cells.len(), start, self.text.len()));
                usize::MAX
            }
        };
        let start = self.text.len();
        self.text.push_str(value);
        self.cells.push((key, start, self.text.len()));
    }

    /// The rows, each readable as [`Cells`].
    ///
    /// ```
    /// let mut t = estatekit::tables::TextTable::new(&["id"]);
    /// t.push_cell("id", "a");
    /// t.start_row();
    /// t.push_cell("id", "b");
    /// let rows = t.rows();
    /// let ids: Vec<_> = rows.iter().map(|r| estatekit::tables::Cells::cell(r, "id")).collect();
    /// assert_eq!(ids, [Some("a"), Some("b")]);
    /// ```
    pub fn rows(&self) -> Vec<TextRow<'_>> {
        let ends = self
            .starts
            .iter()
            .skip(1)
            .copied()
            .chain([self.cells.len()]);
        self.starts
            .iter()
            .zip(ends)
            .map(|(&start, end)| TextRow {
                table: self,
                start,
                end,
            })
            .collect()
    }

    fn column(&self, i: usize) -> &str {
        let (key, ..) = self.cells[i];
        if key != usize::MAX {
            return self.known[key];
        }
        let at = self
            .names
            .binary_search_by_key(&i, |&(cell, ..)| cell)
            .expect("every cell of an unknown column has its name recorded");
        let (_, start, end) = self.names[at];
        &self.text[start..end]
    }

    fn value(&self, i: usize) -> &str {
        let (_, start, end) = self.cells[i];
        &self.text[start..end]
    }
}

/// One row of a [`TextTable`].
///
/// ```
/// let mut t = estatekit::tables::TextTable::new(&["id"]);
/// t.push_cell("id", "a");
/// let row = t.rows()[0];
/// assert_eq!(estatekit::tables::Cells::each(&row).collect::<Vec<_>>(), [("id", "a")]);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TextRow<'a> {
    table: &'a TextTable,
    start: usize,
    end: usize,
}

impl Cells for TextRow<'_> {
    fn cell(&self, column: &str) -> Option<&str> {
        (self.start..self.end)
            .find(|&i| self.table.column(i) == column)
            .map(|i| self.table.value(i))
    }
    fn each(&self) -> impl Iterator<Item = (&str, &str)> {
        (self.start..self.end).map(|i| (self.table.column(i), self.table.value(i)))
    }
}

/// The columns of each table (required ones first).
///
/// ```
/// assert!(estatekit::tables::UNIT_COLUMNS.contains(&"gross_area"));
/// ```
pub const UNIT_COLUMNS: [&str; 11] = [
    "id",
    "building_id",
    "floor",
    "number",
    "kind",
    "gross_area",
    "status",
    "internal_area",
    "occupants",
    "status_since",
    "delivered_on",
];
/// The columns of the buildings table.
///
/// ```
/// assert_eq!(estatekit::tables::BUILDING_COLUMNS, ["id", "name"]);
/// ```
pub const BUILDING_COLUMNS: [&str; 2] = ["id", "name"];
/// The columns of the meters table (`unit_id` empty: a common/master meter;
/// `multiplier` empty: 1).
///
/// ```
/// assert_eq!(estatekit::tables::METER_COLUMNS[0], "id");
/// ```
pub const METER_COLUMNS: [&str; 4] = ["id", "unit_id", "kind", "multiplier"];
/// The columns of the readings table, one reading a row (`estimated`: `true` for an
/// estimate (估抄) a billing run made, empty or `false` otherwise).
///
/// ```
/// assert_eq!(estatekit::tables::READING_COLUMNS, ["meter_id", "date", "value", "estimated"]);
/// ```
pub const READING_COLUMNS: [&str; 4] = ["meter_id", "date", "value", "estimated"];
/// The columns of the meter changes table, one replacement or rollover a row: `kind`
/// is `replacement` (with `old_final` and `new_initial`) or `rollover` (with
/// `wraps_at`); the other kind's cells stay empty.
///
/// ```
/// assert_eq!(estatekit::tables::METER_CHANGE_COLUMNS[2], "kind");
/// ```
pub const METER_CHANGE_COLUMNS: [&str; 6] = [
    "meter_id",
    "date",
    "kind",
    "old_final",
    "new_initial",
    "wraps_at",
];

/// An estate as tables: the estate's own fields and five tables of rows.
///
/// ```
/// let tables = estatekit::tables::EstateTables::new("e1", "Test");
/// assert_eq!(tables.currency, "CNY");
/// assert!(tables.units.is_empty());
/// ```
///
/// The rows are [`Row`]s by default; a binding may use its own [`Cells`] type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstateTables<R = Row> {
    /// Estate id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO 4217 currency code (default `CNY`).
    pub currency: String,
    /// Rounding policy (default 2 places, half-up).
    pub rounding: RoundingPolicy,
    /// Columns `id, name`.
    pub buildings: Vec<R>,
    /// Columns [`UNIT_COLUMNS`].
    pub units: Vec<R>,
    /// Columns [`METER_COLUMNS`].
    pub meters: Vec<R>,
    /// Columns [`READING_COLUMNS`], in date order per meter.
    pub readings: Vec<R>,
    /// Columns [`METER_CHANGE_COLUMNS`], in date order per meter.
    pub meter_changes: Vec<R>,
}

/// A change an importer made to a cell's text before reading it.
///
/// ```
/// use estatekit::tables::Normalisation;
/// let n = Normalisation { table: "units".into(), row: 3, id: Some("1-101".into()),
///     column: "gross_area".into(), before: "1,089.50".into(), after: "1089.50".into() };
/// assert_eq!(n.to_string(), "units[id=1-101].gross_area (row 3): \"1,089.50\" → \"1089.50\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalisation {
    /// `buildings`, `units`, `meters`, `readings` or `meter_changes`.
    pub table: String,
    /// 1-based data row number.
    pub row: usize,
    /// The row's id as read (for readings and meter changes `meter_id@date`), if it
    /// has one.
    pub id: Option<String>,
    /// The column.
    pub column: String,
    /// The cell as given.
    pub before: String,
    /// The text that was read.
    pub after: String,
}

impl fmt::Display for Normalisation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (row {}): {:?} → {:?}",
            row_path(
                &self.table,
                self.row,
                self.id.as_deref(),
                Some(&self.column)
            ),
            self.row,
            self.before,
            self.after
        )
    }
}

/// One problem found in the tables.
///
/// ```
/// use estatekit::tables::TableProblem;
/// let p = TableProblem::new("units", 12, Some("3-1-1203"), Some("gross_area"),
///     "invalid_decimal", "expected a number such as 1234.50 or 1,234.50, got \"abc\"");
/// assert_eq!(p.path, "units[id=3-1-1203].gross_area");
/// assert!(p.to_string().starts_with("units[id=3-1-1203].gross_area (row 12): expected"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    /// `estate`, `buildings`, `units`, `meters`, `readings` or `meter_changes`.
    pub table: String,
    /// 1-based data row number (0 for the estate's own fields and whole tables).
    pub row: usize,
    /// The row's id as read, if it has one.
    pub id: Option<String>,
    /// The column, if the problem is in one cell.
    pub column: Option<String>,
    /// `units[id=3-1-1203].gross_area` (`units[row=12]…` when the row has no id).
    pub path: String,
    /// Stable snake_case code: `missing_value`, `invalid_decimal`, `invalid_integer`,
    /// `invalid_date`, `invalid_choice`, `unexpected_value` (a cell of the other kind
    /// of meter change), `unknown_column`, `unknown_meter`, `csv`, a
    /// binding's own (`float_cell`, `invalid_cell`) or an [`EstateError`] code.
    pub code: String,
    /// What is wrong, naming the accepted forms.
    pub message: String,
}

impl TableProblem {
    /// A problem; the path is built from the table, row, id and column.
    ///
    /// ```
    /// let p = estatekit::tables::TableProblem::new("readings", 4, None, Some("value"), "missing_value", "required");
    /// assert_eq!(p.path, "readings[row=4].value");
    /// ```
    pub fn new(
        table: &str,
        row: usize,
        id: Option<&str>,
        column: Option<&str>,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            table: table.to_owned(),
            row,
            id: id.map(str::to_owned),
            column: column.map(str::to_owned),
            path: row_path(table, row, id, column),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for TableProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.row > 0 {
            write!(f, "{} (row {}): {}", self.path, self.row, self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

fn row_path(table: &str, row: usize, id: Option<&str>, column: Option<&str>) -> String {
    let mut path = match (table, row, id) {
        ("estate", _, _) => String::new(),
        (_, 0, _) => table.to_owned(),
        (_, _, Some(id)) => format!("{table}[id={id}]"),
        (_, _, None) => format!("{table}[row={row}]"),
    };
    if let Some(c) = column {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(c);
    }
    path
}

/// Every problem of an import (the first [`MAX_PROBLEMS`]) and how many more there were.
///
/// ```
/// let err = estatekit::tables::EstateTables::new("e1", "Test").import().unwrap_err();
/// assert_eq!(err.code(), "invalid_records");
/// assert_eq!(err.problems[0].path, "units");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablesError {
    /// The problems, in table and row order.
    pub problems: Vec<TableProblem>,
    /// Problems found beyond those listed.
    pub more: usize,
}

impl TablesError {
    /// Always `invalid_records`.
    ///
    /// ```
    /// let e = estatekit::tables::TablesError { problems: vec![], more: 0 };
    /// assert_eq!(e.code(), "invalid_records");
    /// ```
    pub fn code(&self) -> &'static str {
        "invalid_records"
    }

    /// The first problem's path (empty if none).
    ///
    /// ```
    /// let e = estatekit::tables::TablesError { problems: vec![], more: 0 };
    /// assert_eq!(e.path(), "");
    /// ```
    pub fn path(&self) -> &str {
        self.problems.first().map_or("", |p| p.path.as_str())
    }

    /// Every problem counted, listed or not.
    ///
    /// ```
    /// let e = estatekit::tables::TablesError { problems: vec![], more: 3 };
    /// assert_eq!(e.total(), 3);
    /// ```
    pub fn total(&self) -> usize {
        self.problems.len() + self.more
    }
}

impl fmt::Display for TablesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        write!(
            f,
            "{total} problem{} in the tables",
            if total == 1 { "" } else { "s" }
        )?;
        for p in self.problems.iter().take(5) {
            write!(f, "; {p}")?;
        }
        if total > 5 {
            write!(f, "; … and {} more", total - 5)?;
        }
        Ok(())
    }
}

impl std::error::Error for TablesError {}

/// A successful import: the estate and every normalisation made on the way.
///
/// ```
/// let tables = estatekit::tables::EstateTables::of_estate(&estatekit::Estate::demo());
/// let import = tables.import()?;
/// assert_eq!(import.estate, estatekit::Estate::demo());
/// assert!(import.normalisations.is_empty());
/// # Ok::<(), estatekit::tables::TablesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TablesImport {
    /// The validated estate.
    pub estate: Estate,
    /// Each change made to a cell's text, in table and row order.
    pub normalisations: Vec<Normalisation>,
}

/// Collects problems up to the limit and remembers the cells already reported.
#[derive(Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<TableProblem>,
    pub(crate) more: usize,
    cells: HashSet<(String, usize, String)>,
}

impl Problems {
    pub(crate) fn push(&mut self, p: TableProblem) {
        if let Some(c) = &p.column {
            if !self.cells.insert((p.table.clone(), p.row, c.clone())) {
                return;
            }
        }
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(p);
        } else {
            self.more += 1;
        }
    }
    fn reported(&self, table: &str, row: usize, column: &str) -> bool {
        // The usual case, nothing reported yet, without building a key.
        !self.cells.is_empty()
            && self
                .cells
                .contains(&(table.to_owned(), row, column.to_owned()))
    }
    fn is_empty(&self) -> bool {
        self.list.is_empty() && self.more == 0
    }
}

/// A cell without its surrounding spaces ([`is_space`]); a cell that starts and
/// ends with a visible ASCII character, the usual case, is returned as it is.
pub(crate) fn trim_cell(s: &str) -> &str {
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) {
        return s;
    }
    s.trim_matches(is_space)
}

pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// A row's id for messages, made into text only when a message needs it.
#[derive(Clone, Copy)]
pub(crate) enum RowId<'a> {
    /// The row has no id.
    None,
    /// The trimmed id cell.
    Cell(&'a str),
    /// `meter@date`: the trimmed meter cell and the trimmed date cell (written in ISO
    /// form when it reads as a date).
    MeterDate(&'a str, Option<&'a str>),
}

impl RowId<'_> {
    pub(crate) fn text(self) -> Option<String> {
        match self {
            RowId::None => None,
            RowId::Cell(s) => Some(s.to_owned()),
            RowId::MeterDate(m, None) => Some(m.to_owned()),
            RowId::MeterDate(m, Some(d)) => Some(format!("{m}@{}", iso_text(d))),
        }
    }
}

/// Reads the cells of one row, recording normalisations and problems.
pub(crate) struct RowReader<'a, 'p, R: Cells + ?Sized = Row> {
    pub(crate) table: &'static str,
    pub(crate) row: usize,
    pub(crate) id: RowId<'a>,
    pub(crate) cells: &'a R,
    pub(crate) problems: &'p mut Problems,
    pub(crate) norms: &'p mut Vec<Normalisation>,
    pub(crate) ok: bool,
}

impl<'a, R: Cells + ?Sized> RowReader<'a, '_, R> {
    pub(crate) fn problem(&mut self, column: &str, code: &str, message: String) {
        self.ok = false;
        let p = TableProblem::new(
            self.table,
            self.row,
            self.id.text().as_deref(),
            Some(column),
            code,
            message,
        );
        self.problems.push(p);
    }

    pub(crate) fn normalised(&mut self, column: &str, before: &str, after: &str) {
        self.norms.push(Normalisation {
            table: self.table.to_owned(),
            row: self.row,
            id: self.id.text(),
            column: column.to_owned(),
            before: before.to_owned(),
            after: after.to_owned(),
        });
    }

    /// The trimmed text of a cell, `None` when missing or empty.
    pub(crate) fn text(&mut self, column: &str) -> Option<&'a str> {
        if self.problems.reported(self.table, self.row, column) {
            self.ok = false;
            return None;
        }
        let cells: &'a R = self.cells;
        let raw = cells.cell(column)?;
        let trimmed = trim_cell(raw);
        if trimmed.len() != raw.len() && !trimmed.is_empty() {
            self.normalised(column, raw, trimmed);
        }
        (!trimmed.is_empty()).then_some(trimmed)
    }

    pub(crate) fn required(&mut self, column: &str) -> Option<&'a str> {
        let t = self.text(column);
        if t.is_none() && !self.problems.reported(self.table, self.row, column) {
            self.problem(
                column,
                "missing_value",
                format!("{column} is required and the cell is empty"),
            );
        }
        t
    }

    pub(crate) fn decimal(&mut self, column: &str, text: Option<&str>) -> Option<Decimal> {
        let text = text?;
        let commas = text.contains(',');
        let plain: std::borrow::Cow<'_, str> = if commas {
            text.replace(',', "").into()
        } else {
            text.into()
        };
        let grouped = commas && thousands_grouped(text);
        let well_formed = {
            let digits = plain.strip_prefix('-').unwrap_or(&plain);
            let mut parts = digits.splitn(2, '.');
            let int = parts.next().unwrap_or("");
            let frac = parts.next();
            !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
        };
        let value = if well_formed && (grouped || !commas) {
            crate::money::parse_decimal(&plain, column).ok()
        } else {
            None
        };
        match value {
            Some(v) => {
                if grouped {
                    self.normalised(column, text, &plain);
                }
                Some(v)
            }
            None => {
                self.problem(
                    column,
                    "invalid_decimal",
                    format!("expected a number such as 1234.50 or 1,234.50, got {text:?}"),
                );
                None
            }
        }
    }

    fn integer(&mut self, column: &str, text: Option<&str>, min: i64) -> Option<i64> {
        let text = text?;
        match text
            .parse::<i64>()
            .ok()
            .filter(|&n| n >= min && n <= i64::from(i32::MAX))
        {
            Some(n) => Some(n),
            None => {
                let what = if min == 0 {
                    "a whole number ≥ 0 such as 3"
                } else {
                    "a whole number such as 12 or -1"
                };
                self.problem(
                    column,
                    "invalid_integer",
                    format!("expected {what}, got {text:?}"),
                );
                None
            }
        }
    }

    pub(crate) fn date(&mut self, column: &str, text: Option<&str>) -> Option<NaiveDate> {
        let text = text?;
        const FORMS: &str = "expected a date as YYYY-MM-DD or YYYY/MM/DD";
        match lenient_date(text) {
            Err(false) => {
                self.problem(column, "invalid_date", format!("{FORMS}, got {text:?}"));
                None
            }
            Err(true) => {
                self.problem(
                    column,
                    "invalid_date",
                    format!("{text:?} is not a calendar date ({FORMS})"),
                );
                None
            }
            Ok(date) => {
                if !is_iso_shaped(text) {
                    self.normalised(column, text, &iso(date));
                }
                Some(date)
            }
        }
    }

    fn choice<T: FromStr + Copy>(
        &mut self,
        column: &str,
        text: Option<&str>,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        let text = text?;
        // The names are lower-case ASCII: compare without allocating, and lower-case
        // the text only when that finds nothing.
        let found = all
            .iter()
            .copied()
            .find(|v| name(*v).eq_ignore_ascii_case(text))
            .or_else(|| {
                let lower = text.to_lowercase();
                all.iter().copied().find(|v| name(*v) == lower)
            });
        match found {
            Some(v) => {
                if name(v) != text {
                    self.normalised(column, text, name(v));
                }
                Some(v)
            }
            None => {
                let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
                self.problem(
                    column,
                    "invalid_choice",
                    format!("expected one of {}, got {text:?}", names.join(", ")),
                );
                None
            }
        }
    }
}

/// `2026-11-05`, `2026/11/05` or `2026/1/5`; `Err(true)` when shaped as a date but
/// not one (`2026-02-30`), `Err(false)` when not shaped as one.
fn lenient_date(text: &str) -> Result<NaiveDate, bool> {
    if is_iso_shaped(text) {
        // `YYYY-MM-DD`, the usual form, read in place.
        let n = |r: std::ops::Range<usize>| {
            text[r]
                .bytes()
                .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
        };
        let year = i32::try_from(n(0..4)).expect("four digits fit an i32");
        return NaiveDate::from_ymd_opt(year, n(5..7), n(8..10)).ok_or(true);
    }
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let seps: Vec<char> = text.chars().filter(|c| *c == '-' || *c == '/').collect();
    let shaped = parts.len() == 3
        && seps.first() == seps.get(1)
        && parts[0].len() == 4
        && (1..=2).contains(&parts[1].len())
        && (1..=2).contains(&parts[2].len())
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shaped {
        return Err(false);
    }
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(parts[0].parse().unwrap_or(0), n(parts[1]), n(parts[2])).ok_or(true)
}

/// `YYYY-MM-DD` exactly (ten ASCII characters): the form dates are written back in.
fn is_iso_shaped(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A date as `YYYY-MM-DD` (years 0–9999, the only ones a cell can hold).
fn iso(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// A date cell's text as its ISO form when it reads as a date, else as given (for
/// row ids).
fn iso_text(text: &str) -> String {
    if is_iso_shaped(text) {
        return text.to_owned();
    }
    lenient_date(text).map_or_else(|_| text.to_owned(), iso)
}

/// `1,234,567.89`: groups of three digits after the first.
fn thousands_grouped(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let int = body.split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        && !body.split('.').nth(1).is_some_and(|f| f.contains(','))
}

pub(crate) fn blank<R: Cells + ?Sized>(row: &R) -> bool {
    row.each().all(|(_, v)| trim_cell(v).is_empty())
}

fn check_columns<R: Cells>(
    table: &'static str,
    rows: &[R],
    known: &[&str],
    problems: &mut Problems,
) {
    let mut seen = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        for (column, _) in row.each() {
            if !known.contains(&column) && seen.insert(column) {
                problems.push(TableProblem::new(
                    table,
                    0,
                    None,
                    Some(column),
                    "unknown_column",
                    format!(
                        "unknown column {column:?} (first in row {}); the columns are {}",
                        i + 1,
                        known.join(", ")
                    ),
                ));
            }
        }
    }
}

/// The id cell of a row, trimmed (`None` if empty).
pub(crate) fn id_of<'a, R: Cells + ?Sized>(row: &'a R, column: &str) -> Option<&'a str> {
    row.cell(column).map(trim_cell).filter(|s| !s.is_empty())
}

/// The id of a row about a meter on a day (a reading, a meter change).
fn meter_date_id<R: Cells + ?Sized>(row: &R) -> RowId<'_> {
    match id_of(row, "meter_id") {
        Some(m) => RowId::MeterDate(m, id_of(row, "date")),
        None => RowId::None,
    }
}

/// Where each parsed item came from: its 0-based row index in its table (the id, for
/// a message, is read from the row again).
#[derive(Default)]
struct Origins {
    buildings: Vec<usize>,
    units: Vec<usize>,
    meters: Vec<usize>,
    /// Per meter, the row index of each reading.
    readings: Vec<Vec<usize>>,
    /// Per meter, the row index of each change.
    changes: Vec<Vec<usize>>,
}

impl Origins {
    /// An [`Estate::new`] error as a problem naming rows by id.
    fn locate<R: Cells>(&self, e: &EstateError, t: &EstateTables<R>) -> TableProblem {
        let path = e.path();
        let text = e.to_string();
        let message = text
            .strip_prefix(&format!("{path}: "))
            .unwrap_or(&text)
            .to_owned();
        let index = |s: &str| -> Option<(String, usize, String)> {
            let (table, rest) = s.split_once('[')?;
            let (i, rest) = rest.split_once(']')?;
            Some((table.to_owned(), i.parse().ok()?, rest.to_owned()))
        };
        if let Some((table, i, rest)) = index(path) {
            let (list, rows) = match table.as_str() {
                "buildings" => (&self.buildings, &t.buildings),
                "units" => (&self.units, &t.units),
                "meters" => (&self.meters, &t.meters),
                _ => (&Vec::new(), &t.units),
            };
            if let Some(&r) = list.get(i) {
                if let Some((_, j, field)) = rest
                    .strip_prefix(".readings")
                    .and_then(|r| index(&format!("r{r}")))
                {
                    if let Some(&rr) = self.readings.get(i).and_then(|r| r.get(j)) {
                        let column = field.trim_start_matches('.');
                        let rid = meter_date_id(&t.readings[rr]).text();
                        return TableProblem::new(
                            "readings",
                            rr + 1,
                            rid.as_deref(),
                            Some(column),
                            e.code(),
                            message,
                        );
                    }
                }
                if let Some((_, j, field)) = rest
                    .strip_prefix(".changes")
                    .and_then(|r| index(&format!("c{r}")))
                {
                    if let Some(&cr) = self.changes.get(i).and_then(|c| c.get(j)) {
                        // `.change.replacement.old_final` is the `old_final` column.
                        let column = field.rsplit('.').next().unwrap_or("date");
                        let cid = meter_date_id(&t.meter_changes[cr]).text();
                        return TableProblem::new(
                            "meter_changes",
                            cr + 1,
                            cid.as_deref(),
                            Some(column),
                            e.code(),
                            message,
                        );
                    }
                }
                let column = rest.trim_start_matches('.');
                let column = (!column.is_empty()).then_some(column);
                return TableProblem::new(
                    &table,
                    r + 1,
                    id_of(&rows[r], "id"),
                    column,
                    e.code(),
                    message,
                );
            }
        }
        TableProblem::new("estate", 0, None, Some(path), e.code(), message)
    }
}

impl EstateTables {
    /// Empty tables for an estate with this id and name, in CNY, rounded to 2 places
    /// half-up.
    ///
    /// ```
    /// let t = estatekit::tables::EstateTables::new("e1", "Test");
    /// assert_eq!((t.id.as_str(), t.name.as_str()), ("e1", "Test"));
    /// ```
    pub fn new(id: &str, name: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            currency: "CNY".to_owned(),
            rounding: RoundingPolicy::default(),
            buildings: Vec::new(),
            units: Vec::new(),
            meters: Vec::new(),
            readings: Vec::new(),
            meter_changes: Vec::new(),
        }
    }

    /// An estate as tables (cells as the importer reads them back unchanged).
    ///
    /// ```
    /// let t = estatekit::tables::EstateTables::of_estate(&estatekit::Estate::demo());
    /// assert_eq!(t.units.len(), 40);
    /// assert_eq!(t.units[0]["id"], "1-101");
    /// ```
    pub fn of_estate(estate: &Estate) -> Self {
        let row = |cells: Vec<(&str, String)>| -> Row {
            cells
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
        };
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut t = Self::new(estate.id(), estate.name());
        t.currency = estate.currency().to_owned();
        t.rounding = *estate.rounding();
        t.buildings = estate
            .buildings()
            .iter()
            .map(|b| row(vec![("id", b.id.clone()), ("name", b.name.clone())]))
            .collect();
        t.units = estate
            .units()
            .iter()
            .map(|u| {
                row(vec![
                    ("id", u.id.clone()),
                    ("building_id", u.building_id.clone()),
                    ("floor", u.floor.to_string()),
                    ("number", u.number.clone()),
                    ("kind", u.kind.to_string()),
                    ("gross_area", u.gross_area.to_string()),
                    ("status", u.status.to_string()),
                    (
                        "internal_area",
                        u.internal_area.map(|a| a.to_string()).unwrap_or_default(),
                    ),
                    ("occupants", u.occupants.to_string()),
                    ("status_since", date(u.status_since)),
                    ("delivered_on", date(u.delivered_on)),
                ])
            })
            .collect();
        for m in estate.meters() {
            t.meters.push(row(vec![
                ("id", m.id.clone()),
                ("unit_id", m.unit_id.clone().unwrap_or_default()),
                ("kind", m.kind.to_string()),
                ("multiplier", m.multiplier.to_string()),
            ]));
            for r in &m.readings {
                t.readings.push(row(vec![
                    ("meter_id", m.id.clone()),
                    ("date", r.date.to_string()),
                    ("value", r.value.to_string()),
                    (
                        "estimated",
                        if r.estimated { "true" } else { "" }.to_owned(),
                    ),
                ]));
            }
            for c in &m.changes {
                let mut cells = vec![("meter_id", m.id.clone()), ("date", c.date.to_string())];
                match c.change {
                    MeterChange::Replacement {
                        old_final,
                        new_initial,
                    } => cells.extend([
                        ("kind", "replacement".to_owned()),
                        ("old_final", old_final.to_string()),
                        ("new_initial", new_initial.to_string()),
                    ]),
                    MeterChange::Rollover { wraps_at } => cells.extend([
                        ("kind", "rollover".to_owned()),
                        ("wraps_at", wraps_at.to_string()),
                    ]),
                }
                t.meter_changes.push(row(cells));
            }
        }
        t
    }

    /// Tables from one CSV text per table (RFC 4180: a header line, fields separated
    /// by commas, quoted with `"` when they hold commas, quotes or line breaks; CRLF or
    /// LF; a byte-order mark is ignored). An empty text is an empty table; a row may
    /// have fewer fields than the header (the rest are empty), not more. The fifth
    /// table, meter changes, is read the same way with
    /// [`records::csv_rows`](crate::records::csv_rows)`("meter_changes", text)` and
    /// set as [`EstateTables::meter_changes`].
    ///
    /// # Errors
    /// [`TablesError`] with a `csv` problem for each table that cannot be read.
    ///
    /// ```
    /// use estatekit::tables::EstateTables;
    /// let tables = EstateTables::from_csv("e1", "Test",
    ///     "id,name\nB1,1号楼\n",
    ///     "id,building_id,floor,number,kind,gross_area,status\n\
    ///      1-101,B1,1,101,residential,\"1,089.50\",unsold\n",
    ///     "", "")?;
    /// let import = tables.import()?;
    /// assert_eq!(import.estate.units()[0].gross_area.to_string(), "1089.50");
    /// # Ok::<(), estatekit::tables::TablesError>(())
    /// ```
    pub fn from_csv(
        id: &str,
        name: &str,
        buildings: &str,
        units: &str,
        meters: &str,
        readings: &str,
    ) -> Result<Self, TablesError> {
        let mut problems = Problems {
            list: Vec::new(),
            more: 0,
            cells: HashSet::new(),
        };
        let mut read = |table: &str, text: &str| match read_csv(text) {
            Ok(rows) => rows,
            Err((row, message)) => {
                problems.push(TableProblem::new(table, row, None, None, "csv", message));
                Vec::new()
            }
        };
        let mut t = Self::new(id, name);
        t.buildings = read("buildings", buildings);
        t.units = read("units", units);
        t.meters = read("meters", meters);
        t.readings = read("readings", readings);
        if problems.is_empty() {
            Ok(t)
        } else {
            Err(TablesError {
                problems: problems.list,
                more: problems.more,
            })
        }
    }
}

impl<R: Cells> EstateTables<R> {
    /// Reads the rows, then validates the estate as [`Estate::new`] does.
    ///
    /// Linear (expected) in the number of cells.
    ///
    /// # Errors
    /// [`TablesError`] listing every problem (see the module documentation).
    ///
    /// ```
    /// use estatekit::tables::{EstateTables, Row};
    /// let mut t = EstateTables::new("e1", "Test");
    /// t.buildings.push(Row::from([("id".into(), "B1".into()), ("name".into(), "1号楼".into())]));
    /// t.units.push(Row::from([("id".into(), "1-101".into()), ("colour".into(), "red".into())]));
    /// let err = t.import().unwrap_err();
    /// assert_eq!(err.problems[0].code, "unknown_column");
    /// assert_eq!(err.problems[0].path, "units.colour");
    /// ```
    pub fn import(&self) -> Result<TablesImport, TablesError> {
        self.import_with(Vec::new())
    }

    /// As [`EstateTables::import`], with problems a binding found while turning its
    /// cells into text (e.g. a float cell): they are reported with the others, and
    /// their cells are neither read nor reported again.
    ///
    /// # Errors
    /// [`TablesError`] listing every problem, `earlier` ones included.
    ///
    /// ```
    /// use estatekit::tables::{EstateTables, TableProblem};
    /// let t = EstateTables::of_estate(&estatekit::Estate::demo());
    /// let float = TableProblem::new("units", 1, Some("1-101"), Some("gross_area"), "float_cell", "a float");
    /// let err = t.import_with(vec![float]).unwrap_err();
    /// assert_eq!(err.problems.len(), 1);
    /// assert_eq!(err.problems[0].code, "float_cell");
    /// ```
    pub fn import_with<'t>(
        &'t self,
        earlier: Vec<TableProblem>,
    ) -> Result<TablesImport, TablesError> {
        let mut problems = Problems {
            list: Vec::new(),
            more: 0,
            cells: HashSet::new(),
        };
        for p in earlier {
            problems.push(p);
        }
        let mut norms = Vec::new();
        let mut origins = Origins::default();
        check_columns(
            "buildings",
            &self.buildings,
            &BUILDING_COLUMNS,
            &mut problems,
        );
        check_columns("units", &self.units, &UNIT_COLUMNS, &mut problems);
        check_columns("meters", &self.meters, &METER_COLUMNS, &mut problems);
        check_columns("readings", &self.readings, &READING_COLUMNS, &mut problems);
        check_columns(
            "meter_changes",
            &self.meter_changes,
            &METER_CHANGE_COLUMNS,
            &mut problems,
        );
        if self.units.iter().all(blank) {
            problems.push(TableProblem::new(
                "units",
                0,
                None,
                None,
                "missing_value",
                "the units table has no rows",
            ));
        }

        // Every id present in a table, whether or not its row reads, so that a bad
        // row does not also make the rows referring to it fail.
        // Each id with the index of the first row that has it (a later row with the
        // same id is a duplicate).
        let ids = |rows: &'t [R]| -> HashMap<&'t str, usize> {
            let mut first = HashMap::with_capacity(rows.len());
            for (i, r) in rows.iter().enumerate() {
                if let Some(id) = id_of(r, "id") {
                    first.entry(id).or_insert(i);
                }
            }
            first
        };
        let building_ids = ids(&self.buildings);
        let unit_ids = ids(&self.units);
        let meter_ids = ids(&self.meters);

        let mut buildings = Vec::new();
        let dup = |rd: &mut RowReader<'_, '_, R>, first: &HashMap<&str, usize>, id: &str| {
            let first = first.get(id).map_or(rd.row, |f| f + 1);
            if first != rd.row {
                rd.problem(
                    "id",
                    "duplicate_id",
                    format!("duplicate id {id:?} (first in row {first})"),
                );
            }
        };
        for (i, cells) in self.buildings.iter().enumerate() {
            if blank(cells) {
                continue;
            }
            let mut rd = reader("buildings", i, cells, "id", &mut problems, &mut norms);
            let id = rd.required("id");
            let name = rd.required("name");
            if let Some(id) = id {
                dup(&mut rd, &building_ids, id);
            }
            if let (true, Some(id), Some(name)) = (rd.ok, id, name) {
                origins.buildings.push(i);
                buildings.push(Building {
                    id: id.to_owned(),
                    name: name.to_owned(),
                });
            }
        }

        let mut units = Vec::new();
        for (i, cells) in self.units.iter().enumerate() {
            if blank(cells) {
                continue;
            }
            let mut rd = reader("units", i, cells, "id", &mut problems, &mut norms);
            let id = rd.required("id");
            if let Some(id) = id {
                dup(&mut rd, &unit_ids, id);
            }
            let building_id = rd.required("building_id");
            if let Some(b) = building_id {
                if !building_ids.contains_key(b) {
                    rd.problem(
                        "building_id",
                        "unknown_building",
                        format!("unknown building {b:?}: not in the buildings table"),
                    );
                }
            }
            let t = rd.required("floor");
            let floor = rd.integer("floor", t, i64::from(i32::MIN));
            let number = rd.required("number");
            let t = rd.required("kind");
            let kind = rd.choice("kind", t, UnitKind::ALL, UnitKind::as_str);
            let t = rd.required("gross_area");
            let gross_area = rd.decimal("gross_area", t);
            let t = rd.text("internal_area");
            let internal_area = rd.decimal("internal_area", t);
            let t = rd.text("occupants");
            let occupants = rd.integer("occupants", t, 0);
            let t = rd.required("status");
            let status = rd.choice("status", t, UnitStatus::ALL, UnitStatus::as_str);
            let t = rd.text("status_since");
            let status_since = rd.date("status_since", t);
            let t = rd.text("delivered_on");
            let delivered_on = rd.date("delivered_on", t);
            let (Some(id), Some(building_id), Some(floor), Some(number), Some(kind)) =
                (id, building_id, floor, number, kind)
            else {
                continue;
            };
            let (Some(gross_area), Some(status), true) = (gross_area, status, rd.ok) else {
                continue;
            };
            let unit = Unit {
                id: id.to_owned(),
                building_id: building_id.to_owned(),
                floor: i32::try_from(floor).expect("`integer` keeps a floor within i32"),
                number: number.to_owned(),
                kind,
                gross_area,
                internal_area,
                occupants: u32::try_from(occupants.unwrap_or(0))
                    .expect("`integer` keeps occupants within 0..=i32::MAX"),
                status,
                status_since,
                delivered_on,
            };
            // The per-unit rules of `Estate::new`, for every unit.
            if let Err(e) = estate::validate_unit(0, &unit) {
                let column = e.path().rsplit('.').next().unwrap_or("").to_owned();
                let text = e.to_string();
                let message = text
                    .strip_prefix(&format!("{}: ", e.path()))
                    .unwrap_or(&text)
                    .to_owned();
                rd.problem(&column, e.code(), message);
                continue;
            }
            origins.units.push(i);
            units.push(unit);
        }

        let mut meters = Vec::new();
        // Per meters row, the index of its meter in `meters` if it reads.
        let mut meter_at: Vec<Option<usize>> = vec![None; self.meters.len()];
        for (i, cells) in self.meters.iter().enumerate() {
            if blank(cells) {
                continue;
            }
            let mut rd = reader("meters", i, cells, "id", &mut problems, &mut norms);
            let id = rd.required("id");
            if let Some(id) = id {
                dup(&mut rd, &meter_ids, id);
            }
            let unit_id = rd.text("unit_id");
            if let Some(u) = unit_id {
                if !unit_ids.contains_key(u) {
                    rd.problem(
                        "unit_id",
                        "unknown_unit",
                        format!("unknown unit {u:?}: not in the units table (leave it empty for a common meter)"),
                    );
                }
            }
            let t = rd.required("kind");
            let kind = rd.choice("kind", t, MeterKind::ALL, MeterKind::as_str);
            let t = rd.text("multiplier");
            let multiplier = rd.decimal("multiplier", t);
            if let (Some(id), Some(kind), true) = (id, kind, rd.ok) {
                meter_at[i] = Some(meters.len());
                origins.meters.push(i);
                origins.readings.push(Vec::new());
                origins.changes.push(Vec::new());
                meters.push(Meter {
                    id: id.to_owned(),
                    unit_id: unit_id.map(str::to_owned),
                    kind,
                    multiplier: multiplier.unwrap_or(Decimal::ONE),
                    readings: Vec::new(),
                    changes: Vec::new(),
                });
            }
        }

        for (i, cells) in self.readings.iter().enumerate() {
            if blank(cells) {
                continue;
            }
            let (mut rd, meter_id, date) =
                meter_row("readings", i, cells, &meter_ids, &mut problems, &mut norms);
            let t = rd.required("value");
            let value = rd.decimal("value", t);
            let t = rd.text("estimated");
            let estimated = rd
                .choice("estimated", t, &[false, true], |b| {
                    if b { "true" } else { "false" }
                })
                .unwrap_or(false);
            if let (Some(m), Some(date), Some(value), true) = (meter_id, date, value, rd.ok) {
                if let Some(k) = meter_ids.get(m).and_then(|&r| meter_at[r]) {
                    meters[k].readings.push(Reading {
                        date,
                        value,
                        estimated,
                    });
                    origins.readings[k].push(i);
                }
            }
        }

        for (i, cells) in self.meter_changes.iter().enumerate() {
            if blank(cells) {
                continue;
            }
            let (mut rd, meter_id, date) = meter_row(
                "meter_changes",
                i,
                cells,
                &meter_ids,
                &mut problems,
                &mut norms,
            );
            let t = rd.required("kind");
            let kind = rd.choice("kind", t, &[true, false], |replacement| {
                if replacement {
                    "replacement"
                } else {
                    "rollover"
                }
            });
            // The cells of the kind given are required, the other kind's must be empty.
            let (needed, other): (&[&str], &[&str]) = match kind {
                Some(true) => (&["old_final", "new_initial"], &["wraps_at"]),
                Some(false) => (&["wraps_at"], &["old_final", "new_initial"]),
                None => (&[], &[]),
            };
            let mut values = Vec::new();
            for column in needed {
                let t = rd.required(column);
                values.push(rd.decimal(column, t));
            }
            for column in other {
                if let Some(text) = rd.text(column) {
                    let kind = if kind == Some(true) {
                        "a replacement"
                    } else {
                        "a rollover"
                    };
                    rd.problem(
                        column,
                        "unexpected_value",
                        format!("{kind} has no {column} (got {text:?}): leave the cell empty"),
                    );
                }
            }
            let change = match (kind, values.as_slice()) {
                (Some(true), [Some(old_final), Some(new_initial)]) => {
                    Some(MeterChange::Replacement {
                        old_final: *old_final,
                        new_initial: *new_initial,
                    })
                }
                (Some(false), [Some(wraps_at)]) => Some(MeterChange::Rollover {
                    wraps_at: *wraps_at,
                }),
                _ => None,
            };
            if let (Some(m), Some(date), Some(change), true) = (meter_id, date, change, rd.ok) {
                if let Some(k) = meter_ids.get(m).and_then(|&r| meter_at[r]) {
                    meters[k].changes.push(MeterEvent { date, change });
                    origins.changes[k].push(i);
                }
            }
        }

        // The per-meter rules (readings in order, ≥ 0; multiplier > 0), every meter.
        for (k, m) in meters.iter().enumerate() {
            if let Err(e) = estate::validate_meter(k, m) {
                problems.push(origins.locate(&e, self));
            }
        }

        let data = EstateData {
            format_version: ESTATE_FORMAT_VERSION,
            id: self.id.clone(),
            name: self.name.clone(),
            currency: self.currency.clone(),
            rounding: self.rounding,
            area_unit: Default::default(),
            round: Default::default(),
            buildings,
            units,
            meters,
            status_history: Vec::new(),
        };
        if problems.is_empty() {
            match Estate::new(data) {
                Ok(estate) => {
                    return Ok(TablesImport {
                        estate,
                        normalisations: norms,
                    });
                }
                Err(e) => problems.push(origins.locate(&e, self)),
            }
        } else if let Err(e) = Estate::new(EstateData {
            buildings: Vec::new(),
            units: Vec::new(),
            meters: Vec::new(),
            ..data
        }) {
            // The estate's own fields (id, currency), checked even when rows fail.
            problems.push(origins.locate(&e, self));
        }
        let order = |p: &TableProblem| {
            let t = [
                "estate",
                "buildings",
                "units",
                "meters",
                "readings",
                "meter_changes",
            ]
            .iter()
            .position(|t| *t == p.table)
            .unwrap_or(6);
            (t, p.row)
        };
        problems.list.sort_by_key(order);
        Err(TablesError {
            problems: problems.list,
            more: problems.more,
        })
    }
}

/// The reader of a row about a meter on a day (a reading, a meter change), named
/// `meter@date`, with its meter (checked against the meters table) and date read.
fn meter_row<'a, 'p, R: Cells>(
    table: &'static str,
    i: usize,
    cells: &'a R,
    meter_ids: &HashMap<&str, usize>,
    problems: &'p mut Problems,
    norms: &'p mut Vec<Normalisation>,
) -> (RowReader<'a, 'p, R>, Option<&'a str>, Option<NaiveDate>) {
    let mut rd = reader(table, i, cells, "meter_id", problems, norms);
    rd.id = meter_date_id(cells);
    let meter_id = rd.required("meter_id");
    if let Some(m) = meter_id {
        if !meter_ids.contains_key(m) {
            rd.problem(
                "meter_id",
                "unknown_meter",
                format!("unknown meter {m:?}: not in the meters table"),
            );
        }
    }
    let t = rd.required("date");
    let date = rd.date("date", t);
    (rd, meter_id, date)
}

fn reader<'a, 'p, R: Cells>(
    table: &'static str,
    i: usize,
    cells: &'a R,
    id_column: &str,
    problems: &'p mut Problems,
    norms: &'p mut Vec<Normalisation>,
) -> RowReader<'a, 'p, R> {
    RowReader {
        table,
        row: i + 1,
        id: id_of(cells, id_column).map_or(RowId::None, RowId::Cell),
        cells,
        problems,
        norms,
        ok: true,
    }
}

/// Reads one CSV text into rows keyed by its header. `Err((row, message))` when it
/// cannot be read (row 0: the header).
pub(crate) fn read_csv(text: &str) -> Result<Vec<Row>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = parse_records(text)?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Ok(Vec::new());
    };
    let header: Vec<String> = header.into_iter().map(|h| h.trim().to_owned()).collect();
    let mut seen = HashSet::new();
    for h in &header {
        if h.is_empty() {
            return Err((0, "the header has an empty column name".into()));
        }
        if !seen.insert(h) {
            return Err((0, format!("the header names column {h:?} twice")));
        }
    }
    let mut rows = Vec::new();
    for (i, fields) in records.enumerate() {
        if fields.len() > header.len() {
            return Err((
                i + 1,
                format!(
                    "row {} has {} fields but the header has {} columns",
                    i + 1,
                    fields.len(),
                    header.len()
                ),
            ));
        }
        rows.push(header.iter().cloned().zip(fields).collect());
    }
    Ok(rows)
}

/// RFC 4180 records; a final line break is optional. A line that is entirely empty
/// is a record without fields (a blank row, skipped by the importers but counted, so
/// row `n` is still line `n + 1`), except before the header.
fn parse_records(text: &str) -> Result<Vec<Vec<String>>, (usize, String)> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted_field = false;
    let mut line_started = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() && !quoted_field => {
                quoted_field = true;
                line_started = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => field.push(c),
                        None => {
                            return Err((
                                records.len(),
                                format!("a quoted field in row {} is never closed", records.len()),
                            ));
                        }
                    }
                }
            }
            '"' if quoted_field => {
                return Err((
                    records.len(),
                    format!("text after a closing quote in row {}", records.len()),
                ));
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                quoted_field = false;
                line_started = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if line_started || !field.is_empty() {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                } else if !records.is_empty() {
                    records.push(Vec::new());
                }
                // The header and MAX_ROWS data rows.
                if records.len() > MAX_ROWS + 1 {
                    return Err((
                        MAX_ROWS + 1,
                        format!(
                            "more than {MAX_ROWS} rows in one CSV text: split the file \
                             (rows already imported are recognised when imported again)"
                        ),
                    ));
                }
                quoted_field = false;
                line_started = false;
            }
            c => {
                if quoted_field {
                    return Err((
                        records.len(),
                        format!("text after a closing quote in row {}", records.len()),
                    ));
                }
                field.push(c);
                line_started = true;
            }
        }
    }
    if line_started || !field.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}
