//! The model's columns in memory, for prediction: per column a row of its weights
//! (one per class) and its idf.
//!
//! Prediction reads, for each distinct column of a text (~600 on a long text), the
//! column's idf and then its weights: on a large model (a million columns × 60
//! classes) these reads are scattered over hundreds of megabytes, and prediction waits
//! on them (on the cache misses, and on the page-table walks of a memory this large).
//! So:
//!
//! - a column's idf sits in its row, after its weights, each row on whole 64-byte
//!   cache lines (60 classes and the idf: 4 lines);
//! - featurising, which needs the idf of every distinct column of the text, reads the
//!   first float of each line of the row too ([`Columns::idf_fetching_row`]): that
//!   loop is short, so many rows are being fetched at once, and scoring then finds
//!   them in cache (scoring's own loop, 15 vector additions per column, keeps fewer
//!   reads in flight).
//!
//! Scoring adds, per class, the same products in the same order as over the weights
//! of the saved form, so the scores are the same bit for bit.
//!
//! Tried and dropped (synthetic model, 8,000 texts): storing only the non-zero
//! weights of a mostly-zero column (a bitmap of its classes, then their weights; half
//! the memory) made prediction slower (more instructions and unpredictable branches
//! per column, for fewer bytes of a load that waits on the latency of reaching each
//! column, not on its size); the rows by descending document frequency (the common
//! columns together, a row index per column) were no faster than in column order.

/// The columns' rows, in the model's column order.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    k: usize,
    /// Floats a row takes: the `k` weights, the idf, and zeros up to a multiple of 4,
    /// or of 16 (a 64-byte cache line) from 8 floats on.
    stride: usize,
    /// Floats before the first row, so that rows start on a 64-byte boundary (of the
    /// buffer as allocated; a clone keeps the layout, aligned or not).
    skip: usize,
    /// Number of columns.
    len: usize,
    data: Vec<f32>,
}

impl Columns {
    /// Columns of `k` classes: `idf` per column, and `weights_of(col, out)` writing
    /// the `k` weights of a column into `out`.
    pub(super) fn new(
        k: usize,
        idf: &[f32],
        mut weights_of: impl FnMut(usize, &mut [f32]),
    ) -> Self {
        let stride = Self::stride(k);
        let mut data: Vec<f32> = Vec::with_capacity(idf.len() * stride + 15);
        let skip = (16 - (data.as_ptr() as usize / 4) % 16) % 16;
        data.resize(skip, 0.0);
        let mut row = vec![0.0f32; stride];
        for (col, x) in idf.iter().enumerate() {
            weights_of(col, &mut row[..k]);
            row[k] = *x;
            data.extend_from_slice(&row);
        }
        Self {
            k,
            stride,
            skip,
            len: idf.len(),
            data,
        }
    }

    /// Floats a row of `k` classes takes, also the length of the sums
    /// [`Columns::add_to`] adds to.
    pub(super) fn stride(k: usize) -> usize {
        if k < 8 {
            (k + 1).next_multiple_of(4)
        } else {
            (k + 1).next_multiple_of(16)
        }
    }

    /// Number of columns.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The row of `col` (`stride` floats).
    #[inline]
    fn row(&self, col: u32) -> &[f32] {
        let at = self.skip + col as usize * self.stride;
        &self.data[at..at + self.stride]
    }

    /// The idf of column `col`, reading the first float of each cache line of its
    /// row too: featurising reads the idf of a text's columns in a short loop, many
    /// reads in flight at once, so that scoring then finds the rows in cache.
    #[inline]
    pub(super) fn idf_fetching_row(&self, col: u32) -> f32 {
        let row = self.row(col);
        for x in row.iter().step_by(16) {
            std::hint::black_box(*x);
        }
        row[self.k]
    }

    /// `acc[class] += weight × v` for the weights of `col` (`acc`: `stride` sums, the
    /// classes' first, then sums to ignore).
    #[inline]
    pub(super) fn add_to(&self, col: u32, v: f32, acc: &mut [f32]) {
        for (x, w) in acc.iter_mut().zip(self.row(col)) {
            *x += w * v;
        }
    }

    /// The weight of class `j` on column `col`.
    pub(super) fn weight(&self, col: u32, j: usize) -> f32 {
        self.row(col)[j]
    }

    /// The `k` weights of column `col` into `out`.
    pub(super) fn dense(&self, col: u32, out: &mut [f32]) {
        out.copy_from_slice(&self.row(col)[..self.k]);
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
    fn columns_keep_their_weights_and_idf_in_aligned_rows() {
        // 3 columns of 20 classes (rows of 32 floats: 20 weights, the idf, zeros).
        let k = 20;
        let w = |col: usize, j: usize| -> f32 {
            match col {
                0 => [0.5, -1.25, 3.0][j % 3] * f32::from(u8::from(j % 7 == 0)),
                1 => j as f32 - 10.0,
                _ => 0.0,
            }
        };
        let c = Columns::new(k, &[1.5, 2.0, 2.5], |col, out| {
            for (j, x) in out.iter_mut().enumerate() {
                *x = w(col, j);
            }
        });
        assert_eq!((c.len(), c.stride), (3, 32));
        assert_eq!(c.data.len(), c.skip + 3 * 32);
        assert_eq!(c.data.as_ptr() as usize % 64, (64 - c.skip * 4) % 64);
        let mut out = vec![9.0; k];
        for (col, idf) in [(0, 1.5), (1, 2.0), (2, 2.5)] {
            assert_eq!(c.idf_fetching_row(col), idf);
            c.dense(col, &mut out);
            let want: Vec<f32> = (0..k).map(|j| w(col as usize, j)).collect();
            assert_eq!(out, want);
            assert_eq!(c.weight(col, 14), w(col as usize, 14));
            let mut acc = vec![1.0f32; 32];
            c.add_to(col, 0.5, &mut acc);
            let want: Vec<f32> = (0..32)
                .map(|j| match j {
                    20 => 1.0 + idf * 0.5,
                    _ if j < k => 1.0 + w(col as usize, j) * 0.5,
                    _ => 1.0,
                })
                .collect();
            assert_eq!(acc, want);
        }
    }
}
