//! A trained category model: hashed character and word n-grams, tf-idf, and a linear
//! SVM per class (one-vs-rest, L2-regularised squared hinge loss, solved by dual
//! coordinate descent as in LIBLINEAR).

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::{SharedStr, TicketError};

/// Training sets of at least this many texts drop features seen in one text only
/// (see [`TrainOptions::min_df`]).
const AUTO_MIN_DF_TEXTS: usize = 100;

/// The model JSON format version this library reads and writes.
pub const MODEL_FORMAT_VERSION: u32 = 1;

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
    /// Regularisation: larger fits the training data more closely (default 1.0).
    pub c: f64,
    /// Maximum passes over the data per class (default 100).
    pub epochs: u32,
    /// Stopping tolerance on the projected gradient (default 0.01).
    pub tol: f64,
    /// Longest character n-gram (default 4; the shortest is 1).
    pub ngram_max: u32,
    /// Longest word n-gram over spaced (non-CJK) words; 0 disables (default 2).
    pub word_ngrams: u32,
    /// Hash space: 2^bits buckets (default 20).
    pub buckets_bits: u32,
    /// Ignore features seen in fewer training documents. 0 (the default) means
    /// automatic: 2 with at least 100 training texts (a feature seen once does not
    /// generalise; dropping those makes the model about 4× smaller and faster, and was
    /// more accurate on the development data), 1 (keep all) below.
    pub min_df: u32,
    /// Drop features whose largest weight is below this share of the largest weight
    /// in the model, to make the model smaller (default 0.0: keep all).
    pub prune: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            c: 1.0,
            epochs: 100,
            tol: 0.01,
            ngram_max: 4,
            word_ngrams: 2,
            buckets_bits: 20,
            min_df: 0,
            prune: 0.0,
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
            "c" | "tol" => {
                if !value.is_finite() || value <= 0.0 {
                    return Err(opt_err(name, format!("must be > 0, got {value}")));
                }
                if name == "c" {
                    self.c = value;
                } else {
                    self.tol = value;
                }
            }
            "epochs" => self.epochs = as_u32(name, value, 1, 10_000)?,
            "ngram_max" => self.ngram_max = as_u32(name, value, 1, 8)?,
            "word_ngrams" => self.word_ngrams = as_u32(name, value, 0, 3)?,
            "buckets_bits" => self.buckets_bits = as_u32(name, value, 10, 24)?,
            "min_df" => self.min_df = as_u32(name, value, 0, 1_000_000)?,
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
        check.set("prune", self.prune)
    }
}

/// Feature extraction settings (stored in the model).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Featurizer {
    ngram_max: u32,
    word_ngrams: u32,
    mask: u32,
}

const FNV_PRIME: u32 = 0x0100_0193;
const CHAR_BASIS: u32 = 0x811c_9dc5;
const WORD_BASIS: u32 = 0x9e37_79b9;

#[inline]
fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

#[inline]
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{3040}'..='\u{30ff}' | '\u{ac00}'..='\u{d7af}')
}

#[inline]
fn lower(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

impl Featurizer {
    /// Calls `emit(bucket, start, len)` for every n-gram of `text`; `start`/`len` index
    /// into the normalised char buffer `buf` (which holds space-padded words).
    fn each(&self, text: &str, buf: &mut Vec<char>, mut emit: impl FnMut(u32, usize, usize)) {
        buf.clear();
        // Words: maximal runs of alphanumeric characters, lower-cased, each padded with
        // a space on both sides (like scikit-learn's `char_wb`).
        let mut words: Vec<(usize, usize, bool)> = Vec::new(); // (start, len, spaced)
        let mut in_word = false;
        let mut ws = 0;
        let mut cjk = false;
        for ch in text.chars() {
            // Fast paths: ASCII and CJK ideographs (alphanumeric, caseless).
            let (alnum, this_cjk) = if ch.is_ascii() {
                (ch.is_ascii_alphanumeric(), false)
            } else if is_cjk(ch) {
                (true, true)
            } else {
                (ch.is_alphanumeric(), false)
            };
            if alnum {
                if !in_word {
                    buf.push(' ');
                    ws = buf.len();
                    in_word = true;
                    cjk = false;
                }
                cjk |= this_cjk;
                buf.push(if this_cjk { ch } else { lower(ch) });
            } else if in_word {
                words.push((ws, buf.len() - ws, !cjk));
                buf.push(' ');
                in_word = false;
            }
        }
        if in_word {
            words.push((ws, buf.len() - ws, !cjk));
            buf.push(' ');
        }
        let nmax = self.ngram_max as usize;
        for &(ws, wl, _) in &words {
            // Padded word: buf[ws-1 ..= ws+wl].
            let lo = ws - 1;
            let hi = ws + wl + 1;
            for i in lo..hi {
                let mut h = CHAR_BASIS;
                for n in 1..=nmax {
                    let j = i + n;
                    if j > hi {
                        break;
                    }
                    h = (h ^ (buf[j - 1] as u32)).wrapping_mul(FNV_PRIME);
                    if n == 1 && buf[i] == ' ' {
                        continue;
                    }
                    emit(fmix(h) & self.mask, i, n);
                }
            }
        }
        if self.word_ngrams > 0 {
            let spaced: Vec<(usize, usize)> =
                words.iter().filter(|w| w.2).map(|w| (w.0, w.1)).collect();
            for i in 0..spaced.len() {
                let mut h = WORD_BASIS;
                for n in 1..=self.word_ngrams as usize {
                    let Some(&(ws, wl)) = spaced.get(i + n - 1) else {
                        break;
                    };
                    for &c in &buf[ws..ws + wl] {
                        h = (h ^ (c as u32)).wrapping_mul(FNV_PRIME);
                    }
                    h = (h ^ 0x20).wrapping_mul(FNV_PRIME);
                    let (s0, _) = spaced[i];
                    emit(fmix(h ^ 0x5bd1_e995) & self.mask, s0, ws + wl - s0);
                }
            }
        }
    }

    /// (bucket, count) pairs of `text` in order of first occurrence, and where each
    /// bucket first occurred in `buf` (start, length).
    fn counts_at(
        &self,
        text: &str,
        buf: &mut Vec<char>,
        out: &mut Vec<(u32, u32)>,
        first: &mut Vec<(usize, usize)>,
    ) {
        let mut raw: Vec<(u32, usize, usize)> = Vec::with_capacity(text.len() * 2);
        self.each(text, buf, |b, start, len| raw.push((b, start, len)));
        out.clear();
        first.clear();
        // Open addressing on the bucket ids (all < 2^24, so u32::MAX marks a free slot).
        let cap = (raw.len() * 2).next_power_of_two().max(16);
        let shift = 32 - cap.trailing_zeros();
        let mut keys = vec![u32::MAX; cap];
        let mut slots = vec![0u32; cap];
        for (b, start, len) in raw {
            let mut i = (b.wrapping_mul(0x9e37_79b1) >> shift) as usize;
            loop {
                if keys[i] == b {
                    out[slots[i] as usize].1 += 1;
                    break;
                }
                if keys[i] == u32::MAX {
                    keys[i] = b;
                    slots[i] = out.len() as u32;
                    out.push((b, 1));
                    first.push((start, len));
                    break;
                }
                i = (i + 1) & (cap - 1);
            }
        }
    }

    /// (bucket, count) pairs of `text` in order of first occurrence.
    fn counts(&self, text: &str, buf: &mut Vec<char>, out: &mut Vec<(u32, u32)>) {
        let mut first = Vec::new();
        self.counts_at(text, buf, out, &mut first);
    }
}

/// A fast, deterministic hasher for bucket ids (already well mixed).
#[derive(Debug, Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type BucketMap = HashMap<u32, u32, BuildHasherDefault<IdHasher>>;
/// Bucket → (column, idf): the idf sits next to the key, one cache line per lookup.
type FeatureMap = HashMap<u32, (u32, f32), BuildHasherDefault<IdHasher>>;

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
    idf: Vec<f32>,
    index: FeatureMap,
    /// Column-major weights: `weights[col * k + class]`.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelDoc {
    format: String,
    version: u32,
    buckets_bits: u32,
    ngram_max: u32,
    word_ngrams: u32,
    labels: Vec<String>,
    n_docs: u32,
    /// Bucket ids, delta-encoded (first value absolute).
    features: Vec<u32>,
    df: Vec<u32>,
    /// Quantisation step of the weights.
    scale: f64,
    /// Per class, the quantised weight of each feature (weight = q × scale).
    weights: Vec<Vec<i32>>,
    bias: Vec<f64>,
}

/// SplitMix64: a small deterministic PRNG for the epoch shuffles.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

fn idf_of(n_docs: u32, df: u32) -> f32 {
    (((1.0 + f64::from(n_docs)) / (1.0 + f64::from(df))).ln() + 1.0) as f32
}

/// A sparse row: (column, value), l2-normalised.
type Row = Vec<(u32, f32)>;

impl TicketModel {
    /// Learns a category model from labelled texts. Labels may be any strings; the
    /// classes are the distinct labels in sorted order. Deterministic for a `seed`.
    ///
    /// # Errors
    /// [`TicketError::EmptyTrainingSet`], [`TicketError::LengthMismatch`],
    /// [`TicketError::SingleClass`], [`TicketError::InvalidOption`].
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
                label: classes.into_iter().next().unwrap_or_default(),
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
        let feat = Featurizer {
            ngram_max: options.ngram_max,
            word_ngrams: options.word_ngrams,
            mask: (1u32 << options.buckets_bits) - 1,
        };

        // Term counts per document and document frequencies.
        let mut buf = Vec::new();
        let mut docs: Vec<Vec<(u32, u32)>> = Vec::with_capacity(texts.len());
        let mut df_map: BucketMap = BucketMap::default();
        for t in texts {
            let mut counts = Vec::new();
            feat.counts(t.as_ref(), &mut buf, &mut counts);
            for (b, _) in &counts {
                *df_map.entry(*b).or_insert(0) += 1;
            }
            docs.push(counts);
        }
        let min_df = match options.min_df {
            0 if texts.len() >= AUTO_MIN_DF_TEXTS => 2,
            0 => 1,
            m => m,
        };
        let mut vocab: Vec<(u32, u32)> = df_map.into_iter().filter(|(_, d)| *d >= min_df).collect();
        vocab.sort_unstable();
        let buckets: Vec<u32> = vocab.iter().map(|v| v.0).collect();
        let df: Vec<u32> = vocab.iter().map(|v| v.1).collect();
        let idf: Vec<f32> = df.iter().map(|d| idf_of(n_docs, *d)).collect();
        let index = feature_map(&buckets, &idf);
        // Identical (text, label) pairs train as one example weighted by their count:
        // the same objective (C × count), solved once instead of count times.
        let mut seen: std::collections::BTreeMap<(&str, usize), usize> = Default::default();
        let (mut rows, mut y_u, mut mult): (Vec<Row>, Vec<usize>, Vec<f64>) = Default::default();
        for (i, counts) in docs.iter().enumerate() {
            let key = (texts[i].as_ref(), y[i]);
            match seen.get(&key) {
                Some(&u) => mult[u] += 1.0,
                None => {
                    seen.insert(key, rows.len());
                    rows.push(tfidf_row(counts, &index));
                    y_u.push(y[i]);
                    mult.push(1.0);
                }
            }
        }

        let k = classes.len();
        let f = buckets.len();
        let mut weights = vec![0.0f32; f * k];
        let mut bias = vec![0.0f32; k];
        let mut rng = SplitMix(seed ^ 0x5eed_0000_0000_0001);
        // Binary problems: with two classes one SVM decides (class 1 vs class 0).
        let problems = if k == 2 { 1 } else { k };
        for class in 0..problems {
            let target = if k == 2 { 1 } else { class };
            let (w, b) = train_binary(&rows, &y_u, &mult, target, f, options, &mut rng);
            if k == 2 {
                for (col, wv) in w.iter().enumerate() {
                    weights[col * k + 1] = *wv;
                    weights[col * k] = -*wv;
                }
                bias[1] = b;
                bias[0] = -b;
            } else {
                for (col, wv) in w.iter().enumerate() {
                    weights[col * k + class] = *wv;
                }
                bias[class] = b;
            }
        }
        let mut model = Self {
            feat,
            buckets_bits: options.buckets_bits,
            shared_labels: classes.iter().map(SharedStr::from).collect(),
            labels: classes,
            n_docs,
            buckets,
            df,
            idf,
            index,
            weights,
            bias,
        };
        if options.prune > 0.0 {
            model.prune(options.prune);
        }
        // Round-trip through the quantised form so that a saved model predicts exactly
        // like the trained one.
        let doc = model.to_doc();
        Self::from_doc(doc)
    }

    fn prune(&mut self, share: f64) {
        let k = self.labels.len();
        let max = self.weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let limit = (f64::from(max) * share) as f32;
        let mut keep = Vec::new();
        for col in 0..self.buckets.len() {
            let row = &self.weights[col * k..(col + 1) * k];
            if row.iter().any(|w| w.abs() >= limit) {
                keep.push(col);
            }
        }
        self.buckets = keep.iter().map(|c| self.buckets[*c]).collect();
        self.df = keep.iter().map(|c| self.df[*c]).collect();
        self.idf = keep.iter().map(|c| self.idf[*c]).collect();
        self.weights = keep
            .iter()
            .flat_map(|c| self.weights[c * k..(c + 1) * k].iter().copied())
            .collect();
        self.index = feature_map(&self.buckets, &self.idf);
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

    fn row(&self, text: &str, buf: &mut Vec<char>) -> Row {
        let mut counts = Vec::new();
        self.feat.counts(text, buf, &mut counts);
        tfidf_row(&counts, &self.index)
    }

    fn scores(&self, row: &Row) -> Vec<f32> {
        let k = self.labels.len();
        let mut s = self.bias.clone();
        for &(col, v) in row {
            let base = col as usize * k;
            for (c, w) in self.weights[base..base + k].iter().enumerate() {
                s[c] += w * v;
            }
        }
        s
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
        let mut buf = Vec::new();
        let row = self.row(text, &mut buf);
        self.scores(&row).into_iter().map(f64::from).collect()
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
        let mut buf = Vec::new();
        let row = self.row(text, &mut buf);
        &self.labels[Self::best(&self.scores(&row))]
    }

    /// Predicts many texts.
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["漏水", "停电"], &["water", "power"], 0, &TrainOptions::default())?;
    /// assert_eq!(m.predict_batch(&["漏水了", "停电了"]), ["water", "power"]);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn predict_batch<S: AsRef<str>>(&self, texts: &[S]) -> Vec<&str> {
        let mut buf = Vec::new();
        texts
            .iter()
            .map(|t| {
                let row = self.row(t.as_ref(), &mut buf);
                self.labels[Self::best(&self.scores(&row))].as_str()
            })
            .collect()
    }

    /// The label of index `i` as a shared string.
    pub(crate) fn shared_label(&self, i: usize) -> SharedStr {
        self.shared_labels[i].clone()
    }

    /// Index of the label, confidence (softmax of 4 × the decision scores) and the `top` n-grams
    /// that contributed most to the label, with their contributions.
    pub(crate) fn explain(&self, text: &str, top: usize) -> (usize, f64, Vec<(String, f64)>) {
        let mut buf = Vec::new();
        let mut counts = Vec::new();
        let mut first = Vec::new();
        self.feat.counts_at(text, &mut buf, &mut counts, &mut first);
        let row = tfidf_row(&counts, &self.index);
        let scores = self.scores(&row);
        let best = Self::best(&scores);
        let max = scores[best];
        let denom: f64 = scores
            .iter()
            .map(|s| (4.0 * f64::from(s - max)).exp())
            .sum();
        let conf = ((1.0 / denom) * 10_000.0).round() / 10_000.0;
        let k = self.labels.len();
        let mut contrib: Vec<(u32, f32)> = row
            .iter()
            .map(|&(col, v)| (col, self.weights[col as usize * k + best] * v))
            .filter(|(_, c)| *c > 0.0)
            .collect();
        // The `top` largest (ties to the lower column), without sorting them all.
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
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
            .map(|(col, c)| {
                let bucket = self.buckets[*col as usize];
                let gram =
                    counts
                        .iter()
                        .position(|(b, _)| *b == bucket)
                        .map_or_else(String::new, |i| {
                            let (s, l) = first[i];
                            buf[s..s + l].iter().collect::<String>().trim().to_owned()
                        });
                (gram, f64::from(*c))
            })
            .collect();
        (best, conf, grams)
    }

    fn to_doc(&self) -> ModelDoc {
        let k = self.labels.len();
        let max = self.weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 {
            f64::from(max) / 32_767.0
        } else {
            1.0
        };
        let mut features = Vec::with_capacity(self.buckets.len());
        let mut prev = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            features.push(if i == 0 { *b } else { b - prev });
            prev = *b;
        }
        let weights = (0..k)
            .map(|c| {
                (0..self.buckets.len())
                    .map(|col| (f64::from(self.weights[col * k + c]) / scale).round() as i32)
                    .collect()
            })
            .collect();
        ModelDoc {
            format: "estatekit.ticket_model".to_owned(),
            version: MODEL_FORMAT_VERSION,
            buckets_bits: self.buckets_bits,
            ngram_max: self.feat.ngram_max,
            word_ngrams: self.feat.word_ngrams,
            labels: self.labels.clone(),
            n_docs: self.n_docs,
            features,
            df: self.df.clone(),
            scale,
            weights,
            bias: self.bias.iter().map(|b| f64::from(*b)).collect(),
        }
    }

    fn from_doc(doc: ModelDoc) -> Result<Self, TicketError> {
        let bad = |path: &str, message: String| TicketError::InvalidModel {
            path: path.to_owned(),
            message,
        };
        if doc.format != "estatekit.ticket_model" {
            return Err(bad(
                "format",
                format!("expected \"estatekit.ticket_model\", got {:?}", doc.format),
            ));
        }
        if doc.version != MODEL_FORMAT_VERSION {
            return Err(bad(
                "version",
                format!(
                    "unsupported version {}; expected {MODEL_FORMAT_VERSION}",
                    doc.version
                ),
            ));
        }
        if !(10..=24).contains(&doc.buckets_bits) {
            return Err(bad(
                "buckets_bits",
                format!("must be in 10..=24, got {}", doc.buckets_bits),
            ));
        }
        if !(1..=8).contains(&doc.ngram_max) {
            return Err(bad(
                "ngram_max",
                format!("must be in 1..=8, got {}", doc.ngram_max),
            ));
        }
        if doc.word_ngrams > 3 {
            return Err(bad(
                "word_ngrams",
                format!("must be in 0..=3, got {}", doc.word_ngrams),
            ));
        }
        let k = doc.labels.len();
        if k < 2 {
            return Err(bad(
                "labels",
                format!("at least two labels are needed, got {k}"),
            ));
        }
        for i in 1..k {
            if doc.labels[i - 1] >= doc.labels[i] {
                return Err(bad(
                    &format!("labels[{i}]"),
                    "labels must be sorted and distinct".to_owned(),
                ));
            }
        }
        if !doc.scale.is_finite() || doc.scale <= 0.0 {
            return Err(bad(
                "scale",
                format!("must be a finite number > 0, got {}", doc.scale),
            ));
        }
        let f = doc.features.len();
        if doc.df.len() != f {
            return Err(bad(
                "df",
                format!("{} values for {f} features", doc.df.len()),
            ));
        }
        if doc.weights.len() != k {
            return Err(bad(
                "weights",
                format!("{} rows for {k} labels", doc.weights.len()),
            ));
        }
        if doc.bias.len() != k {
            return Err(bad(
                "bias",
                format!("{} values for {k} labels", doc.bias.len()),
            ));
        }
        if let Some(i) = doc.bias.iter().position(|b| !b.is_finite()) {
            return Err(bad(&format!("bias[{i}]"), "must be finite".to_owned()));
        }
        for (c, row) in doc.weights.iter().enumerate() {
            if row.len() != f {
                return Err(bad(
                    &format!("weights[{c}]"),
                    format!("{} values for {f} features", row.len()),
                ));
            }
        }
        let limit = 1u64 << doc.buckets_bits;
        let mut buckets = Vec::with_capacity(f);
        let mut acc: u64 = 0;
        for (i, d) in doc.features.iter().enumerate() {
            if i > 0 && *d == 0 {
                return Err(bad(
                    &format!("features[{i}]"),
                    "features must be strictly increasing (a delta of 0)".to_owned(),
                ));
            }
            acc += u64::from(*d);
            if acc >= limit {
                return Err(bad(
                    &format!("features[{i}]"),
                    format!("bucket {acc} is outside 0..{limit}"),
                ));
            }
            buckets.push(acc as u32);
        }
        for (i, d) in doc.df.iter().enumerate() {
            if *d == 0 || *d > doc.n_docs {
                return Err(bad(
                    &format!("df[{i}]"),
                    format!("must be in 1..={}, got {d}", doc.n_docs),
                ));
            }
        }
        let mut weights = vec![0.0f32; f * k];
        for (c, row) in doc.weights.iter().enumerate() {
            for (col, q) in row.iter().enumerate() {
                weights[col * k + c] = (f64::from(*q) * doc.scale) as f32;
            }
        }
        let idf: Vec<f32> = doc.df.iter().map(|d| idf_of(doc.n_docs, *d)).collect();
        let index = feature_map(&buckets, &idf);
        Ok(Self {
            feat: Featurizer {
                ngram_max: doc.ngram_max,
                word_ngrams: doc.word_ngrams,
                mask: (1u32 << doc.buckets_bits) - 1,
            },
            buckets_bits: doc.buckets_bits,
            shared_labels: doc.labels.iter().map(SharedStr::from).collect(),
            labels: doc.labels,
            n_docs: doc.n_docs,
            buckets,
            df: doc.df,
            idf,
            index,
            weights,
            bias: doc.bias.iter().map(|b| *b as f32).collect(),
        })
    }

    /// The model as compact JSON: sparse features (delta-encoded bucket ids), document
    /// frequencies and weights quantised to integers.
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["ab", "cd"], &["x", "y"], 0, &TrainOptions::default())?;
    /// assert!(m.to_json().starts_with(r#"{"format":"estatekit.ticket_model","version":1"#));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_doc()).unwrap_or_default()
    }

    /// Reads a model written by [`TicketModel::to_json`].
    ///
    /// # Errors
    /// [`TicketError::InvalidModel`] naming the bad field.
    ///
    /// ```
    /// use estatekit::tickets::TicketModel;
    /// assert_eq!(TicketModel::from_json("{}").unwrap_err().path(), "format");
    /// assert_eq!(TicketModel::from_json("nope").unwrap_err().code(), "invalid_model");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        let doc: ModelDoc = crate::json::parse(text).map_err(|f| TicketError::InvalidModel {
            path: f.path,
            message: f.message,
        })?;
        Self::from_doc(doc)
    }
}

fn feature_map(buckets: &[u32], idf: &[f32]) -> FeatureMap {
    buckets
        .iter()
        .zip(idf)
        .enumerate()
        .map(|(i, (b, f))| (*b, (i as u32, *f)))
        .collect()
}

fn tfidf_row(counts: &[(u32, u32)], index: &FeatureMap) -> Row {
    let mut row: Row = Vec::with_capacity(counts.len());
    let mut norm = 0.0f32;
    for &(b, n) in counts {
        if let Some(&(col, idf)) = index.get(&b) {
            let tf = if n == 1 { 1.0 } else { 1.0 + (n as f32).ln() };
            let v = tf * idf;
            norm += v * v;
            row.push((col, v));
        }
    }
    if norm > 0.0 {
        let inv = 1.0 / norm.sqrt();
        for e in &mut row {
            e.1 *= inv;
        }
    }
    row
}

/// Dual coordinate descent for the L2-regularised squared-hinge SVM with a bias term
/// (an extra feature of value 1), one class against the rest.
#[allow(clippy::too_many_arguments)]
fn train_binary(
    rows: &[Row],
    y: &[usize],
    mult: &[f64],
    target: usize,
    f: usize,
    o: &TrainOptions,
    rng: &mut SplitMix,
) -> (Vec<f32>, f32) {
    let n = rows.len();
    // Per example: D_ii = 1 / (2 C m_i) for an example standing for m_i copies.
    let diag: Vec<f64> = mult.iter().map(|m| 0.5 / (o.c * m)).collect();
    let mut w = vec![0.0f64; f];
    let mut b = 0.0f64;
    let mut alpha = vec![0.0f64; n];
    let ys: Vec<f64> = y
        .iter()
        .map(|c| if *c == target { 1.0 } else { -1.0 })
        .collect();
    let qd: Vec<f64> = rows
        .iter()
        .zip(&diag)
        .map(|(r, d)| r.iter().map(|e| f64::from(e.1).powi(2)).sum::<f64>() + 1.0 + d)
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    for _ in 0..o.epochs {
        for i in (1..n).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        for &i in &order {
            let row = &rows[i];
            let yi = ys[i];
            let dot: f64 = row
                .iter()
                .map(|&(c, v)| w[c as usize] * f64::from(v))
                .sum::<f64>()
                + b;
            let g = yi * dot - 1.0 + diag[i] * alpha[i];
            let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / qd[i]).max(0.0);
                let d = (alpha[i] - old) * yi;
                for &(c, v) in row {
                    w[c as usize] += d * f64::from(v);
                }
                b += d;
            }
        }
        if pg_max - pg_min <= o.tol {
            break;
        }
    }
    (w.into_iter().map(|x| x as f32).collect(), b as f32)
}
