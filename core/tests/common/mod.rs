//! Shared by the integration tests (and the ticket benchmark) that read the development data beside the
//! repository (`../shared/data/`, not part of it): each test skips when it is missing.

#![allow(dead_code)]

use std::path::Path;

/// Minimal CSV reader (RFC 4180 quoting) for the development data.
pub(crate) fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The rows (header skipped) of a development data file, or `None` (and a note on
/// stderr) when the file is not there.
pub(crate) fn dev_data(name: &str) -> Option<Vec<Vec<String>>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(read_csv(&text).into_iter().skip(1).collect()),
        Err(_) => {
            eprintln!("skipped: development data {} not found", path.display());
            None
        }
    }
}
