//! Scaling harness for the ticket and check-in bulk entry points: runs one entry point
//! on an input of size `n` and prints the wall time. Run it at `n` and `10 n` under
//! `valgrind --tool=callgrind` to compare instruction counts; `--skip` builds the same
//! input without calling the entry point, so that (run − skip) is the cost of the call:
//!
//! ```sh
//! cargo build --release -p estatekit-benches --bin scaling_tickets
//! for n in 4000 40000; do for s in "" --skip; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/scaling_tickets stats $n $s 2>&1 | grep refs; done; done
//! ```
//!
//! Entry points: `stats` (statistics of n flows: 50 units, 5 categories, one every 10
//! minutes), `nested` (classify n × `哈` then n × `a` with the nested custom phrases
//! `哈` … `哈`×50 and `a` … `a`×50; `nested_deep`: n / 1000 of each), `classify` (classify_batch of n texts of the
//! labelled set), `train` (train on n synthetic texts, 17 labels), `train_unique`
//! (train on n texts, one label each), `checkin` (a template of n chained steps, one
//! item each: the first half completed one by one, then actionable() and missing()).

use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use estatekit::checkin::{
    CheckinTemplate, Checklist, ItemData, ItemDef, ItemKind, Mode, RectificationDays, Role,
    StepDef, TemplateData,
};
use estatekit::tickets::{
    CategoryRule, Channel, Phrases, RuleSet, SlaPolicy, Ticket, TicketClassifier, TicketFlow,
    TicketKind, TicketModel, TrainOptions, Urgency, statistics,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
}

fn flows(n: usize) -> Vec<TicketFlow> {
    let cats = ["noise", "repair.plumbing", "cleaning", "parking", "fees"];
    (0..n)
        .map(|i| {
            let at = t0() + Duration::minutes(10 * i as i64);
            let t = Ticket::new(
                format!("T{i:07}"),
                format!("1-{:03}", i % 50),
                Channel::Hotline,
                at,
                "业主",
                "text",
                TicketKind::Complaint,
            );
            TicketFlow::new(t, cats[i / 50 % 5], Urgency::Normal, "engineering", "前台")
        })
        .collect()
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` texts of 8 words: 5 from the label's own 40 words, 3 from 400 common ones.
fn training_set(n: usize, unique: bool) -> (Vec<String>, Vec<String>) {
    let mut rng = Rng(7);
    let mut texts = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let label = rng.below(17);
        let mut words = Vec::new();
        for _ in 0..5 {
            words.push(format!("w{label}x{}", rng.below(40)));
        }
        for _ in 0..3 {
            words.push(format!("c{}", rng.below(400)));
        }
        texts.push(words.join(" "));
        labels.push(if unique {
            format!("L{i}")
        } else {
            format!("L{label}")
        });
    }
    (texts, labels)
}

fn labelled_texts(n: usize) -> Vec<String> {
    let all: Vec<String> = include_str!("../../../core/tests/data/tickets_labelled.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect();
    (0..n).map(|i| all[i % all.len()].clone()).collect()
}

fn nested_classifier(depth: usize) -> TicketClassifier {
    let mut phrases = Phrases::new();
    for k in 1..=depth {
        phrases.insert("哈".repeat(k), 1.0);
        phrases.insert("a".repeat(k), -1.0);
    }
    TicketClassifier::with_rules(RuleSet {
        categories: vec![CategoryRule {
            code: "laugh".into(),
            phrases,
        }],
        ..RuleSet::default()
    })
    .unwrap()
}

fn chain_template(n: usize) -> CheckinTemplate {
    let steps = (0..n)
        .map(|s| StepDef {
            code: format!("s{s}"),
            name_zh: "步".into(),
            name_en: "Step".into(),
            depends_on: if s == 0 {
                vec![]
            } else {
                vec![format!("s{}", s - 1)]
            },
            items: vec![ItemDef {
                code: format!("s{s}i0"),
                kind: ItemKind::RecordMade,
                name_zh: "记录".into(),
                name_en: "Record".into(),
                mandatory: true,
                roles: vec![Role::Receptionist],
                amount: None,
                nature: None,
                meter_kind: None,
                keys: None,
            }],
        })
        .collect();
    CheckinTemplate::new(TemplateData {
        format_version: 1,
        id: "chain".into(),
        version: 1,
        name_zh: "链".into(),
        name_en: "Chain".into(),
        rectification_days: RectificationDays::default(),
        audit_item: None,
        steps,
    })
    .unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(what), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!(
            "usage: scaling_tickets stats|nested|nested_deep|classify|train|train_unique|checkin N [--skip]"
        );
        std::process::exit(2);
    };
    let skip = args.iter().any(|a| a == "--skip");
    let summary: String;
    let start;
    match what.as_str() {
        "stats" => {
            let f = flows(n);
            start = Instant::now();
            summary = if skip {
                String::new()
            } else {
                let s = statistics(
                    &f,
                    t0(),
                    t0() + Duration::days(36_500),
                    50,
                    &SlaPolicy::default(),
                )
                .unwrap();
                format!("total {} repeats {}", s.total, s.repeat_tickets.len())
            };
        }
        "nested" | "nested_deep" => {
            // `nested_deep`: the nesting grows with the text (n / 1000 phrases of each).
            let depth = if what == "nested" {
                50
            } else {
                (n / 1000).max(1)
            };
            let clf = nested_classifier(depth);
            let text = format!("{} {}", "哈".repeat(n), "a".repeat(n));
            start = Instant::now();
            summary = if skip {
                String::new()
            } else {
                let c = clf.classify(&text);
                format!(
                    "{} {} evidence, first {}",
                    c.category,
                    c.evidence.len(),
                    c.evidence[0].weight
                )
            };
        }
        "classify" => {
            let clf = TicketClassifier::default_rules();
            // The built-in automaton is built on first use: built here, in the skip
            // run too, so (run − skip) is the classification alone.
            std::hint::black_box(clf.classify("停电了"));
            let texts = labelled_texts(n);
            start = Instant::now();
            summary = if skip {
                String::new()
            } else {
                let out = clf.classify_batch(&texts);
                format!(
                    "{} classified, {} evidence",
                    out.len(),
                    out.iter().map(|c| c.evidence.len()).sum::<usize>()
                )
            };
        }
        "train" | "train_unique" => {
            let (texts, labels) = training_set(n, what == "train_unique");
            start = Instant::now();
            summary = if skip {
                String::new()
            } else {
                match TicketModel::train(&texts, &labels, 0, &TrainOptions::default()) {
                    Ok(m) => format!(
                        "{} labels, {} features",
                        m.labels().len(),
                        m.feature_count()
                    ),
                    Err(e) => format!("error {} at {}: {e}", e.code(), e.path()),
                }
            };
        }
        "checkin" => {
            let t = chain_template(n);
            let mut c = Checklist::start(
                &t,
                "1-101",
                "张三",
                "2026-11-02".parse().unwrap(),
                Mode::Ordinary,
            )
            .unwrap();
            let at = t0();
            start = Instant::now();
            summary = if skip {
                String::new()
            } else {
                for s in 0..n / 2 {
                    c.complete(
                        &format!("s{s}i0"),
                        "前台",
                        Role::Receptionist,
                        at,
                        ItemData::default(),
                        None,
                    )
                    .unwrap();
                }
                let a = c.actionable();
                let m = c.missing();
                format!("actionable {a:?}, {} missing", m.len())
            };
        }
        other => {
            eprintln!("unknown entry point {other:?}");
            std::process::exit(2);
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{what} n={n}{} {secs:.4}s {summary}",
        if skip { " (skip)" } else { "" }
    );
}
