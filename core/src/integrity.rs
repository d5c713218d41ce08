//! Seals for documents that travel between devices (the offline tablet's checklist, a
//! ledger synced later): an HMAC-SHA256 tag over the document's canonical JSON with a
//! key the caller provides, verified before the document is read, so that an edit
//! anywhere (one byte of one amount) is detected.
//!
//! A sealed document is a JSON object `{"document": …, "hmac_sha256": "<64 hex
//! digits>"}`. The tag covers the canonical form of `document` (object keys sorted,
//! no insignificant whitespace, strings and numbers as JSON writes them), so
//! re-indenting a sealed document or reordering its keys does not break the seal,
//! and changing any value does. Any JSON document can be sealed: a ledger, a book, a
//! checklist, a ticket flow, an estate.
//!
//! The key is a secret of the host (at least 16 bytes; 32 random bytes is the usual
//! choice). A seal proves that whoever sealed the document knew the key; it does not
//! hide the document.
//!
//! ```
//! use estatekit::fees::ledger::{Ledger, PaymentOrder};
//! use estatekit::integrity::{seal, unseal};
//! use estatekit::money::RoundingPolicy;
//!
//! let key = b"a 32-byte secret of the property office";
//! let l = Ledger::new("1-101", RoundingPolicy::default(), PaymentOrder::default());
//! let sealed = seal(&l.to_json(), key)?;
//! assert_eq!(Ledger::from_json(&unseal(&sealed, key)?)?, l);
//!
//! let edited = sealed.replace("1-101", "1-102");
//! assert_eq!(unseal(&edited, key).unwrap_err().code(), "seal_mismatch");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;

/// The shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 16;

/// Why a document could not be sealed or unsealed.
///
/// ```
/// let e = estatekit::integrity::unseal("{}", b"0123456789abcdef").unwrap_err();
/// assert_eq!((e.code(), e.path()), ("json", "document"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntegrityError {
    /// The text is not JSON, or not a sealed document.
    #[error("{path}: {message}")]
    Json {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The key is too short.
    #[error("key: a seal key needs at least {MIN_KEY_BYTES} bytes, got {len}")]
    KeyTooShort {
        /// The key's length in bytes.
        len: usize,
    },
    /// The tag does not match the document: it was edited after sealing, or sealed
    /// with another key.
    #[error("hmac_sha256: the seal does not match the document (edited, or another key)")]
    Mismatch,
    /// A document over [`crate::MAX_DOCUMENT_BYTES`] given to [`seal`], or a sealed
    /// text over [`MAX_SEALED_BYTES`] given to [`unseal`], refused before it is
    /// parsed (sealing holds the document as a JSON tree, 10 to 15 bytes per byte).
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`: the whole text.
        path: String,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
}

/// The largest sealed text [`unseal`] reads, in bytes (64 MiB: room for the
/// indentation [`seal`] adds to a document of [`crate::MAX_DOCUMENT_BYTES`]).
///
/// ```
/// let text = format!("{{\"document\": \"{}\"}}", "x".repeat(estatekit::integrity::MAX_SEALED_BYTES));
/// let e = estatekit::integrity::unseal(&text, b"0123456789abcdef").unwrap_err();
/// assert_eq!((e.code(), e.path()), ("document_too_large", "$"));
/// ```
pub const MAX_SEALED_BYTES: usize = 64 << 20;

impl IntegrityError {
    /// A stable code: `json`, `key_too_short`, `seal_mismatch`, `document_too_large`.
    ///
    /// ```
    /// assert_eq!(estatekit::integrity::IntegrityError::Mismatch.code(), "seal_mismatch");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::Json { .. } => "json",
            Self::KeyTooShort { .. } => "key_too_short",
            Self::Mismatch => "seal_mismatch",
            Self::DocumentTooLarge { .. } => "document_too_large",
        }
    }

    /// The field the error is about.
    ///
    /// ```
    /// assert_eq!(estatekit::integrity::IntegrityError::KeyTooShort { len: 3 }.path(), "key");
    /// ```
    pub fn path(&self) -> &str {
        match self {
            Self::Json { path, .. } | Self::DocumentTooLarge { path, .. } => path,
            Self::KeyTooShort { .. } => "key",
            Self::Mismatch => "hmac_sha256",
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed {
    document: Value,
    hmac_sha256: String,
}

fn too_large(text: &str, limit: usize) -> Result<(), IntegrityError> {
    crate::json::within(text, limit).map_err(|(size, limit)| IntegrityError::DocumentTooLarge {
        path: "$".to_owned(),
        size,
        limit,
    })
}

fn mac(key: &[u8]) -> Result<Hmac<Sha256>, IntegrityError> {
    if key.len() < MIN_KEY_BYTES {
        return Err(IntegrityError::KeyTooShort { len: key.len() });
    }
    Ok(Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts a key of any length"))
}

/// The canonical text of a JSON value: object keys sorted, no whitespace.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn tag(key: &[u8], document: &Value) -> Result<Hmac<Sha256>, IntegrityError> {
    let mut text = String::new();
    canonical(document, &mut text);
    let mut m = mac(key)?;
    m.update(text.as_bytes());
    Ok(m)
}

/// Seals a JSON document with `key` (see the module documentation).
///
/// # Errors
/// [`IntegrityError::Json`] when `document` is not JSON;
/// [`IntegrityError::KeyTooShort`]; [`IntegrityError::DocumentTooLarge`] over
/// [`crate::MAX_DOCUMENT_BYTES`].
///
/// ```
/// let sealed = estatekit::integrity::seal(r#"{"a": 1}"#, b"0123456789abcdef")?;
/// assert!(sealed.contains("\"hmac_sha256\""));
/// # Ok::<(), estatekit::integrity::IntegrityError>(())
/// ```
pub fn seal(document: &str, key: &[u8]) -> Result<String, IntegrityError> {
    too_large(document, crate::MAX_DOCUMENT_BYTES)?;
    let document: Value = crate::json::parse(document).map_err(|f| IntegrityError::Json {
        path: f.path,
        message: f.message,
    })?;
    let bytes = tag(key, &document)?.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let sealed = Sealed {
        document,
        hmac_sha256: hex,
    };
    Ok(serde_json::to_string_pretty(&sealed).expect("a JSON value serializes"))
}

/// Checks a sealed document against `key` and returns the document's JSON text, for
/// the type's own `from_json`.
///
/// # Errors
/// [`IntegrityError::Json`] when the text is not a sealed document (path `document`
/// or `hmac_sha256` for a missing part); [`IntegrityError::KeyTooShort`];
/// [`IntegrityError::Mismatch`] when the tag does not match;
/// [`IntegrityError::DocumentTooLarge`] over [`MAX_SEALED_BYTES`].
///
/// ```
/// use estatekit::integrity::{seal, unseal};
/// let key = b"0123456789abcdef";
/// let sealed = seal(r#"{"amount": "331.15"}"#, key)?;
/// assert_eq!(unseal(&sealed, key)?, r#"{"amount":"331.15"}"#);
/// let edited = sealed.replace("331.15", "331.16");
/// assert_eq!(unseal(&edited, key).unwrap_err().code(), "seal_mismatch");
/// assert_eq!(unseal(&sealed, b"another key of 16").unwrap_err().code(), "seal_mismatch");
/// # Ok::<(), estatekit::integrity::IntegrityError>(())
/// ```
pub fn unseal(sealed: &str, key: &[u8]) -> Result<String, IntegrityError> {
    too_large(sealed, MAX_SEALED_BYTES)?;
    let sealed: Sealed = crate::json::parse(sealed).map_err(|f| IntegrityError::Json {
        path: f.path,
        message: f.message,
    })?;
    let m = tag(key, &sealed.document)?;
    let given = decode_hex(&sealed.hmac_sha256).ok_or(IntegrityError::Mismatch)?;
    // Constant-time comparison.
    m.verify_slice(&given)
        .map_err(|_| IntegrityError::Mismatch)?;
    let mut text = String::new();
    canonical(&sealed.document, &mut text);
    Ok(text)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// RFC 4231 test cases 2 and 6 (HMAC-SHA256): the MAC is the standard one.
    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        let mut m = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        m.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&m.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let mut m = Hmac::<Sha256>::new_from_slice(&[0xaa; 131]).unwrap();
        m.update(b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(
            hex(&m.finalize().into_bytes()),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn the_seal_ignores_layout_and_key_order_but_not_values() {
        let key = b"0123456789abcdef0123456789abcdef";
        let sealed = seal(r#"{"b": [1, {"y": "2", "x": null}], "a": "z"}"#, key).unwrap();
        let reordered = seal(r#"{"a":"z","b":[1,{"x":null,"y":"2"}]}"#, key).unwrap();
        assert_eq!(sealed, reordered);
        assert_eq!(
            unseal(&sealed, key).unwrap(),
            r#"{"a":"z","b":[1,{"x":null,"y":"2"}]}"#
        );
        // Every one-byte change of a value inside the document breaks the seal.
        for (from, to) in [
            ("\"z\"", "\"y\""),
            ("1,", "2,"),
            ("null", "true"),
            ("\"2\"", "\"3\""),
        ] {
            let edited = sealed.replacen(from, to, 1);
            assert_ne!(edited, sealed);
            assert_eq!(
                unseal(&edited, key).unwrap_err(),
                IntegrityError::Mismatch,
                "{from}"
            );
        }
        let errors: Vec<(&str, String)> = [
            seal("{", key).unwrap_err(),
            seal("{}", b"short").unwrap_err(),
            unseal(r#"{"document": {}}"#, key).unwrap_err(),
            unseal(r#"{"document": {}, "hmac_sha256": "zz"}"#, key).unwrap_err(),
        ]
        .iter()
        .map(|e| (e.code(), e.path().to_owned()))
        .collect();
        assert_eq!(
            errors,
            [
                ("json", "$".to_string()),
                ("key_too_short", "key".to_string()),
                ("json", "hmac_sha256".to_string()),
                ("seal_mismatch", "hmac_sha256".to_string()),
            ]
        );
    }
}
