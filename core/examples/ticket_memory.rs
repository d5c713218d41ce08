//! Peak memory of the ticket classifier on large inputs; run under `/usr/bin/time -v`
//! (maximum resident set size), e.g.
//! `cargo run --release -p estatekit --example ticket_memory -- model-classify 40`.
//!
//! Modes (`MB` is the input size in megabytes):
//! `rules-classify MB`, `model-classify MB` (a 40 MB text of words),
//! `from-rules PHRASES` (one category with that many distinct phrases),
//! `from-json PHRASES` (the same rules as a classifier document).

use estatekit::tickets::{RuleSet, TicketClassifier, TrainOptions};

fn text(mb: usize) -> String {
    let words = [
        "water", "leak", "kitchen", "漏水", "电梯", "noise", "a", "lift!",
    ];
    let mut s = String::with_capacity(mb << 20);
    let mut i = 0usize;
    while s.len() < mb << 20 {
        s.push_str(words[i % words.len()]);
        s.push(' ');
        i = i.wrapping_mul(31).wrapping_add(7) % 1_000_003;
    }
    s
}

fn phrases(n: usize) -> String {
    let mut doc = String::from(r#"{"categories": [{"code": "big", "phrases": {"#);
    for i in 0..n {
        if i > 0 {
            doc.push(',');
        }
        // 16 pseudo-random letters: few shared prefixes, as in real phrase lists.
        let mut x = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let word: String = (0..16)
            .map(|_| {
                x ^= x >> 29;
                x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
                char::from(b'a' + (x >> 59) as u8 % 26)
            })
            .collect();
        doc.push_str(&format!("\"{word}\": 1"));
    }
    doc.push_str("}}]}");
    doc
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(2).map_or(Ok(1), |s| s.parse())?;
    match args.get(1).map(String::as_str) {
        Some("rules-classify") => {
            let t = text(n);
            let c = TicketClassifier::default_rules().classify(&t);
            println!("{} bytes: {} {:?}", t.len(), c.category, c.evidence.len());
        }
        Some("model-classify") => {
            let clf = TicketClassifier::train(
                &[
                    "no heat in apartment",
                    "heating not working",
                    "loud music next door",
                    "水管漏水",
                ],
                &["HEATING", "HEATING", "NOISE", "WATER"],
                0,
                &TrainOptions::default(),
            )?;
            let t = text(n);
            let c = clf.classify(&t);
            println!("{} bytes: {} {:?}", t.len(), c.category, c.evidence.len());
        }
        Some("from-rules") => {
            let doc = phrases(n);
            let r = RuleSet::from_json(&doc).and_then(TicketClassifier::with_rules);
            println!(
                "{} bytes: {:?}",
                doc.len(),
                r.map(|c| c.classify("no phrase here").category)
            );
        }
        Some("from-json") => {
            let doc = phrases(n);
            let clf = format!(r#"{{"format": "estatekit.ticket_classifier", "rules": {doc}}}"#);
            let r = TicketClassifier::from_json(&clf);
            println!(
                "{} bytes: {:?}",
                clf.len(),
                r.map(|c| c.classify("no phrase here").category)
            );
        }
        _ => return Err("usage: ticket_memory MODE N".into()),
    }
    Ok(())
}
