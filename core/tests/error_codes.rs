//! Every error code is listed, with its meaning in English and zh-CN, in
//! `estatekit::diagnostic::ERROR_CODES`, and README.md's table of error codes is that
//! list: a code raised anywhere (an `error_table!`, a `code()` match, a binding's
//! conversion) but missing from the list, or a list that the README does not show
//! exactly, fails here. To rewrite the README's table from the list:
//! `ESTATEKIT_BLESS=1 cargo test -p estatekit --test error_codes`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use estatekit::diagnostic::{ERROR_CODES, describe};

const START: &str = "<!-- error-codes:start (generated from diagnostic::ERROR_CODES by core/tests/error_codes.rs) -->";
const END: &str = "<!-- error-codes:end -->";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The snake_case literal right after `marker` on `line`, if any.
fn literal_after<'a>(line: &'a str, marker: &str) -> Vec<&'a str> {
    line.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &line[i + marker.len()..];
            let end = rest.find('"')?;
            let lit = &rest[..end];
            (!lit.is_empty() && lit.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
                .then_some(lit)
        })
        .collect()
}

/// The codes the sources raise: the `=> "code"` arms of `error_table!` blocks and of
/// `fn code(&self)` bodies, the named causes of the value variants
/// (`FeeError::value("code"`, `EstateError::value(`, `CheckinError::value(`,
/// `NoticeError::value(`, `TicketError::sla(` / `TicketError::policy(`, on one line or
/// with the code on the next), and the bindings' own codes
/// (`lift_error("code"`, `validation_error("code"`, `argument_error("code"`, …).
fn codes_in_sources() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    for d in ["core/src", "bindings-python/src", "bindings-mobile/src"] {
        rust_files(&root().join(d), &mut files);
    }
    let mut found = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.strip_prefix(root()).unwrap().display().to_string();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            let code_line = !l.trim_start().starts_with("//");
            let opens = code_line
                && ((l.contains("error_table!")
                    && !l.contains("macro_rules")
                    && !l.contains("use "))
                    || l.contains("fn code(&self)"));
            if opens {
                let indent = l.len() - l.trim_start().len();
                let mut j = i + 1;
                while j < lines.len() {
                    let m = lines[j];
                    if m.trim_start().starts_with('}') && m.len() - m.trim_start().len() == indent {
                        break;
                    }
                    if !m.trim_start().starts_with("//") {
                        for c in literal_after(m, "=> \"") {
                            found.insert((c.to_owned(), name.clone()));
                        }
                    }
                    j += 1;
                }
                i = j;
            }
            if code_line {
                for marker in [
                    "Error::value(\"",
                    "Error::sla(\"",
                    "Error::policy(\"",
                    "lift_error(\"",
                    "validation_error(\"",
                    "argument_error(\"",
                    "state_error(\"",
                ] {
                    for c in literal_after(l, marker) {
                        found.insert((c.to_owned(), name.clone()));
                    }
                }
            }
            i += 1;
        }
        // A call split over lines: `FeeError::value(\n "code",`.
        for (k, l) in lines.iter().enumerate() {
            let t = l.trim_end();
            if [
                "Error::value(",
                "Error::sla(",
                "Error::policy(",
                "lift_error(",
                "validation_error(",
                "argument_error(",
            ]
            .iter()
            .any(|m| t.ends_with(m))
            {
                if let Some(next) = lines.get(k + 1) {
                    for c in literal_after(next.trim_start(), "\"") {
                        if next.trim_start().starts_with(&format!("\"{c}\"")) {
                            found.insert((c.to_owned(), name.clone()));
                        }
                    }
                }
            }
        }
    }
    found
}

fn readme_table() -> String {
    let mut t = String::from("| code | meaning | 含义 |\n|---|---|---|\n");
    for c in ERROR_CODES {
        t.push_str(&format!("| `{}` | {} | {} |\n", c.code, c.en, c.zh));
    }
    t
}

#[test]
fn the_list_is_sorted_and_unique() {
    let codes: Vec<&str> = ERROR_CODES.iter().map(|c| c.code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted);
    assert!(
        ERROR_CODES
            .iter()
            .all(|c| !c.zh.is_empty() && !c.en.is_empty())
    );
}

#[test]
fn every_code_raised_is_listed() {
    let missing: Vec<_> = codes_in_sources()
        .into_iter()
        .filter(|(c, _)| describe(c).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from diagnostic::ERROR_CODES: {missing:?}"
    );
    // The scan finds the codes (a broken scan would find nothing and pass).
    let all: BTreeSet<String> = codes_in_sources().into_iter().map(|(c, _)| c).collect();
    for c in [
        "too_many_decimals",
        "duplicate_id",
        "invalid_transition",
        "naive_datetime",
        "already_completed",
        "overlapping_periods",
        "invalid_time",
        "mismatch",
    ] {
        assert!(all.contains(c), "{c} not found by the scan");
    }
}

/// Each error's list of value causes is listed with its meanings, and no cause is a
/// catch-all: the former `invalid`, `invalid_field`, `invalid_sla` and
/// `invalid_policy` are gone from every module.
#[test]
fn every_value_code_is_listed() {
    let lists: [(&str, &[&str]); 11] = [
        ("EstateError", &estatekit::estate::EstateError::VALUE_CODES),
        ("FeeError", &estatekit::fees::FeeError::VALUE_CODES),
        (
            "CheckinError",
            &estatekit::checkin::CheckinError::VALUE_CODES,
        ),
        ("TicketError", &estatekit::tickets::TicketError::VALUE_CODES),
        ("NoticeError", &estatekit::notices::NoticeError::VALUE_CODES),
        (
            "RegistryError",
            &estatekit::registry::RegistryError::VALUE_CODES,
        ),
        (
            "DecorationError",
            &estatekit::decoration::DecorationError::VALUE_CODES,
        ),
        ("SurveyError", &estatekit::surveys::SurveyError::VALUE_CODES),
        ("PatrolError", &estatekit::patrols::PatrolError::VALUE_CODES),
        ("KeyError", &estatekit::keys::KeyError::VALUE_CODES),
        (
            "ReleaseError",
            &estatekit::release::ReleaseError::VALUE_CODES,
        ),
    ];
    for (ty, codes) in lists {
        for c in codes {
            assert!(describe(c).is_some(), "{ty}: {c} has no zh/en meaning");
        }
        let mut unique = codes.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len(), "{ty} lists a code twice");
    }
    let raised: BTreeSet<String> = codes_in_sources().into_iter().map(|(c, _)| c).collect();
    for gone in ["invalid", "invalid_field", "invalid_sla", "invalid_policy"] {
        assert!(describe(gone).is_none(), "{gone} is still listed");
        assert!(!raised.contains(gone), "{gone} is still raised");
    }
}

#[test]
fn the_readme_lists_every_code() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let table = readme_table();
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no {START} … {END} section");
    };
    let current = &readme[a + START.len()..b];
    let expected = format!("\n{table}");
    if current != expected {
        if std::env::var_os("ESTATEKIT_BLESS").is_some() {
            let new = format!("{}{START}{expected}{}", &readme[..a], &readme[b..]);
            std::fs::write(&path, new).unwrap();
        } else {
            panic!(
                "README.md's table of error codes differs from diagnostic::ERROR_CODES; expected:\n{table}"
            );
        }
    }
    for c in ERROR_CODES {
        assert!(
            readme.contains(&format!("| `{}` |", c.code)),
            "{} missing",
            c.code
        );
    }
}
