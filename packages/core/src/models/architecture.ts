import type { ModelConfig } from '../config.js';
import { classCount, discriminatorInputChannels, discriminatorOutputWidth } from './conditioning.js';

/**
 * The layer plan of the paper's Figure 1, shared by G and D so that the two stay mirrors of each other.
 *
 * G: z (N, nz) -> (N, 1, 1, nz) -> 4x4 transposed conv, 'valid' -> (N, 4, 4, ngf * S/8) -> fractionally strided
 * convs, each doubling the side and halving the width -> (N, S, S, channels) -> tanh.
 * D: (N, S, S, channels) -> strided convs, each halving the side and doubling the width, up to (N, 4, 4, ndf * S/8)
 * -> 4x4 'valid' conv -> one logit per image.
 */
export interface ConvStage {
  /** Spatial side of this stage's input (D) or output (G). */
  side: number;
  /** Channels at that side. */
  width: number;
}

/**
 * Hidden widths from the 4x4 end to the full-size end: e.g. 32x32, ngf 64 -> [256 @ 4, 128 @ 8, 64 @ 16].
 * The layer at 4x4 has base * S/8 channels, and each doubling of the side halves it, ending at base at S/2.
 */
export function hiddenStages(imageSize: number, base: number): ConvStage[] {
  const stages: ConvStage[] = [];
  for (let side = 4, width = (base * imageSize) / 8; side < imageSize; side *= 2, width /= 2) {
    stages.push({ side, width });
  }
  return stages;
}

/** Parameter counts of the PyTorch reference networks (bias-free convs, batch-norm gamma and beta). */
export function referenceParameterCounts(c: ModelConfig): { generator: number; discriminator: number } {
  const k2 = c.kernel * c.kernel;
  const g = hiddenStages(c.imageSize, c.ngf);
  const k = classCount(c); // a conditional model's one-hot class: K more inputs to G
  let generator = (c.nz + k) * g[0]!.width * 16 + 2 * g[0]!.width; // 1x1 -> 4x4 projection, 4x4 kernel
  for (let i = 1; i < g.length; i++) generator += g[i - 1]!.width * g[i]!.width * k2 + 2 * g[i]!.width;
  generator += g[g.length - 1]!.width * c.channels * k2;

  const d = hiddenStages(c.imageSize, c.ndf).reverse(); // from S/2 down to 4
  // K more channels into a concat D; no batch norm on D's input layer
  let discriminator = discriminatorInputChannels(c) * d[0]!.width * k2;
  for (let i = 1; i < d.length; i++) discriminator += d[i - 1]!.width * d[i]!.width * k2 + 2 * d[i]!.width;
  discriminator += d[d.length - 1]!.width * 16 * discriminatorOutputWidth(c); // a projection D: K class embeddings more
  return { generator, discriminator };
}

/** PyTorch's BatchNorm defaults as TF.js layer options: running = 0.9 * running + 0.1 * batch, eps 1e-5. */
export const BATCH_NORM_MOMENTUM = 0.9;
/** Added to the batch variance in every batch norm of G and D (PyTorch's default). */
export const BATCH_NORM_EPSILON = 1e-5;
/** Slope of D's LeakyReLU below zero (paper section 4: 0.2 in all models). */
export const LEAKY_RELU_SLOPE = 0.2;
