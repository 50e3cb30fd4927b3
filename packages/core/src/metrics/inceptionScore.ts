/**
 * Inception-style score (Salimans et al. 2016, "Improved Techniques for Training GANs"; reference: openai/improved-gan
 * inception_score.py): exp(E_x KL(p(y|x) || p(y))) over class probabilities from a classifier, computed on `splits`
 * equal parts, reported as mean and standard deviation over the parts. With a dataset's own classifier instead of
 * Inception it ranges from 1 (one class, or uniform predictions) to the number of classes.
 */
export function inceptionScore(probs: Float64Array, n: number, classes: number, splits = 10): { mean: number; std: number } {
  const parts = Math.min(splits, n);
  const scores: number[] = [];
  for (let s = 0; s < parts; s++) {
    const lo = Math.floor((s * n) / parts);
    const hi = Math.floor(((s + 1) * n) / parts);
    const marginal = new Float64Array(classes);
    for (let i = lo; i < hi; i++) for (let c = 0; c < classes; c++) marginal[c]! += probs[i * classes + c]! / (hi - lo);
    let kl = 0;
    for (let i = lo; i < hi; i++) {
      for (let c = 0; c < classes; c++) {
        const p = probs[i * classes + c]!;
        if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c]!));
      }
    }
    scores.push(Math.exp(kl / (hi - lo)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return { mean, std };
}

/** Histogram of predicted classes (argmax), its KL divergence to uniform, and how many classes occur at all. */
export function classHistogram(probs: Float64Array, n: number, classes: number): { counts: number[]; klToUniform: number; modesCovered: number } {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    counts[best]! += 1;
  }
  let kl = 0;
  for (const count of counts) if (count > 0) kl += (count / n) * Math.log((count / n) * classes);
  return { counts, klToUniform: kl, modesCovered: counts.filter((c) => c > 0).length };
}
