//! Thread safety: the public objects are `Send + Sync` (checked at compile time), and
//! shared classifiers, estates and schedules give the same results from many threads
//! as from one.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::thread;

use estatekit::checkin::{CheckinTemplate, Checklist};
use estatekit::estate::Estate;
use estatekit::fees::billing::{BillingInputs, BillingPeriod, BillingRun, bill_estate};
use estatekit::fees::ledger::Ledger;
use estatekit::fees::schedule::FeeSchedule;
use estatekit::money::RoundingPolicy;
use estatekit::tickets::{
    BusinessCalendar, Classification, RuleSet, SlaPolicy, TicketClassifier, TicketFlow, TicketModel,
};

const fn assert_send_sync<T: Send + Sync>() {}

// Compile-time: every public object a host shares between threads.
const _: () = {
    assert_send_sync::<Estate>();
    assert_send_sync::<FeeSchedule>();
    assert_send_sync::<BillingRun>();
    assert_send_sync::<Ledger>();
    assert_send_sync::<CheckinTemplate>();
    assert_send_sync::<Checklist>();
    assert_send_sync::<TicketClassifier>();
    assert_send_sync::<TicketModel>();
    assert_send_sync::<RuleSet>();
    assert_send_sync::<TicketFlow>();
    assert_send_sync::<SlaPolicy>();
    assert_send_sync::<BusinessCalendar>();
    assert_send_sync::<RoundingPolicy>();
    assert_send_sync::<estatekit::fees::FeeError>();
    assert_send_sync::<estatekit::estate::EstateError>();
    assert_send_sync::<estatekit::checkin::CheckinError>();
    assert_send_sync::<estatekit::tickets::TicketError>();
};

const THREADS: usize = 8;

fn texts() -> Vec<String> {
    let base = [
        "厨房水管爆裂，水漫到客厅了，快来人！",
        "Loud music from the bar downstairs every night!!!",
        "楼道灯不亮已经一周了，请尽快维修",
        "Someone is trapped in the elevator in tower A",
        "停电了",
        "My package was stolen from the lobby",
    ];
    (0..600)
        .map(|i| format!("{} #{i}", base[i % base.len()]))
        .collect()
}

#[test]
fn shared_classifier_gives_single_threaded_results() {
    let clf = Arc::new(TicketClassifier::default_rules());
    let texts = Arc::new(texts());
    let expected: Vec<Classification> = clf.classify_batch(&texts);
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (clf, texts) = (Arc::clone(&clf), Arc::clone(&texts));
            thread::spawn(move || {
                // Each thread walks the texts from a different offset, one by one and in batch.
                let n = texts.len();
                let single: Vec<_> = (0..n)
                    .map(|i| (i + t * 37) % n)
                    .map(|i| (i, clf.classify(&texts[i])))
                    .collect();
                (single, clf.classify_batch(&texts))
            })
        })
        .collect();
    for h in handles {
        let (single, batch) = h.join().unwrap();
        assert_eq!(batch, expected);
        for (i, c) in single {
            assert_eq!(c, expected[i]);
        }
    }
}

#[test]
fn shared_trained_model_gives_single_threaded_results() {
    let texts = [
        "no heat in apartment",
        "heating not working",
        "loud music next door",
        "party noise all night",
    ];
    let labels = ["HEATING", "HEATING", "NOISE", "NOISE"];
    let clf = Arc::new(TicketClassifier::train(&texts, &labels, 0, &Default::default()).unwrap());
    let probe = Arc::new(self::texts());
    let expected = clf.predict_batch(&probe);
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (clf, probe) = (Arc::clone(&clf), Arc::clone(&probe));
            thread::spawn(move || clf.predict_batch(&probe))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), expected);
    }
}

#[test]
fn shared_estate_bills_the_same_from_every_thread() {
    let estate = Arc::new(Estate::demo());
    let schedule = Arc::new(FeeSchedule::demo());
    let inputs = Arc::new(
        BillingInputs::default().with_pooled("common_electricity", "3943.20".parse().unwrap()),
    );
    // Some months lack readings: the error must be the same from every thread too.
    type Outcome = Result<(Vec<estatekit::fees::billing::Bill>, rust_decimal::Decimal), String>;
    let once = |e: &Estate, s: &FeeSchedule, i: &BillingInputs, m: u32| -> Outcome {
        bill_estate(e, s, BillingPeriod::month(2026, m).unwrap(), i)
            .map(|r| (r.bills(), r.total()))
            .map_err(|e| e.to_string())
    };
    let expected: Vec<Outcome> = (1..=12)
        .map(|m| once(&estate, &schedule, &inputs, m))
        .collect();
    assert!(expected.iter().filter(|r| r.is_ok()).count() >= 1);
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (estate, schedule, inputs) = (
                Arc::clone(&estate),
                Arc::clone(&schedule),
                Arc::clone(&inputs),
            );
            thread::spawn(move || {
                (1..=12)
                    .map(|m| once(&estate, &schedule, &inputs, m))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), expected);
    }
    // A run shared between threads builds its lookup index once, consistently.
    let shared = Arc::new(
        bill_estate(
            &estate,
            &schedule,
            BillingPeriod::month(2026, 10).unwrap(),
            &inputs,
        )
        .unwrap(),
    );
    let ids: Vec<String> = shared.unit_ids().map(str::to_owned).collect();
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (shared, ids) = (Arc::clone(&shared), ids.clone());
            thread::spawn(move || {
                ids.iter()
                    .map(|id| shared.bill(id).unwrap().total)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let totals: Vec<_> = ids
        .iter()
        .map(|id| shared.bill(id).unwrap().total)
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), totals);
    }
}
