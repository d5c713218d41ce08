//! Shared JSON parsing that reports the path of the bad field.

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A JSON parse failure: where (e.g. `units[3].gross_area`, `$` for the whole
/// document) and what the parser said.
pub(crate) struct JsonFailure {
    pub(crate) path: String,
    pub(crate) message: String,
}

/// Parses `text`, tracking the path of the value being read when an error occurs.
pub(crate) fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, JsonFailure> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(failure)?;
    // A document is one JSON value: anything after it (a second document, a stray
    // character) is refused, as `serde_json::from_str` does, rather than ignored.
    de.end().map_err(|e| JsonFailure {
        path: "$".to_owned(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// Reads a typed value out of a parsed document, tracking the path as [`parse`] does
/// (for loaders that also compare the document with what they rebuild, so the text is
/// parsed once).
pub(crate) fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, JsonFailure> {
    serde_path_to_error::deserialize(value).map_err(failure)
}

fn failure<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> JsonFailure {
    let raw_path = e.path().to_string();
    let message = e.into_inner().to_string();
    let base = if raw_path == "." || raw_path == "?" {
        String::new()
    } else {
        known_prefix(&raw_path, &message)
    };
    // serde reports a missing field at the struct that lacks it: name the field itself.
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
        .filter(|field| !field.is_empty());
    let path = match (missing, base.is_empty()) {
        (Some(field), true) => field.to_owned(),
        (Some(field), false) => format!("{base}.{field}"),
        (None, true) => "$".to_owned(),
        (None, false) => base,
    };
    JsonFailure { path, message }
}

/// The path without segments the tracker could not name (`?`: a map key that is not a
/// plain string, e.g. an enum). An unknown enum key names itself in the message
/// ("unknown variant `x`"), so it replaces the first `?`; the path stops at any other.
fn known_prefix(raw: &str, message: &str) -> String {
    let variant = message
        .strip_prefix("unknown variant `")
        .and_then(|rest| rest.split('`').next());
    let mut out: Vec<String> = Vec::new();
    let mut variant = variant;
    for seg in raw.split('.') {
        if seg == "?" || seg.starts_with("?[") {
            match variant.take() {
                Some(v) if seg == "?" => out.push(v.to_owned()),
                _ => break,
            }
        } else {
            out.push(seg.to_owned());
        }
    }
    out.join(".")
}

/// The first place where a document as given disagrees with the same document
/// rebuilt from its history: `(path, reason)`, or `None` when they agree.
///
/// Only what the given document states is compared: a key it leaves out is rebuilt,
/// not contradicted (a history-only document is fine), and a key the rebuilt one
/// leaves out (an empty list, a zero it does not write) must be empty in the given one.
/// Decimal strings compare by value (`"0"` equals `"0.00"`).
pub(crate) fn first_contradiction(
    given: &serde_json::Value,
    rebuilt: &serde_json::Value,
) -> Option<(String, String)> {
    contradiction_at(given, rebuilt, &mut String::new())
}

fn contradiction_at(
    given: &serde_json::Value,
    rebuilt: &serde_json::Value,
    path: &mut String,
) -> Option<(String, String)> {
    use serde_json::Value;
    let here = |path: &str| {
        if path.is_empty() {
            "$".to_owned()
        } else {
            path.to_owned()
        }
    };
    match (given, rebuilt) {
        (Value::Object(g), Value::Object(r)) => {
            for (k, gv) in g {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                let found = match r.get(k) {
                    Some(rv) => contradiction_at(gv, rv, path),
                    None if is_empty(gv) => None,
                    None => Some((
                        here(path),
                        format!("the history gives nothing here, the document {gv}"),
                    )),
                };
                if found.is_some() {
                    return found;
                }
                path.truncate(len);
            }
            None
        }
        (Value::Array(g), Value::Array(r)) => {
            if g.len() != r.len() {
                return Some((
                    here(path),
                    format!(
                        "the history gives {} entries, the document {}",
                        r.len(),
                        g.len()
                    ),
                ));
            }
            for (i, (gv, rv)) in g.iter().zip(r).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                if let Some(found) = contradiction_at(gv, rv, path) {
                    return Some(found);
                }
                path.truncate(len);
            }
            None
        }
        (Value::String(g), Value::String(r)) if g == r => None,
        (Value::String(g), Value::String(r)) => {
            let same = match (
                g.parse::<rust_decimal::Decimal>(),
                r.parse::<rust_decimal::Decimal>(),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
            (!same).then(|| {
                (
                    here(path),
                    format!("the history gives {r:?}, the document {g:?}"),
                )
            })
        }
        (g, r) if g == r => None,
        (g, r) if is_empty(g) && is_empty(r) => None,
        (g, r) => Some((
            here(path),
            format!("the history gives {r}, the document {g}"),
        )),
    }
}

/// Null, an empty list or object, false, or a zero decimal string.
fn is_empty(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s
            .parse::<rust_decimal::Decimal>()
            .is_ok_and(|d| d.is_zero()),
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        a: u32,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    fn path_of(text: &str) -> String {
        match parse::<Outer>(text) {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(f) => f.path,
        }
    }

    #[test]
    fn paths_name_the_field() {
        assert_eq!(
            path_of(r#"{"items": [{"a": 1}, {"a": "x"}]}"#),
            "items[1].a"
        );
        assert_eq!(path_of(r#"{"items": [{"a": 1}, {}]}"#), "items[1].a");
        assert_eq!(path_of(r#"{}"#), "items");
        assert_eq!(path_of(r#"{"items": [{"a": 1, "b": 2}]}"#), "items[0].b");
        assert_eq!(path_of(r#"{"items": "#), "items");
        assert_eq!(path_of("{"), "$");
        assert_eq!(path_of("[]"), "$");
    }
}
