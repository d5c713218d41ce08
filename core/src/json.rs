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

/// `Err((size, limit))` for a document over [`crate::MAX_DOCUMENT_BYTES`].
pub(crate) fn within_limit(text: &str) -> Result<(), (usize, usize)> {
    within(text, crate::MAX_DOCUMENT_BYTES)
}

/// `Err((size, limit))` for a document over `limit` bytes.
pub(crate) fn within(text: &str, limit: usize) -> Result<(), (usize, usize)> {
    if text.len() > limit {
        Err((text.len(), limit))
    } else {
        Ok(())
    }
}

/// A JSON array of at most `MAX` values, refused at the first value beyond it while
/// it is read (so a huge array is never held).
pub(crate) struct BoundedRows<const MAX: usize>(pub(crate) Vec<serde_json::Value>);

/// The message of a [`BoundedRows`] refusal (its path is the first index too many).
pub(crate) const TOO_MANY_ROWS: &str = "too many rows";

impl<'de, const MAX: usize> Deserialize<'de> for BoundedRows<MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Rows<const MAX: usize>;
        impl<'de, const MAX: usize> serde::de::Visitor<'de> for Rows<MAX> {
            type Value = Vec<serde_json::Value>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "an array of at most {MAX} rows")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<serde_json::Value>()? {
                    if out.len() == MAX {
                        return Err(serde::de::Error::custom(TOO_MANY_ROWS));
                    }
                    out.push(v);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Rows::<MAX>).map(BoundedRows)
    }
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

/// Reads `text` without keeping anything, to report a syntax error (a bad character,
/// a number out of range, a second document) with the path of the value where it
/// occurs, as [`parse`] of a `serde_json::Value` does, but in constant memory.
pub(crate) fn check_syntax(text: &str) -> Result<(), JsonFailure> {
    parse::<Skip>(text).map(|_| ())
}

/// Any JSON value, read and dropped (see [`check_syntax`]).
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Skip;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_unit<E>(self) -> Result<Skip, E> {
                Ok(Skip)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
                while seq.next_element::<Skip>()?.is_some() {}
                Ok(Skip)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
                while map.next_key::<std::borrow::Cow<'de, str>>()?.is_some() {
                    map.next_value::<Skip>()?;
                }
                Ok(Skip)
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a typed document out of `text` once [`check_syntax`] has accepted it: a
/// wrong type or a missing field is reported as [`from_value`] reports it (no line
/// and column, which name the text rather than the field).
pub(crate) fn parse_checked<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, JsonFailure> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let at = format!(" at line {} column {}", inner.line(), inner.column());
        let data = inner.classify() == serde_json::error::Category::Data;
        let mut f = failure(e);
        if data && let Some(bare) = f.message.strip_suffix(&at) {
            f.message = bare.to_owned();
        }
        f
    })?;
    de.end().map_err(|e| JsonFailure {
        path: "$".to_owned(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// The first place where a document as given (`given`, a JSON text that
/// [`check_syntax`] accepted) disagrees with the same document rebuilt from its
/// history (`rebuilt`, the JSON text the loader writes): `(path, reason)`, or `None`
/// when they agree.
///
/// Only what the given document states is compared: a key it leaves out is rebuilt,
/// not contradicted (a history-only document is fine), and a key the rebuilt one
/// leaves out (an empty list, a zero it does not write) must be empty in the given one.
/// Decimal strings compare by value (`"0"` equals `"0.00"`). The first contradiction
/// is the one at the smallest key of an object (keys in byte order), in the first
/// entry of a list; a list of another length is reported at the list.
///
/// The given document is read as it is compared and the rebuilt one is taken apart
/// one level at a time, so neither is held as a tree: memory stays a small fraction
/// of the text (a tree of `serde_json::Value` takes 10 to 15 bytes per byte).
pub(crate) fn first_contradiction(given: &str, rebuilt: &str) -> Option<(String, String)> {
    use serde::de::DeserializeSeed;
    let mut path = String::new();
    let mut de = serde_json::Deserializer::from_str(given);
    Against {
        rebuilt,
        path: &mut path,
    }
    .deserialize(&mut de)
    .expect("a document that was read once is read again")
}

/// The given value at `path`, compared as it is read with `rebuilt` (JSON text).
struct Against<'r, 'p> {
    rebuilt: &'r str,
    path: &'p mut String,
}

fn here(path: &str) -> String {
    if path.is_empty() {
        "$".to_owned()
    } else {
        path.to_owned()
    }
}

impl<'r> Against<'r, '_> {
    fn rebuilt_value(&self) -> serde_json::Value {
        serde_json::from_str(self.rebuilt).expect("the rebuilt document is JSON")
    }

    fn starts_with(&self, c: u8) -> bool {
        self.rebuilt.trim_start().as_bytes().first() == Some(&c)
    }

    fn scalar<E>(self, given: serde_json::Value) -> Result<Option<(String, String)>, E> {
        let rebuilt = self.rebuilt_value();
        Ok(contradiction_at(&given, &rebuilt, self.path))
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Against<'_, '_> {
    type Value = Option<(String, String)>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Against<'_, '_> {
    type Value = Option<(String, String)>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        self.scalar(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        self.scalar(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        self.scalar(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        self.scalar(v.into())
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        self.scalar(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        self.scalar(serde_json::Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if !self.starts_with(b'[') {
            let given =
                serde_json::Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
            return self.scalar(given);
        }
        let rebuilt: Vec<&serde_json::value::RawValue> =
            serde_json::from_str(self.rebuilt).expect("the rebuilt document is JSON");
        let mut count = 0;
        let mut first = None;
        loop {
            if first.is_none()
                && let Some(r) = rebuilt.get(count)
            {
                let len = self.path.len();
                self.path.push_str(&format!("[{count}]"));
                let next = seq.next_element_seed(Against {
                    rebuilt: r.get(),
                    path: &mut *self.path,
                })?;
                self.path.truncate(len);
                match next {
                    Some(found) => first = found,
                    None => break,
                }
            } else if seq.next_element::<serde::de::IgnoredAny>()?.is_none() {
                break;
            }
            count += 1;
        }
        if count != rebuilt.len() {
            return Ok(Some((
                here(self.path),
                format!(
                    "the history gives {} entries, the document {count}",
                    rebuilt.len()
                ),
            )));
        }
        Ok(first)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if !self.starts_with(b'{') {
            let given =
                serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            return self.scalar(given);
        }
        let rebuilt: std::collections::BTreeMap<String, &serde_json::value::RawValue> =
            serde_json::from_str(self.rebuilt).expect("the rebuilt document is JSON");
        let mut best: Option<(String, (String, String))> = None;
        while let Some(key) = map.next_key::<String>()? {
            let len = self.path.len();
            if !self.path.is_empty() {
                self.path.push('.');
            }
            self.path.push_str(&key);
            let found = match rebuilt.get(&key) {
                Some(r) => map.next_value_seed(Against {
                    rebuilt: r.get(),
                    path: &mut *self.path,
                })?,
                None => {
                    let given: serde_json::Value = map.next_value()?;
                    (!is_empty(&given)).then(|| {
                        (
                            here(self.path),
                            format!("the history gives nothing here, the document {given}"),
                        )
                    })
                }
            };
            self.path.truncate(len);
            if let Some(found) = found
                && best.as_ref().is_none_or(|(first, _)| key < *first)
            {
                best = Some((key, found));
            }
        }
        Ok(best.map(|(_, found)| found))
    }
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

/// Decimal fields of documents: a JSON string read strictly and exactly with
/// [`crate::money::parse_decimal`] (no `+`, spaces, `_`, or digits a `Decimal` cannot
/// hold), written as `rust_decimal` writes it. Use as
/// `#[serde(with = "crate::json::decimal")]`.
pub(crate) mod decimal {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        use rust_decimal::serde as written;
        written::str::serialize(value, s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        read(&text)
    }

    pub(crate) fn read<E: serde::de::Error>(text: &str) -> Result<Decimal, E> {
        crate::money::parse_decimal(text, "").map_err(|e| {
            let why = match e {
                crate::money::MoneyError::InexactDecimal(_) => {
                    "more digits than can be held exactly (28 after the point, ±7.9e28 in all)"
                }
                crate::money::MoneyError::InvalidDecimal(bad) => bad.reason,
                _ => "not a decimal",
            };
            E::custom(format!("invalid decimal {text:?}: {why}"))
        })
    }
}

/// [`decimal`] for an optional field (`null` or absent is `None`). Use as
/// `#[serde(with = "crate::json::decimal_opt")]`.
pub(crate) mod decimal_opt {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        use rust_decimal::serde as written;
        written::str_option::serialize(value, s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
            None => Ok(None),
            Some(text) => super::decimal::read(&text).map(Some),
        }
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

    /// Every decimal field of every document is read strictly: no module uses
    /// `rust_decimal`'s lenient string reader (it accepts `+5`, `1_0`, and rounds
    /// digits it cannot hold).
    #[test]
    fn no_lenient_decimal_reader() {
        fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
                let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
                if path.is_dir() {
                    rust_files(&path, out);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        rust_files(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut files,
        );
        assert!(files.len() > 20, "{files:?}");
        let lenient = concat!("rust_decimal::serde::", "str");
        for file in files {
            let src = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
            assert!(
                !src.contains(lenient),
                "{file:?} reads decimals with {lenient}"
            );
        }
    }

    #[test]
    fn contradictions_are_found_as_the_text_is_read() {
        let rebuilt = r#"{"a":"1.00","b":[{"x":1},{"x":2}],"c":[],"d":{"e":"x"}}"#;
        let found = |given: &str| first_contradiction(given, rebuilt);
        // Agreement: decimals by value, keys in any order, keys left out, empty extras.
        assert_eq!(found(r#"{"d": {"e": "x"}, "a": "1"}"#), None);
        assert_eq!(
            found(r#"{"a": "1.0", "b": [{"x": 1}, {"x": 2}], "z": []}"#),
            None
        );
        // The smallest key wins over the first in the text.
        assert_eq!(
            found(r#"{"d": {"e": "y"}, "b": [{"x": 1}, {"x": 3}]}"#),
            Some((
                "b[1].x".to_owned(),
                "the history gives 2, the document 3".to_owned()
            ))
        );
        // A list of another length is reported at the list, before its entries.
        assert_eq!(
            found(r#"{"b": [{"x": 9}]}"#),
            Some((
                "b".to_owned(),
                "the history gives 2 entries, the document 1".to_owned()
            ))
        );
        // Something the history does not give, and another kind of value.
        assert_eq!(
            found(r#"{"z": [1]}"#),
            Some((
                "z".to_owned(),
                "the history gives nothing here, the document [1]".to_owned()
            ))
        );
        assert_eq!(
            found(r#"{"d": ["e"]}"#),
            Some((
                "d".to_owned(),
                r#"the history gives {"e":"x"}, the document ["e"]"#.to_owned()
            ))
        );
        assert_eq!(
            found(r#"[1]"#),
            Some((
                "$".to_owned(),
                format!("the history gives {rebuilt}, the document [1]")
            ))
        );
    }

    #[test]
    fn syntax_first_then_types_without_line_and_column() {
        // A syntax error anywhere is found before a wrong type earlier in the text,
        // with the path where it occurs.
        let text = r#"{"items": [{"a": "x"}, {"a": 1, "b": tru}]}"#;
        let f = check_syntax(text).expect_err("a syntax error");
        assert_eq!(f.path, "items[1].b");
        assert!(f.message.ends_with("at line 1 column 41"), "{}", f.message);
        let f = parse_checked::<Outer>(r#"{"items": [{"a": "x"}]}"#).expect_err("a wrong type");
        assert_eq!(
            (f.path.as_str(), f.message.as_str()),
            ("items[0].a", "invalid type: string \"x\", expected u32")
        );
        assert_eq!(
            check_syntax("{} {}").err().map(|f| f.path),
            Some("$".to_owned())
        );
    }

    #[derive(serde::Deserialize, Debug)]
    struct Amount {
        #[serde(with = "super::decimal")]
        amount: rust_decimal::Decimal,
        #[serde(with = "super::decimal_opt", default)]
        extra: Option<rust_decimal::Decimal>,
    }

    #[test]
    fn decimals_are_strict_and_exact() {
        let ok = parse::<Amount>(r#"{"amount": "100.00", "extra": "0E-30"}"#)
            .unwrap_or_else(|f| panic!("{}", f.message));
        assert_eq!(ok.amount.to_string(), "100.00");
        assert_eq!(ok.extra, Some(rust_decimal::Decimal::ZERO));
        for (text, path, message) in [
            (
                r#"{"amount": "1_0.0_0"}"#,
                "amount",
                "invalid decimal \"1_0.0_0\": expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign",
            ),
            (
                r#"{"amount": " 12 "}"#,
                "amount",
                "invalid decimal \" 12 \": expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign",
            ),
            (
                r#"{"amount": "+5"}"#,
                "amount",
                "invalid decimal \"+5\": expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign",
            ),
            (
                "{\"amount\": \"12\\u00a0\"}",
                "amount",
                "invalid decimal \"12\\u{a0}\": expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign",
            ),
            (
                r#"{"amount": "100.000000000000000000000000001"}"#,
                "amount",
                "invalid decimal \"100.000000000000000000000000001\": more digits than can be held exactly (28 after the point, ±7.9e28 in all)",
            ),
            (
                r#"{"amount": "1", "extra": "+1"}"#,
                "extra",
                "invalid decimal \"+1\": expected [-]digits[.digits][e[+|-]digits], ASCII, no spaces, no + sign",
            ),
        ] {
            match parse::<Amount>(text) {
                Ok(v) => panic!("{text}: accepted as {v:?}"),
                Err(f) => {
                    assert_eq!(f.path, path, "{text}");
                    assert!(f.message.starts_with(message), "{text}: {}", f.message);
                }
            }
        }
    }
}
