//! A key register loaded from arbitrary JSON, or the example register driven by a
//! fuzzed sequence of operations (registering, counting in, lending, returning short,
//! losing, replacing locks, duplicates, hand-overs, retiring, stock-takes). A document
//! that loads re-serializes to a document that loads to the same register; every
//! failed operation leaves the register unchanged; a set is out exactly while one loan
//! of it is open; no set holds a negative or impossible count.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Duration, Utc};
use estatekit::estate::Estate;
use estatekit::keys::{
    Authorisation, KeyRegister, KeySetInput, KeySetKind, KeyStatus, LoanInput, Party,
};
use estatekit::registry::Registry;
use libfuzzer_sys::fuzz_target;

const MAX_STEPS: usize = 48;
const SETS: [&str; 5] = ["K-ROOF-1", "K-PUMP", "K-1-603", "K-1-101", "K-X"];
const UNITS: [&str; 4] = ["1-101", "1-603", "1-102", "9-999"];
const KINDS: [KeySetKind; 3] = [
    KeySetKind::PublicRoom,
    KeySetKind::VacantUnit,
    KeySetKind::Entrusted,
];
const PARTIES: [Party; 4] = [Party::Owner, Party::Tenant, Party::Staff, Party::Contractor];

fn checked(reg: &KeyRegister) {
    let json = reg.to_json();
    let back = KeyRegister::from_json(&json).expect("own JSON loads");
    assert_eq!(&back, reg);
    assert_eq!(back.to_json(), json, "JSON not stable");
    for s in reg.key_sets() {
        let open: Vec<_> = reg
            .loans()
            .iter()
            .filter(|l| l.input.key_set_id == s.input.id && l.returned_at.is_none())
            .collect();
        assert!(open.len() <= 1, "two open loans of {}", s.input.id);
        assert_eq!(s.status == KeyStatus::Out, open.len() == 1);
        assert_eq!(
            s.loan_id.as_deref(),
            open.first().map(|l| l.input.id.as_str())
        );
        if let Some(l) = open.first() {
            assert!(l.input.count <= s.count, "more keys out than the set has");
        }
        // Lost: no key left; no key left: lost, or retired after it was.
        assert!(
            s.status != KeyStatus::Lost || s.count == 0,
            "{}: lost with keys",
            s.input.id
        );
        assert!(
            s.count > 0 || matches!(s.status, KeyStatus::Lost | KeyStatus::Destroyed),
            "{}: no key but {}",
            s.input.id,
            s.status
        );
    }
    for l in reg.losses() {
        let charge = reg.loss_charge(&l.id).expect("a recorded loss");
        assert!(charge.is_none() || !l.is_claim());
    }
    let _ = reg.overdue("2027-01-01T00:00:00Z".parse().expect("a literal time"));
}

fn step(
    reg: &mut KeyRegister,
    registry: &Registry,
    estate: &Estate,
    t: &mut DateTime<Utc>,
    u: &mut Unstructured<'_>,
) -> arbitrary::Result<()> {
    *t = match u.int_in_range(0u8..=7)? {
        0 => *t - Duration::hours(i64::from(u.int_in_range(1u16..=100)?)),
        _ => *t + Duration::minutes(i64::from(u.int_in_range(0u32..=3000)?)),
    };
    let set = (*u.choose(&SETS)?).to_owned();
    let n = u.int_in_range(0u32..=4)?;
    let before = reg.clone();
    let at = *t;
    let loan_id = format!("L-{}", u.int_in_range(1u8..=4)?);
    let r: Result<(), _> = match u.int_in_range(0u8..=10)? {
        0 => {
            let mut k = KeySetInput::new(&set, *u.choose(&KINDS)?, "x", "S-1", n);
            if bool::arbitrary(u)? {
                k.unit_id = Some((*u.choose(&UNITS)?).into());
            }
            if bool::arbitrary(u)? {
                k.lock_replacement = Some(estatekit_fuzz::decimal(u)?);
            }
            reg.register(estate, k, "李主管", at).map(|_| ())
        }
        1 => reg.take_into_custody(&set, n, "李主管", at).map(|_| ()),
        2 | 3 => {
            let loan = LoanInput {
                id: loan_id,
                key_set_id: set,
                borrower: "借用人".into(),
                party: *u.choose(&PARTIES)?,
                unit_id: if bool::arbitrary(u)? {
                    Some((*u.choose(&UNITS)?).into())
                } else {
                    None
                },
                id_checked: u.ratio(7u8, 8)?,
                authorisation: if bool::arbitrary(u)? {
                    Authorisation::Manager {
                        name: "周经理".into(),
                    }
                } else {
                    Authorisation::Owner {
                        person_id: (*u.choose(&["P-WANG", "P-X"])?).into(),
                    }
                },
                reason: "维修".into(),
                count: n,
                due: if u.ratio(1u8, 4)? {
                    Some(at + Duration::minutes(i64::from(u.int_in_range(0u32..=3000)?) - 60))
                } else {
                    None
                },
            };
            let reg_opt = if bool::arbitrary(u)? {
                Some(registry)
            } else {
                None
            };
            reg.lend(loan, reg_opt, "小陈", at).map(|_| ())
        }
        4 | 5 => reg.return_loan(&loan_id, n, "小陈", at).map(|_| ()),
        6 => reg
            .report_lost(&set, n, *u.choose(&PARTIES)?, "某人", "李主管", at)
            .map(|_| ()),
        7 => reg.replace_lock(&set, n, "李主管", at).map(|_| ()),
        8 => reg.add_duplicates(&set, n, "李主管", at).map(|_| ()),
        9 => reg.destroy(&set, "报废", "李主管", at).map(|_| ()),
        _ => {
            let counts: Vec<(String, u32)> = (0..u.int_in_range(0u8..=4)?)
                .map(|_| Ok(((*u.choose(&SETS)?).to_owned(), u.int_in_range(0u32..=5)?)))
                .collect::<arbitrary::Result<_>>()?;
            reg.stock_take(&counts, "李主管", at).map(|st| {
                for l in &st.lines {
                    assert_eq!(
                        l.difference,
                        l.counted.map(|c| i64::from(c) - i64::from(l.expected))
                    );
                }
            })
        }
    };
    match r {
        Ok(()) => checked(reg),
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            assert_eq!(
                &before, reg,
                "a failed operation ({e}) changed the register"
            );
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        let text = estatekit_fuzz::text(data);
        match KeyRegister::from_json(&text) {
            Ok(reg) => checked(&reg),
            Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        }
        return;
    }
    let Ok((mut reg, registry)) = KeyRegister::example_with_registry() else {
        panic!("the example builds");
    };
    let estate = Estate::demo();
    let mut u = Unstructured::new(data);
    let mut t: DateTime<Utc> = "2026-11-03T03:00:00Z".parse().expect("a literal time");
    for _ in 0..MAX_STEPS {
        if u.is_empty() || step(&mut reg, &registry, &estate, &mut t, &mut u).is_err() {
            break;
        }
    }
    checked(&reg);
});
