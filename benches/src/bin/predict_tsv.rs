//! Predicts the test part (the last 20 % of the lines) of a TSV file (`label<TAB>text`
//! per line) with a model saved by `train_tsv` (`TRAIN_TSV_MODEL_OUT=model.json`):
//! prints the prediction time and accuracy, for profiling prediction alone
//! (`valgrind --tool=callgrind`: instructions per text). `--skip` reads the model and
//! the texts without predicting, so that (run − skip) is the cost of prediction;
//! `--dump OUT` writes the decision scores of the test texts (f32 bits).
//!
//! ```sh
//! cargo build --release -p estatekit-benches --bin predict_tsv
//! target/release/predict_tsv model.json corpus.tsv
//! ```

use std::time::Instant;

use estatekit::tickets::TicketModel;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, path, rest @ ..] = args.as_slice() else {
        panic!("usage: predict_tsv MODEL.json FILE [--skip] [--dump OUT]");
    };
    let skip = rest.iter().any(|a| a == "--skip");
    // `--dump OUT`: the decision scores of every test text (f32 bits in hex, one text
    // a line), to check that a change to prediction keeps the scores bit for bit.
    let dump = rest
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| rest.get(i + 1));
    let m = TicketModel::from_json(&std::fs::read_to_string(model).expect("readable model"))
        .expect("a valid model");
    let text = std::fs::read_to_string(path).expect("readable file");
    let (labels, texts): (Vec<&str>, Vec<&str>) =
        text.lines().filter_map(|l| l.split_once('\t')).unzip();
    let cut = texts.len() * 4 / 5;
    if skip {
        println!("{} test texts (skipped)", texts.len() - cut);
        return;
    }
    // `PREDICT_TSV_PAUSE=1`: say "loaded" and wait for a line on stdin before
    // predicting, so that a profiler started without instrumentation
    // (`valgrind --tool=callgrind --instr-atstart=no`) is switched on for prediction
    // alone (`callgrind_control -i on`; see benches/README.md).
    if std::env::var_os("PREDICT_TSV_PAUSE").is_some() {
        println!("loaded");
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .expect("a line on stdin");
    }
    // The fastest of 5 runs (the machine may be shared; PREDICT_TSV_RUNS=1 under
    // callgrind).
    let runs: usize = std::env::var("PREDICT_TSV_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut predict = std::time::Duration::MAX;
    let mut got = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        got = m.predict_batch(&texts[cut..]);
        predict = predict.min(t.elapsed());
    }
    let ok = got
        .iter()
        .zip(&labels[cut..])
        .filter(|(a, b)| a == b)
        .count();
    if let Some(out) = dump {
        let mut lines = String::new();
        for t in &texts[cut..] {
            let d = m.decision(t);
            let hex: Vec<String> = d
                .iter()
                .map(|x| format!("{:08x}", (*x as f32).to_bits()))
                .collect();
            lines.push_str(&hex.join(" "));
            lines.push('\n');
        }
        std::fs::write(out, lines).expect("writable dump file");
    }
    println!(
        "{} test texts, {} classes, {} features: predict {:.4} s (fastest of {runs}), accuracy {:.4}",
        texts.len() - cut,
        m.labels().len(),
        m.feature_count(),
        predict.as_secs_f64(),
        ok as f64 / (texts.len() - cut) as f64
    );
}
