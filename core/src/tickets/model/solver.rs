//! Dual coordinate descent for the L2-regularised squared-hinge linear SVM, one class
//! against the rest (as in LIBLINEAR), with a deterministic shuffle and LIBLINEAR's
//! shrinking: an example whose dual variable is 0 and whose gradient shows it will stay
//! 0 (it is well outside the margin) leaves the active set until the active set has
//! converged; then every example is checked again. In one-vs-rest most examples of
//! the other classes leave within an epoch or two, so an epoch costs the n-grams of the
//! examples near the margin, not of all texts.
//!
//! The classes are solved in blocks of [`BLOCK`], in lockstep: the weights are laid out
//! feature-major within a block (a column's weights of the block's classes contiguous),
//! so one visit of an example reads its columns once for every class of the block
//! instead of once per class (training was bound by the latency of those reads).

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

/// Classes solved together: their weights of a column are contiguous (one 64-byte
/// cache line for 16 classes), so one visit of an example reads its columns once and
/// computes the margins of every class of the block, and the updates of the classes
/// whose dual variable moved write the same lines.
pub(super) const BLOCK: usize = 16;

/// The separators of a block of classes: `w[col * L + j]` the weight of class `j` of
/// the block on solver column `col` (`L` the block's lane count, see [`Block::lanes`]),
/// the biases, and the solver's work ((example, class) visits).
pub(super) struct Block {
    pub(super) w: Vec<f32>,
    pub(super) lanes: usize,
    pub(super) b: Vec<f32>,
    pub(super) work: u64,
}

impl Block {
    #[cfg(test)]
    /// The non-zero weights of class `j` of the block as (model column, weight),
    /// columns ascending.
    pub(super) fn class_weights(&self, p: &Problem<'_>, j: usize) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = self
            .w
            .chunks_exact(self.lanes)
            .enumerate()
            .filter(|(_, r)| r[j] != 0.0)
            .map(|(c, r)| (p.col_of[c], r[j]))
            .collect();
        out.sort_unstable_by_key(|e| e.0);
        out
    }

    /// Calls `put(model column, class j of the block, weight)` for every non-zero weight.
    pub(super) fn each_weight(&self, p: &Problem<'_>, mut put: impl FnMut(u32, usize, f32)) {
        for (c, r) in self.w.chunks_exact(self.lanes).enumerate() {
            for (j, &x) in r.iter().enumerate() {
                if x != 0.0 {
                    put(p.col_of[c], j, x);
                }
            }
        }
    }
}

/// Dual coordinate descent for the L2-regularised squared-hinge SVM with a bias term
/// (regularised, as LIBLINEAR's), each of `targets` (at most [`BLOCK`]) against the
/// rest, in lockstep: one shuffled pass over the examples serves every class of the
/// block. Each class keeps its own dual variables, stopping test and shrinking (an
/// example whose dual variable is 0 and whose gradient shows it will stay 0 leaves
/// that class's active set until the class has converged on its active set; then
/// every example is checked again for it); an example inactive for every unfinished
/// class leaves the pass. Deterministic for `rng`.
pub(super) fn train_block(
    p: &Problem<'_>,
    targets: &[usize],
    o: &TrainOptions,
    rng: &mut SplitMix,
) -> Block {
    match targets.len() {
        0 | 1 => solve_lanes::<1>(p, targets, o, rng),
        2..=4 => solve_lanes::<4>(p, targets, o, rng),
        5..=8 => solve_lanes::<8>(p, targets, o, rng),
        9..=16 => solve_lanes::<16>(p, targets, o, rng),
        17..=32 => solve_lanes::<32>(p, targets, o, rng),
        _ => solve_lanes::<64>(p, targets, o, rng),
    }
}

fn solve_lanes<const L: usize>(
    p: &Problem<'_>,
    targets: &[usize],
    o: &TrainOptions,
    rng: &mut SplitMix,
) -> Block {
    let n = p.len();
    let f = p.col_of.len();
    let m = targets.len().min(L);
    let mut w = vec![0.0f32; f * L];
    let mut b = [0.0f64; L];
    let mut alpha = vec![[0.0f64; L]; n];
    let all: u64 = if m == 64 { u64::MAX } else { (1u64 << m) - 1 };
    // Per example, the classes for which it is active.
    let mut act = vec![all; n];
    // Per example, which block class it is a positive of (L: none).
    let pos: Vec<usize> =
        p.y.iter()
            .map(|c| targets.iter().position(|t| t == c).unwrap_or(L))
            .collect();
    let mut count = [n; L];
    let mut epochs = [0u32; L];
    let mut pg_max_old = [f64::INFINITY; L];
    let mut live = all;
    let mut index: Vec<u32> = (0..n as u32).collect();
    let mut active = n;
    let mut work = 0u64;
    while live != 0 {
        for i in (1..active).rev() {
            let j = rng.below(i + 1);
            index.swap(i, j);
        }
        let (mut pg_max, mut pg_min) = ([f64::NEG_INFINITY; L], [f64::INFINITY; L]);
        let mut s = 0;
        while s < active {
            let i = index[s] as usize;
            let mut cand = act[i] & live;
            if cand == 0 {
                active -= 1;
                index.swap(s, active);
                continue;
            }
            work += u64::from(cand.count_ones());
            let row = p.row(i);
            let mut mg = [0.0f32; L];
            for &(c, v) in row {
                let wr = &w[c as usize * L..c as usize * L + L];
                for j in 0..L {
                    mg[j] += wr[j] * v;
                }
            }
            let mut d = [0.0f32; L];
            let mut moved = false;
            let a = &mut alpha[i];
            while cand != 0 {
                let j = cand.trailing_zeros() as usize;
                cand &= cand - 1;
                let yi = if pos[i] == j { 1.0 } else { -1.0 };
                let g = yi * (f64::from(mg[j]) + b[j]) - 1.0 + p.diag[i] * a[j];
                let pg = if a[j] == 0.0 {
                    if g > pg_max_old[j] {
                        // Shrink: out of class j's active set until it converges.
                        act[i] &= !(1 << j);
                        count[j] -= 1;
                        continue;
                    }
                    g.min(0.0)
                } else {
                    g
                };
                pg_max[j] = pg_max[j].max(pg);
                pg_min[j] = pg_min[j].min(pg);
                if pg.abs() > 1e-12 {
                    let old = a[j];
                    a[j] = (old - g / p.qd[i]).max(0.0);
                    let dj = (a[j] - old) * yi;
                    d[j] = dj as f32;
                    b[j] += dj;
                    moved = true;
                }
            }
            if moved {
                for &(c, v) in row {
                    let wr = &mut w[c as usize * L..c as usize * L + L];
                    for j in 0..L {
                        wr[j] += d[j] * v;
                    }
                }
            }
            if act[i] & live == 0 {
                active -= 1;
                index.swap(s, active);
                continue;
            }
            s += 1;
        }
        let mut unshrink = false;
        for j in 0..m {
            if live & (1 << j) == 0 {
                continue;
            }
            epochs[j] += 1;
            if pg_max[j] - pg_min[j] <= o.tol {
                if count[j] == n {
                    live &= !(1 << j);
                } else {
                    // Converged on the active set: check every example again.
                    for x in &mut act {
                        *x |= 1 << j;
                    }
                    count[j] = n;
                    pg_max_old[j] = f64::INFINITY;
                    unshrink = true;
                }
            } else {
                pg_max_old[j] = if pg_max[j] <= 0.0 {
                    f64::INFINITY
                } else {
                    pg_max[j]
                };
            }
            if epochs[j] >= o.epochs {
                live &= !(1 << j);
            }
        }
        if unshrink {
            active = n;
        }
    }
    Block {
        w,
        lanes: L,
        b: b[..m].iter().map(|x| *x as f32).collect(),
        work,
    }
}

/// One class's separator: the non-zero weights as (model column, weight), columns
/// ascending, and the bias.
#[cfg(test)]
pub(super) struct Binary {
    pub(super) w: Vec<(u32, f32)>,
    pub(super) b: f32,
}

/// `target` against the rest alone (a block of one class).
#[cfg(test)]
pub(super) fn train_binary(
    p: &Problem<'_>,
    target: usize,
    o: &TrainOptions,
    rng: &mut SplitMix,
) -> Binary {
    let block = train_block(p, &[target], o, rng);
    Binary {
        w: block.class_weights(p, 0),
        b: block.b[0],
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
        let o = TrainOptions {
            c: 1.0,
            ..TrainOptions::default()
        };
        let p = Problem::new(&rows, &[0, 1, 1], &[1.0, 1.0, 1.0], &[1, 2], o.c);
        let sol = train_binary(&p, 0, &o, &mut SplitMix(3));
        let (w, b) = (dense(&sol, 2), sol.b);
        let score = |r: &Row| r.iter().map(|&(c, v)| w[c as usize] * v).sum::<f32>() + b;
        assert!(score(&rows[0]) > 0.0, "{w:?} {b}");
        assert!(score(&rows[1]) < 0.0, "{w:?} {b}");
        // A duplicate counted twice (multiplicity 2) is the same problem.
        let p2 = Problem::new(&rows[..2], &[0, 1], &[1.0, 2.0], &[1, 1], o.c);
        let sol2 = train_binary(&p2, 0, &o, &mut SplitMix(3));
        let w2 = dense(&sol2, 2);
        assert!(
            (w2[0] - w[0]).abs() < 0.05 && (sol2.b - b).abs() < 0.05,
            "{w2:?} {}",
            sol2.b
        );
        // The buffers are clean between classes: solving again gives the same.
        let again = train_binary(&p, 0, &o, &mut SplitMix(3));
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
            c: 1.0,
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
        let sol = train_binary(&p, 2, &o, &mut SplitMix(5));
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
