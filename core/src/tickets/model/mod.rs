//! A trained category model: hashed character and word n-grams, tf-idf, and a linear
//! SVM per class (one-vs-rest, L2-regularised squared hinge loss, solved by dual
//! coordinate descent as in LIBLINEAR).
//!
//! - `features`: the featuriser (character and word n-grams hashed into buckets), the
//!   vocabulary, tf-idf rows, the scratch buffers;
//! - `solver`: dual coordinate descent for one class against the rest;
//! - `codec`: the compact JSON form, quantised weights;
//! - here: the options, training (featurise, weigh, solve per class, quantise) and
//!   prediction (score, explain).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::ops::{self, Op};
use super::{SharedStr, TicketError};

mod codec;
mod columns;
mod features;
mod solver;

pub use codec::MODEL_FORMAT_VERSION;
use codec::quantisation_step;
use columns::Columns;
use features::{
    BucketMap, Featurizer, Scratch, Vocab, hapax_share, idf_of, tfidf_row, with_scratch,
};
use solver::{BLOCK, Block, Problem, Row, SplitMix, train_block};

/// Training sets of at least this many texts may drop features seen in one text only
/// (see [`TrainOptions::min_df`]).
const AUTO_MIN_DF_TEXTS: usize = 100;

/// ... when such features carry at least this share of the training tf-idf mass. On
/// the development data the share was 0.01 for NYC 311 descriptors and 0.2 for the
/// labelled English tickets (keeping them was better), 0.5 for the Chinese messages
/// and 0.7 for the labelled Chinese tickets (dropping them was better).
const AUTO_MIN_DF_HAPAX_SHARE: f64 = 1.0 / 3.0;

/// Training sets of at least this many texts are large: there the automatic options
/// are those of the usual large-corpus configuration, [`TrainOptions::c`] 0.5 and
/// [`TrainOptions::min_df`] 2. On the synthetic benchmark of 32,000 training texts in 60
/// classes (`benches/tickets_vs_sklearn.py`) they train on a 7th of the solver's work
/// and a third of the memory of C = 1 with every feature, and more accurately (0.8027
/// against 0.8036 and 0.7961 for C = 1 with `min_df` 2).
const LARGE_TRAINING_SET: usize = 10_000;

/// The largest hash space, 2^24 buckets.
const MAX_BUCKETS_BITS: u32 = 24;

/// The automatic hash space for `distinct` n-grams (see [`TrainOptions::buckets_bits`]).
fn auto_buckets_bits(distinct: usize) -> u32 {
    let want = (distinct as u64).saturating_mul(64).max(2);
    (64 - (want - 1).leading_zeros()).clamp(16, MAX_BUCKETS_BITS)
}

/// `counts` ((bucket, count) in order of first occurrence) with each bucket masked
/// by `mask`, the counts of buckets that fold together summed at the first one's place.
fn fold_counts(counts: &mut Vec<(u32, u32)>, mask: u32, at: &mut BucketMap) {
    at.clear();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(counts.len());
    for &(b, n) in counts.iter() {
        let key = b & mask;
        match at.get(&key) {
            Some(&i) => out[i as usize].1 += n,
            None => {
                // At most a text's n-grams, far below u32::MAX.
                at.insert(key, out.len() as u32);
                out.push((key, n));
            }
        }
    }
    *counts = out;
}

/// Texts up to this length are scored once per batch when repeated.
const MEMO_MAX_BYTES: usize = 128;

/// The most classes (distinct labels) a model is trained with; more is refused with
/// [`TicketError::TooManyClasses`] before any work. Training is one-vs-rest: one linear
/// SVM per class over every training text, so its time grows with classes × texts and
/// the model with classes × features; with at most 1,000 classes it grows linearly
/// with the texts. Ticket categories number in the tens (17 built-in category codes, 41 NYC 311
/// complaint types); a label per text (nothing to generalise from) is refused.
///
/// ```
/// use estatekit::tickets::{MAX_CLASSES, TicketModel, TrainOptions};
/// let texts: Vec<String> = (0..=MAX_CLASSES).map(|i| format!("text {i}")).collect();
/// let err = TicketModel::train(&texts, &texts, 0, &TrainOptions::default()).unwrap_err();
/// assert_eq!((err.code(), err.path().as_str()), ("too_many_classes", "labels"));
/// assert_eq!(err.to_string(), "labels: 1001 distinct labels; a model is trained with at most 1000 classes");
/// ```
pub const MAX_CLASSES: usize = 1000;

/// Training options. Every option can also be set by name with [`TrainOptions::set`]
/// (the Python binding's `**options`).
///
/// ```
/// use estatekit::tickets::TrainOptions;
/// let mut o = TrainOptions::default();
/// o.set("c", 0.5)?;
/// assert_eq!(o.c, 0.5);
/// assert_eq!(o.set("gamma", 1.0).unwrap_err().path(), "gamma");
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainOptions {
    /// Regularisation: larger fits the training data more closely. 0 (the default)
    /// means automatic: 1.0 for fewer than 10,000 training texts, 0.5 from 10,000 (the
    /// loss of every text adds to the objective, so the same C regularises a large set
    /// less: on the development data C = 1 was the more accurate on the small sets,
    /// 477 Chinese messages, 2,323 NYC 311 descriptors, the labelled tickets, and 0.5 on
    /// the 32,000-text synthetic benchmark).
    pub c: f64,
    /// Maximum passes over the data per class (default 100).
    pub epochs: u32,
    /// Stopping tolerance on the projected gradient (default 0.01).
    pub tol: f64,
    /// Longest character n-gram (default 4; the shortest is 1).
    pub ngram_max: u32,
    /// Longest word n-gram over spaced (non-CJK) words, added to the character
    /// n-grams; 0 disables (the default: on the development data, NYC 311 descriptors
    /// and the labelled English and Chinese tickets, they added nothing to the
    /// whitespace-delimited character n-grams and cost accuracy on the NYC descriptors).
    pub word_ngrams: u32,
    /// Hash space: 2^bits buckets, 10–24; 0 (the default) means automatic: the
    /// smallest space of at least 64 buckets per distinct n-gram of the training texts
    /// (about one n-gram in 64 then shares its bucket), from 2^16 to 2^24. A smaller
    /// space merges n-grams that collide; the vocabulary's index takes 2^bits / 4 bytes
    /// (4 MiB at 24), the rest of a model grows with the n-grams it keeps. With a fixed
    /// 2^20 (the default before), the synthetic benchmark's 40,000 texts filled 990,896
    /// of the 1,048,576 buckets; the automatic space was as accurate or more on every
    /// development set (2^18 for the NYC 311 descriptors, 2^24 for the Chinese messages
    /// and the synthetic set).
    pub buckets_bits: u32,
    /// Ignore features seen in fewer training documents. 0 (the default) means
    /// automatic: 2 for a large training set (10,000 texts or more), or when there are
    /// at least 100 training texts and features seen in
    /// one text only carry at least a third of the training tf-idf mass (long texts, each
    /// with many n-grams of its own: a model can fit every text by those alone, and
    /// they do not generalise; dropping them made the model more accurate on the
    /// Chinese development data and about 4× smaller), else 1 (keep all: in short,
    /// repetitive texts the few features seen once are the only evidence for rare
    /// classes).
    pub min_df: u32,
    /// Drop features whose largest weight is below this share of the largest weight
    /// in the model, to make the model smaller (default 0.0: keep all).
    pub prune: f64,
    /// Threads solving the classes' problems (one-vs-rest: one problem per class,
    /// solved in fixed blocks of 16 classes), 1–256 (default 1). The model is the same
    /// whatever the count: each block has its own deterministic shuffle.
    #[serde(default = "one_thread")]
    pub threads: u32,
}

fn one_thread() -> u32 {
    1
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            c: 0.0,
            epochs: 100,
            tol: 0.01,
            ngram_max: 4,
            word_ngrams: 0,
            buckets_bits: 0,
            min_df: 0,
            prune: 0.0,
            threads: 1,
        }
    }
}

fn opt_err(name: &str, reason: String) -> TicketError {
    TicketError::InvalidOption {
        name: name.to_owned(),
        reason,
    }
}

fn as_u32(name: &str, value: f64, lo: u32, hi: u32) -> Result<u32, TicketError> {
    if value.fract() != 0.0 || value < f64::from(lo) || value > f64::from(hi) {
        return Err(opt_err(
            name,
            format!("must be an integer in {lo}..={hi}, got {value}"),
        ));
    }
    Ok(value as u32)
}

impl TrainOptions {
    /// The option names accepted by [`TrainOptions::set`].
    pub const NAMES: &'static [&'static str] = &[
        "c",
        "epochs",
        "tol",
        "ngram_max",
        "word_ngrams",
        "buckets_bits",
        "min_df",
        "prune",
        "threads",
    ];

    /// Sets an option by name, checking its range.
    ///
    /// # Errors
    /// [`TicketError::InvalidOption`] for an unknown name or a value out of range.
    ///
    /// ```
    /// let mut o = estatekit::tickets::TrainOptions::default();
    /// assert_eq!(o.set("ngram_max", 9.0).unwrap_err().code(), "invalid_option");
    /// ```
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), TicketError> {
        match name {
            "c" => {
                if !value.is_finite() || value < 0.0 {
                    return Err(opt_err(
                        name,
                        format!("must be > 0 (or 0: automatic), got {value}"),
                    ));
                }
                self.c = value;
            }
            "tol" => {
                if !value.is_finite() || value <= 0.0 {
                    return Err(opt_err(name, format!("must be > 0, got {value}")));
                }
                self.tol = value;
            }
            "epochs" => self.epochs = as_u32(name, value, 1, 10_000)?,
            "ngram_max" => self.ngram_max = as_u32(name, value, 1, 8)?,
            "word_ngrams" => self.word_ngrams = as_u32(name, value, 0, 3)?,
            "buckets_bits" => {
                let bits = as_u32(name, value, 0, MAX_BUCKETS_BITS)?;
                if (1..10).contains(&bits) {
                    return Err(opt_err(
                        name,
                        format!("must be 0 (automatic) or 10–{MAX_BUCKETS_BITS}, got {bits}"),
                    ));
                }
                self.buckets_bits = bits;
            }
            "min_df" => self.min_df = as_u32(name, value, 0, 1_000_000)?,
            "threads" => self.threads = as_u32(name, value, 1, 256)?,
            "prune" => {
                if !(0.0..1.0).contains(&value) {
                    return Err(opt_err(name, format!("must be in [0, 1), got {value}")));
                }
                self.prune = value;
            }
            _ => {
                return Err(opt_err(
                    name,
                    format!("unknown option; expected one of {}", Self::NAMES.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), TicketError> {
        let mut check = self.clone();
        check.set("c", self.c)?;
        check.set("tol", self.tol)?;
        check.set("epochs", f64::from(self.epochs))?;
        check.set("ngram_max", f64::from(self.ngram_max))?;
        check.set("word_ngrams", f64::from(self.word_ngrams))?;
        check.set("buckets_bits", f64::from(self.buckets_bits))?;
        check.set("min_df", f64::from(self.min_df))?;
        check.set("threads", f64::from(self.threads))?;
        check.set("prune", self.prune)
    }
}

/// The weights of a column take `stride(k)` floats for `k` classes: a multiple of 4,
/// so that scoring runs four classes at a time.
fn stride(k: usize) -> usize {
    k.next_multiple_of(4)
}

/// The seed of the shuffles of the block of classes from `class`: its own stream, so
/// that a block's solution does not depend on which thread solves it or in which order.
fn class_seed(seed: u64, class: usize) -> u64 {
    let mut r =
        SplitMix(seed ^ 0x5eed_0000_0000_0001 ^ (class as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    r.next()
}

/// Solves the `problems` one-vs-rest problems (class `c` against the rest; with two
/// classes the one problem is class 1 against class 0) in blocks of [`BLOCK`] classes
/// (fixed whatever the thread count) on `options.threads` threads, each taking the next
/// unsolved block, and writes each solved block into the column-major `weights` (stride
/// `ks`) and `bias` as soon as it is done (its dense block freed then). Each block has
/// its own seed, so the results are the same whatever the thread count. Returns the
/// solver's work.
#[allow(clippy::too_many_arguments)]
fn solve_all(
    p: &Problem<'_>,
    problems: usize,
    k: usize,
    seed: u64,
    options: &TrainOptions,
    weights: &mut [f32],
    bias: &mut [f32],
) -> u64 {
    let ks = stride(k);
    let blocks = problems.div_ceil(BLOCK);
    let targets = |blk: usize| -> Vec<usize> {
        (blk * BLOCK..((blk + 1) * BLOCK).min(problems))
            .map(|class| if k == 2 { 1 } else { class })
            .collect()
    };
    let solve = |blk: usize| {
        let mut rng = SplitMix(class_seed(seed, blk * BLOCK));
        train_block(p, &targets(blk), options, &mut rng)
    };
    let put = |blk: usize, sol: Block, weights: &mut [f32], bias: &mut [f32]| {
        let first = blk * BLOCK;
        if k == 2 {
            sol.each_weight(p, |col, _, wv| {
                weights[col as usize * ks + 1] = wv;
                weights[col as usize * ks] = -wv;
            });
            bias[1] = sol.b[0];
            bias[0] = -sol.b[0];
        } else {
            sol.each_weight(p, |col, j, wv| weights[col as usize * ks + first + j] = wv);
            bias[first..first + sol.b.len()].copy_from_slice(&sol.b);
        }
        sol.work
    };
    let threads = (options.threads as usize).clamp(1, blocks);
    if threads == 1 {
        return (0..blocks)
            .map(|blk| put(blk, solve(blk), weights, bias))
            .sum();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out = std::sync::Mutex::new((weights, bias));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut work = 0;
                    loop {
                        let blk = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if blk >= blocks {
                            break work;
                        }
                        let sol = solve(blk);
                        let mut guard = out.lock().unwrap_or_else(|e| e.into_inner());
                        let (w, b) = &mut *guard;
                        work += put(blk, sol, w, b);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    })
}

/// The integer of weight `w` in steps of `scale` (within ±[`codec::MAX_Q`] when
/// `scale` is the model's quantisation step).
fn quantise(w: f32, scale: f64) -> i16 {
    let q = (f64::from(w) / scale).round();
    q.clamp(-f64::from(codec::MAX_Q), f64::from(codec::MAX_Q)) as i16
}

/// Drops the columns whose largest weight is below `share` of the largest weight
/// (dense column-major `weights`, stride `stride(k)`).
fn prune(
    share: f64,
    k: usize,
    buckets: &mut Vec<u32>,
    df: &mut Vec<u32>,
    idf: &mut Vec<f32>,
    weights: &mut Vec<f32>,
) {
    let ks = stride(k);
    let max = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    let limit = (f64::from(max) * share) as f32;
    let keep: Vec<usize> = (0..buckets.len())
        .filter(|col| {
            weights[col * ks..col * ks + k]
                .iter()
                .any(|w| w.abs() >= limit)
        })
        .collect();
    *buckets = keep.iter().map(|c| buckets[*c]).collect();
    *df = keep.iter().map(|c| df[*c]).collect();
    *idf = keep.iter().map(|c| idf[*c]).collect();
    *weights = keep
        .iter()
        .flat_map(|c| weights[c * ks..(c + 1) * ks].iter().copied())
        .collect();
}

/// A trained category model. Immutable; `Send + Sync`.
///
/// ```
/// use estatekit::tickets::{TicketModel, TrainOptions};
/// let texts = ["no heat in apartment", "heating not working", "loud music next door", "neighbours party noise"];
/// let labels = ["heating", "heating", "noise", "noise"];
/// let m = TicketModel::train(&texts, &labels, 7, &TrainOptions::default())?;
/// assert_eq!(m.predict("the heat is off"), "heating");
/// assert_eq!(m.labels(), ["heating", "noise"]);
/// let back = TicketModel::from_json(&m.to_json())?;
/// assert_eq!(back.predict("music too loud"), m.predict("music too loud"));
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone)]
pub struct TicketModel {
    feat: Featurizer,
    buckets_bits: u32,
    labels: Vec<String>,
    /// The labels as shared strings, for classification results.
    shared_labels: Vec<SharedStr>,
    n_docs: u32,
    /// Sorted bucket ids of the vocabulary.
    buckets: Vec<u32>,
    df: Vec<u32>,
    vocab: Vocab,
    /// Per column its idf and its weights (see [`Columns`]).
    cols: Columns,
    bias: Vec<f32>,
    /// The quantisation step of the saved form: each weight is `q × scale` for an
    /// integer `q` in ±[`MAX_Q`]. Kept from the document a model is read from, so that
    /// saving a model writes the integers it was read with (a loaded model saves to the
    /// same weights and predicts the same).
    scale: f64,
}

impl TicketModel {
    /// Learns a category model from labelled texts. Labels may be any strings; the
    /// classes are the distinct labels in sorted order, at most [`MAX_CLASSES`].
    /// Deterministic for a `seed`.
    ///
    /// Cost: featurising is linear in the total text length; the solver makes up to
    /// `epochs` passes over the distinct (text, label) pairs per class (in blocks of 16
    /// classes that share each read of a text's n-grams), so time is O(classes × texts
    /// × n-grams per text) and memory O(classes × features): linear
    /// in the texts for a given number of classes, which [`MAX_CLASSES`] bounds.
    ///
    /// # Errors
    /// [`TicketError::EmptyTrainingSet`], [`TicketError::LengthMismatch`],
    /// [`TicketError::SingleClass`], [`TicketError::TooManyClasses`] (checked before
    /// any featurising), [`TicketError::InvalidOption`].
    ///
    /// ```
    /// use estatekit::tickets::{TicketModel, TicketError, TrainOptions};
    /// let o = TrainOptions::default();
    /// assert_eq!(TicketModel::train::<&str, &str>(&[], &[], 0, &o).unwrap_err(), TicketError::EmptyTrainingSet);
    /// assert_eq!(TicketModel::train(&["a"], &["x", "y"], 0, &o).unwrap_err(),
    ///            TicketError::LengthMismatch { texts: 1, labels: 2 });
    /// assert_eq!(TicketModel::train(&["a", "b"], &["x", "x"], 0, &o).unwrap_err(),
    ///            TicketError::SingleClass { label: "x".into() });
    /// ```
    pub fn train<S: AsRef<str>, L: AsRef<str>>(
        texts: &[S],
        labels: &[L],
        seed: u64,
        options: &TrainOptions,
    ) -> Result<Self, TicketError> {
        options.validate()?;
        if texts.len() != labels.len() {
            return Err(TicketError::LengthMismatch {
                texts: texts.len(),
                labels: labels.len(),
            });
        }
        if texts.is_empty() {
            return Err(TicketError::EmptyTrainingSet);
        }
        let classes: Vec<String> = labels
            .iter()
            .map(|l| l.as_ref())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(str::to_owned)
            .collect();
        if classes.len() < 2 {
            return Err(TicketError::SingleClass {
                label: classes
                    .into_iter()
                    .next()
                    .expect("a non-empty training set has at least one label"),
            });
        }
        if classes.len() > MAX_CLASSES {
            return Err(TicketError::TooManyClasses {
                classes: classes.len(),
                max: MAX_CLASSES,
            });
        }
        let n_docs = u32::try_from(texts.len())
            .map_err(|_| opt_err("texts", "at most 4,294,967,295 training texts".to_owned()))?;
        let y: Vec<usize> = labels
            .iter()
            .map(|l| {
                classes
                    .binary_search_by(|c| c.as_str().cmp(l.as_ref()))
                    .unwrap_or(0)
            })
            .collect();
        let mut bits = match options.buckets_bits {
            0 => MAX_BUCKETS_BITS,
            b => b,
        };
        let mut feat = Featurizer {
            ngram_max: options.ngram_max,
            word_ngrams: options.word_ngrams,
            mask: (1u32 << bits) - 1,
        };

        // Term counts of each distinct text (featurised once), and document
        // frequencies (every text counts, duplicates included).
        let mut scratch = Scratch::default();
        let mut distinct: HashMap<&str, usize> = HashMap::new();
        let mut text_of: Vec<usize> = Vec::with_capacity(texts.len());
        let mut docs: Vec<(Vec<(u32, u32)>, u32)> = Vec::new();
        for t in texts {
            let t = t.as_ref();
            let d = *distinct.entry(t).or_insert_with(|| {
                let mut counts = Vec::new();
                let counter = &mut scratch.counter;
                counter.start(&mut counts);
                feat.each(t, |b, _| {
                    counter.add(b, &mut counts);
                });
                docs.push((counts, 0));
                docs.len() - 1
            });
            docs[d].1 += 1;
            text_of.push(d);
        }
        let df_of = |docs: &[(Vec<(u32, u32)>, u32)]| {
            let mut df_map: BucketMap = BucketMap::default();
            for (counts, times) in docs {
                for (b, _) in counts {
                    *df_map.entry(*b).or_insert(0) += times;
                }
            }
            df_map
        };
        let mut df_map = df_of(&docs);
        if options.buckets_bits == 0 {
            // The automatic space: the n-grams were hashed into the largest; fold them
            // into the chosen one (the same counts, in the same order, as hashing into
            // it directly).
            bits = auto_buckets_bits(df_map.len());
            if bits < MAX_BUCKETS_BITS {
                feat.mask = (1u32 << bits) - 1;
                let mut at = BucketMap::default();
                for (counts, _) in &mut docs {
                    fold_counts(counts, feat.mask, &mut at);
                }
                df_map = df_of(&docs);
            }
        }
        let large = texts.len() >= LARGE_TRAINING_SET;
        let min_df = match options.min_df {
            0 if large => 2,
            0 if texts.len() >= AUTO_MIN_DF_TEXTS
                && hapax_share(&docs, &df_map, n_docs) >= AUTO_MIN_DF_HAPAX_SHARE =>
            {
                2
            }
            0 => 1,
            m => m,
        };
        let mut vocab: Vec<(u32, u32)> = df_map.into_iter().filter(|(_, d)| *d >= min_df).collect();
        vocab.sort_unstable();
        let buckets: Vec<u32> = vocab.iter().map(|v| v.0).collect();
        let df: Vec<u32> = vocab.iter().map(|v| v.1).collect();
        let idf: Vec<f32> = df.iter().map(|d| idf_of(n_docs, *d)).collect();
        let index = Vocab::new(&buckets, bits);
        // Identical (text, label) pairs train as one example weighted by their count:
        // the same objective (C × count), solved once instead of count times.
        let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
        let (mut rows, mut y_u, mut mult): (Vec<Row>, Vec<usize>, Vec<f64>) = Default::default();
        for (i, &d) in text_of.iter().enumerate() {
            match seen.get(&(d, y[i])) {
                Some(&u) => mult[u] += 1.0,
                None => {
                    seen.insert((d, y[i]), rows.len());
                    let mut row = Vec::new();
                    tfidf_row(&docs[d].0, |b| index.get(b), |c| idf[c as usize], &mut row);
                    rows.push(row);
                    y_u.push(y[i]);
                    mult.push(1.0);
                }
            }
        }

        let k = classes.len();
        let ks = stride(k);
        let f = buckets.len();
        let c = match options.c {
            0.0 if large => 0.5,
            0.0 => 1.0,
            c => c,
        };
        let problem = Problem::new(&rows, &y_u, &mult, &df, c);
        drop(rows);
        // Binary problems: with two classes one SVM decides (class 1 vs class 0).
        let problems = if k == 2 { 1 } else { k };
        let mut weights = vec![0.0f32; f * ks];
        let mut bias = vec![0.0f32; k];
        let work = solve_all(
            &problem,
            problems,
            k,
            seed,
            options,
            &mut weights,
            &mut bias,
        );
        ops::add(Op::TrainWork, work);
        drop(problem);
        let (mut buckets, mut df, mut idf) = (buckets, df, idf);
        if options.prune > 0.0 {
            prune(
                options.prune,
                k,
                &mut buckets,
                &mut df,
                &mut idf,
                &mut weights,
            );
        }
        let scale = quantisation_step(&weights);
        // Quantise, as saving writes the model (see `to_doc`): the model keeps the
        // integers, so a saved model predicts exactly like the trained one.
        ops::add(Op::TrainWork, weights.len() as u64);
        let cols = Columns::new(k, &idf, |col, out| {
            for (q, w) in out.iter_mut().zip(&weights[col * ks..col * ks + k]) {
                *q = quantise(*w, scale);
            }
        });
        drop(weights);
        // Pruning drops columns: index the ones kept, in the model's hash space.
        let vocab = if options.prune > 0.0 {
            Vocab::new(&buckets, bits)
        } else {
            index
        };
        Ok(Self {
            feat,
            buckets_bits: bits,
            shared_labels: classes.iter().map(SharedStr::from).collect(),
            labels: classes,
            n_docs,
            buckets,
            df,
            vocab,
            cols,
            bias,
            scale,
        })
    }

    /// The class labels, sorted.
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["x", "y"], &["b", "a"], 0, &TrainOptions::default())?;
    /// assert_eq!(m.labels(), ["a", "b"]);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Number of features (hashed n-grams) the model keeps.
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["ab", "cd"], &["x", "y"], 0, &TrainOptions::default())?;
    /// assert!(m.feature_count() >= 4);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn feature_count(&self) -> usize {
        self.buckets.len()
    }

    /// Decision scores of the row in `s.row` into `s.scores`: bias plus the sparse
    /// dot product. The weights of a column are contiguous across classes, so the
    /// scores are sums of whole columns, each read once, in two interleaved partial
    /// sums (even and odd row entries) so that the additions overlap: per class, the
    /// same additions in the same order as a per-class dot product with two
    /// accumulators `a` and `b`. The sums are over the weights' integers `q` (exact in
    /// `f32`), times the step once: `bias + (a + b) × step`, in `f64`, rounded to
    /// `f32`. Plain IEEE additions and multiplications in a fixed order, so the scores
    /// are the same on every machine, whatever the thread count. (Until this layout,
    /// the sums were over the `f32` weights `q × step`: the scores differ from those
    /// by rounding, at most 4.6e-6 on the 8,000 synthetic test texts, and no
    /// prediction changed on those nor on the development data.)
    fn score(&self, s: &mut Scratch) {
        let k = self.labels.len();
        let width = Columns::stride(k);
        let (a, b) = (&mut s.scores, &mut s.scores_b);
        a.clear();
        a.resize(width, 0.0);
        b.clear();
        b.resize(width, 0.0);
        let mut pairs = s.row.chunks_exact(2);
        for p in &mut pairs {
            self.cols.add_to(p[0].0, p[0].1, a);
            self.cols.add_to(p[1].0, p[1].1, b);
        }
        for &(col, v) in pairs.remainder() {
            self.cols.add_to(col, v, a);
        }
        for ((x, y), bias) in a.iter_mut().zip(b.iter()).zip(&self.bias) {
            *x = (f64::from(*bias) + f64::from(*x + y) * self.scale) as f32;
        }
        a.truncate(k);
    }

    /// The weight of class `j` on column `col`: its integer times the step.
    fn weight(&self, col: u32, j: usize) -> f32 {
        (f64::from(self.cols.q(col, j)) * self.scale) as f32
    }

    fn best(scores: &[f32]) -> usize {
        let mut best = 0;
        for (i, s) in scores.iter().enumerate() {
            if *s > scores[best] {
                best = i;
            }
        }
        best
    }

    fn predict_with(&self, text: &str, s: &mut Scratch) -> usize {
        self.featurize(text, s, false);
        self.score(s);
        Self::best(&s.scores)
    }

    /// Decision scores per label (in [`labels`](Self::labels) order).
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["ab", "cd"], &["x", "y"], 0, &TrainOptions::default())?;
    /// let s = m.decision("ab");
    /// assert!(s[0] > s[1]);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn decision(&self, text: &str) -> Vec<f64> {
        with_scratch(|s| {
            self.featurize(text, s, false);
            self.score(s);
            s.scores.iter().map(|x| f64::from(*x)).collect()
        })
    }

    /// The most likely label (ties to the first label in sorted order).
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["漏水", "停电"], &["water", "power"], 0, &TrainOptions::default())?;
    /// assert_eq!(m.predict("家里停电"), "power");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn predict(&self, text: &str) -> &str {
        &self.labels[with_scratch(|s| self.predict_with(text, s))]
    }

    /// Predicts many texts (buffers are reused: nothing is allocated per text).
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["漏水", "停电"], &["water", "power"], 0, &TrainOptions::default())?;
    /// assert_eq!(m.predict_batch(&["漏水了", "停电了"]), ["water", "power"]);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn predict_batch<S: AsRef<str>>(&self, texts: &[S]) -> Vec<&str> {
        self.predict_indices(texts)
            .into_iter()
            .map(|i| self.labels[i].as_str())
            .collect()
    }

    /// The index in [`labels`](Self::labels) of the most likely label of each text
    /// (what [`predict_batch`](Self::predict_batch) returns, as indices).
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["漏水", "停电"], &["water", "power"], 0, &TrainOptions::default())?;
    /// assert_eq!(m.predict_indices(&["漏水了", "停电了"]), [1, 0]);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn predict_indices<S: AsRef<str>>(&self, texts: &[S]) -> Vec<usize> {
        // Short texts repeat in practice (quick picks of an app, a form's descriptors,
        // "停电了"): each distinct one is scored once per batch. Same results.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        with_scratch(|s| {
            texts
                .iter()
                .map(|t| {
                    let t = t.as_ref();
                    if t.len() > MEMO_MAX_BYTES {
                        return self.predict_with(t, s);
                    }
                    if let Some(&i) = seen.get(t) {
                        return i;
                    }
                    let i = self.predict_with(t, s);
                    seen.insert(t, i);
                    i
                })
                .collect()
        })
    }

    /// The label of index `i` as a shared string.
    pub(crate) fn shared_label(&self, i: usize) -> SharedStr {
        self.shared_labels[i].clone()
    }

    /// Index of the label, confidence (softmax of 4 × the decision scores) and the `top`
    /// n-grams that contributed most to the label, with their contributions.
    pub(crate) fn explain(&self, text: &str, top: usize) -> (usize, f64, Vec<(String, f64)>) {
        with_scratch(|s| self.explain_with(text, top, s))
    }

    fn explain_with(
        &self,
        text: &str,
        top: usize,
        s: &mut Scratch,
    ) -> (usize, f64, Vec<(String, f64)>) {
        self.featurize(text, s, true);
        self.score(s);
        let scores = &s.scores;
        let best = Self::best(scores);
        let max = scores[best];
        let denom: f64 = scores
            .iter()
            .map(|x| (4.0 * f64::from(x - max)).exp())
            .sum();
        let conf = ((1.0 / denom) * 10_000.0).round() / 10_000.0;
        // (row entry, contribution) of the positive contributions.
        // Positive contributions, but not of the padding spaces (no phrase to show).
        let mut contrib: Vec<(usize, f32)> = s
            .row
            .iter()
            .enumerate()
            .map(|(i, &(col, v))| (i, self.weight(col, best) * v))
            .filter(|&(i, c)| c > 0.0 && !s.locs[i].is_padding())
            .collect();
        // The `top` largest (ties to the lower column), without sorting them all.
        let row = &s.row;
        let order = |a: &(usize, f32), b: &(usize, f32)| {
            b.1.total_cmp(&a.1).then(row[a.0].0.cmp(&row[b.0].0))
        };
        if top == 0 {
            contrib.clear();
        } else if contrib.len() > top {
            contrib.select_nth_unstable_by(top - 1, order);
            contrib.truncate(top);
        }
        contrib.sort_by(order);
        // The text of each chosen n-gram, at its first occurrence.
        let grams = contrib
            .iter()
            .map(|&(i, c)| (s.locs[i].gram(text), f64::from(c)))
            .collect();
        (best, conf, grams)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn options_are_checked_by_name() {
        let mut o = TrainOptions::default();
        o.set("epochs", 5.0).unwrap();
        assert_eq!(o.epochs, 5);
        assert_eq!(o.set("epochs", 2.5).unwrap_err().path(), "epochs");
        let bad = TrainOptions {
            buckets_bits: 30,
            ..TrainOptions::default()
        };
        assert_eq!(bad.validate().unwrap_err().path(), "buckets_bits");
        assert!(TrainOptions::default().validate().is_ok());
    }

    #[test]
    fn weights_take_a_multiple_of_four_per_column() {
        assert_eq!((stride(1), stride(4), stride(5), stride(17)), (4, 4, 8, 20));
    }

    #[test]
    fn pruning_keeps_the_columns_with_a_large_weight() {
        let texts = ["no heat", "heating off", "loud music", "party noise"];
        let labels = ["heating", "heating", "noise", "noise"];
        let full = TicketModel::train(&texts, &labels, 1, &TrainOptions::default()).unwrap();
        let o = TrainOptions {
            prune: 0.5,
            ..TrainOptions::default()
        };
        let pruned = TicketModel::train(&texts, &labels, 1, &o).unwrap();
        assert!(pruned.feature_count() < full.feature_count());
        assert_eq!(pruned.buckets.len(), pruned.df.len());
        assert_eq!(pruned.cols.len(), pruned.buckets.len());
        assert_eq!(pruned.predict("loud party"), "noise");
        // The vocabulary's index finds every column kept, in the model's hash space.
        for (col, b) in pruned.buckets.iter().enumerate() {
            assert_eq!(pruned.vocab.get(*b), Some(col as u32), "bucket {b}");
        }
    }

    /// The tf-idf row of `text` computed plainly: every n-gram of `Featurizer::each`
    /// counted in a map, in order of first occurrence.
    fn reference_row(m: &TicketModel, text: &str) -> Vec<(u32, f32)> {
        let mut index: HashMap<u32, usize> = HashMap::new();
        let mut counts: Vec<(u32, u32)> = Vec::new();
        m.feat.each(text, |b, _| {
            if let Some(col) = m.vocab.get(b) {
                let i = *index.entry(col).or_insert_with(|| {
                    counts.push((col, 0));
                    counts.len() - 1
                });
                counts[i].1 += 1;
            }
        });
        let mut row = Vec::new();
        tfidf_row(
            &counts,
            Some,
            |col| idf_of(m.n_docs, m.df[col as usize]),
            &mut row,
        );
        row
    }

    #[test]
    fn featurising_counts_every_occurrence_of_a_column() {
        // Columns seen more than 254 times in a text (counted on past the byte per
        // column), in long and short texts, one after the other with the same buffers.
        let texts = ["水管漏水", "停电了", "no heat", "noise party"];
        let labels = ["water", "power", "heating", "noise"];
        let m = TicketModel::train(&texts, &labels, 1, &TrainOptions::default()).unwrap();
        let long = format!("{}停电 {}", "漏水 ".repeat(300), "no heat ".repeat(1000));
        for t in [
            long.as_str(),
            "漏水",
            &"a ".repeat(255),
            "",
            &long,
            "heat heat",
        ] {
            let want = reference_row(&m, t);
            let got = with_scratch(|s| {
                m.featurize(t, s, false);
                s.row.clone()
            });
            assert_eq!(got, want, "{t}");
        }
        // The space before and after each of the 2,301 words.
        let row = with_scratch(|s| {
            m.featurize(&long, s, false);
            s.counts.clone()
        });
        assert!(row.iter().any(|e| e.1 == 4602), "{row:?}");
    }

    /// The decision scores as per-class dot products of the weights' integers (each
    /// class on its own: two accumulators, even and odd row entries, the last entry of
    /// an odd count in the first, then bias + (a + b) × step in f64).
    fn reference_scores(m: &TicketModel, text: &str) -> Vec<f32> {
        let row = reference_row(m, text);
        {
            (0..m.labels.len())
                .map(|j| {
                    let (mut a, mut b) = (0.0f32, 0.0f32);
                    let mut pairs = row.chunks_exact(2);
                    for p in &mut pairs {
                        a += f32::from(m.cols.q(p[0].0, j)) * p[0].1;
                        b += f32::from(m.cols.q(p[1].0, j)) * p[1].1;
                    }
                    for &(col, v) in pairs.remainder() {
                        a += f32::from(m.cols.q(col, j)) * v;
                    }
                    (f64::from(m.bias[j]) + f64::from(a + b) * m.scale) as f32
                })
                .collect()
        }
    }

    #[test]
    fn scores_are_the_per_class_dot_products_bit_for_bit() {
        // The labelled tickets of the repository (17 categories, zh and en), each text
        // scored against the model trained on all of them and on a text of its own.
        let rows: Vec<serde_json::Value> =
            include_str!("../../../tests/data/tickets_labelled.jsonl")
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
        let texts: Vec<&str> = rows.iter().map(|r| r["text"].as_str().unwrap()).collect();
        let labels: Vec<&str> = rows
            .iter()
            .map(|r| r["category"].as_str().unwrap())
            .collect();
        let m = TicketModel::train(&texts, &labels, 3, &TrainOptions::default()).unwrap();
        assert!(m.labels().len() >= 10, "{}", m.labels().len());
        let mut probes: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        probes.push(texts.concat());
        probes.push(String::new());
        for t in &probes {
            let want = reference_scores(&m, t);
            let got: Vec<f32> = m.decision(t).iter().map(|x| *x as f32).collect();
            assert_eq!(
                got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                "{t}"
            );
            assert_eq!(m.predict(t), m.labels()[TicketModel::best(&want)]);
            // Close to the dot products of the f32 weights (q × step), which
            // prediction summed before.
            let row = reference_row(&m, t);
            for (j, got) in got.iter().enumerate() {
                let f32_sum = row.iter().map(|&(c, v)| m.weight(c, j) * v).sum::<f32>();
                let old = m.bias[j] + f32_sum;
                assert!(
                    (got - old).abs() <= 1e-5 * (1.0 + old.abs()),
                    "{t} {j}: {got} vs {old}"
                );
            }
        }
    }

    #[test]
    fn the_best_score_wins_ties_to_the_first() {
        assert_eq!(TicketModel::best(&[0.5, 2.0, 2.0, -1.0]), 1);
        assert_eq!(TicketModel::best(&[0.0]), 0);
    }
}
