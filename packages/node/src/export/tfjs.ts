import { generatorManifest } from '@dcgan-ts/core';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { saveLayersModel } from '../io/layersModelFiles.js';
import type { LoadedGenerator } from '../run/checkpoints.js';
import { PACKAGE_VERSION } from '../version.js';

/** `--format tfjs`: G as a TF.js LayersModel (model.json + weights.bin) and manifest.json describing z and output. */
export async function exportTfjs(loaded: LoadedGenerator, dir: string): Promise<string[]> {
  const by = `dcgan-ts ${PACKAGE_VERSION}`;
  await saveLayersModel(loaded.generator, dir, by);
  const manifest = generatorManifest(loaded.state.config, loaded.state.step, by);
  await writeFileAtomic(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return ['manifest.json', 'model.json', 'weights.bin'];
}
