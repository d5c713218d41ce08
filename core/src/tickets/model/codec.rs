//! The model's JSON form: sparse features (delta-encoded bucket ids), document
//! frequencies, and weights quantised to 16-bit integers times one step.

use serde::{Deserialize, Serialize};

use super::TicketModel;
use super::columns::Columns;
use super::features::{Featurizer, Vocab, idf_of};
use crate::tickets::{SharedStr, TicketError};

/// The model JSON format version this library reads and writes.
pub const MODEL_FORMAT_VERSION: u32 = 2;

/// The largest quantised weight (16 bits): the largest weight of a trained model is
/// saved as ±`MAX_Q`.
pub(super) const MAX_Q: i32 = 32_767;

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
pub(super) fn quantisation_step(weights: &[f32]) -> f64 {
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
    pub(super) format: String,
    pub(super) version: u32,
    pub(super) buckets_bits: u32,
    pub(super) ngram_max: u32,
    pub(super) word_ngrams: u32,
    pub(super) labels: Vec<String>,
    pub(super) n_docs: u32,
    /// Bucket ids, delta-encoded (first value absolute).
    pub(super) features: Vec<u32>,
    pub(super) df: Vec<u32>,
    /// Quantisation step of the weights.
    pub(super) scale: f64,
    /// Per class, the quantised weight of each feature (weight = q × scale).
    pub(super) weights: Vec<Vec<i32>>,
    pub(super) bias: Vec<f64>,
}

impl TicketModel {
    fn to_doc(&self) -> ModelDoc {
        let k = self.labels.len();
        let scale = self.scale;
        let mut features = Vec::with_capacity(self.buckets.len());
        let mut prev = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            features.push(if i == 0 { *b } else { b - prev });
            prev = *b;
        }
        let f = self.buckets.len();
        let mut weights: Vec<Vec<i32>> = (0..k).map(|_| Vec::with_capacity(f)).collect();
        for col in 0..f as u32 {
            for (row, q) in weights.iter_mut().zip(self.cols.qs(col)) {
                row.push(i32::from(*q));
            }
        }
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
        let idf: Vec<f32> = doc.df.iter().map(|d| idf_of(doc.n_docs, *d)).collect();
        // Each integer checked above to be within ±MAX_Q.
        let cols = Columns::new(k, &idf, |col, out| {
            for (q, row) in out.iter_mut().zip(&doc.weights) {
                *q = row[col] as i16;
            }
        });
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
            vocab,
            cols,
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
        serde_json::to_string(&self.to_doc())
            .expect("a model document serializes: plain fields, no map, finite numbers")
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::tickets::TrainOptions;

    #[test]
    fn the_quantisation_step_maps_the_largest_weight_to_max_q() {
        assert_eq!(quantisation_step(&[0.5, -2.0, 1.0]), 2.0 / f64::from(MAX_Q));
        assert_eq!(quantisation_step(&[]), 1.0);
        assert_eq!(quantisation_step(&[0.0, -0.0]), 1.0);
        assert_eq!(quantisation_step(&[1e-40]), MIN_SCALE);
    }

    #[test]
    fn features_are_delta_encoded_and_a_saved_model_reads_back_the_same() {
        let texts = ["漏水", "停电", "漏水了", "停电了"];
        let labels = ["water", "power", "water", "power"];
        let m = TicketModel::train(&texts, &labels, 0, &TrainOptions::default()).unwrap();
        let doc = m.to_doc();
        let mut acc = 0;
        let decoded: Vec<u32> = doc
            .features
            .iter()
            .map(|d| {
                acc += d;
                acc
            })
            .collect();
        assert_eq!(decoded, m.buckets);
        assert_eq!(doc.weights.len(), 2);
        assert_eq!(doc.weights[0].iter().map(|q| q.abs()).max(), Some(MAX_Q));
        let json = m.to_json();
        let back = TicketModel::from_json(&json).unwrap();
        assert_eq!(back.to_json(), json);
        assert_eq!(back.predict("又停电了"), "power");
    }

    #[test]
    fn a_document_of_another_version_is_refused_naming_the_field() {
        let m = TicketModel::train(&["a", "b"], &["x", "y"], 0, &TrainOptions::default()).unwrap();
        let old = m.to_json().replace(r#""version":2"#, r#""version":1"#);
        let e = TicketModel::from_json(&old).unwrap_err();
        assert_eq!((e.code(), e.path().as_str()), ("invalid_model", "version"));
        assert!(e.to_string().contains("train again"), "{e}");
    }
}
