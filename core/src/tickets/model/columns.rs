//! The model's columns in memory, for prediction: per column its idf and its weights
//! (one per class), packed.
//!
//! Prediction reads, for each distinct column of a text (~600 on a long text), the
//! column's idf and then its weights: on a large model (a million columns × 60
//! classes) these reads are scattered over hundreds of megabytes and prediction waits
//! on them. So:
//!
//! - a column's idf sits in its row, after its weights: featurising reads it, and
//!   scoring then finds the row in cache (one read of scattered memory per column,
//!   not two);
//! - the columns' rows of weights are laid out by descending document frequency, so
//!   that the columns found in most texts sit together (in cache), not scattered at
//!   random (and on fewer memory pages), each row on whole 64-byte cache lines (60
//!   classes and the idf: 4 lines);
//! - a column whose weights are all zero is not read when scoring.
//!
//! Scoring adds, per class, the same products in the same order as over the weights
//! in column order, minus those of all-zero columns: adding `+0.0` (a zero weight
//! times a finite value) never changes a sum that is not `-0.0`, and a sum that starts
//! at `+0.0` is never `-0.0` (round to nearest: `x + y` is `-0.0` only if both are),
//! so the scores are the same bit for bit.
//!
//! Tried and dropped: storing only the non-zero weights of a mostly-zero column (a
//! bitmap of its classes, then their weights; half the memory on the synthetic
//! model) made prediction slower: more instructions and unpredictable branches per
//! column, for fewer bytes of a load that waits on the latency of reaching each
//! column, not on its size.

/// The flag of a column whose weights are all zero (its row holds its idf only).
const ZERO: u32 = 1 << 31;

/// Per column (in the model's column order): its row (`ZERO` set if its weights are
/// all zero); the rows in `data`.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    k: usize,
    /// Floats a row takes: the `k` weights, the idf, and zeros up to a multiple of 4,
    /// or of 16 (a 64-byte cache line) from 8 floats on.
    stride: usize,
    /// Floats before the first row, so that rows start on a 64-byte boundary (of the
    /// buffer as allocated; a clone keeps the layout, aligned or not).
    skip: usize,
    heads: Vec<u32>,
    data: Vec<f32>,
}

impl Columns {
    /// `f` columns of `k` classes: `idf` and `df` per column, and `weights_of(col,
    /// out)` writing the `k` weights of a column into `out`.
    pub(super) fn new(
        k: usize,
        idf: &[f32],
        df: &[u32],
        mut weights_of: impl FnMut(usize, &mut [f32]),
    ) -> Self {
        let f = idf.len();
        let stride = Self::stride(k);
        let mut order: Vec<u32> = (0..f as u32).collect();
        order.sort_unstable_by_key(|&c| (std::cmp::Reverse(df[c as usize]), c));
        let mut heads = vec![0u32; f];
        let mut data: Vec<f32> = Vec::with_capacity(f * stride + 15);
        let skip = (16 - (data.as_ptr() as usize / 4) % 16) % 16;
        data.resize(skip, 0.0);
        let mut row = vec![0.0f32; stride];
        for (slot, &col) in order.iter().enumerate() {
            let col = col as usize;
            row.fill(0.0);
            weights_of(col, &mut row[..k]);
            let zero = if row[..k].iter().all(|x| *x == 0.0) {
                ZERO
            } else {
                0
            };
            row[k] = idf[col];
            data.extend_from_slice(&row);
            heads[col] = slot as u32 | zero;
        }
        Self {
            k,
            stride,
            skip,
            heads,
            data,
        }
    }

    /// Floats a row of `k` classes takes (see [`Columns::stride`]), also the length of
    /// the sums [`Columns::add_to`] adds to.
    pub(super) fn stride(k: usize) -> usize {
        if k < 8 {
            (k + 1).next_multiple_of(4)
        } else {
            (k + 1).next_multiple_of(16)
        }
    }

    /// Number of columns.
    pub(super) fn len(&self) -> usize {
        self.heads.len()
    }

    /// The row of `col` (`stride` floats) and whether its weights are all zero.
    #[inline]
    fn row(&self, col: u32) -> (&[f32], bool) {
        let h = self.heads[col as usize];
        let at = self.skip + (h & !ZERO) as usize * self.stride;
        (&self.data[at..at + self.stride], h & ZERO != 0)
    }

    /// The idf of column `col`.
    #[inline]
    pub(super) fn idf(&self, col: u32) -> f32 {
        self.row(col).0[self.k]
    }

    /// `acc[class] += weight × v` for the weights of `col` (`acc`: `stride` sums, the
    /// classes' first, then sums to ignore; nothing for a column of zero weights).
    #[inline]
    pub(super) fn add_to(&self, col: u32, v: f32, acc: &mut [f32]) {
        let (row, zero) = self.row(col);
        if !zero {
            for (x, w) in acc.iter_mut().zip(row) {
                *x += w * v;
            }
        }
    }

    /// The weight of class `j` on column `col`.
    pub(super) fn weight(&self, col: u32, j: usize) -> f32 {
        self.row(col).0[j]
    }

    /// The `k` weights of column `col` into `out`.
    pub(super) fn dense(&self, col: u32, out: &mut [f32]) {
        out.copy_from_slice(&self.row(col).0[..self.k]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_holds_the_weights_and_the_idf_on_whole_lines() {
        let strides: Vec<usize> = [2, 3, 4, 7, 8, 15, 16, 41, 60, 64]
            .iter()
            .map(|k| Columns::stride(*k))
            .collect();
        assert_eq!(strides, [4, 4, 8, 8, 16, 16, 32, 48, 64, 80]);
    }

    #[test]
    fn columns_keep_their_weights_in_rows_by_document_frequency() {
        // 3 columns of 20 classes (rows of 32 floats: 20 weights, the idf, zeros): one
        // with a few weights, one full, one all zero; df orders the rows 2, 0, 1.
        let k = 20;
        let w = |col: usize, j: usize| -> f32 {
            match col {
                0 => [0.5, -1.25, 3.0][j % 3] * f32::from(u8::from(j % 7 == 0)),
                1 => j as f32 - 10.0,
                _ => 0.0,
            }
        };
        let c = Columns::new(k, &[1.5, 2.0, 2.5], &[5, 1, 9], |col, out| {
            for (j, x) in out.iter_mut().enumerate() {
                *x = w(col, j);
            }
        });
        assert_eq!((c.len(), c.stride), (3, 32));
        assert_eq!((c.idf(0), c.idf(1), c.idf(2)), (1.5, 2.0, 2.5));
        assert_eq!(c.heads, [1, 2, ZERO]);
        assert_eq!(c.data.len(), c.skip + 3 * 32);
        assert_eq!(c.data.as_ptr() as usize % 64, (64 - c.skip * 4) % 64);
        let mut out = vec![9.0; k];
        for col in 0..3 {
            c.dense(col, &mut out);
            let want: Vec<f32> = (0..k).map(|j| w(col as usize, j)).collect();
            assert_eq!(out, want);
            assert_eq!(c.weight(col, 14), w(col as usize, 14));
            let mut acc = vec![1.0f32; 32];
            c.add_to(col, 0.5, &mut acc);
            let want: Vec<f32> = (0..32)
                .map(|j| match j {
                    _ if col == 2 => 1.0,
                    20 => 1.0 + c.idf(col) * 0.5,
                    _ if j < k => 1.0 + w(col as usize, j) * 0.5,
                    _ => 1.0,
                })
                .collect();
            assert_eq!(acc, want);
        }
    }
}
