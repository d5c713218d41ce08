//! The model's columns in memory, for prediction: per column a row of its weights
//! (one per class, as the integers of the saved form) and its idf.
//!
//! Prediction reads, for each distinct column of a text (~600 on a long text), the
//! column's idf and then its weights: on a large model (a million columns × 60
//! classes) these reads are scattered over hundreds of megabytes, and prediction waits
//! on them (on the cache misses, and on the page-table walks of a memory this large).
//! So:
//!
//! - the weights are kept as the saved form's 16-bit integers (each weight is `q ×
//!   step`, one step per model), half the memory of `f32` weights: scores are summed
//!   over the integers and multiplied by the step once (see `TicketModel::score`);
//! - a column's idf sits in its row, after its weights, each row on whole 64-byte
//!   cache lines (60 classes and the idf: 2 lines);
//! - featurising, which needs the idf of every distinct column of the text, reads the
//!   first integer of each line of the row too ([`Columns::idf_fetching_row`]): that
//!   loop is short, so many rows are being fetched at once, and scoring then finds
//!   them in cache (scoring's own loop, converting and adding 64 lanes per column,
//!   keeps fewer reads in flight).
//!
//! Tried and dropped (synthetic model, 8,000 texts): storing only the non-zero
//! weights of a mostly-zero column (a bitmap of its classes, then their weights; half
//! the memory of f32 rows) made prediction slower (more instructions and
//! unpredictable branches per column, for fewer bytes of a load that waits on the
//! latency of reaching each column, not on its size); the rows by descending document
//! frequency (the common columns together, a row index per column) were no faster
//! than in column order.

/// The columns' rows, in the model's column order.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    k: usize,
    /// Integers a row takes: the `k` quantised weights, the idf's bits (two), and
    /// zeros up to a multiple of 8, or of 32 (a 64-byte cache line) from 16 on.
    stride: usize,
    /// Integers before the first row, so that rows start on a 64-byte boundary (of
    /// the buffer as allocated; a clone keeps the layout, aligned or not).
    skip: usize,
    /// Number of columns.
    len: usize,
    data: Vec<i16>,
}

impl Columns {
    /// Columns of `k` classes: `idf` per column, and `weights_of(col, out)` writing
    /// the `k` quantised weights of a column into `out`.
    pub(super) fn new(
        k: usize,
        idf: &[f32],
        mut weights_of: impl FnMut(usize, &mut [i16]),
    ) -> Self {
        let stride = Self::stride(k);
        let mut data: Vec<i16> = Vec::with_capacity(idf.len() * stride + 31);
        let skip = (32 - (data.as_ptr() as usize / 2) % 32) % 32;
        data.resize(skip, 0);
        let mut row = vec![0i16; stride];
        for (col, x) in idf.iter().enumerate() {
            weights_of(col, &mut row[..k]);
            let bits = x.to_bits();
            row[k] = bits as u16 as i16;
            row[k + 1] = (bits >> 16) as u16 as i16;
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

    /// Integers a row of `k` classes takes, also the length of the sums
    /// [`Columns::add_to`] adds to.
    pub(super) fn stride(k: usize) -> usize {
        if k + 2 <= 16 {
            (k + 2).next_multiple_of(8)
        } else {
            (k + 2).next_multiple_of(32)
        }
    }

    /// Number of columns.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The row of `col` (`stride` integers).
    #[inline]
    fn row(&self, col: u32) -> &[i16] {
        let at = self.skip + col as usize * self.stride;
        &self.data[at..at + self.stride]
    }

    /// The idf of column `col`, reading the first integer of each cache line of its
    /// row too: featurising reads the idf of a text's columns in a short loop, many
    /// reads in flight at once, so that scoring then finds the rows in cache.
    #[inline]
    pub(super) fn idf_fetching_row(&self, col: u32) -> f32 {
        let row = self.row(col);
        for x in row.iter().step_by(32) {
            std::hint::black_box(*x);
        }
        f32::from_bits(u32::from(row[self.k] as u16) | u32::from(row[self.k + 1] as u16) << 16)
    }

    /// `acc[class] += q × v` for the quantised weights `q` of `col` (`acc`: `stride`
    /// sums, the classes' first, then sums to ignore).
    #[inline]
    pub(super) fn add_to(&self, col: u32, v: f32, acc: &mut [f32]) {
        for (x, q) in acc.iter_mut().zip(self.row(col)) {
            *x += f32::from(*q) * v;
        }
    }

    /// The quantised weight of class `j` on column `col`.
    pub(super) fn q(&self, col: u32, j: usize) -> i16 {
        self.row(col)[j]
    }

    /// The `k` quantised weights of column `col`.
    pub(super) fn qs(&self, col: u32) -> &[i16] {
        &self.row(col)[..self.k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_holds_the_weights_and_the_idf_on_whole_lines() {
        let strides: Vec<usize> = [2, 6, 7, 14, 15, 30, 31, 41, 60, 62, 63]
            .iter()
            .map(|k| Columns::stride(*k))
            .collect();
        assert_eq!(strides, [8, 8, 16, 16, 32, 32, 64, 64, 64, 64, 96]);
    }

    #[test]
    fn columns_keep_their_weights_and_idf_in_aligned_rows() {
        // 3 columns of 20 classes (rows of 32 integers: 20 weights, the idf's two
        // halves, zeros).
        let k = 20;
        let w = |col: usize, j: usize| -> i16 {
            match col {
                0 => [5, -32767, 32767][j % 3] * i16::from(j % 7 == 0),
                1 => j as i16 - 10,
                _ => 0,
            }
        };
        let idf = [1.5f32, 2.0, 11.328_125];
        let c = Columns::new(k, &idf, |col, out| {
            for (j, x) in out.iter_mut().enumerate() {
                *x = w(col, j);
            }
        });
        assert_eq!((c.len(), c.stride), (3, 32));
        assert_eq!(c.data.len(), c.skip + 3 * 32);
        assert_eq!(c.data.as_ptr() as usize % 64, (64 - c.skip * 2) % 64);
        for (col, idf) in idf.iter().enumerate() {
            let col = col as u32;
            assert_eq!(c.idf_fetching_row(col), *idf);
            let want: Vec<i16> = (0..k).map(|j| w(col as usize, j)).collect();
            assert_eq!(c.qs(col), want);
            assert_eq!(c.q(col, 14), w(col as usize, 14));
            let mut acc = vec![1.0f32; 32];
            c.add_to(col, 0.5, &mut acc);
            let want: Vec<f32> = (0..k)
                .map(|j| 1.0 + f32::from(w(col as usize, j)) * 0.5)
                .collect();
            assert_eq!(acc[..k], want);
        }
    }
}
