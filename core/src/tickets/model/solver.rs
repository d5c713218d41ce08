//! Dual coordinate descent for the L2-regularised squared-hinge linear SVM, one class
//! against the rest (as in LIBLINEAR), with a deterministic shuffle and LIBLINEAR's
//! shrinking: an example whose dual variable is 0 and whose gradient shows it will stay
//! 0 (it is well outside the margin) leaves the active set until the active set has
//! converged; then every example is checked again. In one-vs-rest most examples of
//! the other classes leave within an epoch or two, so an epoch costs the n-grams of the
//! examples near the margin, not of all texts.

use super::TrainOptions;

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

/// What every class's problem shares: the rows (compressed: `ents[start[i]..start[i + 1]]`
/// is row `i`, its columns renumbered by descending document frequency and ascending,
/// so that the weights of the common n-grams, touched by most rows, sit together in
/// cache), their classes, and per example the diagonal term `D_ii = 1 / (2 C m_i)`
/// (an example standing for `m_i` copies) and `Q_ii = ‖x_i‖² + 1 + D_ii` (the 1 for the
/// bias, an extra feature of value 1).
pub(super) struct Problem<'a> {
    start: Vec<usize>,
    ents: Vec<(u32, f32)>,
    y: &'a [usize],
    diag: Vec<f64>,
    qd: Vec<f64>,
    /// Per solver column, the model's column.
    col_of: Vec<u32>,
}

impl<'a> Problem<'a> {
    /// `rows` over `f` columns; `df` the document frequency of each column.
    pub(super) fn new(rows: &[Row], y: &'a [usize], mult: &[f64], df: &[u32], c: f64) -> Self {
        let f = df.len();
        let mut col_of: Vec<u32> = (0..f as u32).collect();
        col_of.sort_by_key(|&col| (std::cmp::Reverse(df[col as usize]), col));
        let mut new_of = vec![0u32; f];
        for (new, &col) in col_of.iter().enumerate() {
            new_of[col as usize] = new as u32;
        }
        let mut start = Vec::with_capacity(rows.len() + 1);
        let mut ents = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        start.push(0);
        for r in rows {
            let from = ents.len();
            ents.extend(r.iter().map(|&(col, v)| (new_of[col as usize], v)));
            ents[from..].sort_unstable_by_key(|e| e.0);
            start.push(ents.len());
        }
        let diag: Vec<f64> = mult.iter().map(|m| 0.5 / (c * m)).collect();
        let qd = rows
            .iter()
            .zip(&diag)
            .map(|(r, d)| r.iter().map(|e| f64::from(e.1).powi(2)).sum::<f64>() + 1.0 + d)
            .collect();
        Self {
            start,
            ents,
            y,
            diag,
            qd,
            col_of,
        }
    }

    #[inline]
    fn row(&self, i: usize) -> &[(u32, f32)] {
        &self.ents[self.start[i]..self.start[i + 1]]
    }

    fn len(&self) -> usize {
        self.y.len()
    }
}

/// Buffers of one solving thread, reused from class to class: the dense weight vector
/// (all zero between classes: only the columns of updated examples are reset) and
/// the per-example state.
#[derive(Default)]
pub(super) struct Buffers {
    w: Vec<f32>,
    /// Per column: whether it is in `cols` already.
    mark: Vec<bool>,
    cols: Vec<u32>,
    alpha: Vec<f64>,
    ys: Vec<f64>,
    index: Vec<u32>,
    /// Per example: whether its dual variable ever changed (its columns then may
    /// carry weight).
    moved: Vec<bool>,
}

/// Σ w[c] × v over `row`, in four interleaved sums (the additions overlap).
#[inline]
fn dot(w: &[f32], row: &[(u32, f32)]) -> f32 {
    let mut acc = [0.0f32; 4];
    let mut quads = row.chunks_exact(4);
    for q in &mut quads {
        for j in 0..4 {
            acc[j] += w[q[j].0 as usize] * q[j].1;
        }
    }
    for &(c, v) in quads.remainder() {
        acc[0] += w[c as usize] * v;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// One class's separator: the non-zero weights as (column, weight), columns ascending,
/// the bias, and the solver's work (example visits plus weight entries output).
pub(super) struct Binary {
    pub(super) w: Vec<(u32, f32)>,
    pub(super) b: f32,
    pub(super) work: u64,
}

/// Dual coordinate descent for the L2-regularised squared-hinge SVM with a bias term
/// (regularised, as LIBLINEAR's), `target` against the rest.
pub(super) fn train_binary(
    p: &Problem<'_>,
    target: usize,
    o: &TrainOptions,
    rng: &mut SplitMix,
    buf: &mut Buffers,
) -> Binary {
    let n = p.len();
    let f = p.col_of.len();
    if buf.w.len() != f {
        buf.w = vec![0.0; f];
        buf.mark = vec![false; f];
    }
    buf.alpha.clear();
    buf.alpha.resize(n, 0.0);
    buf.moved.clear();
    buf.moved.resize(n, false);
    buf.ys.clear();
    buf.ys
        .extend(p.y.iter().map(|c| if *c == target { 1.0 } else { -1.0 }));
    buf.index.clear();
    buf.index.extend(0..n as u32);
    let (w, alpha, ys, index, moved) = (
        &mut buf.w,
        &mut buf.alpha,
        &buf.ys,
        &mut buf.index,
        &mut buf.moved,
    );
    let mut b = 0.0f64;
    let mut work = 0u64;
    let mut active = n;
    // The largest projected gradient of the last epoch (∞ after a full check): an
    // example at 0 with a larger gradient is shrunk (the dual has no upper bound for
    // the squared hinge, so only this side shrinks).
    let mut pg_max_old = f64::INFINITY;
    let mut epoch = 0;
    while epoch < o.epochs {
        for i in (1..active).rev() {
            let j = rng.below(i + 1);
            index.swap(i, j);
        }
        work += active as u64;
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut s = 0;
        while s < active {
            let i = index[s] as usize;
            let row = p.row(i);
            let yi = ys[i];
            let dot = f64::from(dot(w, row)) + b;
            let g = yi * dot - 1.0 + p.diag[i] * alpha[i];
            let pg = if alpha[i] == 0.0 {
                if g > pg_max_old {
                    // Shrink: out of the active set until it converges.
                    active -= 1;
                    index.swap(s, active);
                    continue;
                }
                g.min(0.0)
            } else {
                g
            };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / p.qd[i]).max(0.0);
                let d = (alpha[i] - old) * yi;
                let df = d as f32;
                for &(c, v) in row {
                    w[c as usize] += df * v;
                }
                b += d;
                moved[i] = true;
            }
            s += 1;
        }
        epoch += 1;
        if pg_max - pg_min <= o.tol {
            if active == n {
                break;
            }
            // Converged on the active set: check every example again.
            active = n;
            pg_max_old = f64::INFINITY;
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f64::INFINITY } else { pg_max };
    }
    // The weights live on the columns of the examples that moved: collect them,
    // output the non-zero ones and reset them for the next class.
    let cols = &mut buf.cols;
    cols.clear();
    for (i, _) in moved.iter().enumerate().filter(|(_, m)| **m) {
        for &(c, _) in p.row(i) {
            let m = &mut buf.mark[c as usize];
            if !*m {
                *m = true;
                cols.push(c);
            }
        }
    }
    let mut out = Vec::with_capacity(cols.len());
    for &c in cols.iter() {
        let x = std::mem::take(&mut w[c as usize]);
        buf.mark[c as usize] = false;
        if x != 0.0 {
            out.push((p.col_of[c as usize], x));
        }
    }
    out.sort_unstable_by_key(|e| e.0);
    work += out.len() as u64;
    Binary {
        w: out,
        b: b as f32,
        work,
    }
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

    fn dense(b: &Binary, f: usize) -> Vec<f32> {
        let mut w = vec![0.0; f];
        for &(c, x) in &b.w {
            w[c as usize] = x;
        }
        w
    }

    #[test]
    fn one_class_is_separated_from_the_rest() {
        // Two examples on their own feature each: class 0 on column 0, class 1 on 1.
        let rows: Vec<Row> = vec![vec![(0, 1.0)], vec![(1, 1.0)], vec![(1, 1.0)]];
        let o = TrainOptions::default();
        let mut buf = Buffers::default();
        let p = Problem::new(&rows, &[0, 1, 1], &[1.0, 1.0, 1.0], &[1, 2], o.c);
        let sol = train_binary(&p, 0, &o, &mut SplitMix(3), &mut buf);
        let (w, b) = (dense(&sol, 2), sol.b);
        let score = |r: &Row| r.iter().map(|&(c, v)| w[c as usize] * v).sum::<f32>() + b;
        assert!(score(&rows[0]) > 0.0, "{w:?} {b}");
        assert!(score(&rows[1]) < 0.0, "{w:?} {b}");
        // A duplicate counted twice (multiplicity 2) is the same problem.
        let p2 = Problem::new(&rows[..2], &[0, 1], &[1.0, 2.0], &[1, 1], o.c);
        let sol2 = train_binary(&p2, 0, &o, &mut SplitMix(3), &mut buf);
        let w2 = dense(&sol2, 2);
        assert!(
            (w2[0] - w[0]).abs() < 0.05 && (sol2.b - b).abs() < 0.05,
            "{w2:?} {}",
            sol2.b
        );
        // The buffers are clean between classes: solving again gives the same.
        let again = train_binary(&p, 0, &o, &mut SplitMix(3), &mut Buffers::default());
        assert_eq!((again.w, again.b), (sol.w, sol.b));
    }

    #[test]
    fn shrinking_reaches_the_unshrunk_optimum() {
        // 200 examples in 4 classes over 40 columns: the objective at the solution
        // with shrinking matches a long unshrunk run (tolerance tightened).
        let mut r = SplitMix(11);
        let rows: Vec<Row> = (0..200)
            .map(|i| {
                let mut row: Row = (0..6)
                    .map(|_| ((i % 4) * 10 + r.below(10)) as u32)
                    .map(|c| (c, 1.0))
                    .collect();
                row.sort_unstable_by_key(|e| e.0);
                row.dedup_by_key(|e| e.0);
                let n = (row.len() as f32).sqrt();
                row.iter_mut().for_each(|e| e.1 /= n);
                row
            })
            .collect();
        let y: Vec<usize> = (0..200).map(|i| i % 4).collect();
        let o = TrainOptions {
            tol: 1e-6,
            epochs: 10_000,
            ..TrainOptions::default()
        };
        let p = Problem::new(
            &rows,
            &y,
            &vec![1.0; 200],
            &(0..40).map(|c| (c * 7 % 40) as u32).collect::<Vec<_>>(),
            o.c,
        );
        let sol = train_binary(&p, 2, &o, &mut SplitMix(5), &mut Buffers::default());
        let w = dense(&sol, 40);
        // Primal objective: ½(‖w‖² + b²) + C Σ max(0, 1 − y(w·x + b))².
        let obj = |w: &[f32], b: f32| {
            let reg: f64 =
                w.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>() + f64::from(b).powi(2);
            let loss: f64 = rows
                .iter()
                .zip(&y)
                .map(|(row, c)| {
                    let yi = if *c == 2 { 1.0 } else { -1.0 };
                    let s: f64 = row
                        .iter()
                        .map(|&(k, v)| f64::from(w[k as usize] * v))
                        .sum::<f64>()
                        + f64::from(b);
                    (1.0 - yi * s).max(0.0).powi(2)
                })
                .sum();
            0.5 * reg + o.c * loss
        };
        let got = obj(&w, sol.b);
        // Small random perturbations of the solution never do better.
        for t in 0..50 {
            let mut w2 = w.clone();
            w2[t % 40] += 0.01 * (if t % 2 == 0 { 1.0 } else { -1.0 });
            assert!(obj(&w2, sol.b) >= got - 1e-6, "{t}");
        }
        // Columns of other classes' blocks carry only the negative side.
        assert!(w[20..30].iter().all(|x| *x > 0.0), "{w:?}");
    }
}
