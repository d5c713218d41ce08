//! Rows of text cells (a CSV file, a spreadsheet) for the records importers: the CSV
//! reader and the conversions of normalisations and table problems. The rules are
//! the core's (`estatekit::records`, `estatekit::tables`); this file converts.

use std::collections::HashMap;

use estatekit::tables::{self, TablesError};
use estatekit_ffi_guard::guard;

use crate::EstateKitError;

/// `EstateKitError::Records` for spreadsheet tables that cannot be read: every problem,
/// each naming its table, row, id and column.
pub(crate) fn records_error(e: &TablesError) -> EstateKitError {
    EstateKitError::Records {
        code: e.code().to_owned(),
        detail: e.to_string(),
        problems: e.problems.iter().cloned().map(Into::into).collect(),
        more: crate::ToMobile::to_mobile(e.more),
    }
}

/// Rows of text cells as they come from the app: column name to cell text.
pub(crate) type TextRows = Vec<HashMap<String, String>>;

/// The core's rows for rows of text cells.
pub(crate) fn core_rows(rows: TextRows) -> Vec<tables::Row> {
    rows.into_iter().map(|r| r.into_iter().collect()).collect()
}

/// The rows of a CSV text keyed by its header line, every cell as text (RFC 4180
/// quoting, LF or CRLF, a byte-order mark dropped, empty lines skipped), for
/// `Receivables.applyPaymentRecords`, `postChargeRecords`, `openBalanceRecords` or
/// `EstateTablesRecord`. Throws `EstateKitError.Records` (one problem of code `csv`
/// naming `table` and the row) for an unclosed quote, a row longer than the header
/// or a repeated column name.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn csv_rows(
    table: String,
    text: String,
) -> Result<Vec<HashMap<String, String>>, EstateKitError> {
    let rows = estatekit::records::csv_rows(&table, &text)?;
    Ok(rows.into_iter().map(|r| r.into_iter().collect()).collect())
}

/// The month's pooled invoices as rows of text cells (`item_code, amount`, e.g. from
/// `csvRows`), read as the other records are (`1,234.50` accepted), for
/// `BillingInputsRecord.pooled`. Throws `EstateKitError.Records` listing every problem
/// (a bad amount, a repeated item code: `duplicate_id`); the rows stand or fall
/// together, as a pooled amount is split over every unit.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn pooled_from_records(
    rows: Vec<HashMap<String, String>>,
) -> Result<Vec<crate::fees::PooledInput>, EstateKitError> {
    let (amounts, _) = estatekit::records::pooled_amounts(&core_rows(rows), &[])?;
    Ok(amounts
        .into_iter()
        .map(|p| crate::fees::PooledInput {
            code: p.code,
            amount: p.amount,
            group: p.group,
        })
        .collect())
}
