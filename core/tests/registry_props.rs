//! Registry invariants over random sequences of operations: consent is never granted
//! outside a covering owner, co-owner or consenting tenant role; a unit never has two
//! owners on a day; a failed operation changes nothing; to_json → from_json restores
//! exactly.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use estatekit::registry::{
    ArrearsCheck, ConsentBasis, OccupantRole, Person, Registry, RoleRecord, Vehicle,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const UNITS: [&str; 3] = ["1-101", "1-102", "2-201"];
const PERSONS: usize = 5;

fn day(n: u16) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days(i64::from(n))
}

/// One operation: (kind, unit, person, second person, day, length, flag).
type Op = (u8, usize, usize, usize, u16, u16, bool);

fn apply(r: &mut Registry, op: Op) {
    let (kind, unit, p, q, start, len, flag) = op;
    let unit = UNITS[unit % UNITS.len()];
    let p = format!("P{}", p % PERSONS);
    let q = format!("P{}", q % PERSONS);
    let before = r.clone();
    let res = match kind % 6 {
        0 | 1 => {
            let role = OccupantRole::ALL[usize::from(len) % 4];
            let mut rec = RoleRecord::new(unit, &p, role, day(start));
            if role == OccupantRole::Tenant {
                rec = RoleRecord::tenant(
                    unit,
                    &p,
                    day(start),
                    day(start + len),
                    flag.then(|| format!("C-{start}")),
                );
            } else if flag {
                rec.to = Some(day(start + len));
            }
            r.add_role(rec)
        }
        2 => r.move_out(unit, &p, day(start)),
        3 => {
            let to: Vec<&str> = if p == q {
                vec![p.as_str()]
            } else {
                vec![p.as_str(), q.as_str()]
            };
            let owed = if flag {
                Decimal::ZERO
            } else {
                Decimal::new(i64::from(len), 2)
            };
            r.transfer(unit, &to, day(start), ArrearsCheck::Amount(owed))
                .map(|_| ())
        }
        4 => r.add_vehicle(Vehicle::new(format!("京A {}", len % 7), &p, unit)),
        _ => {
            let mut person = Person::new(format!("X{}", len % 3), "新人");
            if flag {
                person.id_ref = Some(format!("1101051949123100{:02}", len % 100));
            }
            r.add_person(person)
        }
    };
    if res.is_err() {
        assert_eq!(
            *r, before,
            "a failed operation changed the registry: {op:?}"
        );
    }
}

fn registry(ops: &[Op]) -> Registry {
    let mut r = Registry::new("lakeside");
    for i in 0..PERSONS {
        r.add_person(Person::new(format!("P{i}"), format!("人{i}")))
            .unwrap();
    }
    for op in ops {
        apply(&mut r, *op);
    }
    r
}

fn op() -> impl Strategy<Value = Op> {
    (
        any::<u8>(),
        0usize..3,
        0usize..PERSONS,
        0usize..PERSONS,
        0u16..900,
        0u16..400,
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn consent_only_within_a_role(ops in proptest::collection::vec(op(), 0..40),
                                  probes in proptest::collection::vec((0usize..3, 0usize..PERSONS, 0u16..1400), 1..20)) {
        let r = registry(&ops);
        for (unit, p, on) in probes {
            let unit = UNITS[unit];
            let p = format!("P{p}");
            let on = day(on);
            let covering: Vec<&RoleRecord> = r
                .roles()
                .iter()
                .filter(|x| x.unit_id == unit && x.person_id == p && x.covers(on))
                .collect();
            match r.may_consent(unit, &p, on) {
                Ok(ConsentBasis::Owner) => prop_assert!(covering.iter().any(|x| x.role == OccupantRole::Owner)),
                Ok(ConsentBasis::CoOwner) => prop_assert!(covering.iter().any(|x| x.role == OccupantRole::CoOwner)),
                Ok(ConsentBasis::Tenant { consent_ref }) => prop_assert!(covering.iter().any(|x|
                    x.role == OccupantRole::Tenant && x.consent_ref.as_deref() == Some(consent_ref.as_str()))),
                Err(e) => {
                    prop_assert_eq!(e.code(), "no_consent");
                    prop_assert!(!covering.iter().any(|x| x.role.is_ownership() || x.consent_ref.is_some()));
                }
            }
            let owners = r.occupants(unit, on).iter().filter(|x| x.role == OccupantRole::Owner).count();
            prop_assert!(owners <= 1, "{} owners of {} on {}", owners, unit, on);
        }
    }

    #[test]
    fn json_round_trip(ops in proptest::collection::vec(op(), 0..40)) {
        let r = registry(&ops);
        let json = r.to_json();
        let again = Registry::from_json(&json).unwrap();
        prop_assert_eq!(&again, &r);
        prop_assert_eq!(again.to_json(), json);
    }
}
