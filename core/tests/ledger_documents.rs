//! Ledger and book documents that cannot lie: every figure a document states must
//! agree with its own history, documents of the earlier format are rebuilt from
//! their history, and a sealed document detects any edit.

#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use estatekit::estate::Estate;
use estatekit::fees::calc::PenaltyPolicy;
use estatekit::fees::ledger::{ChargeInput, Ledger, PaymentOrder};
use estatekit::fees::receivables::{PaymentRow, Receivables};
use estatekit::fees::schedule::FeeSchedule;
use estatekit::integrity::{seal, unseal};
use estatekit::money::RoundingPolicy;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("test decimal")
}

/// Two management fees with a penalty clause, a payment that settles the first and
/// part of the second, a waiver, a garbage fee, a payment that leaves money prepaid.
fn ledger() -> Ledger {
    let mut l = Ledger::new(
        "1-101",
        RoundingPolicy::default(),
        PaymentOrder::PenaltyFirst,
    );
    let pen = || PenaltyPolicy::daily(dec("0.0005"));
    l.add_charge(
        ChargeInput::new(
            "2026-09/management",
            "management",
            d("2026-09-15"),
            dec("331.15"),
        )
        .with_penalty(pen()),
        d("2026-09-01"),
    )
    .unwrap();
    l.add_charge(
        ChargeInput::new(
            "2026-10/management",
            "management",
            d("2026-10-15"),
            dec("331.15"),
        )
        .with_penalty(pen()),
        d("2026-10-01"),
    )
    .unwrap();
    l.pay("R1", dec("400.00"), d("2026-10-15")).unwrap();
    l.waive("2026-10/management", None, "goodwill", d("2026-10-20"))
        .unwrap();
    l.add_charge(
        ChargeInput::new("2026-11/garbage", "garbage", d("2026-11-15"), dec("15.00")),
        d("2026-11-01"),
    )
    .unwrap();
    l.pay("R2", dec("400.00"), d("2026-11-10")).unwrap();
    l
}

fn value(l: &Ledger) -> Value {
    serde_json::from_str(&l.to_json()).unwrap()
}

#[test]
fn a_document_of_the_earlier_format_is_rebuilt_from_its_history() {
    let l = ledger();
    assert_eq!(l.prepaid(), dec("114.93"));
    // Written by an earlier release: no format_version, and a prepaid balance that
    // the history does not give. It is rebuilt, not trusted.
    let mut v = value(&l);
    let o = v.as_object_mut().unwrap();
    o.remove("format_version");
    o.insert("prepaid".into(), Value::String("614.93".into()));
    let back = Ledger::from_json(&v.to_string()).unwrap();
    assert_eq!(back, l);
    let (paid, principal, penalty, prepaid) = back.money_flow();
    assert_eq!(
        (paid, principal + penalty + prepaid, prepaid),
        (dec("800.00"), dec("800.00"), dec("114.93"))
    );
    // The same edit in a document of the current format is a contradiction.
    let mut v = value(&l);
    v["prepaid"] = Value::String("614.93".into());
    let e = Ledger::from_json(&v.to_string()).unwrap_err();
    assert_eq!((e.code(), e.path()), ("inconsistent_document", "prepaid"));
    assert!(e.to_string().contains("\"114.93\""), "{e}");
}

#[test]
fn a_history_only_document_is_completed_from_its_history() {
    let l = ledger();
    // Only the history: charges as posted, payments, waivers; no derived figure.
    let mut v = value(&l);
    for c in v["charges"].as_array_mut().unwrap() {
        let c = c.as_object_mut().unwrap();
        for k in ["principal_payments", "penalty_paid", "penalty_waived"] {
            c.remove(k);
        }
    }
    for p in v["payments"].as_array_mut().unwrap() {
        let p = p.as_object_mut().unwrap();
        p.remove("applied");
        p.remove("to_prepaid");
    }
    v["prepaid"] = Value::String("114.93".into());
    assert_eq!(Ledger::from_json(&v.to_string()).unwrap(), l);
    // A figure written as "0" where the history gives "0.00" agrees.
    let mut v = value(&l);
    v["charges"][2]["penalty_paid"] = Value::String("0".into());
    assert_eq!(Ledger::from_json(&v.to_string()).unwrap(), l);
}

#[test]
fn a_sealed_ledger_and_book_detect_any_edit() {
    let key = b"property office key, 32 bytes ok";
    let l = ledger();
    let sealed = seal(&l.to_json(), key).unwrap();
    assert_eq!(
        Ledger::from_json(&unseal(&sealed, key).unwrap()).unwrap(),
        l
    );
    // Any one-byte edit of a digit of the document: the seal breaks.
    let digits: Vec<usize> = sealed
        .char_indices()
        .take_while(|&(i, _)| !sealed[i..].starts_with("\"hmac_sha256\""))
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    assert!(digits.len() > 100);
    for &i in &digits {
        let mut edited = sealed.clone().into_bytes();
        edited[i] = if edited[i] == b'9' {
            b'0'
        } else {
            edited[i] + 1
        };
        let edited = String::from_utf8(edited).unwrap();
        let e = unseal(&edited, key).unwrap_err();
        assert_eq!(e.code(), "seal_mismatch", "digit at {i}");
    }
    // A book, sealed with another key: refused.
    let (estate, schedule) = (Estate::demo(), FeeSchedule::demo());
    let mut book = Receivables::new(&estate, &schedule, PaymentOrder::PenaltyFirst);
    book.apply_payments(&[PaymentRow::new(
        "1-101",
        dec("100.00"),
        d("2026-11-05"),
        "B-1",
    )]);
    let sealed = seal(&book.to_json(), key).unwrap();
    let back = Receivables::from_json(&unseal(&sealed, key).unwrap(), &estate, &schedule);
    assert_eq!(back.unwrap(), book);
    assert_eq!(
        unseal(&sealed, b"the key of another office")
            .unwrap_err()
            .code(),
        "seal_mismatch"
    );
}

/// Paths of the figures a ledger document states that its history determines.
fn stated_figures(v: &Value) -> Vec<(Vec<String>, String)> {
    let mut out = vec![(vec!["prepaid".to_string()], "prepaid".to_string())];
    for (i, _) in v["charges"].as_array().unwrap().iter().enumerate() {
        for f in ["penalty_paid", "penalty_waived"] {
            out.push((
                vec!["charges".into(), i.to_string(), f.into()],
                format!("charges[{i}].{f}"),
            ));
        }
    }
    for (j, p) in v["payments"].as_array().unwrap().iter().enumerate() {
        out.push((
            vec!["payments".into(), j.to_string(), "to_prepaid".into()],
            format!("payments[{j}].to_prepaid"),
        ));
        for (k, _) in p["applied"].as_array().unwrap().iter().enumerate() {
            out.push((
                vec![
                    "payments".into(),
                    j.to_string(),
                    "applied".into(),
                    k.to_string(),
                    "principal".into(),
                ],
                format!("payments[{j}].applied[{k}].principal"),
            ));
        }
    }
    out
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match k.parse::<usize>() {
        Ok(i) => &mut v[i],
        Err(_) => &mut v[k.as_str()],
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any ledger the operations build loads back equal, and a cent added to any
    /// figure it states is refused, naming that figure.
    #[test]
    fn a_cent_added_to_any_stated_figure_is_refused(
        charges in prop::collection::vec((0i64..60, 0i64..20, 1i64..90_000), 1..5),
        payments in prop::collection::vec((0i64..120, 1i64..80_000), 1..5),
        pick in any::<prop::sample::Index>(),
    ) {
        let day = |n: i64| d("2026-01-01") + Duration::days(n);
        let mut l = Ledger::new("1-101", RoundingPolicy::default(), PaymentOrder::PenaltyFirst);
        for (i, &(issue, after, cents)) in charges.iter().enumerate() {
            l.add_charge(
                ChargeInput::new(format!("c{i}"), "fee", day(issue + after), Decimal::new(cents, 2))
                    .with_penalty(PenaltyPolicy::daily(dec("0.0005"))),
                day(issue),
            ).unwrap();
        }
        for (j, &(date, cents)) in payments.iter().enumerate() {
            l.pay(&format!("p{j}"), Decimal::new(cents, 2), day(date)).unwrap();
        }
        prop_assert_eq!(&Ledger::from_json(&l.to_json()).unwrap(), &l);
        let v = value(&l);
        let figures = stated_figures(&v);
        let (path, name) = &figures[pick.index(figures.len())];
        let mut edited = v.clone();
        let slot = at(&mut edited, path);
        let was: Decimal = slot.as_str().unwrap().parse().unwrap();
        *slot = Value::String((was + dec("0.01")).to_string());
        let e = Ledger::from_json(&edited.to_string()).unwrap_err();
        prop_assert_eq!((e.code(), e.path()), ("inconsistent_document", name.as_str()));
    }
}

#[test]
fn a_ledger_needs_a_unit_id_when_opened_as_when_read() {
    for blank in ["", "  ", "\u{3000}"] {
        let e = Ledger::open(blank, RoundingPolicy::default(), PaymentOrder::default())
            .expect_err("an empty unit id");
        assert_eq!(
            (e.code(), e.path(), e.to_string()),
            (
                "empty_field",
                "unit_id",
                "unit_id: a ledger needs a unit id".to_owned()
            )
        );
    }
    let l = Ledger::open("1-101", RoundingPolicy::default(), PaymentOrder::default()).unwrap();
    let saved = l.to_json().replace("\"1-101\"", "\"  \"");
    assert_eq!(Ledger::from_json(&saved).unwrap_err().path(), "unit_id");
    let panicked = std::panic::catch_unwind(|| {
        Ledger::new("", RoundingPolicy::default(), PaymentOrder::default())
    });
    assert!(
        panicked.is_err(),
        "Ledger::new documents a panic for an empty id"
    );
}
