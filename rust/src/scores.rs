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
            if tf == 0 || tf > logs.len() || f >= model.idf.len() {
                return Err(format!("technique_scores: count {tf} or feature {f} out of range"));
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
            let (lo, hi) = row_range(model, f)?;
            for j in lo..hi {
                sums[model.cols[j] as usize] += f64::from(w * model.vals[j]);
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
        let ok = Model { cols: &[0], ..model };
        assert!(technique_scores(&[0, 1], &[0], &[2], &[0.0], &ok).is_err()); // no ln 2
        assert!(technique_scores(&[0, 1], &[5], &[1], &[0.0], &ok).is_err()); // feature 5
        assert!(technique_scores(&[0, 2], &[0], &[1], &[0.0], &ok).is_err()); // ptr past ids
        assert!(technique_scores(&[], &[], &[], &[], &ok).is_err());
        assert_eq!(technique_scores(&[0], &[], &[], &[], &ok), Ok(vec![]));
    }
}
