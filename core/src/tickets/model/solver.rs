//! Dual coordinate descent for the L2-regularised squared-hinge linear SVM, one class
//! against the rest (as in LIBLINEAR), with a deterministic shuffle.

use super::TrainOptions;
use crate::tickets::ops::{self, Op};

/// SplitMix64: a small deterministic PRNG for the epoch shuffles.
pub(super) struct SplitMix(pub(super) u64);

impl SplitMix {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

/// A sparse row: (column, value), l2-normalised.
pub(super) type Row = Vec<(u32, f32)>;

/// Dual coordinate descent for the L2-regularised squared-hinge SVM with a bias term
/// (an extra feature of value 1), one class against the rest.
#[allow(clippy::too_many_arguments)]
pub(super) fn train_binary(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_deterministic_and_below_stays_in_range() {
        let (mut a, mut b) = (SplitMix(7), SplitMix(7));
        let xs: Vec<u64> = (0..4).map(|_| a.next()).collect();
        let ys: Vec<u64> = (0..4).map(|_| b.next()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], xs[1]);
        let mut r = SplitMix(1);
        assert!((0..1000).all(|_| r.below(3) < 3));
        assert_eq!(r.below(1), 0);
    }

    #[test]
    fn one_class_is_separated_from_the_rest() {
        // Two examples on their own feature each: class 0 on column 0, class 1 on 1.
        let rows: Vec<Row> = vec![vec![(0, 1.0)], vec![(1, 1.0)], vec![(1, 1.0)]];
        let (w, b) = train_binary(
            &rows,
            &[0, 1, 1],
            &[1.0, 1.0, 1.0],
            0,
            2,
            &TrainOptions::default(),
            &mut SplitMix(3),
        );
        assert_eq!(w.len(), 2);
        let score = |r: &Row| r.iter().map(|&(c, v)| w[c as usize] * v).sum::<f32>() + b;
        assert!(score(&rows[0]) > 0.0, "{w:?} {b}");
        assert!(score(&rows[1]) < 0.0, "{w:?} {b}");
        // A duplicate counted twice (multiplicity 2) is the same problem.
        let (w2, b2) = train_binary(
            &rows[..2],
            &[0, 1],
            &[1.0, 2.0],
            0,
            2,
            &TrainOptions::default(),
            &mut SplitMix(3),
        );
        assert!(
            (w2[0] - w[0]).abs() < 0.05 && (b2 - b).abs() < 0.05,
            "{w2:?} {b2}"
        );
    }
}
