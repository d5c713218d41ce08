//! Properties of key custody: keys are conserved (a set's count is what it was
//! registered with, plus duplicates, less the keys lost, until a new lock), a set is
//! out exactly while one loan of it is open, retries change nothing, and every state
//! round-trips through JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use estatekit::keys::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Lend { set: usize, count: u32 },
    Return { loan: usize, back: u32 },
    Duplicate { set: usize, n: u32 },
    Lose { set: usize, n: u32 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..2, 1u32..4).prop_map(|(set, count)| Op::Lend { set, count }),
        (0usize..6, 0u32..4).prop_map(|(loan, back)| Op::Return { loan, back }),
        (0usize..2, 1u32..3).prop_map(|(set, n)| Op::Duplicate { set, n }),
        (0usize..2, 1u32..3).prop_map(|(set, n)| Op::Lose { set, n }),
    ]
}

const SETS: [&str; 2] = ["K-ROOF-1", "K-PUMP"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn keys_are_conserved_and_retries_change_nothing(ops in prop::collection::vec(op(), 1..40)) {
        let (mut reg, _) = KeyRegister::example_with_registry().unwrap();
        // Return the example's loan first: both sets in custody with two keys.
        reg.return_loan("L-1", 2, "小陈", "2026-11-03T03:00:00Z".parse().unwrap()).unwrap();
        let mut t: DateTime<Utc> = "2026-11-03T04:00:00Z".parse().unwrap();
        let mut added = [0u32; 2];
        let mut lost = [0u32; 2];
        let mut loans = 1usize;
        for o in ops {
            t += Duration::minutes(7);
            let before = reg.clone();
            let r = match o {
                Op::Lend { set, count } => {
                    let loan = LoanInput {
                        id: format!("L-{}", loans + 1),
                        key_set_id: SETS[set].into(),
                        borrower: "工程部 赵".into(),
                        party: Party::Staff,
                        unit_id: None,
                        id_checked: true,
                        authorisation: Authorisation::Manager { name: "周经理".into() },
                        reason: "巡检".into(),
                        count,
                        due: None,
                    };
                    let r = reg.lend(loan.clone(), None, "小陈", t).map(|_| ());
                    if r.is_ok() {
                        loans += 1;
                        let after = reg.clone();
                        prop_assert!(reg.lend(loan, None, "小陈", t + Duration::minutes(1)).is_ok());
                        prop_assert_eq!(&reg, &after, "a retried loan changed the register");
                    }
                    r
                }
                Op::Return { loan, back } => {
                    let id = format!("L-{}", 1 + loan % loans);
                    let n = reg.events().len();
                    let r = reg.return_loan(&id, back, "小陈", t).map(|_| ());
                    if r.is_ok() && reg.events().len() == n {
                        prop_assert_eq!(&reg, &before, "a retried return changed the register");
                    } else if r.is_ok() {
                        let l = reg.loan(&id).unwrap();
                        let i = SETS.iter().position(|s| *s == l.input.key_set_id).unwrap();
                        lost[i] += l.input.count - back;
                    }
                    r
                }
                Op::Duplicate { set, n } => {
                    let r = reg.add_duplicates(SETS[set], n, "李主管", t).map(|_| ());
                    if r.is_ok() {
                        added[set] += n;
                    }
                    r
                }
                Op::Lose { set, n } => {
                    let r = reg.report_lost(SETS[set], n, Party::Contractor, "外包 钱", "李主管", t).map(|_| ());
                    if r.is_ok() {
                        lost[set] += n;
                    }
                    r
                }
            };
            if r.is_err() {
                prop_assert_eq!(&reg, &before, "a failed operation changed the register");
            }
            for (i, id) in SETS.iter().enumerate() {
                let s = reg.key_set(id).unwrap();
                prop_assert_eq!(i64::from(s.count), 2 + i64::from(added[i]) - i64::from(lost[i]));
                let open = reg.loans().iter().filter(|l| l.input.key_set_id == *id && l.returned_at.is_none()).count();
                prop_assert_eq!(s.status == KeyStatus::Out, open == 1);
                prop_assert!(open <= 1);
            }
        }
        let missing: u32 = reg.losses().iter().map(|l| l.missing).sum();
        prop_assert_eq!(missing, lost.iter().sum::<u32>());
        prop_assert_eq!(KeyRegister::from_json(&reg.to_json()).unwrap(), reg);
    }
}
