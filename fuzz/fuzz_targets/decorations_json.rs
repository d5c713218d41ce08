//! A decoration register loaded from arbitrary JSON, or the example renovation driven
//! by a fuzzed sequence of operations. A document that loads re-serializes to a
//! document that loads to the same register; every failed operation leaves the
//! register unchanged; every state reached round-trips through JSON; the deposit's
//! settlement conserves money; no renovation is settled without an accepted inspection.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Duration, Utc};
use estatekit::decoration::{
    Action, DecorationPolicy, Decorations, Liable, Role, State, ViolationInput,
};
use estatekit::estate::Estate;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

const MAX_STEPS: usize = 64;
const CODES: [&str; 4] = [
    "noise_outside_hours",
    "unapproved_facade_change",
    "common_area_damage",
    "nope",
];
const ROLES: [Role; 5] = [
    Role::CustomerService,
    Role::Manager,
    Role::Engineer,
    Role::Security,
    Role::Finance,
];

fn checked(d: &Decorations) {
    let json = d.to_json();
    let back = Decorations::from_json(&json).expect("own JSON loads");
    assert_eq!(&back, d);
    assert_eq!(back.to_json(), json, "JSON not stable");
    for r in d.renovations() {
        if let Some(s) = r.settlement() {
            let total: Decimal = s.deductions.iter().map(|x| x.amount).sum();
            assert_eq!(s.deposit, s.refund + s.deducted);
            assert_eq!(total, s.deducted + s.shortfall);
            assert_eq!(s.shortfall, s.shortfall_charge + s.contractor_claim);
            assert!(s.refund >= Decimal::ZERO);
            let settle = r
                .events()
                .iter()
                .position(|e| matches!(e.action, Action::SettleDeposit { .. }))
                .expect("a settlement is in the log");
            assert!(
                r.events()[..settle]
                    .iter()
                    .any(|e| matches!(e.action, Action::Inspect { passed: true, .. }))
            );
        }
        if matches!(r.state(), State::Closed) {
            assert!(r.settlement().is_some());
        }
    }
    let open: Vec<_> = d
        .renovations()
        .iter()
        .filter(|r| r.state().is_open())
        .map(|r| r.unit_id())
        .collect();
    let mut dedup = open.clone();
    dedup.sort_unstable();
    dedup.dedup();
    assert_eq!(open.len(), dedup.len(), "two open renovations on a unit");
    let later: DateTime<Utc> = "2027-06-01T00:00:00Z".parse().expect("a literal time");
    let _ = d.statistics(later);
    let _ = d.overdue(later);
}

fn step(
    d: &mut Decorations,
    estate: &Estate,
    id: &str,
    t: &mut DateTime<Utc>,
    u: &mut Unstructured<'_>,
) -> arbitrary::Result<()> {
    *t = match u.int_in_range(0u8..=9)? {
        0 => *t - Duration::hours(i64::from(u.int_in_range(1u16..=500)?)),
        _ => *t + Duration::minutes(i64::from(u.int_in_range(0u32..=20_000)?)),
    };
    let role = *u.choose(&ROLES)?;
    let at = *t;
    let before = d.clone();
    let r: Result<(), _> = match u.int_in_range(0u8..=16)? {
        0 => d.suspend(id, "整改", "x", role, at).map(|_| ()),
        1 => d.resume(id, "x", role, at).map(|_| ()),
        2 => d
            .extend(
                id,
                (at + Duration::days(i64::from(u.int_in_range(0u8..=200)?))).date_naive(),
                "延期",
                "x",
                role,
                at,
            )
            .map(|_| ()),
        3 => d.report_completion(id, "x", role, at).map(|_| ()),
        4 => d
            .inspect(id, bool::arbitrary(u)?, None, "x", role, at)
            .map(|_| ()),
        5 => {
            let v = ViolationInput {
                code: (*u.choose(&CODES)?).into(),
                liable: *u.choose(&[Liable::Owner, Liable::Contractor, Liable::Staff])?,
                amount: if bool::arbitrary(u)? {
                    Some(estatekit_fuzz::decimal(u)?)
                } else {
                    None
                },
                note: None,
            };
            d.record_violation(id, v, "x", role, at).map(|_| ())
        }
        6 => d
            .rectify_violation(id, &format!("V{}", u.int_in_range(0u8..=4)?), "x", role, at)
            .map(|_| ()),
        7 => d.settle_deposit(id, None, "x", role, at).map(|_| ()),
        8 => d.close(id, "TR", "x", role, at).map(|_| ()),
        9 => d
            .return_passes(id, &[*u.choose(&["P-001", "P-002", "P-9"])?], "x", role, at)
            .map(|_| ()),
        10 => d.start_works(id, estate, "x", role, at).map(|_| ()),
        11 => d.reject(id, "no", "x", role, at).map(|_| ()),
        12 => d.approve(id, estate, "x", role, at).map(|_| ()),
        13 => d.record_fees_paid(id, "RC", "x", role, at).map(|_| ()),
        14 => d
            .record_deposit(id, estatekit_fuzz::decimal(u)?, "RC", "x", role, at)
            .map(|_| ()),
        15 => d
            .record_site_check(id, &String::arbitrary(u)?, "x", role, at)
            .map(|_| ()),
        _ => d.shortfall_charge(id).map(|_| ()),
    };
    match r {
        Ok(()) => checked(d),
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            assert_eq!(&before, d, "a failed operation ({e}) changed the register");
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        let text = estatekit_fuzz::text(data);
        match Decorations::from_json(&text) {
            Ok(d) => checked(&d),
            Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        }
        match DecorationPolicy::from_json(&text) {
            Ok(p) => assert_eq!(
                DecorationPolicy::from_json(&p.to_json()).expect("own JSON loads"),
                p
            ),
            Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        }
        return;
    }
    let Ok((mut d, id)) = Decorations::example() else {
        panic!("the example builds");
    };
    let estate = Estate::demo();
    let mut u = Unstructured::new(data);
    let mut t: DateTime<Utc> = "2026-11-09T02:00:00Z".parse().expect("a literal time");
    for _ in 0..MAX_STEPS {
        if u.is_empty() || step(&mut d, &estate, &id, &mut t, &mut u).is_err() {
            break;
        }
    }
    checked(&d);
});
