//! [`SharedStr`]: an immutable string shared between a classifier and its results.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable shared string: the labels and phrases of a classification's
/// [`Evidence`](super::Evidence) point into the classifier's tables instead of being
/// copied, so the evidence list is one allocation however long it is.
/// Strings of the built-in rules are static (cloning copies a pointer); others are
/// reference-counted (cloning increments a count).
///
/// It reads like a `&str` (`Deref`, `as_str`, `Display`) and compares with `str`,
/// `&str` and `String` (by content); it serialises as a JSON string.
///
/// ```
/// use estatekit::tickets::SharedStr;
/// let s = SharedStr::from("repair.plumbing");
/// assert_eq!(s, "repair.plumbing");
/// assert_eq!(s.as_str(), "repair.plumbing");
/// assert!(s.starts_with("repair."));
/// assert_eq!(String::from(s.clone()), "repair.plumbing".to_owned());
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#""repair.plumbing""#);
/// ```
#[derive(Clone)]
pub struct SharedStr(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl SharedStr {
    /// The string.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }

    /// A static string (no reference count).
    pub(crate) const fn from_static(s: &'static str) -> Self {
        Self(Repr::Static(s))
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Deref for SharedStr {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        Self(Repr::Shared(Arc::from(s)))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        Self(Repr::Shared(Arc::from(s)))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        Self(Repr::Shared(Arc::from(s.as_str())))
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        String::from(s.as_str())
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        Self::from_static("")
    }
}

macro_rules! eq_with {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for SharedStr {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == &**other
            }
        }
        impl PartialEq<SharedStr> for $t {
            fn eq(&self, other: &SharedStr) -> bool {
                &**self == other.as_str()
            }
        }
    )*};
}
eq_with!(&str, String);

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::SharedStr;

    #[test]
    fn compares_like_a_string() {
        let s = SharedStr::from("noise".to_owned());
        assert_eq!(s, "noise");
        assert_eq!("noise", s);
        assert_eq!(s, "noise".to_owned());
        assert_eq!("noise".to_owned(), s);
        assert!(s == *"noise");
        assert_eq!(format!("{s} {s:?}"), "noise \"noise\"");
        assert_eq!(s.len(), 5);
        let back: SharedStr = serde_json::from_str("\"noise\"").unwrap_or_default();
        assert_eq!(back, s);
        assert_eq!(SharedStr::default(), "");
        assert_eq!(SharedStr::from_static("noise"), s);
        assert_eq!(
            SharedStr::from_static("a").cmp(&SharedStr::from("b")),
            std::cmp::Ordering::Less
        );
    }
}
