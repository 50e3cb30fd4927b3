/**
 * How well a class-conditional G obeys its class (`dcgan eval` on a `--conditional` checkpoint): the share of its
 * samples that the metrics' classifier assigns to the class they were drawn in, overall and per class. The measure
 * conditional GANs report as "classification accuracy" of generated samples (Odena et al. 2017, AC-GAN, section 4;
 * with the dataset's own classifier in place of Inception, as the project's other metrics).
 */
export interface ClassAccuracy {
  /** Share of all samples classified as their requested class. */
  accuracy: number;
  /** The same share among the samples of each requested class (NaN for a class with no samples). */
  perClass: number[];
  samples: number;
}

/** `probs` (n, classes) row-major class probabilities; `requested` the class each sample was drawn in. */
export function classAccuracy(probs: ArrayLike<number>, classes: number, requested: ArrayLike<number>): ClassAccuracy {
  const n = requested.length;
  const hits = new Float64Array(classes);
  const counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k]! > probs[i * classes + best]!) best = k;
    const want = requested[i]!;
    counts[want]! += 1;
    if (best === want) hits[want]! += 1;
  }
  const total = hits.reduce((a, b) => a + b, 0);
  return { accuracy: total / n, perClass: Array.from(hits, (h, k) => h / counts[k]!), samples: n };
}
