import * as tfl from '@tensorflow/tfjs-layers';
import type { Generator } from './generator.js';

/**
 * D of the checkpoint G came from, which `dcgan studio` exports beside G (discriminator/model.json in the same
 * export) for the projector's feature loss; null where none is served (a static file server, a checkpoint whose D
 * cannot be read): the page then projects with the pixel loss alone and says so.
 */
export async function loadDiscriminator(g: Generator): Promise<tfl.LayersModel | null> {
  const url = `${g.dir}discriminator/model.json`;
  const response = await fetch(url, { method: 'HEAD', cache: 'no-store' });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`cannot load ${url} (HTTP ${response.status})`);
  return tfl.loadLayersModel(url, { requestInit: { cache: 'no-store' } });
}
