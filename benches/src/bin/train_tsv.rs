//! Trains the ticket model on a TSV file (`label<TAB>text` per line): the first 80 %
//! of the lines train, the rest test. Prints the training and prediction times and the
//! accuracy, for profiling the trainer (`perf record`, `valgrind --tool=callgrind`)
//! on a corpus of one's own, e.g. the synthetic one of `benches/tickets_vs_sklearn.py`.
//!
//! With `TRAIN_TSV_MODEL_OUT=model.json` the trained model is also saved (for
//! `predict_tsv`, which profiles prediction alone).
//!
//! ```sh
//! cargo build --release -p estatekit-benches --bin train_tsv
//! target/release/train_tsv corpus.tsv threads=2 c=0.5
//! ```

use std::time::Instant;

use estatekit::tickets::ops::{self, Op};
use estatekit::tickets::{TicketModel, TrainOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: train_tsv FILE [option=value ...]");
    let mut o = TrainOptions::default();
    for a in args {
        let (k, v) = a.split_once('=').expect("option=value");
        o.set(k, v.parse().expect("a number"))
            .expect("a valid option");
    }
    let text = std::fs::read_to_string(&path).expect("readable file");
    let (labels, texts): (Vec<&str>, Vec<&str>) =
        text.lines().filter_map(|l| l.split_once('\t')).unzip();
    let cut = texts.len() * 4 / 5;
    let t = Instant::now();
    ops::reset();
    let m = TicketModel::train(&texts[..cut], &labels[..cut], 0, &o).expect("trains");
    let train = t.elapsed();
    let work = ops::get(Op::TrainWork);
    if let Ok(out) = std::env::var("TRAIN_TSV_MODEL_OUT") {
        std::fs::write(&out, m.to_json()).expect("writable model file");
    }
    let t = Instant::now();
    let got = m.predict_batch(&texts[cut..]);
    let predict = t.elapsed();
    let ok = got
        .iter()
        .zip(&labels[cut..])
        .filter(|(a, b)| a == b)
        .count();
    println!(
        "{} texts, {} classes, {} features: train {:.3} s (work {} on this thread), predict {:.4} s, accuracy {:.4}",
        texts.len(),
        m.labels().len(),
        m.feature_count(),
        train.as_secs_f64(),
        work,
        predict.as_secs_f64(),
        ok as f64 / (texts.len() - cut) as f64
    );
}
