//! Issue 16: no document makes a loader take unbounded memory. Loaders that hold a
//! document as typed values refuse one over `MAX_DOCUMENT_BYTES` before parsing it
//! (`document_too_large` at `$`); ledgers, books and billing runs are read without a
//! tree of the document and have no limit.
#![allow(clippy::unwrap_used)]

use estatekit::checkin::{CheckinTemplate, Checklist};
use estatekit::estate::Estate;
use estatekit::fees::ledger::Ledger;
use estatekit::fees::receivables::Receivables;
use estatekit::fees::schedule::FeeSchedule;
use estatekit::tickets::{AccessPolicy, SlaPolicy, TicketFlow};
use estatekit::{MAX_DOCUMENT_BYTES, MAX_ESTATE_DOCUMENT_BYTES};

/// A JSON object whose one string makes the text exactly `len` bytes.
fn doc_of(len: usize) -> String {
    let text = format!("{{\"x\": \"{}\"}}", "a".repeat(len - 9));
    assert_eq!(text.len(), len);
    text
}

fn outcomes(text: &str) -> Vec<(&'static str, String, String, String)> {
    let template = CheckinTemplate::default_template();
    let mut out = Vec::new();
    let mut push =
        |name: &'static str, e: (String, String, String)| out.push((name, e.0, e.1, e.2));
    let e = FeeSchedule::from_json(text).unwrap_err();
    push(
        "schedule",
        (e.code().into(), e.path().into(), e.to_string()),
    );
    let e = CheckinTemplate::from_json(text).unwrap_err();
    push(
        "template",
        (e.code().into(), e.path().into(), e.to_string()),
    );
    let e = Checklist::from_json(text, &template).unwrap_err();
    push(
        "checklist",
        (e.code().into(), e.path().into(), e.to_string()),
    );
    let e = TicketFlow::from_json(text).unwrap_err();
    push("flow", (e.code().into(), e.path(), e.to_string()));
    let e = TicketFlow::from_json_with_policy(text, &AccessPolicy::default()).unwrap_err();
    push(
        "flow_with_policy",
        (e.code().into(), e.path(), e.to_string()),
    );
    let e = SlaPolicy::from_json(text).unwrap_err();
    push("sla", (e.code().into(), e.path(), e.to_string()));
    let e = AccessPolicy::from_json(text).unwrap_err();
    push("access", (e.code().into(), e.path(), e.to_string()));
    out
}

#[test]
fn documents_over_the_limit_are_refused_before_parsing() {
    assert_eq!(MAX_DOCUMENT_BYTES, 33_554_432);
    let size = MAX_DOCUMENT_BYTES + 1;
    let message = format!("$: a document of {size} bytes; at most 33554432 are read");
    for (name, code, path, text) in outcomes(&doc_of(size)) {
        assert_eq!(
            (code.as_str(), path.as_str()),
            ("document_too_large", "$"),
            "{name}"
        );
        assert!(text.ends_with(&message), "{name}: {text}");
    }
}

#[test]
fn estates_have_their_own_limit() {
    assert_eq!(MAX_ESTATE_DOCUMENT_BYTES, 67_108_864);
    let size = MAX_ESTATE_DOCUMENT_BYTES + 1;
    let e = Estate::from_json(&doc_of(size)).unwrap_err();
    assert_eq!(
        (e.code(), e.path(), e.to_string()),
        (
            "document_too_large",
            "$",
            format!("$: a document of {size} bytes; at most 67108864 are read")
        )
    );
    // An estate over the other loaders' limit is read: 64,000 units (about 35 MB).
    let unit = |i: usize| {
        format!(
            r#"{{"id":"U{i}","building_id":"B1","floor":1,"number":"{i}","kind":"residential","gross_area":"89.50","internal_area":"72.36","occupants":1,"status":"occupied","status_since":"2024-08-01","delivered_on":"2024-06-01"}}"#
        )
    };
    let meter = |i: usize, k: &str| {
        format!(
            r#"{{"id":"{k}{i}","unit_id":"U{i}","kind":"{k}","multiplier":"1","readings":[{{"date":"2026-09-30","value":"120.0"}},{{"date":"2026-10-31","value":"128.0"}}]}}"#
        )
    };
    let n = 64_000;
    let units: Vec<String> = (0..n).map(unit).collect();
    let meters: Vec<String> = (0..n)
        .flat_map(|i| [meter(i, "water"), meter(i, "electricity")])
        .collect();
    let text = format!(
        r#"{{"format_version":1,"id":"big","name":"Big","currency":"CNY","rounding":{{"scale":2,"mode":"half_up"}},"buildings":[{{"id":"B1","name":"1"}}],"units":[{}],"meters":[{}]}}"#,
        units.join(","),
        meters.join(",")
    );
    assert!(text.len() > MAX_DOCUMENT_BYTES, "{}", text.len());
    let estate = Estate::from_json(&text).unwrap();
    assert_eq!(estate.units().len(), n);
}

#[test]
fn documents_at_the_limit_are_parsed() {
    // Exactly the limit: read, and refused for what it says (an unknown field or a
    // missing one), not for its size.
    for (name, code, _, text) in outcomes(&doc_of(MAX_DOCUMENT_BYTES)) {
        assert_ne!(code, "document_too_large", "{name}: {text}");
    }
}

/// A ledger of `n` charges (no payments), compact, as a hand-written document.
fn big_ledger(n: usize) -> String {
    let charges: Vec<String> = (0..n)
        .map(|i| {
            format!(r#"{{"id":"c{i}","item_code":"m","due":"2026-09-15","principal":"1.00"}}"#)
        })
        .collect();
    format!(
        r#"{{"format_version":2,"unit_id":"1-101","rounding":{{"scale":2,"mode":"half_up"}},"order":"penalty_first","charges":[{}],"payments":[],"prepaid":"0.00"}}"#,
        charges.join(",")
    )
}

#[test]
fn large_ledgers_and_books_are_read_and_checked() {
    // Read without a tree of the document (no size limit; the Python test reads
    // 100 MB under a 2 GiB address space): every charge kept, and a contradiction in
    // the last one found at its path.
    let n = 30_000;
    let text = big_ledger(n);
    let ledger = Ledger::from_json(&text).unwrap();
    assert_eq!(ledger.charges().len(), n);
    assert_eq!(
        ledger.charges()[n - 1].principal,
        rust_decimal::Decimal::new(100, 2)
    );
    // The last charge contradicted: found, at its path.
    let forged = text.replacen(
        &format!(r#""id":"c{}","item_code":"m","due":"2026-09-15","principal":"1.00""#, n - 1),
        &format!(
            r#""id":"c{}","item_code":"m","due":"2026-09-15","principal":"1.00","penalty_paid":"1.00""#,
            n - 1
        ),
        1,
    );
    let e = Ledger::from_json(&forged).unwrap_err();
    assert_eq!(
        (e.code(), e.path().to_owned(), e.to_string()),
        (
            "inconsistent_document",
            format!("charges[{}].penalty_paid", n - 1),
            format!(
                "charges[{}].penalty_paid: the document contradicts its history: the history gives \"0.00\", the document \"1.00\"",
                n - 1
            )
        )
    );
    let book = format!(
        r#"{{"format_version":1,"estate_id":"lakeside","rounding":{{"scale":2,"mode":"half_up"}},"order":"penalty_first","accounts":[{text}]}}"#
    );
    let book = Receivables::from_json(&book, &Estate::demo(), &FeeSchedule::demo()).unwrap();
    assert_eq!(book.account("1-101").unwrap().charges().len(), n);
}

#[test]
fn ledgers_and_books_have_their_own_limit() {
    use estatekit::MAX_LEDGER_DOCUMENT_BYTES;
    assert_eq!(MAX_LEDGER_DOCUMENT_BYTES, 67_108_864);
    let over = doc_of(MAX_LEDGER_DOCUMENT_BYTES + 1);
    let message = format!(
        "$: a document of {} bytes; at most 67108864 are read",
        MAX_LEDGER_DOCUMENT_BYTES + 1
    );
    let e = Ledger::from_json(&over).unwrap_err();
    assert_eq!(
        (e.code(), e.path(), e.to_string()),
        ("document_too_large", "$", message.clone())
    );
    let e = Receivables::from_json(&over, &Estate::demo(), &FeeSchedule::demo()).unwrap_err();
    assert_eq!(
        (e.code(), e.path(), e.to_string()),
        ("document_too_large", "$", message)
    );
    // At the limit: parsed (an unknown field), not refused for its size.
    let at = doc_of(MAX_LEDGER_DOCUMENT_BYTES);
    assert_eq!(Ledger::from_json(&at).unwrap_err().code(), "json");
    let e = Receivables::from_json(&at, &Estate::demo(), &FeeSchedule::demo()).unwrap_err();
    assert_eq!(e.code(), "json");
}

#[test]
fn seals_have_limits() {
    use estatekit::integrity::{MAX_SEALED_BYTES, seal, unseal};
    let key = b"0123456789abcdef";
    let over = doc_of(MAX_DOCUMENT_BYTES + 1);
    let e = seal(&over, key).unwrap_err();
    assert_eq!(
        (e.code(), e.path(), e.to_string()),
        (
            "document_too_large",
            "$",
            format!(
                "$: a document of {} bytes; at most 33554432 are read",
                MAX_DOCUMENT_BYTES + 1
            )
        )
    );
    assert_eq!(MAX_SEALED_BYTES, 67_108_864);
    let e = unseal(&doc_of(MAX_SEALED_BYTES + 1), key).unwrap_err();
    assert_eq!((e.code(), e.path()), ("document_too_large", "$"));
    // At the limit: read (an unknown field of a sealed text), not refused for its size.
    let e = unseal(&doc_of(MAX_SEALED_BYTES), key).unwrap_err();
    assert_eq!((e.code(), e.path()), ("json", "x"));
}
