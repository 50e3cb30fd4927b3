import * as tfl from '@tensorflow/tfjs-layers';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { saveLayersModel } from '../io/layersModelFiles.js';
import type { LoadedGenerator } from '../run/checkpoints.js';
import { PACKAGE_VERSION } from '../version.js';

/**
 * `--format ml5`: what ml5.DCGAN (ml5 0.x, bundling tfjs 1.7) loads. Its manifest.json names the model, the image
 * side and the latent size; ml5 then runs `model.predict(z).squeeze().transpose([1, 2, 0]).div(2).add(0.5)`, so the
 * model must output channels-first (1, 3, H, W) in [-1, 1]. G's layers are reused as they are (with their weights),
 * gray is repeated to three channels by a Concatenate, and a Permute moves channels first: layer classes tfjs 1.7 knows.
 * ml5 draws z from N(0, 1): for a model trained on uniform z the manifest says so in its description.
 */
export async function exportMl5(loaded: LoadedGenerator, dir: string): Promise<string[]> {
  const { config } = loaded.state;
  const G = loaded.generator;
  const z = tfl.input({ shape: [config.nz], name: 'z' });
  // G is a chain: re-apply its layers one by one (not G as a nested model, which old loaders handle worse).
  let x = z;
  for (const layer of G.layers.slice(1)) x = layer.apply(x) as tfl.SymbolicTensor; // ends (N, S, S, C)
  if (config.channels === 1) x = tfl.layers.concatenate({ axis: -1, name: 'gray_to_rgb' }).apply([x, x, x]) as tfl.SymbolicTensor;
  const chw = tfl.layers.permute({ dims: [3, 1, 2], name: 'to_channels_first' }).apply(x) as tfl.SymbolicTensor; // (N, 3, S, S)
  const model = tfl.model({ inputs: z, outputs: chw, name: 'dcgan_ml5' });
  await saveLayersModel(model, path.join(dir, 'model'), `dcgan-ts ${PACKAGE_VERSION}`);
  const s = config.imageSize;
  const manifest = {
    description: `dcgan-ts DCGAN ${s}x${s}, step ${loaded.state.step}${config.z === 'uniform' ? ' (trained on uniform z in [-1, 1]; ml5 samples N(0, 1))' : ''}`,
    model: 'model/model.json',
    modelSize: s,
    modelLatentDim: config.nz,
  };
  await writeFileAtomic(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return ['manifest.json', 'model/model.json', 'model/weights.bin'];
}
