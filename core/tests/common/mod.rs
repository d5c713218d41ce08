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

/// Per-category counts of (gold, predicted) pairs: true positives, false positives
/// and false negatives by category.
pub(crate) type CategoryCounts = std::collections::BTreeMap<String, (u32, u32, u32)>;

/// Counts (gold, predicted) category pairs per category and prints a table of
/// precision and recall with the counts behind them (`tp/(tp+fp)`, `tp/(tp+fn)`)
/// under `name`, with the accuracy; returns the counts and the number correct.
pub(crate) fn category_report<G: AsRef<str>, P: AsRef<str>>(
    name: &str,
    pairs: &[(G, P)],
) -> (CategoryCounts, u32) {
    let mut per: CategoryCounts = Default::default();
    let mut ok = 0u32;
    for (g, p) in pairs {
        let (g, p) = (g.as_ref(), p.as_ref());
        if g == p {
            ok += 1;
            per.entry(g.to_owned()).or_default().0 += 1;
        } else {
            per.entry(p.to_owned()).or_default().1 += 1;
            per.entry(g.to_owned()).or_default().2 += 1;
        }
    }
    let n = pairs.len() as u32;
    println!(
        "{name}: category accuracy {ok}/{n} = {:.3}",
        f64::from(ok) / f64::from(n.max(1))
    );
    println!("  {:<18} {:>15} {:>15}", "category", "precision", "recall");
    for (c, (tp, fp, fnn)) in &per {
        let frac = |a: u32, b: u32| {
            if b == 0 {
                format!("{:>9}", "-")
            } else {
                format!("{a:>3}/{b:<3} {:.2}", f64::from(a) / f64::from(b))
            }
        };
        println!(
            "  {c:<18} {:>15} {:>15}",
            frac(*tp, tp + fp),
            frac(*tp, tp + fnn)
        );
    }
    (per, ok)
}
