//! Properties of decoration management: the deposit's settlement conserves money,
//! and no sequence of operations reaches a refund without an accepted inspection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use estatekit::decoration::*;
use estatekit::estate::Estate;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The example's renovation, works started, under a policy with this deposit and
/// pass replacement.
fn started(deposit: Decimal, pass: Decimal) -> (Decorations, Estate, String) {
    let (_, estate, registry) = Decorations::example_setup().unwrap();
    let mut p = DecorationPolicy::default_policy();
    p.deposit = deposit;
    p.pass_replacement = pass;
    let mut d = Decorations::new(&estate, p).unwrap();
    let id = d
        .submit(
            &estate,
            &registry,
            Decorations::example_submission(),
            "小陈",
            Role::CustomerService,
            at("2026-11-02T02:00:00Z"),
        )
        .unwrap()
        .id()
        .to_owned();
    d.approve(
        &id,
        &estate,
        "周经理",
        Role::Manager,
        at("2026-11-03T02:00:00Z"),
    )
    .unwrap();
    d.record_fees_paid(
        &id,
        "RC-1",
        "钱会计",
        Role::Finance,
        at("2026-11-04T02:00:00Z"),
    )
    .unwrap();
    if deposit > Decimal::ZERO {
        d.record_deposit(
            &id,
            deposit,
            "RC-2",
            "钱会计",
            Role::Finance,
            at("2026-11-04T02:00:00Z"),
        )
        .unwrap();
    }
    d.start_works(
        &id,
        &estate,
        "小陈",
        Role::CustomerService,
        at("2026-11-09T01:00:00Z"),
    )
    .unwrap();
    (d, estate, id)
}

fn cents(max: i64) -> impl Strategy<Value = Decimal> {
    (0..=max).prop_map(|c| Decimal::new(c, 2))
}

fn liable() -> impl Strategy<Value = Liable> {
    prop_oneof![
        Just(Liable::Owner),
        Just(Liable::Contractor),
        Just(Liable::Staff)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// deposit = refund + deducted; deductions = deducted + shortfall; shortfall =
    /// the unit's charge + the contractor's claim; staff damage is a claim, never a
    /// deduction; the refund is never negative.
    #[test]
    fn settlement_conserves_money(
        deposit in cents(500_000),
        pass in cents(5_000),
        damages in proptest::collection::vec((liable(), cents(300_000)), 0..6),
        returned in proptest::collection::vec(any::<bool>(), 2),
    ) {
        let (mut d, _, id) = started(deposit, pass);
        let mut t = at("2026-11-10T02:00:00Z");
        for (l, a) in &damages {
            d.record_violation(&id, ViolationInput { code: "common_area_damage".into(), liable: *l, amount: Some(*a), note: None }, "吴工", Role::Engineer, t).unwrap();
        }
        let n = d.renovation(&id).unwrap().violations().len();
        for v in 1..=n {
            t += Duration::minutes(1);
            d.rectify_violation(&id, &format!("V{v}"), "吴工", Role::Engineer, t).unwrap();
        }
        let passes: Vec<&str> = ["P-001", "P-002"].iter().zip(&returned).filter(|(_, r)| **r).map(|(p, _)| *p).collect();
        d.return_passes(&id, &passes, "小陈", Role::CustomerService, at("2026-12-01T02:00:00Z")).unwrap();
        d.report_completion(&id, "小陈", Role::CustomerService, at("2026-12-01T03:00:00Z")).unwrap();
        d.inspect(&id, true, None, "吴工", Role::Engineer, at("2026-12-02T02:00:00Z")).unwrap();
        let s = d.settle_deposit(&id, None, "钱会计", Role::Finance, at("2026-12-03T02:00:00Z")).unwrap();
        let total: Decimal = s.deductions.iter().map(|x| x.amount).sum();
        prop_assert_eq!(s.deposit, s.refund + s.deducted);
        prop_assert_eq!(total, s.deducted + s.shortfall);
        prop_assert_eq!(s.shortfall, s.shortfall_charge + s.contractor_claim);
        prop_assert!(s.refund >= Decimal::ZERO && s.shortfall >= Decimal::ZERO);
        prop_assert!(s.deductions.iter().all(|x| x.liable != Liable::Staff));
        let staff: Decimal = damages.iter().filter(|(l, a)| *l == Liable::Staff && *a > Decimal::ZERO).map(|(_, a)| *a).sum();
        prop_assert_eq!(s.claims.iter().map(|x| x.amount).sum::<Decimal>(), staff);
        let contractor: Decimal = s.deductions.iter().filter(|x| x.liable == Liable::Contractor).map(|x| x.amount).sum();
        prop_assert!(s.contractor_claim <= contractor);
        // The contractor's side is taken first: the owner is charged only what the
        // deposit left after it.
        let owner: Decimal = total - contractor;
        let left_for_owner = (s.deposit - contractor).max(Decimal::ZERO);
        prop_assert_eq!(s.shortfall_charge, owner - owner.min(left_for_owner));
        prop_assert_eq!(s.contractor_claim, contractor - contractor.min(s.deposit));
        let unreturned = returned.iter().filter(|r| !**r).count();
        let pass_items = s.deductions.iter().filter(|x| x.kind == DeductionKind::UnreturnedPass).count();
        prop_assert_eq!(pass_items, if pass > Decimal::ZERO { unreturned } else { 0 });
        prop_assert_eq!(d.shortfall_charge(&id).unwrap().map(|c| c.amount), (s.shortfall_charge > Decimal::ZERO).then_some(s.shortfall_charge));
        prop_assert_eq!(&Decorations::from_json(&d.to_json()).unwrap(), &d);
    }

    /// Any sequence of operations, by any role: a settlement or a closure always
    /// follows an accepted inspection in the log, every state reached replays from
    /// the JSON, and at most one renovation per unit is open.
    #[test]
    fn no_refund_without_acceptance(ops in proptest::collection::vec((0usize..14, 0usize..5), 0..40)) {
        let (mut d, estate, id) = started(Decimal::new(200_000, 2), Decimal::new(2_000, 2));
        let roles = [Role::CustomerService, Role::Manager, Role::Engineer, Role::Security, Role::Finance];
        let mut t = at("2026-11-10T02:00:00Z");
        for (op, r) in ops {
            t += Duration::hours(7);
            let role = roles[r];
            let _ = match op {
                0 => d.suspend(&id, "整改", "x", role, t).map(|_| ()),
                1 => d.resume(&id, "x", role, t).map(|_| ()),
                2 => d.extend(&id, (t + Duration::days(120)).date_naive(), "延期", "x", role, t).map(|_| ()),
                3 => d.report_completion(&id, "x", role, t).map(|_| ()),
                4 => d.inspect(&id, false, None, "x", role, t).map(|_| ()),
                5 => d.inspect(&id, true, None, "x", role, t).map(|_| ()),
                6 => d.record_violation(&id, ViolationInput { code: "noise_outside_hours".into(), liable: Liable::Owner, amount: None, note: None }, "x", role, t).map(|_| ()),
                7 => d.rectify_violation(&id, "V1", "x", role, t).map(|_| ()),
                8 => d.settle_deposit(&id, None, "x", role, t).map(|_| ()),
                9 => d.close(&id, "TR", "x", role, t).map(|_| ()),
                10 => d.return_passes(&id, &["P-001"], "x", role, t).map(|_| ()),
                11 => d.start_works(&id, &estate, "x", role, t).map(|_| ()),
                12 => d.reject(&id, "no", "x", role, t).map(|_| ()),
                _ => d.approve(&id, &estate, "x", role, t).map(|_| ()),
            };
            let ren = d.renovation(&id).unwrap();
            let names: Vec<&str> = ren.events().iter().map(|e| e.action.name()).collect();
            if let Some(settle) = names.iter().position(|n| *n == "settle_deposit") {
                let accepted = ren.events()[..settle].iter().any(|e| matches!(e.action, Action::Inspect { passed: true, .. }));
                prop_assert!(accepted);
            }
            if matches!(ren.state(), State::DepositSettled | State::Closed) {
                prop_assert!(names.contains(&"settle_deposit"));
            }
        }
        prop_assert_eq!(&Decorations::from_json(&d.to_json()).unwrap(), &d);
    }
}
