//! The fee-schedule reference, `docs/fee-schedule.md`, checked against the code.
//!
//! - Every ```json block of the reference is marked by the line before it:
//!   `<!-- schedule -->` (a whole schedule that must load and read back unchanged) or
//!   `<!-- invalid: CODE PATH -->` (a whole schedule that must fail with exactly that
//!   error code and path). An unmarked block is an error, so no JSON in the reference
//!   goes unchecked.
//! - Every key of `FeeSchedule::demo().to_json()` and of the schedule examples must be
//!   documented as a row of a reference table (a table whose header starts with
//!   `field` or `value`): a row whose first cell is exactly `` `name` ``.
//! - The parser is asked for the rest: each object of those documents is given an
//!   unknown key, and each string value is replaced by an unknown one; the errors
//!   list every field the object accepts (written or not, e.g. `due_day`) and every
//!   value an enum accepts. Fields must be documented as rows, values must appear
//!   (as `` `value` ``) in some row of a reference table. A field or value added to the code
//!   therefore cannot go undocumented.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use estatekit::fees::schedule::FeeSchedule;
use serde_json::{Map, Value};

const DOC: &str = include_str!("../../docs/fee-schedule.md");

/// A key that no object of the format accepts; sorts before every real key.
const PROBE: &str = "__probe__";

#[derive(Debug)]
enum Marker {
    Schedule,
    Invalid { code: String, path: String },
}

#[derive(Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    marker: Marker,
    json: String,
}

fn marker(line: &str) -> Option<Marker> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    if inner == "schedule" {
        return Some(Marker::Schedule);
    }
    let rest = inner.strip_prefix("invalid:")?;
    let mut parts = rest.split_whitespace();
    let (code, path) = (parts.next()?, parts.next()?);
    parts.next().is_none().then(|| Marker::Invalid {
        code: code.to_owned(),
        path: path.to_owned(),
    })
}

/// Every ```json block with its marker; panics on an unmarked block or a marker not
/// followed by a block.
fn blocks() -> Vec<Block> {
    let lines: Vec<&str> = DOC.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(m) = marker(line) {
            let next = lines[i + 1..].iter().position(|l| !l.trim().is_empty());
            let fence = next.map(|n| i + 1 + n);
            assert!(
                fence.is_some_and(|f| lines[f].trim() == "```json"),
                "line {}: marker {line:?} is not followed by a ```json block",
                i + 1
            );
            i = fence.unwrap_or(i + 1);
            let start = i;
            let end = lines[start + 1..]
                .iter()
                .position(|l| l.trim() == "```")
                .map(|n| start + 1 + n)
                .unwrap_or_else(|| panic!("line {}: unterminated ```json block", start + 1));
            out.push(Block {
                line: start + 1,
                marker: m,
                json: lines[start + 1..end].join("\n"),
            });
            i = end + 1;
            continue;
        }
        assert!(
            line.trim() != "```json",
            "line {}: a ```json block needs a `<!-- schedule -->` or `<!-- invalid: CODE PATH -->` line before it",
            i + 1
        );
        if line.trim() == "<!-- schedule -->" || line.contains("<!-- invalid") {
            panic!("line {}: malformed marker {line:?}", i + 1);
        }
        i += 1;
    }
    out
}

fn schedules() -> Vec<Block> {
    blocks()
        .into_iter()
        .filter(|b| matches!(b.marker, Marker::Schedule))
        .collect()
}

/// The names in backticks in a piece of Markdown.
fn code_spans(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

/// The rows of the reference tables (those whose header's first cell is `field` or
/// `value`), as their cells, without the header and separator rows.
fn table_rows() -> Vec<Vec<&'static str>> {
    let mut rows = Vec::new();
    let mut table: Vec<Vec<&'static str>> = Vec::new();
    for line in DOC.lines().map(str::trim).chain([""]) {
        if line.starts_with('|') {
            table.push(line.trim_matches('|').split('|').map(str::trim).collect());
            continue;
        }
        let reference = table
            .first()
            .and_then(|header| header.first())
            .is_some_and(|first| matches!(*first, "field" | "value"));
        if reference {
            // Skip the header and the |---| row.
            rows.extend(table.drain(..).skip(2));
        }
        table.clear();
    }
    rows
}

/// Names documented as a row: a first cell that is exactly `` `name` ``.
fn row_names() -> BTreeSet<&'static str> {
    table_rows()
        .into_iter()
        .filter_map(|cells| {
            let first = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
            (!first.contains('`')).then_some(first)
        })
        .collect()
}

/// Names mentioned in a reference table: `` `name` `` in any cell of any row.
fn table_names() -> BTreeSet<&'static str> {
    table_rows()
        .into_iter()
        .flatten()
        .flat_map(code_spans)
        .collect()
}

/// The documents the field checks walk: the demo's JSON and every schedule example.
fn documents() -> Vec<(String, Value)> {
    let mut docs = vec![(
        "FeeSchedule::demo().to_json()".to_owned(),
        serde_json::from_str(&FeeSchedule::demo().to_json()).unwrap(),
    )];
    for b in schedules() {
        let v = serde_json::from_str(&b.json)
            .unwrap_or_else(|e| panic!("schedule example at line {}: {e}", b.line));
        docs.push((format!("the example at line {}", b.line), v));
    }
    docs
}

/// JSON-pointer token for a key.
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every object key (with its pointer) and every object's and string's pointer.
#[derive(Default)]
struct Walk {
    keys: Vec<(String, String)>,
    objects: Vec<String>,
    strings: Vec<String>,
}

fn walk(v: &Value, at: &str, out: &mut Walk) {
    match v {
        Value::Object(m) => {
            out.objects.push(at.to_owned());
            for (k, child) in m {
                let here = format!("{at}/{}", token(k));
                out.keys.push((k.clone(), here.clone()));
                walk(child, &here, out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                walk(child, &format!("{at}/{i}"), out);
            }
        }
        Value::String(_) => out.strings.push(at.to_owned()),
        _ => {}
    }
}

/// `doc` with the unknown key [`PROBE`] first in the object at `at` (first, so that
/// a tagged object reads it as its variant).
fn with_probe_key(doc: &Value, at: &str) -> Value {
    let mut probed = doc.clone();
    let slot = probed.pointer_mut(at).unwrap();
    let mut m = Map::new();
    m.insert(PROBE.to_owned(), Value::Null);
    if let Value::Object(old) = slot.take() {
        m.extend(old);
    }
    *slot = Value::Object(m);
    probed
}

/// What the parser says it expected instead of the probe, when the probe is refused
/// as an unknown field or enum variant.
enum Expected {
    Fields(Vec<String>),
    Variants(Vec<String>),
    Other(String),
}

fn expected(doc: &Value) -> Option<Expected> {
    let err = FeeSchedule::from_json(&doc.to_string()).err()?;
    let msg = err.to_string();
    let listed = |after: &str| -> Vec<String> {
        let tail = msg.split(after).nth(1).unwrap_or("");
        let tail = tail.split(", expected").nth(1).unwrap_or("");
        code_spans(tail).map(str::to_owned).collect()
    };
    let field = format!("unknown field `{PROBE}`");
    let variant = format!("unknown variant `{PROBE}`");
    Some(if err.code() == "json" && msg.contains(&field) {
        Expected::Fields(listed(&field))
    } else if err.code() == "json" && msg.contains(&variant) {
        Expected::Variants(listed(&variant))
    } else {
        Expected::Other(msg)
    })
}

#[test]
fn the_reference_has_examples_of_both_kinds() {
    let all = blocks();
    assert!(
        all.iter().any(|b| matches!(b.marker, Marker::Schedule)),
        "no `<!-- schedule -->` example"
    );
    assert!(
        all.iter()
            .any(|b| matches!(b.marker, Marker::Invalid { .. })),
        "no `<!-- invalid: CODE PATH -->` example"
    );
}

#[test]
fn schedule_examples_load_and_read_back_unchanged() {
    for b in schedules() {
        let s = FeeSchedule::from_json(&b.json).unwrap_or_else(|e| {
            panic!(
                "schedule example at line {} does not load: {} ({})",
                b.line,
                e,
                e.code()
            )
        });
        let again = FeeSchedule::from_json(&s.to_json()).unwrap();
        assert_eq!(again, s, "example at line {} does not read back", b.line);
    }
}

#[test]
fn invalid_examples_fail_with_their_code_and_path() {
    for b in blocks() {
        let Marker::Invalid { code, path } = &b.marker else {
            continue;
        };
        match FeeSchedule::from_json(&b.json) {
            Ok(_) => panic!("invalid example at line {} loads", b.line),
            Err(e) => assert_eq!(
                (e.code(), e.path()),
                (code.as_str(), path.as_str()),
                "invalid example at line {}: {e}",
                b.line
            ),
        }
    }
}

#[test]
fn every_written_field_is_documented() {
    let rows = row_names();
    let mut missing = BTreeMap::new();
    for (name, doc) in documents() {
        let mut w = Walk::default();
        walk(&doc, "", &mut w);
        for (key, at) in w.keys {
            if !rows.contains(key.as_str()) {
                missing.entry(key).or_insert(format!("e.g. {at} in {name}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fields without a row in a table of docs/fee-schedule.md:\n{}",
        missing
            .iter()
            .map(|(k, why)| format!("`{k}`: {why}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_accepted_field_and_value_is_documented() {
    let (rows, names) = (row_names(), table_names());
    let mut missing = BTreeMap::new();
    let mut probed_objects = 0;
    for (name, doc) in documents() {
        let mut w = Walk::default();
        walk(&doc, "", &mut w);
        // An unknown key first in each object: the error lists the fields (or, for a
        // tagged object, the variants) it accepts.
        for at in &w.objects {
            match expected(&with_probe_key(&doc, at)) {
                None => panic!("the object at {at:?} of {name} accepts an unknown field"),
                Some(Expected::Fields(fields)) => {
                    assert!(!fields.is_empty(), "no fields listed at {at:?} of {name}");
                    for f in fields {
                        if !rows.contains(f.as_str()) {
                            missing
                                .entry(f)
                                .or_insert(format!("field of the object at {at} in {name}"));
                        }
                    }
                }
                Some(Expected::Variants(vs)) => {
                    assert!(!vs.is_empty(), "no variants listed at {at:?} of {name}");
                    for v in vs {
                        if !rows.contains(v.as_str()) {
                            missing.entry(v).or_insert(format!(
                                "variant of the tagged object at {at} in {name}"
                            ));
                        }
                    }
                }
                Some(Expected::Other(msg)) => {
                    panic!("probing the object at {at:?} of {name} gave another error: {msg}")
                }
            }
            probed_objects += 1;
        }
        // An unknown string value: for an enum, the error lists the values it accepts.
        for at in &w.strings {
            let mut probed = doc.clone();
            *probed.pointer_mut(at).unwrap() = Value::String(PROBE.to_owned());
            if let Some(Expected::Variants(vs)) = expected(&probed) {
                for v in vs {
                    if !names.contains(v.as_str()) {
                        missing
                            .entry(v)
                            .or_insert(format!("value of the string at {at} in {name}"));
                    }
                }
            }
        }
    }
    assert!(probed_objects > 50, "only {probed_objects} objects probed");
    assert!(
        missing.is_empty(),
        "accepted by the parser but not documented in a table of docs/fee-schedule.md:\n{}",
        missing
            .iter()
            .map(|(k, why)| format!("`{k}`: {why}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_complete_example_uses_every_variant() {
    // The first schedule example is the complete one: every tagged object in it uses
    // each of its variants somewhere, as a key or a string value.
    let first = schedules().into_iter().next().unwrap();
    let doc: Value = serde_json::from_str(&first.json).unwrap();
    let mut w = Walk::default();
    walk(&doc, "", &mut w);
    let used: BTreeSet<String> = w
        .keys
        .iter()
        .map(|(k, _)| k.clone())
        .chain(
            w.strings
                .iter()
                .filter_map(|at| doc.pointer(at)?.as_str().map(str::to_owned)),
        )
        .collect();
    let mut unused = BTreeSet::new();
    for at in &w.objects {
        if let Some(Expected::Variants(vs)) = expected(&with_probe_key(&doc, at)) {
            unused.extend(vs.into_iter().filter(|v| !used.contains(v)));
        }
    }
    for rule in ["area", "fixed", "metered", "pooled"] {
        assert!(
            used.contains(rule),
            "the complete example has no {rule} rule"
        );
    }
    assert!(
        unused.is_empty(),
        "the complete example (line {}) never uses: {unused:?}",
        first.line
    );
}
