//! A goods-release register loaded from arbitrary JSON, or the example register driven
//! by a fuzzed sequence of requests, approvals, refusals and checks at the gate. A
//! document that loads re-serializes to a document that loads to the same register;
//! every failed operation leaves the register unchanged; a permit is used at most
//! once, on its own day, with no item beyond its count.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Duration, Utc};
use estatekit::checkin::CheckinTemplate;
use estatekit::registry::{ArrearsCheck, Registry};
use estatekit::release::{GoodsRelease, Item, PermitState, Reason, ReleaseAction};
use libfuzzer_sys::fuzz_target;

const MAX_STEPS: usize = 48;
const PERMITS: [&str; 4] = ["GR-001", "GR-002", "GR-003", "GR-X"];
const PEOPLE: [&str; 3] = ["P-WANG", "P-SUN", "P-X"];
const ITEMS: [&str; 3] = ["冰箱", "纸箱", "沙发"];
const REASONS: [Reason; 4] = [
    Reason::MoveOut,
    Reason::Debris,
    Reason::Repair,
    Reason::Other,
];

fn checked(g: &GoodsRelease) {
    let json = g.to_json();
    let back = GoodsRelease::from_json(&json).expect("own JSON loads");
    assert_eq!(&back, g);
    assert_eq!(back.to_json(), json, "JSON not stable");
    for p in g.permits() {
        let uses = g
            .events()
            .iter()
            .filter(|e| matches!(&e.action, ReleaseAction::Use { permit_id, .. } if *permit_id == p.request.id))
            .count();
        assert_eq!(uses, usize::from(p.state == PermitState::Used), "used once");
        if let Some(t) = p.used_at {
            assert!(
                g.used_on(p.request.pass_date)
                    .iter()
                    .any(|q| q.request.id == p.request.id)
            );
            assert!(p.approved_by.is_some() && t >= p.requested_at);
        }
    }
}

fn items(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<Item>> {
    (0..u.int_in_range(0u8..=3)?)
        .map(|_| Ok(Item::new(u.choose(&ITEMS)?, u.int_in_range(0u32..=15)?)))
        .collect()
}

fn step(
    g: &mut GoodsRelease,
    registry: &Registry,
    t: &mut DateTime<Utc>,
    u: &mut Unstructured<'_>,
) -> arbitrary::Result<()> {
    *t = match u.int_in_range(0u8..=7)? {
        0 => *t - Duration::hours(i64::from(u.int_in_range(1u16..=100)?)),
        _ => *t + Duration::minutes(i64::from(u.int_in_range(0u32..=1500)?)),
    };
    let at = *t;
    let id = *u.choose(&PERMITS)?;
    let before = g.clone();
    let r: Result<(), _> = match u.int_in_range(0u8..=6)? {
        0 | 1 => {
            let mut r = GoodsRelease::example_request();
            r.id = id.into();
            r.applicant = (*u.choose(&PEOPLE)?).into();
            r.unit_id = (*u.choose(&["1-101", "1-102"])?).into();
            r.items = items(u)?;
            r.reason = *u.choose(&REASONS)?;
            r.whole_unit = bool::arbitrary(u)?;
            r.pass_date =
                (at + Duration::days(i64::from(u.int_in_range(0u8..=3)?) - 1)).date_naive();
            if bool::arbitrary(u)? {
                r.plate = None;
                r.window = None;
            }
            let arrears = ArrearsCheck::Amount(estatekit_fuzz::small(u)?);
            g.request(r, registry, arrears, "小陈", at).map(|_| ())
        }
        2 => {
            let by = if bool::arbitrary(u)? {
                Some(*u.choose(&PEOPLE)?)
            } else {
                None
            };
            g.approve(id, by, registry, "周经理", at).map(|_| ())
        }
        3 => g.refuse(id, "不符合规定", "周经理", at).map(|_| ()),
        4 => {
            let c = g.start_move_out(id, &CheckinTemplate::default_move_out(), registry);
            assert!(c.is_ok() || before == *g);
            Ok(())
        }
        _ => {
            let plate = *u.choose(&[Some("浙A12345"), Some("浙a 12345"), Some("浙B1"), None])?;
            g.verify(id, plate, &items(u)?, "保安 刘", at).map(|_| ())
        }
    };
    match r {
        Ok(()) => checked(g),
        Err(e) => {
            assert!(!e.path().is_empty(), "error without a path: {e}");
            assert_eq!(&before, g, "a failed operation ({e}) changed the register");
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&b'{') {
        let text = estatekit_fuzz::text(data);
        match GoodsRelease::from_json(&text) {
            Ok(g) => checked(&g),
            Err(e) => assert!(!e.path().is_empty(), "error without a path: {e}"),
        }
        return;
    }
    let Ok((mut g, registry)) = GoodsRelease::example() else {
        panic!("the example builds");
    };
    let mut u = Unstructured::new(data);
    let mut t: DateTime<Utc> = "2026-12-04T03:00:00Z".parse().expect("a literal time");
    for _ in 0..MAX_STEPS {
        if u.is_empty() || step(&mut g, &registry, &mut t, &mut u).is_err() {
            break;
        }
    }
    checked(&g);
});
