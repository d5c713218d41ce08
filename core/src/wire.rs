//! The one declaration of an enum with stable wire names.
//!
//! Every enum whose values travel in JSON documents and across the bindings (unit
//! kinds, ticket channels, check-in roles, ...) is declared with [`wire_enum!`]: it
//! derives serde with snake_case names, and gives `ALL` (declaration order),
//! `as_str`, `Display` and a `FromStr` whose error is the module's own error, built by
//! the function the module names (so an unknown value is reported the way the rest of
//! that module reports bad input, with the path of the field).

/// Declares an enum with stable snake_case wire names.
///
/// `module` is the public path of the module (used in the generated examples),
/// `error` the module's error type, `unknown` a function
/// `fn(path: String, value: &str, expected: String) -> error` building the error of an
/// unknown value (`expected` lists the names, comma-separated), and the literal after
/// the enum's name the path the error names.
macro_rules! wire_enum {
    (
        module: $module:literal, error: $err:ty, unknown: $unknown:path,
        $(#[$meta:meta])* $name:ident ($path:expr) {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            ///
            #[doc = concat!("```\nuse ", $module, "::", stringify!($name), ";\n",
                "assert_eq!(", stringify!($name), "::ALL.len(), ",
                stringify!([$($text),+]), ".len());\n```")]
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case name used in JSON and by the bindings.
            ///
            #[doc = concat!("```\nuse ", $module, "::", stringify!($name), ";\n",
                "for v in ", stringify!($name), "::ALL {\n",
                "    assert_eq!(v.as_str().parse::<", stringify!($name), ">().unwrap(), *v);\n",
                "}\n```")]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    $unknown(
                        ($path).to_owned(),
                        s,
                        Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    )
                })
            }
        }
    };
}
pub(crate) use wire_enum;
