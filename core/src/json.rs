//! Shared JSON parsing that reports the path of the bad field.

use serde::de::DeserializeOwned;

/// A JSON parse failure: where (e.g. `units[3].gross_area`, `$` for the whole
/// document) and what the parser said.
pub(crate) struct JsonFailure {
    pub(crate) path: String,
    pub(crate) message: String,
}

/// Parses `text`, tracking the path of the value being read when an error occurs.
pub(crate) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, JsonFailure> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
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
    })
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
