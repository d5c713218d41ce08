//! Every export of both bindings is wrapped by `#[guard]`, so no panic crosses the
//! language boundary: each `#[pymethods]` block and `#[pyfunction]` of the Python
//! binding, and each `#[uniffi::export]` item of the mobile binding, is preceded by
//! `#[guard(crate::panic_guard)]`. Every source file of each binding is read, so a new
//! module cannot be forgotten.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a binding's src directory is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The unguarded exports (`file:line: previous line`) of the binding in `crate_dir`,
/// an export being a line (trimmed) for which `is_export` holds; and the number of
/// files read.
fn unguarded(crate_dir: &str, is_export: impl Fn(&str) -> bool) -> (Vec<String>, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(crate_dir)
        .join("src");
    let files = sources(&dir);
    let mut bad = Vec::new();
    for file in &files {
        let src = std::fs::read_to_string(file).expect("a source file is readable");
        let lines: Vec<&str> = src.lines().map(str::trim).collect();
        for (i, line) in lines.iter().enumerate() {
            if is_export(line) {
                let prev = if i > 0 { lines[i - 1] } else { "" };
                if !prev.ends_with("guard(crate::panic_guard)]") {
                    bad.push(format!("{}:{}: {prev:?}", file.display(), i + 1));
                }
            }
        }
    }
    (bad, files.len())
}

#[test]
fn every_python_export_is_guarded() {
    let (bad, files) = unguarded("../../bindings-python", |l| {
        l == "#[pymethods]" || l == "#[pyfunction]"
    });
    assert!(files >= 8, "found only {files} source files");
    assert!(bad.is_empty(), "unguarded exports:\n{}", bad.join("\n"));
}

/// The trait exports of an object, `#[uniffi::export(Eq, Hash)]` on its struct: not a
/// fn or an impl block, so `#[guard]` cannot go there.
const TRAIT_EXPORT: &str = "#[uniffi::export(Eq, Hash)]";

#[test]
fn every_mobile_export_is_guarded() {
    let (bad, files) = unguarded("..", |l| {
        l.starts_with("#[uniffi::export") && l != TRAIT_EXPORT
    });
    assert!(files >= 8, "found only {files} source files");
    assert!(bad.is_empty(), "unguarded exports:\n{}", bad.join("\n"));
}

/// Every struct exported with `Eq, Hash` gets them from `json_eq!` (which runs the
/// document under the panic guard itself): its next line is `pub struct Name {` and the
/// same file invokes `json_eq!(Name` (`$name` inside the `json_object!` macro).
#[test]
fn every_mobile_trait_export_comes_from_json_eq() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
    let mut seen = 0;
    let mut bad = Vec::new();
    for file in sources(&dir) {
        let src = std::fs::read_to_string(&file).expect("a source file is readable");
        let lines: Vec<&str> = src.lines().map(str::trim).collect();
        for (i, line) in lines.iter().enumerate() {
            if *line != TRAIT_EXPORT {
                continue;
            }
            seen += 1;
            let name = lines
                .get(i + 1)
                .and_then(|l| l.strip_prefix("pub struct "))
                .and_then(|l| l.split([' ', '{']).next())
                .unwrap_or("");
            if name.is_empty() || !src.contains(&format!("json_eq!({name},")) {
                bad.push(format!("{}:{}: {name:?}", file.display(), i + 1));
            }
        }
    }
    assert!(seen >= 5, "found only {seen} trait exports");
    assert!(
        bad.is_empty(),
        "trait exports without json_eq!:\n{}",
        bad.join("\n")
    );
}

/// The check itself finds an unguarded export (so it cannot pass by reading nothing).
#[test]
fn the_check_sees_an_unguarded_export() {
    let dir = std::env::temp_dir().join(format!("ffi-guard-check-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src/nested")).expect("a temporary directory");
    std::fs::write(
        dir.join("src/nested/m.rs"),
        "#[guard(crate::panic_guard)]\n#[pyfunction]\nfn a() {}\n\n#[pyfunction]\nfn b() {}\n",
    )
    .expect("a temporary file");
    let (bad, files) = unguarded(dir.to_str().expect("a UTF-8 path"), |l| {
        l == "#[pyfunction]"
    });
    std::fs::remove_dir_all(&dir).expect("the temporary directory is removed");
    assert_eq!(files, 1);
    assert_eq!(bad.len(), 1);
    assert!(bad[0].ends_with("m.rs:5: \"\""), "{bad:?}");
}
