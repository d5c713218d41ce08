//! A trained category model: hashed character and word n-grams, tf-idf, and a linear
//! SVM per class (one-vs-rest, L2-regularised squared hinge loss, solved by dual
//! coordinate descent as in LIBLINEAR).

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::ops::{self, Op};
use super::{SharedStr, TicketError};

/// Training sets of at least this many texts may drop features seen in one text only
/// (see [`TrainOptions::min_df`]).
const AUTO_MIN_DF_TEXTS: usize = 100;

/// ... when such features carry at least this share of the training tf-idf mass. On
/// the development data the share was 0.01 for NYC 311 descriptors and 0.2 for the
/// labelled English tickets (keeping them was better), 0.5 for the Chinese messages
/// and 0.7 for the labelled Chinese tickets (dropping them was better).
const AUTO_MIN_DF_HAPAX_SHARE: f64 = 1.0 / 3.0;

/// Texts up to this length are scored once per batch when repeated.
const MEMO_MAX_BYTES: usize = 128;

/// The most classes (distinct labels) a model is trained with; more is refused with
/// [`TicketError::TooManyClasses`] before any work. Training is one-vs-rest: one linear
/// SVM per class over every training text, so its time grows with classes × texts and
/// the model with classes × features; with at most 1,000 classes it grows linearly
/// with the texts. Ticket categories number in the tens (17 DOMAIN codes, 41 NYC 311
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

/// The model JSON format version this library reads and writes.
pub const MODEL_FORMAT_VERSION: u32 = 2;

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
    /// Longest word n-gram over spaced (non-CJK) words, added to the character
    /// n-grams; 0 disables (the default: on the development data, NYC 311 descriptors
    /// and the labelled English and Chinese tickets, they added nothing to the
    /// whitespace-delimited character n-grams and cost accuracy on the NYC descriptors).
    pub word_ngrams: u32,
    /// Hash space: 2^bits buckets (default 20).
    pub buckets_bits: u32,
    /// Ignore features seen in fewer training documents. 0 (the default) means
    /// automatic: 2 when there are at least 100 training texts and features seen in
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
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            c: 1.0,
            epochs: 100,
            tol: 0.01,
            ngram_max: 4,
            word_ngrams: 0,
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

/// The weights of a column take `stride(k)` floats for `k` classes: a multiple of 4,
/// so that scoring runs four classes at a time.
fn stride(k: usize) -> usize {
    k.next_multiple_of(4)
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

/// Where an n-gram was found, to show it as evidence, as byte offsets into the text
/// (nothing per character is stored): `n` characters of a space-padded word from the
/// character at byte `at` (`lead`: from the padding space before the word, `at` then
/// being the word's first character; `pad`: the n-gram is a padding space alone), or
/// `n` spaced words from the word at byte `at`.
#[derive(Debug, Clone, Copy)]
enum Loc {
    Char {
        at: usize,
        n: u32,
        lead: bool,
        pad: bool,
    },
    Word {
        at: usize,
        n: u32,
    },
}

/// Punctuation that separates words in CJK text: CJK symbols and punctuation (、。「」
/// …), full-width forms (，！？：；（）…), and the quotation marks, dash and ellipsis of
/// Chinese typography (“ ” — …).
#[inline]
fn is_cjk_punctuation(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}'
        | '\u{ff00}'..='\u{ff0f}'
        | '\u{ff1a}'..='\u{ff20}'
        | '\u{ff3b}'..='\u{ff40}'
        | '\u{ff5b}'..='\u{ff65}'
        | '\u{201c}' | '\u{201d}' | '\u{2014}' | '\u{2026}')
}

/// How the featuriser reads a character: `Some(folded)` inside a word (CJK ideographs
/// as they are, anything else lower-cased), `None` for a word separator. Words for
/// character n-grams are whitespace-separated, as in scikit-learn's `char_wb`
/// (punctuation stays in the word: `mail-box`, `(wzz1)`), and also end at CJK
/// punctuation (Chinese runs clauses together without spaces: `楼道灯不亮，请尽快维修`
/// is two words).
#[inline]
fn word_char(ch: char) -> Option<char> {
    // Fast paths: ASCII and CJK ideographs (caseless).
    if ch.is_ascii() {
        (!ch.is_ascii_whitespace()).then(|| ch.to_ascii_lowercase())
    } else if is_cjk(ch) {
        Some(ch)
    } else if ch.is_whitespace() || is_cjk_punctuation(ch) {
        None
    } else {
        Some(lower(ch))
    }
}

/// Whether `ch` belongs to a token for word n-grams (a maximal run of alphanumeric
/// characters; runs with CJK in them are not spaced words and are skipped).
#[inline]
fn token_char(ch: char) -> bool {
    is_cjk(ch) || ch.is_alphanumeric()
}

/// The spaced words of `text` from byte `from` on: `(start, end)` byte ranges of the
/// maximal runs of [`token_char`]s without CJK.
fn spaced_words(text: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text[from..].char_indices().map(move |(i, c)| (i + from, c));
    std::iter::from_fn(move || {
        loop {
            let (start, _) = chars.by_ref().find(|&(_, c)| token_char(c))?;
            let mut cjk = is_cjk(text[start..].chars().next().unwrap_or(' '));
            let mut end = text.len();
            for (i, c) in chars.by_ref() {
                if !token_char(c) {
                    end = i;
                    break;
                }
                cjk |= is_cjk(c);
            }
            if !cjk {
                return Some((start, end));
            }
        }
    })
}

impl Loc {
    /// Whether the n-gram is a padding space alone.
    fn is_padding(self) -> bool {
        matches!(self, Loc::Char { pad: true, .. })
    }

    /// The text of the n-gram in `text` (lower-cased, padding spaces trimmed).
    fn gram(self, text: &str) -> String {
        match self {
            Loc::Char { pad: true, .. } => String::new(),
            Loc::Char { at, n, lead, .. } => text[at..]
                .chars()
                .map_while(word_char)
                .take(n as usize - usize::from(lead))
                .collect(),
            Loc::Word { at, n } => {
                let mut out = String::new();
                for (s, e) in spaced_words(text, at).take(n as usize) {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.extend(text[s..e].chars().map(lower));
                }
                out
            }
        }
    }
}

/// The longest n-gram is at most this many characters ([`TrainOptions::ngram_max`]).
const NGRAM_MAX: usize = 8;

impl Featurizer {
    /// Calls `emit(bucket, loc)` for every n-gram of `text`: character n-grams of each
    /// space-padded word (lengths 1 to `ngram_max`, the padding spaces included, as in
    /// scikit-learn's `char_wb`), then word n-grams (1 to `word_ngrams` words) of the
    /// spaced words. Streams over the text with a window of `ngram_max` characters (or
    /// `word_ngrams` words): hashes are computed on the fly (FNV-1a per start
    /// position, then a finaliser) and nothing is allocated, whatever the text's
    /// length.
    #[inline]
    fn each(&self, text: &str, mut emit: impl FnMut(u32, Loc)) {
        let nmax = (self.ngram_max as usize).clamp(1, NGRAM_MAX);
        // The padded word's next characters from the current start position:
        // (folded character, byte offset), a ring of `NGRAM_MAX`.
        let mut win = [(0u32, 0usize); NGRAM_MAX];
        let mut chars = text.char_indices().peekable();
        loop {
            // The next word: skip separators.
            let start = loop {
                match chars.peek() {
                    None => break None,
                    Some(&(b, ch)) if word_char(ch).is_none() => {
                        let _ = b;
                        chars.next();
                    }
                    Some(&(b, _)) => break Some(b),
                }
            };
            let Some(start) = start else { break };
            win[0] = (0x20, start);
            let (mut head, mut len, mut ended, mut first) = (0usize, 1usize, false, true);
            loop {
                while len < nmax && !ended {
                    let slot = (head + len) % NGRAM_MAX;
                    match chars
                        .peek()
                        .and_then(|&(b, ch)| word_char(ch).map(|f| (b, f)))
                    {
                        Some((b, f)) => {
                            chars.next();
                            win[slot] = (f as u32, b);
                        }
                        None => {
                            let b = chars.peek().map_or(text.len(), |&(b, _)| b);
                            win[slot] = (0x20, b);
                            ended = true;
                        }
                    }
                    len += 1;
                }
                if len == 0 {
                    break;
                }
                let (c0, at) = win[head];
                let mut h = CHAR_BASIS;
                for n in 1..=len {
                    h = (h ^ win[(head + n - 1) % NGRAM_MAX].0).wrapping_mul(FNV_PRIME);
                    let loc = Loc::Char {
                        at,
                        n: n as u32,
                        lead: first,
                        pad: n == 1 && c0 == 0x20,
                    };
                    emit(fmix(h) & self.mask, loc);
                }
                head = (head + 1) % NGRAM_MAX;
                len -= 1;
                first = false;
            }
        }
        let wn = (self.word_ngrams as usize).min(3);
        if wn == 0 {
            return;
        }
        // The next `wn` spaced words from the current one, a ring of 3.
        let mut toks = spaced_words(text, 0);
        let mut ring = [(0usize, 0usize); 3];
        let (mut head, mut len) = (0usize, 0usize);
        let mut done = false;
        loop {
            while len < wn && !done {
                match toks.next() {
                    Some(t) => {
                        ring[(head + len) % 3] = t;
                        len += 1;
                    }
                    None => done = true,
                }
            }
            if len == 0 {
                break;
            }
            let mut h = WORD_BASIS;
            for n in 1..=len {
                let (s, e) = ring[(head + n - 1) % 3];
                for c in text[s..e].chars() {
                    h = (h ^ (lower(c) as u32)).wrapping_mul(FNV_PRIME);
                }
                h = (h ^ 0x20).wrapping_mul(FNV_PRIME);
                let loc = Loc::Word {
                    at: ring[head].0,
                    n: n as u32,
                };
                emit(fmix(h ^ 0x5bd1_e995) & self.mask, loc);
            }
            head = (head + 1) % 3;
            len -= 1;
        }
    }
}

/// Counts bucket ids (all below `u32::MAX`) in order of first occurrence: open
/// addressing over a table reused from text to text, grown with the distinct keys
/// (training; prediction counts columns in a dense array). Memory is O(distinct keys),
/// not O(occurrences).
#[derive(Debug, Default)]
struct Counter {
    /// `(key + 1) << 32 | index in out`, 0 for a free slot.
    table: Vec<u64>,
}

impl Counter {
    /// Starts counting into `out`.
    fn start(&mut self, out: &mut Vec<(u32, u32)>) {
        out.clear();
        self.table.clear();
        self.table.resize(16, 0);
    }

    #[inline]
    fn slot(table: &[u64], tag: u64) -> usize {
        let shift = 64 - table.len().trailing_zeros();
        ((tag.wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> shift) as usize
    }

    /// Counts one occurrence of `key` (in `out`: `(key, count)` in order of first
    /// occurrence).
    #[inline]
    fn add(&mut self, key: u32, out: &mut Vec<(u32, u32)>) {
        let tag = u64::from(key) + 1;
        let cap = self.table.len();
        let mut i = Self::slot(&self.table, tag);
        loop {
            let slot = self.table[i];
            if slot == 0 {
                self.table[i] = (tag << 32) | out.len() as u64;
                out.push((key, 1));
                if out.len() * 2 > cap {
                    self.grow(out);
                }
                return;
            }
            if slot >> 32 == tag {
                let e = &mut out[(slot & 0xffff_ffff) as usize].1;
                *e = e.saturating_add(1);
                return;
            }
            i = (i + 1) & (cap - 1);
        }
    }

    /// Doubles the table (load at most one half).
    fn grow(&mut self, out: &[(u32, u32)]) {
        let cap = self.table.len() * 2;
        self.table.clear();
        self.table.resize(cap, 0);
        for (idx, &(key, _)) in out.iter().enumerate() {
            let tag = u64::from(key) + 1;
            let mut i = Self::slot(&self.table, tag);
            while self.table[i] != 0 {
                i = (i + 1) & (cap - 1);
            }
            self.table[i] = (tag << 32) | idx as u64;
        }
    }
}

/// The vocabulary: which bucket ids are features, and their columns (columns are in
/// bucket order, so a bucket's column is its rank). A bitmap over all buckets with the
/// rank at the start of each 64-bit word: one memory access and a popcount per
/// lookup, no probing; 2^bits / 4 bytes (256 KiB for 2^20 buckets).
#[derive(Debug, Clone)]
struct Vocab {
    /// Per 64 buckets: the bits of the features among them, and the number of
    /// features in all earlier words.
    words: Vec<(u64, u32)>,
}

impl Vocab {
    /// `buckets`: sorted, distinct, below 2^`bits`.
    fn new(buckets: &[u32], bits: u32) -> Self {
        let mut words = vec![(0u64, 0u32); ((1usize << bits) / 64).max(1)];
        for &b in buckets {
            if let Some(w) = words.get_mut((b >> 6) as usize) {
                w.0 |= 1 << (b & 63);
            }
        }
        let mut rank = 0u32;
        for w in &mut words {
            w.1 = rank;
            rank += w.0.count_ones();
        }
        Self { words }
    }

    #[inline]
    fn get(&self, bucket: u32) -> Option<u32> {
        let &(bits, rank) = self.words.get((bucket >> 6) as usize)?;
        let bit = 1u64 << (bucket & 63);
        (bits & bit != 0).then(|| rank + (bits & (bit - 1)).count_ones())
    }
}

/// Buffers for featurising and scoring, reused across a batch.
#[derive(Debug, Default)]
struct Scratch {
    locs: Vec<Loc>,
    counter: Counter,
    counts: Vec<(u32, u32)>,
    /// Occurrences per column of the current model (all zero between texts).
    per_col: Vec<u32>,
    row: Vec<(u32, f32)>,
    scores: Vec<f32>,
}

thread_local! {
    /// Buffers of single-text calls (`predict`, `decision`, classification), kept per
    /// thread so that they are not allocated per call.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// `f` with this thread's scratch buffers (fresh ones if they are in use).
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut Scratch::default()),
    })
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
    vocab: Vocab,
    /// Column-major weights: `weights[col * stride(k) + class]`, the padding zero.
    weights: Vec<f32>,
    bias: Vec<f32>,
    /// The quantisation step of the saved form: each weight is `q × scale` for an
    /// integer `q` in ±[`MAX_Q`]. Kept from the document a model is read from, so that
    /// saving a model writes the integers it was read with (a loaded model saves to the
    /// same weights and predicts the same).
    scale: f64,
}

/// The largest quantised weight (16 bits): the largest weight of a trained model is
/// saved as ±`MAX_Q`.
const MAX_Q: i32 = 32_767;

/// The smallest quantisation step: every non-zero weight `q × scale` is then a normal
/// f32, which saving turns back into `q` exactly.
const MIN_SCALE: f64 = f32::MIN_POSITIVE as f64;

/// The largest weight or bias a model may have: a decision score (the bias plus the
/// weights of a text's features times their l2-normalised values, at most
/// √(2^24) × this) then stays far below f32::MAX, so it is never infinite.
const MAX_WEIGHT: f64 = 1e30;

/// The largest quantisation step: every weight `q × scale` is then within
/// ±[`MAX_WEIGHT`].
const MAX_SCALE: f64 = MAX_WEIGHT / MAX_Q as f64;

/// The quantisation step of `weights`: the largest maps to ±[`MAX_Q`] (weights too
/// small for an f32 step, below ~1e-38, are saved as 0).
fn quantisation_step(weights: &[f32]) -> f64 {
    let max = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    if max > 0.0 {
        (f64::from(max) / f64::from(MAX_Q)).max(MIN_SCALE)
    } else {
        1.0
    }
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
    /// classes are the distinct labels in sorted order, at most [`MAX_CLASSES`].
    /// Deterministic for a `seed`.
    ///
    /// Cost: featurising is linear in the total text length; the solver makes up to
    /// `epochs` passes over the distinct (text, label) pairs per class, so time is
    /// O(classes × texts × n-grams per text) and memory O(classes × features): linear
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
                label: classes.into_iter().next().unwrap_or_default(),
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
        let feat = Featurizer {
            ngram_max: options.ngram_max,
            word_ngrams: options.word_ngrams,
            mask: (1u32 << options.buckets_bits) - 1,
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
                feat.each(t, |b, _| counter.add(b, &mut counts));
                docs.push((counts, 0));
                docs.len() - 1
            });
            docs[d].1 += 1;
            text_of.push(d);
        }
        let mut df_map: BucketMap = BucketMap::default();
        for (counts, times) in &docs {
            for (b, _) in counts {
                *df_map.entry(*b).or_insert(0) += times;
            }
        }
        let min_df = match options.min_df {
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
        let index = Vocab::new(&buckets, options.buckets_bits);
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
                    tfidf_row(&docs[d].0, |b| index.get(b), &idf, &mut row);
                    rows.push(row);
                    y_u.push(y[i]);
                    mult.push(1.0);
                }
            }
        }

        let k = classes.len();
        let ks = stride(k);
        let f = buckets.len();
        let mut weights = vec![0.0f32; f * ks];
        let mut bias = vec![0.0f32; k];
        let mut rng = SplitMix(seed ^ 0x5eed_0000_0000_0001);
        // Binary problems: with two classes one SVM decides (class 1 vs class 0).
        let problems = if k == 2 { 1 } else { k };
        for class in 0..problems {
            let target = if k == 2 { 1 } else { class };
            let (w, b) = train_binary(&rows, &y_u, &mult, target, f, options, &mut rng);
            if k == 2 {
                for (col, wv) in w.iter().enumerate() {
                    weights[col * ks + 1] = *wv;
                    weights[col * ks] = -*wv;
                }
                bias[1] = b;
                bias[0] = -b;
            } else {
                for (col, wv) in w.iter().enumerate() {
                    weights[col * ks + class] = *wv;
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
            vocab: index,
            weights,
            bias,
            scale: 1.0,
        };
        if options.prune > 0.0 {
            model.prune(options.prune);
        }
        model.scale = quantisation_step(&model.weights);
        // Quantise in place, exactly as saving and reading the model back would (see
        // `to_doc` and `from_doc`), so that a saved model predicts exactly like the
        // trained one, without the two copies of the weights a round trip makes.
        let scale = model.scale;
        for w in &mut model.weights {
            let q = (f64::from(*w) / scale).round() as i32;
            *w = (f64::from(q) * scale) as f32;
        }
        ops::add(Op::TrainWork, model.weights.len() as u64);
        Ok(model)
    }

    fn prune(&mut self, share: f64) {
        let k = self.labels.len();
        let ks = stride(k);
        let max = self.weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let limit = (f64::from(max) * share) as f32;
        let mut keep = Vec::new();
        for col in 0..self.buckets.len() {
            let row = &self.weights[col * ks..col * ks + k];
            if row.iter().any(|w| w.abs() >= limit) {
                keep.push(col);
            }
        }
        self.buckets = keep.iter().map(|c| self.buckets[*c]).collect();
        self.df = keep.iter().map(|c| self.df[*c]).collect();
        self.idf = keep.iter().map(|c| self.idf[*c]).collect();
        self.weights = keep
            .iter()
            .flat_map(|c| self.weights[c * ks..(c + 1) * ks].iter().copied())
            .collect();
        self.vocab = Vocab::new(&self.buckets, self.buckets_bits);
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

    /// The tf-idf row of `text` into `s.row` (columns in order of first occurrence);
    /// with `locs`, also where each column first occurs (in `s.locs`, by row entry).
    fn featurize(&self, text: &str, s: &mut Scratch, locs: bool) {
        // Count per column in a dense array while streaming the n-grams (a column's
        // first occurrence appends it, in order), then take the counts, clearing them:
        // memory is O(columns), whatever the text's length.
        let n = self.buckets.len();
        if s.per_col.len() < n {
            s.per_col.resize(n, 0);
        }
        s.counts.clear();
        s.locs.clear();
        let (counts, all_locs, vocab) = (&mut s.counts, &mut s.locs, &self.vocab);
        let per_col = &mut s.per_col[..n];
        self.feat.each(text, |b, loc| {
            if let Some(col) = vocab.get(b) {
                let c = &mut per_col[col as usize];
                if *c == 0 {
                    counts.push((col, 0));
                    if locs {
                        all_locs.push(loc);
                    }
                }
                *c = c.saturating_add(1);
            }
        });
        for e in counts.iter_mut() {
            e.1 = std::mem::take(&mut per_col[e.0 as usize]);
        }
        tfidf_row(&s.counts, Some, &self.idf, &mut s.row);
    }

    /// Decision scores of the row in `s.row` into `s.scores`: bias plus the sparse
    /// dot product, the weights of a column being contiguous across classes. Blocks
    /// of eight classes (then four), summed in registers over the row, in two
    /// interleaved sums so that the additions overlap.
    fn score(&self, s: &mut Scratch) {
        let k = self.labels.len();
        let ks = stride(k);
        s.scores.clear();
        s.scores.extend_from_slice(&self.bias);
        s.scores.resize(ks, 0.0);
        let mut block = 0;
        while block < ks {
            if block + 8 <= ks {
                let sums = self.block_sums::<8>(&s.row, block);
                for (sc, a) in s.scores[block..block + 8].iter_mut().zip(sums) {
                    *sc += a;
                }
                block += 8;
            } else {
                let sums = self.block_sums::<4>(&s.row, block);
                for (sc, a) in s.scores[block..block + 4].iter_mut().zip(sums) {
                    *sc += a;
                }
                block += 4;
            }
        }
        s.scores.truncate(k);
    }

    /// Σ weight × value over `row` for the `N` classes from `block`.
    #[inline]
    fn block_sums<const N: usize>(&self, row: &[(u32, f32)], block: usize) -> [f32; N] {
        let ks = stride(self.labels.len());
        let weights = |col: u32| -> &[f32] {
            let base = col as usize * ks + block;
            &self.weights[base..base + N]
        };
        let (mut a, mut b) = ([0.0f32; N], [0.0f32; N]);
        let mut pairs = row.chunks_exact(2);
        for p in &mut pairs {
            let (wa, wb) = (weights(p[0].0), weights(p[1].0));
            for j in 0..N {
                a[j] += wa[j] * p[0].1;
                b[j] += wb[j] * p[1].1;
            }
        }
        for &(col, v) in pairs.remainder() {
            let w = weights(col);
            for j in 0..N {
                a[j] += w[j] * v;
            }
        }
        for j in 0..N {
            a[j] += b[j];
        }
        a
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
        let k = self.labels.len();
        let ks = stride(k);
        // (row entry, contribution) of the positive contributions.
        // Positive contributions, but not of the padding spaces (no phrase to show).
        let mut contrib: Vec<(usize, f32)> = s
            .row
            .iter()
            .enumerate()
            .map(|(i, &(col, v))| (i, self.weights[col as usize * ks + best] * v))
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

    fn to_doc(&self) -> ModelDoc {
        let k = self.labels.len();
        let ks = stride(k);
        let scale = self.scale;
        let mut features = Vec::with_capacity(self.buckets.len());
        let mut prev = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            features.push(if i == 0 { *b } else { b - prev });
            prev = *b;
        }
        let weights = (0..k)
            .map(|c| {
                (0..self.buckets.len())
                    .map(|col| (f64::from(self.weights[col * ks + c]) / scale).round() as i32)
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
                    "unsupported version {}; expected {MODEL_FORMAT_VERSION}{}",
                    doc.version,
                    if doc.version < MODEL_FORMAT_VERSION {
                        " (older models split texts into n-grams differently: train again)"
                    } else {
                        ""
                    }
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
        let ks = stride(k);
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
        // Every weight (q × scale, |q| ≤ MAX_Q) must be within ±MAX_WEIGHT, and a
        // normal f32 unless 0, so that saving writes the same q.
        if !(MIN_SCALE..=MAX_SCALE).contains(&doc.scale) {
            return Err(bad(
                "scale",
                format!(
                    "must be in {MIN_SCALE:e}..={MAX_SCALE:e}, got {}",
                    doc.scale
                ),
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
        // Biases are f32 added to the weights: within ±MAX_WEIGHT, like them.
        if let Some(i) = doc
            .bias
            .iter()
            .position(|b| !(-MAX_WEIGHT..=MAX_WEIGHT).contains(b))
        {
            return Err(bad(
                &format!("bias[{i}]"),
                format!("must be within ±{MAX_WEIGHT:e}, got {}", doc.bias[i]),
            ));
        }
        for (c, row) in doc.weights.iter().enumerate() {
            if row.len() != f {
                return Err(bad(
                    &format!("weights[{c}]"),
                    format!("{} values for {f} features", row.len()),
                ));
            }
            // The writer never exceeds ±MAX_Q; a larger integer would be re-quantised
            // (and the model changed) on the next save.
            if let Some(col) = row.iter().position(|q| !(-MAX_Q..=MAX_Q).contains(q)) {
                return Err(bad(
                    &format!("weights[{c}][{col}]"),
                    format!("must be in -{MAX_Q}..={MAX_Q}, got {}", row[col]),
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
        let mut weights = vec![0.0f32; f * ks];
        for (c, row) in doc.weights.iter().enumerate() {
            for (col, q) in row.iter().enumerate() {
                weights[col * ks + c] = (f64::from(*q) * doc.scale) as f32;
            }
        }
        let idf: Vec<f32> = doc.df.iter().map(|d| idf_of(doc.n_docs, *d)).collect();
        let vocab = Vocab::new(&buckets, doc.buckets_bits);
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
            vocab,
            weights,
            bias: doc.bias.iter().map(|b| *b as f32).collect(),
            scale: doc.scale,
        })
    }

    /// The model as compact JSON: sparse features (delta-encoded bucket ids), document
    /// frequencies and weights quantised to integers.
    ///
    /// ```
    /// # use estatekit::tickets::{TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["ab", "cd"], &["x", "y"], 0, &TrainOptions::default())?;
    /// assert!(m.to_json().starts_with(r#"{"format":"estatekit.ticket_model","version":2"#));
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

/// The share of the tf-idf mass (squared l2-normalised values, all features kept) of
/// the training texts that lies in features seen in one text only. `docs`: the term
/// counts of each distinct text and how many times it occurs.
fn hapax_share(docs: &[(Vec<(u32, u32)>, u32)], df: &BucketMap, n_docs: u32) -> f64 {
    // idf of the usual (small) document frequencies, computed once.
    let idf_small: Vec<f64> = (0..256).map(|d| f64::from(idf_of(n_docs, d))).collect();
    let (mut hapax, mut total) = (0.0f64, 0.0f64);
    for (counts, times) in docs {
        let (mut h, mut all) = (0.0f64, 0.0f64);
        for &(b, n) in counts {
            let d = df.get(&b).copied().unwrap_or(1);
            let tf = if n == 1 { 1.0 } else { 1.0 + f64::from(n).ln() };
            let idf = match idf_small.get(d as usize) {
                Some(x) => *x,
                None => f64::from(idf_of(n_docs, d)),
            };
            let v = tf * idf;
            all += v * v;
            if d == 1 {
                h += v * v;
            }
        }
        if all > 0.0 {
            hapax += f64::from(*times) * h / all;
            total += f64::from(*times);
        }
    }
    if total > 0.0 { hapax / total } else { 0.0 }
}

/// The l2-normalised tf-idf row of `counts` ((key, count) pairs in order of first
/// occurrence), for the keys `col_of` finds in the vocabulary: (column, value) pairs.
/// Term frequencies are sublinear (1 + ln tf).
#[inline]
fn tfidf_row(
    counts: &[(u32, u32)],
    col_of: impl Fn(u32) -> Option<u32>,
    idf: &[f32],
    row: &mut Vec<(u32, f32)>,
) {
    row.clear();
    let mut norm = 0.0f32;
    for &(key, n) in counts {
        if let Some(col) = col_of(key) {
            let tf = if n == 1 { 1.0 } else { 1.0 + (n as f32).ln() };
            let v = tf * idf[col as usize];
            norm += v * v;
            row.push((col, v));
        }
    }
    if norm > 0.0 {
        let inv = 1.0 / norm.sqrt();
        for e in row.iter_mut() {
            e.1 *= inv;
        }
    }
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
        ops::add(Op::TrainWork, n as u64);
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

/// The featuriser as it was when every n-gram of a text was materialised (split into
/// characters and words first): the streaming one must emit the same buckets in the
/// same order, with the same evidence text, or classification results change.
#[cfg(test)]
mod reference {
    use super::*;

    /// Where an n-gram was found, to show it as evidence: `n` characters from `off` of the
    /// space-padded word `word`, or `n` spaced words from word `tok`.
    #[derive(Debug, Clone, Copy)]
    enum OldLoc {
        Char { word: u32, off: u32, n: u32 },
        Word { tok: u32, n: u32 },
    }

    /// A text split for featurising: lower-cased characters, the words whose character
    /// n-grams are taken, and the spaced (non-CJK) words for word n-grams, as
    /// `(start, len)` in `chars`. Reused from text to text.
    #[derive(Debug, Default)]
    struct Tokens {
        chars: Vec<char>,
        words: Vec<(u32, u32)>,
        toks: Vec<(u32, u32)>,
    }

    impl Tokens {
        /// Splits `text`. Words for character n-grams are whitespace-separated, as in
        /// scikit-learn's `char_wb` (punctuation stays in the word: `mail-box`,
        /// `(wzz1)`), and also end at CJK punctuation (Chinese runs clauses together without
        /// spaces: `楼道灯不亮，请尽快维修` is two words). Spaced words for word n-grams are
        /// maximal runs of alphanumeric characters without CJK (only with `word_ngrams`).
        fn split(&mut self, text: &str, spaced: bool) {
            self.chars.clear();
            self.words.clear();
            self.toks.clear();
            let (mut word, mut tok, mut tok_cjk) = (None::<u32>, None::<u32>, false);
            for ch in text.chars() {
                let i = self.chars.len() as u32;
                // Fast paths: ASCII and CJK ideographs (caseless).
                let (sep, this_cjk) = if ch.is_ascii() {
                    (ch.is_ascii_whitespace(), false)
                } else if is_cjk(ch) {
                    (false, true)
                } else {
                    (ch.is_whitespace() || is_cjk_punctuation(ch), false)
                };
                if !sep {
                    word.get_or_insert(i);
                } else if let Some(s) = word.take() {
                    self.words.push((s, i - s));
                }
                if spaced {
                    if this_cjk || ch.is_alphanumeric() {
                        if tok.is_none() {
                            tok = Some(i);
                            tok_cjk = false;
                        }
                        tok_cjk |= this_cjk;
                    } else if let Some(s) = tok.take() {
                        if !tok_cjk {
                            self.toks.push((s, i - s));
                        }
                    }
                }
                self.chars.push(if this_cjk { ch } else { lower(ch) });
            }
            let end = self.chars.len() as u32;
            if let Some(s) = word {
                self.words.push((s, end - s));
            }
            if let Some(s) = tok {
                if !tok_cjk {
                    self.toks.push((s, end - s));
                }
            }
        }

        /// Whether the n-gram is a padding space alone.
        fn is_padding(&self, loc: OldLoc) -> bool {
            match loc {
                OldLoc::Char { word, off, n: 1 } => {
                    off == 0 || off == self.words.get(word as usize).map_or(0, |w| w.1) + 1
                }
                _ => false,
            }
        }

        /// The text of an n-gram.
        fn gram(&self, loc: OldLoc) -> String {
            match loc {
                OldLoc::Char { word, off, n } => {
                    let (s, l) = self.words[word as usize];
                    let padded = std::iter::once(' ')
                        .chain(self.chars[s as usize..(s + l) as usize].iter().copied())
                        .chain(std::iter::once(' '));
                    let g: String = padded.skip(off as usize).take(n as usize).collect();
                    g.trim().to_owned()
                }
                OldLoc::Word { tok, n } => {
                    let mut out = String::new();
                    for &(s, l) in &self.toks[tok as usize..(tok + n) as usize] {
                        if !out.is_empty() {
                            out.push(' ');
                        }
                        out.extend(&self.chars[s as usize..(s + l) as usize]);
                    }
                    out
                }
            }
        }
    }

    impl Old {
        /// Calls `emit(bucket, loc)` for every n-gram of the split text: character n-grams
        /// of each space-padded word (lengths 1 to `ngram_max`, the padding spaces
        /// included, as in scikit-learn's `char_wb`), then word n-grams (1 to
        /// `word_ngrams` words) of the spaced words. Hashes are computed on the fly
        /// (FNV-1a per start position, then a finaliser); nothing is allocated.
        fn each(f: &Featurizer, t: &Tokens, mut emit: impl FnMut(u32, OldLoc)) {
            let nmax = f.ngram_max as usize;
            for (w, &(s, l)) in t.words.iter().enumerate() {
                let word = &t.chars[s as usize..(s + l) as usize];
                // The padded word is ' ' + word + ' ': `p` characters.
                let p = word.len() + 2;
                let at = |j: usize| -> u32 {
                    if j == 0 || j == p - 1 {
                        0x20
                    } else {
                        word[j - 1] as u32
                    }
                };
                for i in 0..p {
                    let mut h = CHAR_BASIS;
                    for n in 1..=nmax.min(p - i) {
                        h = (h ^ at(i + n - 1)).wrapping_mul(FNV_PRIME);
                        let loc = OldLoc::Char {
                            word: w as u32,
                            off: i as u32,
                            n: n as u32,
                        };
                        emit(fmix(h) & f.mask, loc);
                    }
                }
            }
            let wn = f.word_ngrams as usize;
            for i in 0..t.toks.len() {
                let mut h = WORD_BASIS;
                for n in 1..=wn.min(t.toks.len() - i) {
                    let (s, l) = t.toks[i + n - 1];
                    for &c in &t.chars[s as usize..(s + l) as usize] {
                        h = (h ^ (c as u32)).wrapping_mul(FNV_PRIME);
                    }
                    h = (h ^ 0x20).wrapping_mul(FNV_PRIME);
                    let loc = OldLoc::Word {
                        tok: i as u32,
                        n: n as u32,
                    };
                    emit(fmix(h ^ 0x5bd1_e995) & f.mask, loc);
                }
            }
        }
    }

    struct Old;

    fn texts() -> Vec<String> {
        let mut t: Vec<String> = [
            "",
            " ",
            "a",
            "ab",
            "  no heat in apartment!! ",
            "Mail-box (WZZ1) ÉCOLE straße",
            "楼道灯不亮，请尽快维修",
            "厨房水管爆裂，水漫到客厅了，快来人！",
            "a漏水b c 漏 d",
            "x\u{3000}y\u{2026}z“引号”",
            "İstanbul ΣΑΣ ǅ",
            "tab\tsep\nnew line\u{a0}nbsp",
            "12 34 5a6 b7c 八9",
            "ﬁ ﬂ ŉ",
            "a b c d e f g h i j",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Pseudo-random texts over a small alphabet with separators and CJK.
        let alphabet: Vec<char> = "aB1 é漏水，。! \t-Σ\u{3000}".chars().collect();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for len in [3, 7, 15, 40, 200] {
            for _ in 0..20 {
                let s: String = (0..len)
                    .map(|_| {
                        x ^= x >> 29;
                        x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9).wrapping_add(1);
                        alphabet[(x >> 40) as usize % alphabet.len()]
                    })
                    .collect();
                t.push(s);
            }
        }
        t
    }

    #[test]
    fn streaming_featuriser_emits_what_the_materialising_one_did() {
        let mut tokens = Tokens::default();
        for ngram_max in 1..=8 {
            for word_ngrams in 0..=3 {
                let f = Featurizer {
                    ngram_max,
                    word_ngrams,
                    mask: (1 << 20) - 1,
                };
                for text in texts() {
                    tokens.split(&text, word_ngrams > 0);
                    let mut want = Vec::new();
                    Old::each(&f, &tokens, |b, loc| {
                        want.push((b, tokens.gram(loc), tokens.is_padding(loc)))
                    });
                    let mut got = Vec::new();
                    f.each(&text, |b, loc| {
                        got.push((b, loc.gram(&text), loc.is_padding()))
                    });
                    assert_eq!(
                        got, want,
                        "{text:?} ngram_max={ngram_max} word_ngrams={word_ngrams}"
                    );
                }
            }
        }
    }
}
