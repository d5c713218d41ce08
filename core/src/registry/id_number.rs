//! Identity numbers: never stored in clear; a keyed digest, and the GB 11643 check
//! digit of an 18-digit PRC citizen ID number.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::RegistryError;

/// The prefix of an [`id_digest`](super::Registry::id_digest): `hmac-sha256:`, then 64
/// lowercase hex digits.
///
/// ```
/// assert_eq!(estatekit::registry::ID_DIGEST_PREFIX, "hmac-sha256:");
/// ```
pub const ID_DIGEST_PREFIX: &str = "hmac-sha256:";

/// GB 11643-1999 §8.2: the weights of the first 17 digits (2^(18−i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check digit of each remainder mod 11.
const CHECK: [u8; 11] = *b"10X98765432";

/// True for 17 ASCII digits then a digit or `X`/`x`: the shape of an 18-digit PRC ID
/// number.
pub(crate) fn looks_like_id_number(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
}

/// The check digit GB 11643 gives for the first 17 digits (ASCII digits).
pub(crate) fn check_digit(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    char::from(CHECK[(sum % 11) as usize])
}

/// The normalised number (trimmed, a final `x` uppercased), refused if empty or if it
/// is an 18-digit number with a wrong check digit.
pub(crate) fn normalise(id_number: &str) -> Result<String, RegistryError> {
    let mut n = id_number.trim().to_owned();
    if n.is_empty() {
        return Err(RegistryError::value(
            "empty_field",
            "id_number",
            "must not be empty",
        ));
    }
    if n.ends_with('x') {
        n.pop();
        n.push('X');
    }
    if looks_like_id_number(&n) {
        let expected = check_digit(&n.as_bytes()[..17]);
        let found = char::from(n.as_bytes()[17]);
        if found != expected {
            return Err(RegistryError::InvalidIdNumber {
                path: "id_number".to_owned(),
                found,
                expected,
            });
        }
    }
    Ok(n)
}

pub(crate) fn digest(key: &[u8], id_number: &str) -> Result<String, RegistryError> {
    if key.is_empty() {
        return Err(RegistryError::value(
            "key_too_short",
            "key",
            "the digest key must not be empty",
        ));
    }
    let n = normalise(id_number)?;
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts a key of any length");
    m.update(n.as_bytes());
    let tag = m.finalize().into_bytes();
    let mut out = String::with_capacity(ID_DIGEST_PREFIX.len() + 64);
    out.push_str(ID_DIGEST_PREFIX);
    for b in tag {
        out.push_str(&format!("{b:02x}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(looks_like_id_number("11010519491231002X"));
        assert!(looks_like_id_number("11010519491231002x"));
        assert!(!looks_like_id_number("1101051949123100"));
        assert!(!looks_like_id_number("11010519491231002Y"));
        assert!(!looks_like_id_number("１1010519491231002X"));
    }
}
