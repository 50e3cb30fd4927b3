import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { generatorInputs, projectImage } from '@dcgan-ts/core';
import { paint } from './canvas.js';
import { loadDiscriminator } from './discriminator.js';
import { latentJson, saveBlob } from './download.js';
import { type Generator, drawLatents, generatorShape } from './generator.js';
import { decodeImages } from './imageFiles.js';
import type { Latent, StudioState } from './state.js';

/** Most optimisation steps the page offers (`dcgan project` defaults to 1,000; the browser is slower). */
const MAX_STEPS = 5000;
/** Random starts optimised together, as `dcgan project` starts by default. */
const STARTS = 8;
/** Snapshots of the optimisation drawn while it runs: the live reconstruction and the step counter. */
const SNAPSHOTS = 40;

/** Root mean squared error in 0..255 of a mean squared error in [-1, 1], as `dcgan project` reports it. */
function rmse255(mse: number): number {
  return Math.sqrt(mse) * 127.5;
}

/**
 * "Project an image": the z whose G(z) best reconstructs an image the user picks, found in the page by core's
 * projectImage (StyleGAN2's projector: Adam on z from 8 random starts, pixel loss plus D's features), as
 * `dcgan project` finds it. The image is cut and resized as the Train view's images are (centre square, shorter side
 * to S); D is the served export's (pixels alone where none is served, and the page says so); a conditional G
 * searches in the picked class. The found z can join the active arithmetic group, take the inspector, and download
 * as z.json in `dcgan project`'s format.
 */
export function mountProjection(state: StudioState): void {
  const file = document.getElementById('project-file') as HTMLInputElement;
  const stepsInput = document.getElementById('project-steps') as HTMLInputElement;
  const run = document.getElementById('project-run') as HTMLButtonElement;
  const card = document.getElementById('projection')!;
  const target = document.getElementById('project-target') as HTMLCanvasElement;
  const reconstruction = document.getElementById('project-canvas') as HTMLCanvasElement;
  const progress = document.getElementById('project-progress')!;
  const pickButton = document.getElementById('project-pick') as HTMLButtonElement;
  const download = document.getElementById('project-download') as HTMLButtonElement;
  // D is loaded once per served export, on the first projection that needs it.
  let discriminator: { of: Generator; model: Promise<tfl.LayersModel | null> } | null = null;
  let found: { latent: Latent; image: string; cls: number | null } | null = null;
  let running = false;

  const tell = (text: string, kind: 'ok' | 'error' = 'ok') => {
    progress.textContent = text;
    progress.className = kind === 'error' ? 'project-progress error' : 'project-progress';
  };

  const discriminatorFor = (g: Generator): Promise<tfl.LayersModel | null> => {
    if (discriminator?.of !== g) {
      void discriminator?.model.then((d) => d?.dispose()).catch(() => {});
      discriminator = { of: g, model: loadDiscriminator(g) };
    }
    return discriminator.model;
  };

  const project = async () => {
    const g = state.generator;
    const picked = file.files?.[0];
    if (!g || running) return;
    if (!picked) return tell('choose an image first', 'error');
    const steps = Number(stepsInput.value);
    if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) return tell(`steps must be a whole number from 1 to ${MAX_STEPS}`, 'error');
    const { imageSize: s, channels: c, latentSize: nz, distribution } = g.manifest;
    // Taken before the first await: a second click, or a live reload disposing g, cannot slip in while decoding.
    running = true;
    run.disabled = true;
    state.hold(g);
    const decoded = await decodeImages([{ name: picked.name, blob: picked }], s, c).catch(() => ({ count: 0, pixels: new Uint8Array(0), skipped: [] }));
    if (decoded.count === 0) {
      state.release(g);
      running = false;
      run.disabled = false;
      return tell(`cannot read ${picked.name} as an image`, 'error');
    }

    pickButton.disabled = true;
    download.disabled = true;
    found = null;
    card.dataset.state = 'running';
    delete card.dataset.rmse;
    delete card.dataset.startRmse;
    const cls = state.cls;
    // The target as dcgan project feeds it: (1, S, S, C) in [-1, 1].
    const image = tf.tidy(() => tf.sub(tf.div(tf.tensor4d(Float32Array.from(decoded.pixels), [1, s, s, c]), 127.5), 1) as tf.Tensor4D);
    try {
      showTarget(target, decoded.pixels, s, c);
      const d = await discriminatorFor(g);
      const loss = d ? "pixels + D's features" : 'pixels only: no D is served with this model';
      card.dataset.loss = d ? 'features' : 'pixels';
      // The one-hot class that follows z in a conditional G's input, as dcgan project builds it.
      const classOneHot = cls === null ? undefined : generatorInputs(generatorShape(g), new Float32Array(nz), cls).slice(nz);
      tell(`step 0 / ${steps} · ${loss}`);
      const result = await projectImage(g.model, d, image, nz, distribution, {
        steps,
        starts: STARTS,
        seed: 0,
        classOneHot,
        onSnapshot: {
          every: Math.max(1, Math.floor(steps / SNAPSHOTS)),
          take: async (step, z, losses) => {
            // The live reconstruction follows the start that is best so far.
            let best = 0;
            for (let k = 1; k < losses.length; k++) if (losses[k]! < losses[best]!) best = k;
            const [now] = await drawLatents(g, [z.slice(best * nz, (best + 1) * nz)], cls);
            paint(reconstruction, now!);
            card.dataset.step = String(step);
            tell(`step ${step} / ${steps} · loss ${losses[best]!.toFixed(4)} · ${loss}`);
            await new Promise((r) => setTimeout(r, 0)); // let the page paint between snapshots
          },
        },
      });
      const [final] = await drawLatents(g, [result.z], cls);
      paint(reconstruction, final!);
      const [rmse, startRmse] = [rmse255(result.pixelError), rmse255(result.startPixelError)];
      found = { latent: { z: result.z, label: `projection of ${picked.name}` }, image: picked.name, cls };
      card.dataset.rmse = String(rmse);
      card.dataset.startRmse = String(startRmse);
      card.dataset.state = 'done';
      tell(`done: RMSE ${rmse.toFixed(1)} of 255 (best random start: ${startRmse.toFixed(1)}) · start ${result.start + 1} of ${STARTS} · ${loss}`);
      pickButton.disabled = false;
      download.disabled = false;
      state.setFocus(found.latent);
    } catch (e) {
      card.dataset.state = 'failed';
      tell(`projection failed: ${(e as Error).message}`, 'error');
    } finally {
      image.dispose();
      state.release(g);
      running = false;
      run.disabled = false;
    }
  };

  run.addEventListener('click', () => void project());
  reconstruction.addEventListener('click', () => found && state.setFocus(found.latent));
  pickButton.addEventListener('click', () => found && state.addPick(found.latent));
  download.addEventListener('click', () => {
    if (found) saveBlob(latentJson(found.latent.z, { image: found.image, cls: found.cls }), 'z.json');
  });
  // A found z belongs to the model it was found for: another model's G draws something else from it. The previous
  // model's D goes too (a running projection still holds it: the next one disposes it).
  state.on('model', () => {
    if (!running && discriminator && discriminator.of !== state.generator) {
      void discriminator.model.then((d) => d?.dispose()).catch(() => {});
      discriminator = null;
    }
    if (found && state.generator?.manifest.latentSize !== found.latent.z.length) {
      found = null;
      pickButton.disabled = true;
      download.disabled = true;
    }
  });
}

/** The decoded target (S, S, C) bytes drawn into `canvas` as it was fed to the projector. */
function showTarget(canvas: HTMLCanvasElement, pixels: Uint8Array, s: number, c: number): void {
  const out = new ImageData(s, s);
  for (let p = 0; p < s * s; p++) {
    out.data[p * 4] = pixels[p * c]!;
    out.data[p * 4 + 1] = pixels[p * c + (c === 3 ? 1 : 0)]!;
    out.data[p * 4 + 2] = pixels[p * c + (c === 3 ? 2 : 0)]!;
    out.data[p * 4 + 3] = 255;
  }
  paint(canvas, out);
}
