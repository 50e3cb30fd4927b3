/**
 * Resizes uint8 images (H, W, C) to (outH, outW, C) with a bilinear (triangle) filter that widens when downscaling,
 * as PIL's BILINEAR and torchvision's Resize(antialias=True) do: each output pixel averages the input pixels under a
 * triangle of radius max(1, scale) around its centre, centres aligned at half pixels. Taps are computed once per
 * shape, so resizing every batch on the fly costs a few microseconds an image.
 */
export class BilinearResizer {
  private readonly rows: Taps[];
  private readonly cols: Taps[];
  private readonly tmp: Float32Array;

  constructor(
    readonly inH: number,
    readonly inW: number,
    readonly outH: number,
    readonly outW: number,
    readonly channels: number,
  ) {
    this.rows = filterTaps(inH, outH);
    this.cols = filterTaps(inW, outW);
    this.tmp = new Float32Array(inH * outW * channels);
  }

  /** Resizes the image starting at src[srcOffset] into a new (outH, outW, C) byte array. */
  resize(src: Uint8Array, srcOffset = 0): Uint8Array {
    const { inH, inW, outH, outW, channels: c, tmp } = this;
    // Horizontal pass into floats (inH, outW, c), then vertical pass to bytes.
    for (let y = 0; y < inH; y++) {
      for (let x = 0; x < outW; x++) {
        const { start, weights } = this.cols[x]!;
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let k = 0; k < weights.length; k++) acc += weights[k]! * src[srcOffset + (y * inW + start + k) * c + ch]!;
          tmp[(y * outW + x) * c + ch] = acc;
        }
      }
    }
    const out = new Uint8Array(outH * outW * c);
    for (let y = 0; y < outH; y++) {
      const { start, weights } = this.rows[y]!;
      for (let x = 0; x < outW; x++) {
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let k = 0; k < weights.length; k++) acc += weights[k]! * tmp[((start + k) * outW + x) * c + ch]!;
          out[(y * outW + x) * c + ch] = Math.min(255, Math.max(0, Math.round(acc)));
        }
      }
    }
    return out;
  }
}

interface Taps {
  start: number;
  weights: Float64Array;
}

/** Normalised triangle-filter taps mapping `inSize` samples onto each of `outSize` samples. */
function filterTaps(inSize: number, outSize: number): Taps[] {
  const scale = inSize / outSize;
  const radius = Math.max(1, scale);
  const taps: Taps[] = [];
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const start = Math.max(0, Math.floor(centre - radius));
    const end = Math.min(inSize, Math.ceil(centre + radius));
    const weights = new Float64Array(end - start);
    let sum = 0;
    for (let j = start; j < end; j++) {
      const wgt = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / radius));
      weights[j - start] = wgt;
      sum += wgt;
    }
    for (let k = 0; k < weights.length; k++) weights[k]! /= sum;
    taps.push({ start, weights });
  }
  return taps;
}
