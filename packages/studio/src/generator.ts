import { type GeneratorManifest, generate, generatorInputWidth, generatorInputs, packLatents, parseGeneratorManifest, toByte } from '@dcgan-ts/core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The exported G (`dcgan export --format tfjs`, served by `dcgan studio` under model/) and how to feed it. */
export interface Generator {
  manifest: GeneratorManifest;
  model: tfl.LayersModel;
  /** URL of the folder the model was read from (ends in /): the studio's export also holds D there (discriminator/). */
  dir: string;
}

/** The number of classes G is conditioned on (the manifest's `classes`), 0 for an unconditional G. */
export function generatorClasses(g: Generator): number {
  return g.manifest.classes ?? 0;
}

/** G's config as core's conditioning helpers take it: z's width and the class count. */
export function generatorShape(g: Generator): { nz: number; classes?: number } {
  return { nz: g.manifest.latentSize, classes: g.manifest.classes };
}

/** The server serves no model (`dcgan studio` without --checkpoint, or the page on a static file server). */
export class NoModelError extends Error {}

export async function loadGenerator(base = 'model/'): Promise<Generator> {
  const response = await fetch(`${base}manifest.json`, { cache: 'no-store' });
  if (response.status === 404) throw new NoModelError(`no model is served here (${base}manifest.json: HTTP 404)`);
  if (!response.ok) throw new Error(`cannot load ${base}manifest.json (HTTP ${response.status})`);
  const manifest = parseGeneratorManifest(await response.json());
  // The model path must stay beside the manifest: a manifest is data and must not send the page elsewhere.
  if (!/^[\w.-]+\.json$/.test(manifest.model)) throw new Error(`manifest names an unexpected model path: ${manifest.model}`);
  // `dcgan studio` names the export this manifest belongs to; model.json and its weights are read from that export,
  // so a checkpoint arriving between the requests cannot pair this manifest with another step's weights. A plain
  // file server (the static build) sends no such header: the files beside the manifest are the model.
  const exportId = response.headers.get('X-Dcgan-Export');
  const dir = exportId && /^export-\d+$/.test(exportId) ? `${base}${exportId}/` : base;
  const model = await tfl.loadLayersModel(`${dir}${manifest.model}`, { requestInit: { cache: 'no-store' } });
  return { manifest, model, dir };
}

/**
 * G's images of `latents` as ImageData, (S, S) RGBA: [-1, 1] mapped to bytes as the CLI's PNGs map them, so a seed
 * draws the same pixels here as in `dcgan sample`. Batch norm runs in inference mode (running statistics), so an
 * image depends on its own z only. A conditional G draws every image in class `cls` (z followed by its one-hot, as
 * `dcgan sample --class` builds G's input); an unconditional one ignores it (null).
 */
export async function drawLatents(g: Generator, latents: readonly Float32Array[], cls: number | null): Promise<ImageData[]> {
  if (latents.length === 0) return [];
  const { imageSize: s, channels: c } = g.manifest;
  const shape = generatorShape(g);
  if (shape.classes !== undefined && cls === null) throw new Error('this model is class-conditional: pick a class');
  const images = generate(g.model, generatorInputs(shape, packLatents(latents), cls ?? 0), generatorInputWidth(shape));
  const values = (await images.data()) as Float32Array;
  images.dispose();
  const pixels = s * s;
  return latents.map((_, i) => {
    const out = new ImageData(s, s);
    const base = i * pixels * c;
    for (let p = 0; p < pixels; p++) {
      const v = base + p * c;
      out.data[p * 4] = toByte(values[v]!);
      out.data[p * 4 + 1] = toByte(values[v + (c === 3 ? 1 : 0)]!);
      out.data[p * 4 + 2] = toByte(values[v + (c === 3 ? 2 : 0)]!);
      out.data[p * 4 + 3] = 255;
    }
    return out;
  });
}
