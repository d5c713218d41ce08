//! Registry JSON: any text either fails with a typed error naming a path, or parses to
//! a registry that re-serializes to an equal one. On a registry that loads, consent is
//! asked for every role's person on its first and last day and the day after (a
//! result or `no_consent`, never a panic; an owner's own role grants it), every role's
//! person moves out and the unit is transferred to its first person: each operation
//! either succeeds or fails leaving the registry unchanged, and the registry still
//! round-trips.
#![no_main]
use estatekit::estate::Estate;
use estatekit::registry::{ArrearsCheck, OccupantRole, Registry};
use estatekit_fuzz::{assert_round_trip, text};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static ESTATE: LazyLock<Estate> = LazyLock::new(Estate::demo);
/// Operations tried per document at most (each compares the whole registry).
const MAX_OPS: usize = 32;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    let mut r = match Registry::from_json(&text) {
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            assert!(!e.code().is_empty());
            return;
        }
        Ok(r) => r,
    };
    assert_round_trip!(r, Registry::to_json, |s: &str| Registry::from_json(s));
    if let Err(e) = r.validate_against(&ESTATE) {
        assert!(matches!(e.code(), "mismatch" | "unknown_unit"), "{e}");
    }
    let roles: Vec<_> = r.roles().iter().take(MAX_OPS).cloned().collect();
    for role in &roles {
        let last = role.last_day().unwrap_or(role.from);
        for on in [Some(role.from), Some(last), last.succ_opt()]
            .into_iter()
            .flatten()
        {
            match r.may_consent(&role.unit_id, &role.person_id, on) {
                Ok(_) => {}
                Err(e) => {
                    assert_eq!(e.code(), "no_consent", "{e}");
                    assert!(
                        !(role.role.is_ownership() && role.covers(on)),
                        "an owner's role covering {on} did not grant consent"
                    );
                }
            }
        }
    }
    for role in &roles {
        let before = r.clone();
        if r.move_out(&role.unit_id, &role.person_id, role.from)
            .is_err()
        {
            assert_eq!(r, before, "a failed move-out changed the registry");
        }
        let before = r.clone();
        let on = role.from.succ_opt().unwrap_or(role.from);
        match r.transfer(
            &role.unit_id,
            &[&role.person_id],
            on,
            ArrearsCheck::Amount(0.into()),
        ) {
            Err(e) => {
                assert!(!e.path().is_empty(), "error without a path: {e}");
                assert_eq!(r, before, "a failed transfer changed the registry");
            }
            Ok(t) => {
                let owners: Vec<_> = r
                    .occupants(&role.unit_id, on)
                    .into_iter()
                    .filter(|x| x.role == OccupantRole::Owner)
                    .map(|x| x.person_id.clone())
                    .collect();
                assert_eq!(owners, [t.to[0].clone()], "one owner after a transfer");
            }
        }
    }
    assert_round_trip!(r, Registry::to_json, |s: &str| Registry::from_json(s));
});
