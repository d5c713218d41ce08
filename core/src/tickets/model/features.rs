//! The featuriser: character n-grams of words (CJK runs as words) and word n-grams of
//! spaced words, hashed into `2^buckets_bits` buckets; the vocabulary of a model;
//! sublinear tf-idf rows; the buffers reused from text to text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::TicketModel;

/// Feature extraction settings (stored in the model).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Featurizer {
    pub(super) ngram_max: u32,
    pub(super) word_ngrams: u32,
    pub(super) mask: u32,
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
pub(super) enum Loc {
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
    pub(super) fn is_padding(self) -> bool {
        matches!(self, Loc::Char { pad: true, .. })
    }

    /// The text of the n-gram in `text` (lower-cased, padding spaces trimmed).
    pub(super) fn gram(self, text: &str) -> String {
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
    pub(super) fn each(&self, text: &str, mut emit: impl FnMut(u32, Loc)) {
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
        self.each_word_gram(text, emit);
    }

    /// The buckets of [`each`](Self::each), in the same order, without where each
    /// n-gram was found (for prediction): the characters of each word are read once
    /// into `buf` (reused from text to text), then its n-grams hashed from there.
    #[inline]
    pub(super) fn each_bucket(&self, text: &str, buf: &mut Vec<u32>, mut emit: impl FnMut(u32)) {
        let nmax = (self.ngram_max as usize).clamp(1, NGRAM_MAX);
        let mask = self.mask;
        // The padded word: ' ', its folded characters, ' '.
        buf.clear();
        buf.push(0x20);
        let mut chars = text.chars();
        loop {
            let ch = chars.next();
            if let Some(f) = ch.and_then(word_char) {
                buf.push(f as u32);
                continue;
            }
            if buf.len() > 1 {
                buf.push(0x20);
                let p = buf.len();
                for i in 0..p {
                    let mut h = CHAR_BASIS;
                    for &c in &buf[i..(i + nmax).min(p)] {
                        h = (h ^ c).wrapping_mul(FNV_PRIME);
                        emit(fmix(h) & mask);
                    }
                }
                buf.truncate(1);
            }
            if ch.is_none() {
                break;
            }
        }
        if self.word_ngrams > 0 {
            self.each_word_gram(text, |b, _| emit(b));
        }
    }

    /// The word n-grams of `text` (1 to `word_ngrams` spaced words), as in
    /// [`each`](Self::each).
    #[inline]
    fn each_word_gram(&self, text: &str, mut emit: impl FnMut(u32, Loc)) {
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
/// (training counts buckets, prediction the model's columns). Memory is O(distinct
/// keys), not O(occurrences).
#[derive(Debug, Default)]
pub(super) struct Counter {
    /// `(key + 1) << 32 | index in out`, 0 for a free slot.
    pub(super) table: Vec<u64>,
}

impl Counter {
    /// Starts counting into `out`.
    pub(super) fn start(&mut self, out: &mut Vec<(u32, u32)>) {
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
    /// occurrence); whether it is the first.
    #[inline]
    pub(super) fn add(&mut self, key: u32, out: &mut Vec<(u32, u32)>) -> bool {
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
                return true;
            }
            if slot >> 32 == tag {
                let e = &mut out[(slot & 0xffff_ffff) as usize].1;
                *e = e.saturating_add(1);
                return false;
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
pub(super) struct Vocab {
    /// Per 64 buckets: the bits of the features among them, and the number of
    /// features in all earlier words.
    pub(super) words: Vec<(u64, u32)>,
}

impl Vocab {
    /// `buckets`: sorted, distinct, below 2^`bits`.
    pub(super) fn new(buckets: &[u32], bits: u32) -> Self {
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
    pub(super) fn get(&self, bucket: u32) -> Option<u32> {
        let &(bits, rank) = self.words.get((bucket >> 6) as usize)?;
        let bit = 1u64 << (bucket & 63);
        (bits & bit != 0).then(|| rank + (bits & (bit - 1)).count_ones())
    }
}

/// Buffers for featurising and scoring, reused across a batch.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    pub(super) locs: Vec<Loc>,
    pub(super) counter: Counter,
    pub(super) counts: Vec<(u32, u32)>,
    /// Occurrences per column of the current model, up to 254 (255: see `big`; all
    /// zero between texts).
    pub(super) per_col: Vec<u8>,
    /// Occurrences of the columns seen more than 254 times in the current text.
    pub(super) big: BucketMap,
    /// The current word's characters (see `Featurizer::each_bucket`).
    pub(super) chars: Vec<u32>,
    pub(super) row: Vec<(u32, f32)>,
    pub(super) scores: Vec<f32>,
    /// The second partial sums of the scores (see `TicketModel::score`).
    pub(super) scores_b: Vec<f32>,
}

thread_local! {
    /// Buffers of single-text calls (`predict`, `decision`, classification), kept per
    /// thread so that they are not allocated per call.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// `f` with this thread's scratch buffers (fresh ones if they are in use).
pub(super) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut Scratch::default()),
    })
}

/// A fast, deterministic hasher for bucket ids (already well mixed).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct IdHasher(u64);

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

pub(super) type BucketMap = HashMap<u32, u32, BuildHasherDefault<IdHasher>>;

pub(super) fn idf_of(n_docs: u32, df: u32) -> f32 {
    (((1.0 + f64::from(n_docs)) / (1.0 + f64::from(df))).ln() + 1.0) as f32
}

impl TicketModel {
    /// The tf-idf row of `text` into `s.row` (columns in order of first occurrence);
    /// with `locs`, also where each column first occurs (in `s.locs`, by row entry).
    pub(super) fn featurize(&self, text: &str, s: &mut Scratch, locs: bool) {
        // Count per column in a dense array of bytes while streaming the n-grams (a
        // column's first occurrence appends it, in order), then take the counts,
        // clearing them: memory is O(columns), whatever the text's length, and one
        // byte a column (a million columns: 1 MB, which stays in cache). A column seen
        // more than `BIG - 1` times in the text counts on in `s.big`.
        const BIG: u8 = u8::MAX;
        let n = self.cols.len();
        if s.per_col.len() < n {
            s.per_col.resize(n, 0);
        }
        s.counts.clear();
        s.locs.clear();
        s.big.clear();
        let (counts, all_locs, vocab, big) = (&mut s.counts, &mut s.locs, &self.vocab, &mut s.big);
        let per_col = &mut s.per_col[..n];
        // Counts an n-gram; whether it is the first of its column.
        let mut count = |b: u32| -> bool {
            let Some(col) = vocab.get(b) else {
                return false;
            };
            let c = &mut per_col[col as usize];
            let first = *c == 0;
            if first {
                counts.push((col, 0));
            }
            if *c < BIG - 1 {
                *c += 1;
            } else {
                *c = BIG;
                let e = big.entry(col).or_insert(u32::from(BIG - 1));
                *e = e.saturating_add(1);
            }
            first
        };
        if locs {
            self.feat.each(text, |b, loc| {
                if count(b) {
                    all_locs.push(loc);
                }
            });
        } else {
            self.feat.each_bucket(text, &mut s.chars, |b| {
                count(b);
            });
        }
        let (counts, big, per_col) = (&mut s.counts, &s.big, &mut s.per_col[..n]);
        for e in counts.iter_mut() {
            let c = std::mem::take(&mut per_col[e.0 as usize]);
            e.1 = if c == BIG {
                big.get(&e.0).copied().unwrap_or(u32::from(BIG))
            } else {
                u32::from(c)
            };
        }
        tfidf_row(
            &s.counts,
            Some,
            |col| self.cols.idf_fetching_row(col),
            &mut s.row,
        );
    }
}

/// The share of the tf-idf mass (squared l2-normalised values, all features kept) of
/// the training texts that lies in features seen in one text only. `docs`: the term
/// counts of each distinct text and how many times it occurs.
pub(super) fn hapax_share(docs: &[(Vec<(u32, u32)>, u32)], df: &BucketMap, n_docs: u32) -> f64 {
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
pub(super) fn tfidf_row(
    counts: &[(u32, u32)],
    col_of: impl Fn(u32) -> Option<u32>,
    idf: impl Fn(u32) -> f32,
    row: &mut Vec<(u32, f32)>,
) {
    row.clear();
    let mut norm = 0.0f32;
    for &(key, n) in counts {
        if let Some(col) = col_of(key) {
            let tf = if n == 1 { 1.0 } else { 1.0 + (n as f32).ln() };
            let v = tf * idf(col);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tfidf_row_is_sublinear_and_unit_length() {
        let mut row = Vec::new();
        // Key 7 twice, key 9 once, key 5 not in the vocabulary.
        tfidf_row(
            &[(7, 2), (9, 1), (5, 1)],
            |k| [7, 9].iter().position(|&x| x == k).map(|c| c as u32),
            |c| [1.0, 2.0][c as usize],
            &mut row,
        );
        assert_eq!(row.iter().map(|e| e.0).collect::<Vec<_>>(), [0, 1]);
        let (a, b) = (1.0 + 2f32.ln(), 2.0f32);
        let norm = (a * a + b * b).sqrt();
        assert!((row[0].1 - a / norm).abs() < 1e-6 && (row[1].1 - b / norm).abs() < 1e-6);
        tfidf_row(&[(5, 3)], |_| None, |_| 1.0, &mut row);
        assert!(row.is_empty());
    }

    #[test]
    fn idf_is_smoothed() {
        assert_eq!(idf_of(3, 3), 1.0);
        assert!((idf_of(9, 0) - (10f32.ln() + 1.0)).abs() < 1e-6);
    }

    #[test]
    fn the_vocabulary_finds_its_buckets_only() {
        let v = Vocab::new(&[3, 70, 1000], 10);
        assert_eq!(
            (v.get(3), v.get(70), v.get(1000), v.get(4)),
            (Some(0), Some(1), Some(2), None)
        );
    }
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
        let mut buf = Vec::new();
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
                    // The buckets alone (prediction's path), the buffer reused.
                    let mut fast = Vec::new();
                    f.each_bucket(&text, &mut buf, |b| fast.push(b));
                    assert_eq!(
                        fast,
                        want.iter().map(|w| w.0).collect::<Vec<_>>(),
                        "{text:?} ngram_max={ngram_max} word_ngrams={word_ngrams}"
                    );
                }
            }
        }
    }
}
