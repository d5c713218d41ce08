//! Book rows from bank files and spreadsheets: payments, single charges and opening
//! balances as rows of text cells (a CSV line, a spreadsheet row, a DataFrame row a
//! binding turned into text).
//!
//! Cells are read as the estate tables read them ([`crate::tables`]): surrounding
//! spaces (also no-break and ideographic ones) are trimmed, `1,234.50` loses its
//! thousands separators, dates may be `2026-11-05`, `2026/11/05` or `2026/11/5`, and
//! an empty cell means "missing"; each change is reported as a [`Normalisation`]
//! naming the row by its `ref` (`payments[id=B-17].amount (row 3)`). Unlike the
//! estate tables, whose rows stand or fall together, each row here is applied,
//! already applied or rejected on its own (a bank file with one bad line still
//! posts the others), and a rejected row names its column and the accepted forms
//! with one of the table importers' codes ([`FeeError::Cell`]). A row whose cells
//! are all empty is skipped; row numbers still count it.
//!
//! The readers are used by
//! [`Receivables::apply_payment_records`](crate::fees::receivables::Receivables::apply_payment_records),
//! [`Receivables::post_charge_records`](crate::fees::receivables::Receivables::post_charge_records)
//! and
//! [`Receivables::open_balance_records`](crate::fees::receivables::Receivables::open_balance_records).
//!
//! ```
//! use estatekit::records::payments;
//! let row: estatekit::tables::Row = [("unit_id", "1-101"), ("amount", "1,200.00"), ("date", "2026/11/3"),
//!     ("ref", "B-1")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
//! let read = payments(&[row], &[]);
//! let (n, payment) = &read.rows[0];
//! assert_eq!((*n, payment.as_ref().unwrap().amount.to_string()), (1, "1200.00".to_string()));
//! assert_eq!(read.normalisations.len(), 2); // amount, date
//! ```

use rust_decimal::Decimal;

use crate::fees::FeeError;
use crate::fees::billing::PooledAmount;
use crate::fees::receivables::{ChargeRow, OpeningBalance, PaymentRow, RejectedRow};
use crate::tables::{
    Cells, Normalisation, Problems, Row, RowId, RowReader, TableProblem, TablesError, blank, id_of,
    read_csv,
};

/// The columns of a payment row: `unit_id`, `amount`, `date` and `ref` are required;
/// `reverses` (the reference of the payment a reversal row takes back) is optional.
///
/// ```
/// assert_eq!(estatekit::records::PAYMENT_COLUMNS[4], "reverses");
/// ```
pub const PAYMENT_COLUMNS: [&str; 5] = ["unit_id", "amount", "date", "ref", "reverses"];

/// The columns of a single-charge row: `unit_id`, `item_code`, `amount`, `due` and
/// (for a charge, not an opening balance) `issued_on` are required; the others are
/// optional.
///
/// ```
/// assert!(estatekit::records::CHARGE_COLUMNS.contains(&"penalty"));
/// ```
pub const CHARGE_COLUMNS: [&str; 10] = [
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

/// The columns of an opening-balance row: those of a charge, plus `prepaid` and
/// `date` for a prepaid balance (with `unit_id` and `ref`).
///
/// ```
/// assert_eq!(estatekit::records::OPENING_COLUMNS.len(), 12);
/// ```
pub const OPENING_COLUMNS: [&str; 12] = [
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
    "prepaid",
    "date",
];

/// The columns of a prepaid opening balance.
const PREPAID_COLUMNS: [&str; 4] = ["unit_id", "prepaid", "date", "ref"];

/// Rows read from text cells: each with its 1-based row number, read or rejected
/// (blank rows left out), and every normalisation made.
///
/// ```
/// let read = estatekit::records::payments(&[estatekit::tables::Row::new()], &[]);
/// assert!(read.rows.is_empty() && read.normalisations.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsRead<T> {
    /// `(row number, row or why it cannot be read)`, in row order.
    pub rows: Vec<(usize, Result<T, RejectedRow>)>,
    /// Each change made to a cell's text, in row order.
    pub normalisations: Vec<Normalisation>,
}

/// The rows of a CSV text keyed by its header line, every cell as text (RFC 4180:
/// quoted cells, `""` inside quotes, LF or CRLF line ends; a UTF-8 byte-order mark
/// is dropped; an entirely empty line is a blank row, which the importers skip but
/// count, so row `n` is line `n + 1` of the file; a row with fewer cells than the
/// header leaves the rest missing). Feed the rows to the records importers or to
/// [`EstateTables`](crate::tables::EstateTables).
///
/// # Errors
/// [`TablesError`] (code `invalid_records`) with one problem of code `csv` naming
/// `table` and the row: an unclosed quote, text after a closing quote, a row with
/// more cells than the header, an empty or repeated column name.
///
/// ```
/// let rows = estatekit::records::csv_rows("payments", "unit_id,amount,date,ref\n1-101,\"1,000.00\",2026/11/3,B-1\n")?;
/// assert_eq!(rows[0]["amount"], "1,000.00");
/// let err = estatekit::records::csv_rows("payments", "unit_id,amount\n1-101,\"1,000.00\n").unwrap_err();
/// assert_eq!((err.problems[0].code.as_str(), err.problems[0].path.as_str()), ("csv", "payments[row=1]"));
/// # Ok::<(), estatekit::tables::TablesError>(())
/// ```
pub fn csv_rows(table: &str, text: &str) -> Result<Vec<Row>, TablesError> {
    read_csv(text).map_err(|(row, message)| TablesError {
        problems: vec![TableProblem::new(table, row, None, None, "csv", message)],
        more: 0,
    })
}

/// The columns of a pooled-invoice row: the pooled fee item's code and the amount
/// to split (the utility's invoice for the common areas).
///
/// ```
/// assert_eq!(estatekit::records::POOLED_COLUMNS, ["item_code", "amount"]);
/// ```
pub const POOLED_COLUMNS: [&str; 2] = ["item_code", "amount"];

/// Reads the month's pooled invoices (columns [`POOLED_COLUMNS`]) for
/// [`BillingInputs::pooled`](crate::fees::billing::BillingInputs::pooled), cells read
/// as the other records are. Unlike a bank file these rows stand or fall together: a
/// pooled amount is split over every unit, so a bad row fails the month's inputs, with
/// every problem listed (a repeated item code is `duplicate_id`). `earlier`: problems a
/// binding found turning cells into text.
///
/// # Errors
/// [`TablesError`] (code `invalid_records`) listing every problem, each naming its
/// row by item code: `pooled[id=common_electricity].amount`.
///
/// ```
/// let row = |c: &str, a: &str| -> estatekit::tables::Row {
///     [("item_code", c), ("amount", a)].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
/// };
/// let (amounts, changes) = estatekit::records::pooled_amounts(&[row("common_electricity", "3,943.20")], &[])?;
/// assert_eq!((amounts[0].code.as_str(), amounts[0].amount.to_string()), ("common_electricity", "3943.20".into()));
/// assert_eq!(changes[0].before, "3,943.20");
/// let err = estatekit::records::pooled_amounts(&[row("common_water", "12.5O"), row("common_water", "1")], &[]).unwrap_err();
/// let found: Vec<_> = err.problems.iter().map(|p| (p.path.as_str(), p.code.as_str())).collect();
/// assert_eq!(found, [("pooled[id=common_water].amount", "invalid_decimal"), ("pooled[id=common_water].item_code", "duplicate_id")]);
/// # Ok::<(), estatekit::tables::TablesError>(())
/// ```
pub fn pooled_amounts<R: Cells>(
    rows: &[R],
    earlier: &[TableProblem],
) -> Result<(Vec<PooledAmount>, Vec<Normalisation>), TablesError> {
    let mut problems = Problems::default();
    for p in earlier {
        problems.push(p.clone());
    }
    let mut norms = Vec::new();
    let mut out: Vec<PooledAmount> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, cells) in rows.iter().enumerate() {
        let n = i + 1;
        if blank(cells) {
            continue;
        }
        let mut r = RowReader {
            table: "pooled",
            row: n,
            id: id_of(cells, "item_code").map_or(RowId::None, RowId::Cell),
            cells,
            problems: &mut problems,
            norms: &mut norms,
            ok: true,
        };
        if let Some((column, _)) = cells.each().find(|(c, _)| !POOLED_COLUMNS.contains(c)) {
            r.problem(
                column,
                "unknown_column",
                format!(
                    "unknown column {column:?}; the columns are {}",
                    POOLED_COLUMNS.join(", ")
                ),
            );
        }
        let code = r.required("item_code");
        let amount = money(&mut r, "amount");
        if let Some(c) = code {
            if !seen.insert(c) {
                r.problem(
                    "item_code",
                    "duplicate_id",
                    format!("pooled fee item {c:?} is given twice"),
                );
            }
        }
        if let (Some(code), Some(amount), true) = (code, amount, r.ok) {
            out.push(PooledAmount {
                code: code.to_owned(),
                group: None,
                amount,
            });
        }
    }
    if problems.list.is_empty() && problems.more == 0 {
        Ok((out, norms))
    } else {
        // In row order, a binding's problems among the others.
        problems.list.sort_by_key(|p| p.row);
        Err(TablesError {
            problems: problems.list,
            more: problems.more,
        })
    }
}

/// Reads payment rows (columns [`PAYMENT_COLUMNS`]). `earlier`: problems a binding
/// found while turning cells into text (a float cell), each rejecting its row (by
/// 1-based row number) with its code; pass `&[]` when the cells are text already.
///
/// ```
/// let row: estatekit::tables::Row = [("unit_id", "1-101"), ("amount", "abc"), ("date", "2026-11-03"),
///     ("ref", "B-1")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
/// let read = estatekit::records::payments(&[row], &[]);
/// let bad = read.rows[0].1.as_ref().unwrap_err();
/// assert_eq!((bad.code(), bad.path(), bad.reference.as_deref()), ("invalid_decimal", "amount", Some("B-1")));
/// ```
pub fn payments<R: Cells>(rows: &[R], earlier: &[TableProblem]) -> RowsRead<PaymentRow> {
    read_rows("payments", rows, earlier, &PAYMENT_COLUMNS, |r| {
        let unit_id = r.required("unit_id");
        let amount = money(r, "amount");
        let date = required_date(r, "date");
        let reference = r.required("ref");
        let reverses = r.text("reverses");
        Some(PaymentRow {
            unit_id: unit_id?.to_owned(),
            amount: amount?,
            date: date?,
            reference: reference?.to_owned(),
            reverses: reverses.map(str::to_owned),
        })
    })
}

/// Reads single-charge rows (columns [`CHARGE_COLUMNS`]).
///
/// ```
/// let row: estatekit::tables::Row = [("unit_id", "1-101"), ("item_code", "lock"), ("amount", "80"),
///     ("issued_on", "2026-11-05"), ("due", "2026-11-20"), ("penalty", "no")]
///     .iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
/// let read = estatekit::records::charges(&[row], &[]);
/// assert!(!read.rows[0].1.as_ref().unwrap().penalty);
/// ```
pub fn charges<R: Cells>(rows: &[R], earlier: &[TableProblem]) -> RowsRead<ChargeRow> {
    read_rows("charges", rows, earlier, &CHARGE_COLUMNS, charge)
}

/// Reads opening-balance rows (columns [`OPENING_COLUMNS`]): a row whose `prepaid`
/// cell is filled is a prepaid balance and must leave the charge columns empty; any
/// other row is an unpaid item and must leave `prepaid` and `date` empty.
///
/// ```
/// use estatekit::fees::receivables::OpeningBalance;
/// let row: estatekit::tables::Row = [("unit_id", "1-102"), ("prepaid", "500"), ("date", "2026-10-31"),
///     ("ref", "OPEN-1")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
/// let read = estatekit::records::opening_balances(&[row], &[]);
/// assert!(matches!(read.rows[0].1, Ok(OpeningBalance::Prepaid { .. })));
/// ```
pub fn opening_balances<R: Cells>(
    rows: &[R],
    earlier: &[TableProblem],
) -> RowsRead<OpeningBalance> {
    read_rows("opening", rows, earlier, &OPENING_COLUMNS, |r| {
        let prepaid = id_of(r.cells, "prepaid").is_some();
        let (own, other): (&[&str], Vec<&str>) = if prepaid {
            let other = CHARGE_COLUMNS
                .into_iter()
                .filter(|c| !PREPAID_COLUMNS.contains(c))
                .collect();
            (&PREPAID_COLUMNS, other)
        } else {
            (&CHARGE_COLUMNS, vec!["prepaid", "date"])
        };
        for column in other {
            if r.text(column).is_some() {
                let kind = if prepaid {
                    "a prepaid balance (its prepaid cell is filled)"
                } else {
                    "an unpaid item (its prepaid cell is empty)"
                };
                r.problem(
                    column,
                    "invalid_cell",
                    format!("{kind} has no {column}; its columns are {}", own.join(", ")),
                );
            }
        }
        if !prepaid {
            return charge(r).map(OpeningBalance::Unpaid);
        }
        let unit_id = r.required("unit_id");
        let amount = money(r, "prepaid");
        let date = required_date(r, "date");
        let reference = r.required("ref");
        Some(OpeningBalance::Prepaid {
            unit_id: unit_id?.to_owned(),
            amount: amount?,
            date: date?,
            reference: reference?.to_owned(),
        })
    })
}

fn charge<R: Cells>(r: &mut RowReader<'_, '_, R>) -> Option<ChargeRow> {
    let unit_id = r.required("unit_id");
    let reference = r.text("ref");
    let item_code = r.required("item_code");
    let amount = money(r, "amount");
    let issued_on = optional_date(r, "issued_on");
    let due = required_date(r, "due");
    let period_start = optional_date(r, "period_start");
    let period_end = optional_date(r, "period_end");
    let description = r.text("description");
    let penalty = flag(r, "penalty");
    Some(ChargeRow {
        unit_id: unit_id?.to_owned(),
        reference: reference.map(str::to_owned),
        item_code: item_code?.to_owned(),
        amount: amount?,
        issued_on,
        due: due?,
        period_start,
        period_end,
        description: description.map(str::to_owned),
        penalty: penalty.unwrap_or(true),
    })
}

fn money<R: Cells>(r: &mut RowReader<'_, '_, R>, column: &str) -> Option<Decimal> {
    let text = r.required(column);
    r.decimal(column, text)
}

fn required_date<R: Cells>(
    r: &mut RowReader<'_, '_, R>,
    column: &str,
) -> Option<chrono::NaiveDate> {
    let text = r.required(column);
    r.date(column, text)
}

fn optional_date<R: Cells>(
    r: &mut RowReader<'_, '_, R>,
    column: &str,
) -> Option<chrono::NaiveDate> {
    let text = r.text(column);
    r.date(column, text)
}

/// `true`/`false`, also `yes`/`no`, `y`/`n`, `1`/`0`, `是`/`否` in any case.
fn flag<R: Cells>(r: &mut RowReader<'_, '_, R>, column: &str) -> Option<bool> {
    let text = r.text(column)?;
    let value = match text.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" => true,
        "false" | "no" | "n" | "0" | "否" => false,
        _ => {
            r.problem(
                column,
                "invalid_choice",
                format!("expected true or false (also yes/no, 1/0, 是/否), got {text:?}"),
            );
            return None;
        }
    };
    let plain = if value { "true" } else { "false" };
    if text != plain {
        r.normalised(column, text, plain);
    }
    Some(value)
}

/// The table importers' codes as the `'static` codes of [`FeeError::Cell`].
fn cell_code(code: &str) -> &'static str {
    match code {
        "missing_value" => "missing_value",
        "invalid_decimal" => "invalid_decimal",
        "invalid_date" => "invalid_date",
        "invalid_choice" => "invalid_choice",
        "unknown_column" => "unknown_column",
        "float_cell" => "float_cell",
        _ => "invalid_cell",
    }
}

/// Reads every non-blank row with `read`; the first problem of a row (one of
/// `earlier`, found by a binding while turning its cells into text, or one found
/// here) rejects it.
fn read_rows<T, R: Cells>(
    table: &'static str,
    rows: &[R],
    earlier: &[TableProblem],
    columns: &[&str],
    read: impl Fn(&mut RowReader<'_, '_, R>) -> Option<T>,
) -> RowsRead<T> {
    let mut out = RowsRead {
        rows: Vec::with_capacity(rows.len()),
        normalisations: Vec::new(),
    };
    for (i, cells) in rows.iter().enumerate() {
        let n = i + 1;
        if blank(cells) && !earlier.iter().any(|p| p.row == n) {
            continue;
        }
        let id = id_of(cells, "ref");
        let mut problems = Problems::default();
        for p in earlier.iter().filter(|p| p.row == n) {
            problems.push(p.clone());
        }
        let mut reader = RowReader {
            table,
            row: n,
            id: id.map_or(RowId::None, RowId::Cell),
            cells,
            problems: &mut problems,
            norms: &mut out.normalisations,
            ok: true,
        };
        if let Some((column, _)) = cells.each().find(|(c, _)| !columns.contains(c)) {
            reader.problem(
                column,
                "unknown_column",
                format!(
                    "unknown column {column:?}; the columns are {}",
                    columns.join(", ")
                ),
            );
        }
        let value = read(&mut reader).filter(|_| reader.ok && problems.list.is_empty());
        let result = match (value, problems.list.into_iter().next()) {
            (Some(v), None) => Ok(v),
            (_, Some(p)) => Err(RejectedRow {
                row: n,
                reference: id.map(str::to_owned),
                error: FeeError::Cell {
                    path: p.column.unwrap_or_default(),
                    code: cell_code(&p.code),
                    message: p.message,
                },
            }),
            // A reader returns nothing only after recording a problem; were it ever
            // not so, the row is still refused rather than lost silently.
            (None, None) => Err(RejectedRow {
                row: n,
                reference: id.map(str::to_owned),
                error: FeeError::Cell {
                    path: String::new(),
                    code: "invalid_cell",
                    message: "the row could not be read".into(),
                },
            }),
        };
        out.rows.push((n, result));
    }
    out
}
