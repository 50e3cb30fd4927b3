import { DcganError } from '@dcgan-ts/core';
import type { LabelledSplit, SplitCut, SplitName } from '../datasets/kinds/kind.js';
import { resolveDatasetSource } from '../datasets/registry.js';

export type { LabelledSplit, SplitName } from '../datasets/kinds/kind.js';

/**
 * The labelled train or test split of a source (MNIST: 60,000 / 10,000; CIFAR: its batches / its test batch; a
 * folder's train/ and test/), at the model's size and channels. The test split is the set's own, never a slice of the
 * training images. A caller that needs both resolves the source once and asks it for each.
 */
export async function loadLabelledSplit(
  dataset: string,
  data: string | undefined,
  split: SplitName,
  imageSize: number,
  channels: number,
  /** How a run being analysed cut its own images (its --crop, --background): real images are cut alike. */
  cut?: SplitCut,
): Promise<LabelledSplit> {
  return (await resolveDatasetSource({ dataset, data })).split(split, imageSize, channels, cut);
}

/** `perClass` random indices of each class (seeded), in class order; fails when a class has too few. */
export function drawPerClass(labels: Uint16Array, classes: number, perClass: number, order: Uint32Array): Uint32Array {
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (const i of order) {
    const c = labels[i]!;
    if (picked[c]!.length < perClass) picked[c]!.push(i);
  }
  picked.forEach((p, c) => {
    if (p.length < perClass) throw new DcganError(`class ${c} has ${p.length} labelled images, fewer than ${perClass}`);
  });
  return Uint32Array.from(picked.flat());
}
