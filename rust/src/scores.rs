//! The technique model's raw sentence scores (see `TechniqueModel.scores_of_counts` in
//! `unmask.extract.techniques`), every sentence in one call.
//!
//! Per sentence, from its feature rows and counts: TF-IDF weights `(1 + ln tf) * idf`
//! in float32 (the logarithms come from the caller, as numpy computes them), L2-
//! normalised by a float64 norm; then each feature's weight row (CSR by feature),
//! `weight * value` in float32 added in float64 per label, in the sentence's feature
//! order, cast to float32, plus the label's bias. Each sentence's scores depend on it
//! alone (the numpy path before summed frequent rows with BLAS, whose order changed
//! with the batch a sentence was in). Linear in the weight entries read.

/// The shapes and arrays of one call.
pub struct Model<'a> {
    pub idf: &'a [f32],
    pub ptr: &'a [i64],
    pub cols: &'a [i32],
    pub vals: &'a [f32],
    pub bias: &'a [f32],
}

fn row_range(model: &Model<'_>, f: usize) -> Result<(usize, usize), String> {
    if f + 1 >= model.ptr.len() || f >= model.idf.len() {
        return Err(format!("technique_scores: feature {f} out of range"));
    }
    let (a, b) = (model.ptr[f], model.ptr[f + 1]);
    let (a, b) = (
        usize::try_from(a).map_err(|_| "technique_scores: negative weight offset")?,
        usize::try_from(b).map_err(|_| "technique_scores: negative weight offset")?,
    );
    if a > b || b > model.cols.len() || b > model.vals.len() {
        return Err(format!("technique_scores: weight row {f} out of range"));
    }
    Ok((a, b))
}

/// `sums[j] += f64(w * row[j])` for every label.
fn add_spread(sums: &mut [f64], row: &[f32], w: f32) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { add_spread_avx2(sums, row, w) };
            return;
        }
    }
    for (s, &v) in sums.iter_mut().zip(row) {
        *s += f64::from(w * v);
    }
}

/// The same loop, compiled for AVX2 (the same operations in the same order per label:
/// a float32 product widened and added, no fused multiply-add).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_spread_avx2(sums: &mut [f64], row: &[f32], w: f32) {
    for (s, &v) in sums.iter_mut().zip(row) {
        *s += f64::from(w * v);
    }
}

/// Scores of every sentence: `ptr` (one more than the sentences) indexes `ids`
/// (feature rows) and `counts`; `logs[t - 1]` is float32 `ln t`. Returns
/// `sentences * n_labels` float32 values, row by row.
pub fn technique_scores(
    ptr: &[i64],
    ids: &[i64],
    counts: &[i64],
    logs: &[f32],
    model: &Model<'_>,
) -> Result<Vec<f32>, String> {
    let n_labels = model.bias.len();
    if ids.len() != counts.len() {
        return Err("technique_scores: ids and counts of different lengths".to_owned());
    }
    if ptr.is_empty() {
        return Err("technique_scores: an empty ptr".to_owned());
    }
    if model.cols.iter().any(|&c| c < 0 || c as usize >= n_labels) {
        return Err("technique_scores: a weight names a label out of range".to_owned());
    }
    let total = ptr.len() - 1;
    let n_features = model.ptr.len().saturating_sub(1);
    // Long weight rows (frequent words) are spread out to every label once per call, so
    // that a sentence adds them with one straight pass; adding a label's zero changes
    // no sum, so the scores are those of the entry-by-entry scatter.
    let long_row = (n_labels / 4).max(16);
    let mut slot_of = vec![u32::MAX; n_features];
    let mut spread: Vec<f32> = Vec::new();
    for (f, slot) in slot_of.iter_mut().enumerate() {
        let (lo, hi) = row_range(model, f)?;
        if hi - lo > long_row {
            *slot = (spread.len() / n_labels.max(1)) as u32;
            let base = spread.len();
            spread.resize(base + n_labels, 0.0);
            for j in lo..hi {
                spread[base + model.cols[j] as usize] = model.vals[j];
            }
        }
    }
    let mut out = vec![0f32; total * n_labels];
    let mut sums = vec![0f64; n_labels];
    let mut weights: Vec<f32> = Vec::new();
    for i in 0..total {
        let (a, b) = (ptr[i], ptr[i + 1]);
        let (a, b) = (
            usize::try_from(a).map_err(|_| "technique_scores: negative offset")?,
            usize::try_from(b).map_err(|_| "technique_scores: negative offset")?,
        );
        if a > b || b > ids.len() {
            return Err(format!("technique_scores: sentence {i} out of range"));
        }
        weights.clear();
        let mut norm2 = 0f64;
        for k in a..b {
            let f = usize::try_from(ids[k]).map_err(|_| "technique_scores: negative feature")?;
            let tf = usize::try_from(counts[k]).map_err(|_| "technique_scores: negative count")?;
            if tf == 0 || tf > logs.len() || f >= model.idf.len() || f >= n_features {
                return Err(format!(
                    "technique_scores: count {tf} or feature {f} out of range"
                ));
            }
            let wt = (1.0f32 + logs[tf - 1]) * model.idf[f];
            norm2 += f64::from(wt * wt);
            weights.push(wt);
        }
        let norm = norm2.sqrt();
        sums.fill(0.0);
        for (k, &wt) in (a..b).zip(&weights) {
            let f = ids[k] as usize;
            let w = (f64::from(wt) / norm) as f32;
            let slot = slot_of[f];
            // (a weight that is not finite would reach the zeros too: scattered instead)
            if slot != u32::MAX && w.is_finite() {
                let row = &spread[slot as usize * n_labels..(slot as usize + 1) * n_labels];
                add_spread(&mut sums, row, w);
            } else {
                let (lo, hi) = row_range(model, f)?;
                for (&c, &v) in model.cols[lo..hi].iter().zip(&model.vals[lo..hi]) {
                    sums[c as usize] += f64::from(w * v);
                }
            }
        }
        let row = &mut out[i * n_labels..(i + 1) * n_labels];
        for ((slot, &sum), &bias) in row.iter_mut().zip(&sums).zip(model.bias) {
            *slot = sum as f32 + bias;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sentence_by_hand() {
        // Two features: row 0 (label 1), row 1 (labels 0 and 1).
        let model = Model {
            idf: &[1.0, 2.0],
            ptr: &[0, 1, 3],
            cols: &[1, 0, 1],
            vals: &[0.5, 1.0, -1.0],
            bias: &[0.25, 0.0],
        };
        let logs = [0.0f32, 2f32.ln()];
        let out = technique_scores(&[0, 2], &[0, 1], &[1, 2], &logs, &model).expect("valid");
        let w0 = 1.0f32;
        let w1 = (1.0 + 2f32.ln()) * 2.0;
        let norm = (f64::from(w0 * w0) + f64::from(w1 * w1)).sqrt();
        let (x0, x1) = ((f64::from(w0) / norm) as f32, (f64::from(w1) / norm) as f32);
        assert_eq!(out[0], (f64::from(x1) as f32) + 0.25);
        assert_eq!(out[1], (f64::from(x0 * 0.5) + f64::from(-x1)) as f32);
    }

    /// The plain scatter, entry by entry: what the spread rows must equal, bit for bit.
    fn scatter(ptr: &[i64], ids: &[i64], counts: &[i64], logs: &[f32], m: &Model<'_>) -> Vec<f32> {
        let n_labels = m.bias.len();
        let mut out = Vec::new();
        for i in 0..ptr.len() - 1 {
            let (a, b) = (ptr[i] as usize, ptr[i + 1] as usize);
            let wts: Vec<f32> = (a..b)
                .map(|k| (1.0f32 + logs[counts[k] as usize - 1]) * m.idf[ids[k] as usize])
                .collect();
            let norm = wts.iter().map(|&w| f64::from(w * w)).sum::<f64>().sqrt();
            let mut sums = vec![0f64; n_labels];
            for (k, &wt) in (a..b).zip(&wts) {
                let f = ids[k] as usize;
                let w = (f64::from(wt) / norm) as f32;
                for e in m.ptr[f] as usize..m.ptr[f + 1] as usize {
                    sums[m.cols[e] as usize] += f64::from(w * m.vals[e]);
                }
            }
            out.extend(sums.iter().zip(m.bias).map(|(&s, &b)| s as f32 + b));
        }
        out
    }

    #[test]
    fn spread_rows_give_the_scatter_bits() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let n_labels = 64;
        let (mut wptr, mut cols, mut vals, mut idf) =
            (vec![0i64], Vec::new(), Vec::new(), Vec::new());
        for f in 0..40 {
            // every fourth row long (spread), the others short
            let len = if f % 4 == 0 { 20 + next(44) } else { next(8) };
            let mut labels: Vec<i32> = (0..n_labels as i32).collect();
            for j in 0..len as usize {
                let k = j + next((n_labels - j) as u64) as usize;
                labels.swap(j, k);
                cols.push(labels[j]);
                vals.push((next(2001) as f32 - 1000.0) / 337.0);
            }
            wptr.push(cols.len() as i64);
            idf.push(0.5 + next(100) as f32 / 40.0);
        }
        let bias: Vec<f32> = (0..n_labels).map(|j| j as f32 / 100.0 - 0.3).collect();
        let model = Model {
            idf: &idf,
            ptr: &wptr,
            cols: &cols,
            vals: &vals,
            bias: &bias,
        };
        let logs: Vec<f32> = (1..=9).map(|t| (t as f32).ln()).collect();
        let (mut ptr, mut ids, mut counts) = (vec![0i64], Vec::new(), Vec::new());
        for _ in 0..200 {
            let mut feats: Vec<i64> = (0..40).collect();
            for j in 0..next(25) as usize {
                let k = j + next((40 - j) as u64) as usize;
                feats.swap(j, k);
                ids.push(feats[j]);
                counts.push(1 + next(9) as i64);
            }
            ptr.push(ids.len() as i64);
        }
        let fast = technique_scores(&ptr, &ids, &counts, &logs, &model).expect("valid");
        let slow = scatter(&ptr, &ids, &counts, &logs, &model);
        assert_eq!(fast.len(), slow.len());
        assert!(fast
            .iter()
            .zip(&slow)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }

    #[test]
    fn bad_input_is_an_error() {
        let model = Model {
            idf: &[1.0],
            ptr: &[0, 1],
            cols: &[3],
            vals: &[1.0],
            bias: &[0.0],
        };
        assert!(technique_scores(&[0, 1], &[0], &[1], &[0.0], &model).is_err()); // label 3
        let ok = Model {
            cols: &[0],
            ..model
        };
        assert!(technique_scores(&[0, 1], &[0], &[2], &[0.0], &ok).is_err()); // no ln 2
        assert!(technique_scores(&[0, 1], &[5], &[1], &[0.0], &ok).is_err()); // feature 5
        assert!(technique_scores(&[0, 2], &[0], &[1], &[0.0], &ok).is_err()); // ptr past ids
        assert!(technique_scores(&[], &[], &[], &[], &ok).is_err());
        assert_eq!(technique_scores(&[0], &[], &[], &[], &ok), Ok(vec![]));
    }
}
