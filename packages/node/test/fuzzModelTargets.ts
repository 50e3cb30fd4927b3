import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type CheckpointState,
  type DcganConfig,
  type TrainerState,
  DcganError,
  DcganTrainer,
  Rng,
  buildDiscriminator,
  buildGenerator,
  fakeDataset,
  generatorManifest,
  initializeWeights,
  parseGeneratorManifest,
  zipCheckpoint,
} from '@dcgan-ts/core';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { type LoadedGenerator, loadCheckpoint, loadGenerator, loadLayersModel, parseLatentList, saveCheckpoint, saveLayersModel } from '../src/index.js';
import type { FuzzTarget, Outcome } from './fuzzing.js';
import { type ByteEdit, type JsonCase, type JsonEdit, applyByteEdits, applyJsonEdits, byteEdits, jsonCase, jsonEdits } from './mutations.js';

/**
 * Fuzz targets for the model files users hand to dcgan-ts: TF.js model.json manifests and their weights, exported
 * generators' manifest.json, whole checkpoint directories (state.json, the networks, the optimizer moments, the
 * `latest` pointer; also zipped), and the z files the studio saves for `dcgan arithmetic`.
 */

await tf.setBackend('cpu');
tf.env().set('PROD', true);

/** The smallest networks the library builds: 16x16 gray, nz 4, two filters. */
const CONFIG: DcganConfig = {
  imageSize: 16, channels: 1, nz: 4, ngf: 2, ndf: 2, kernel: 4, z: 'normal', batchSize: 2, steps: 2, lr: 0.0002, beta1: 0.5,
  beta2: 0.999, seed: 1, logEvery: 1, sampleEvery: 1, checkpointEvery: 1, sampleCount: 1,
};

const encoder = new TextEncoder();

/**
 * A JSON file mutated below the key path `at` (the whole document when empty): its subtree edited, then the text of
 * the whole edited as bytes, as jsonCase plans it.
 */
function applyJsonCaseAt(valid: unknown, at: readonly string[], c: JsonCase): Uint8Array {
  let text = JSON.stringify(valid);
  if ('tree' in c) {
    if (at.length === 0) text = applyJsonEdits(valid, c.tree);
    else {
      const doc = structuredClone(valid) as Record<string, unknown>;
      let parent = doc;
      for (const key of at.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
      const subtree = applyJsonEdits(parent[at.at(-1)!], c.tree);
      const token = '\u0001subtree\u0001';
      parent[at.at(-1)!] = token;
      text = JSON.stringify(doc).replace(JSON.stringify(token), () => subtree);
    }
  }
  const bytes = encoder.encode(text);
  return 'bytes' in c ? applyByteEdits(bytes, c.bytes) : bytes;
}

/**
 * Runs a load and checks that it leaves as many tensors alive as it found once `dispose` has freed what it returned:
 * loading a corrupt file again and again (the studio following a run) must not pile up memory. Only a model that
 * TF.js itself fails to build is let off: tfjs-layers drops the variables and weight tensors it made so far, and
 * keeps no handle to free them by.
 */
async function withoutLeaks(load: () => Promise<Outcome>): Promise<Outcome> {
  const before = tf.memory().numTensors;
  let tfjsFailed = false;
  try {
    return await load();
  } catch (e) {
    tfjsFailed = e instanceof DcganError && e.message.includes('does not load as a LayersModel');
    throw e;
  } finally {
    const after = tf.memory().numTensors;
    if (!tfjsFailed) assert.equal(after, before, `${after - before} tensors left alive`);
  }
}

/** Where model.json's edits land: anywhere, in the layer graph, or in the weights manifest. */
const MODEL_PARTS = { whole: [], topology: ['modelTopology'], manifest: ['weightsManifest'] } as const;
type ModelPart = keyof typeof MODEL_PARTS;

/** Byte offsets where each weight of a saved model starts in weights.bin. */
function weightOffsets(modelJson: { weightsManifest: { weights: { shape: number[] }[] }[] }): number[] {
  const offsets = [0];
  for (const w of modelJson.weightsManifest.flatMap((g) => g.weights)) offsets.push(offsets.at(-1)! + 4 * w.shape.reduce((a, b) => a * b, 1));
  return offsets;
}

/** A loaded LayersModel is valid when it has inputs and outputs and its weights are exactly weights.bin's bytes. */
function checkModel(model: tfl.LayersModel, weightsBytes: number): void {
  assert.ok(model.inputs.length >= 1 && model.outputs.length >= 1, 'inputs and outputs');
  const bytes = model.weights.reduce((n, w) => n + w.read().size * (w.dtype === 'bool' ? 1 : 4), 0);
  assert.equal(bytes, weightsBytes, 'the weights are what weights.bin holds');
}

// --- a TF.js LayersModel folder: model.json + weights.bin -----------------------------------------------------------

interface ModelFiles {
  modelJson: unknown;
  weights: Uint8Array;
  hints: number[];
}

interface ModelCase {
  network: 'generator' | 'discriminator';
  at: ModelPart;
  json: JsonCase | null;
  weights: ByteEdit[] | null;
}

interface ModelCtx {
  dir: string;
  networks: Record<ModelCase['network'], ModelFiles>;
  case: number;
}

async function savedNetwork(model: tfl.LayersModel, dir: string): Promise<ModelFiles> {
  initializeWeights(model, Rng.derive(1));
  await saveLayersModel(model, dir, 'dcgan-ts fuzz');
  model.dispose();
  const modelJson = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  return { modelJson, weights: readFileSync(path.join(dir, 'weights.bin')), hints: weightOffsets(modelJson) };
}

const modelJson: FuzzTarget<ModelCtx, ModelCase> = {
  runs: 1500,
  async setup(dir) {
    return {
      dir,
      networks: {
        generator: await savedNetwork(buildGenerator(CONFIG), path.join(dir, 'generator')),
        discriminator: await savedNetwork(buildDiscriminator(CONFIG), path.join(dir, 'discriminator')),
      },
      case: 0,
    };
  },
  cases: (ctx) =>
    fc.constantFrom('generator' as const, 'discriminator' as const).chain((network) =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record({
            network: fc.constant(network),
            at: fc.constantFrom<ModelPart>('whole', 'topology', 'manifest', 'manifest'),
            json: jsonCase(),
            weights: fc.constant(null),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            network: fc.constant(network),
            at: fc.constant<ModelPart>('whole'),
            json: fc.option(jsonCase()),
            weights: byteEdits(ctx.networks[network].hints, 3),
          }),
        },
      ),
    ),
  async run(ctx, c, show) {
    const valid = ctx.networks[c.network];
    const json = c.json ? applyJsonCaseAt(valid.modelJson, MODEL_PARTS[c.at], c.json) : encoder.encode(JSON.stringify(valid.modelJson));
    const weights = c.weights ? applyByteEdits(valid.weights, c.weights) : valid.weights;
    show(c.json ? json : weights);
    const dir = path.join(ctx.dir, `model-${ctx.case++}`);
    mkdirSync(dir);
    try {
      writeFileSync(path.join(dir, 'model.json'), json);
      writeFileSync(path.join(dir, 'weights.bin'), weights);
      return await withoutLeaks(async () => {
        const model = await loadLayersModel(dir);
        try {
          checkModel(model, weights.length);
        } finally {
          model.dispose();
        }
        return 'valid';
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

// --- manifest.json of an exported generator (what the studio fetches) ----------------------------------------------

const generatorManifestTarget: FuzzTarget<{ manifest: unknown }, { tree: JsonEdit[] }> = {
  runs: 1000,
  async setup() {
    return { manifest: generatorManifest(CONFIG, 1200, 'dcgan-ts fuzz') };
  },
  cases: () => fc.record({ tree: jsonEdits() }),
  async run(ctx, c, show) {
    // Tree edits keep the text JSON: the studio's fetch parses it; what parseGeneratorManifest gets is a value.
    const text = applyJsonEdits(ctx.manifest, c.tree);
    show(encoder.encode(text));
    const m = parseGeneratorManifest(JSON.parse(text));
    assert.equal(m.format, 'dcgan-ts-generator');
    assert.ok(Number.isInteger(m.latentSize) && m.latentSize >= 1, `latentSize ${m.latentSize}`);
    assert.ok(Number.isInteger(m.imageSize) && m.imageSize >= 1, `imageSize ${m.imageSize}`);
    assert.ok(m.channels === 1 || m.channels === 3, `channels ${m.channels}`);
    assert.ok(Number.isInteger(m.step) && m.step >= 0, `step ${m.step}`);
    assert.ok(m.distribution === 'normal' || m.distribution === 'uniform');
    // The studio loads the model beside the manifest: a plain file name, nothing that leaves the folder.
    assert.ok(typeof m.model === 'string' && /^[\w.-]+$/.test(m.model) && m.model !== '.' && m.model !== '..', `model ${JSON.stringify(m.model)}`);
    return 'valid';
  },
};

// --- a checkpoint: a directory (or a run, or a .zip) with its files mutated ------------------------------------------

const STATE_PARTS = {
  whole: [],
  config: ['config'],
  generatorOptimizer: ['optimizers', 'generator'],
  discriminatorOptimizer: ['optimizers', 'discriminator'],
  noiseRng: ['noiseRng'],
} as const;
type StatePart = keyof typeof STATE_PARTS;

type BinaryFile = 'generator/weights.bin' | 'generator/adam.bin' | 'discriminator/weights.bin' | 'discriminator/adam.bin';

type CheckpointEdit =
  | { file: 'state.json'; at: StatePart; json: JsonCase }
  | { file: 'generator/model.json' | 'discriminator/model.json'; at: ModelPart; json: JsonCase }
  | { file: BinaryFile; bytes: ByteEdit[] }
  /** checkpoints/latest, when the run directory is what the reader is given. */
  | { file: 'latest'; bytes: ByteEdit[] };

interface CheckpointCase {
  edits: CheckpointEdit[];
  /** The checkpoint directory itself, its run directory (found through `latest`), or a .zip of its files. */
  pass: 'checkpoint' | 'run' | 'zip';
  /** The .zip's own bytes edited too. */
  zip: ByteEdit[] | null;
  /** G alone (sample, export, the studio) or everything a resumed run needs. */
  load: 'generator' | 'checkpoint';
}

interface CheckpointCtx {
  dir: string;
  /** The files of the valid checkpoint, by path relative to it, and `latest`. */
  files: Map<string, Uint8Array>;
  state: unknown;
  modelJson: Record<'generator' | 'discriminator', unknown>;
  stepDir: string;
  case: number;
}

function filesUnder(dir: string, rel = ''): [string, Uint8Array][] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel === '' ? name : `${rel}/${name}`;
    return statSync(path.join(dir, r)).isDirectory() ? filesUnder(dir, r) : [[r, readFileSync(path.join(dir, r))] as [string, Uint8Array]];
  });
}

/** The pre-order index of the node at key path `at` in `doc`, as JSON edits count nodes. */
function nodeIndex(doc: unknown, at: readonly string[]): number {
  let index = 0;
  let node = doc;
  for (const key of at) {
    index += 1; // the container itself
    for (const [k, v] of Object.entries(node as object)) {
      if (k === key) {
        node = v;
        break;
      }
      index += countNodes(v);
    }
  }
  return index;
}

function countNodes(x: unknown): number {
  return 1 + (typeof x === 'object' && x !== null ? Object.values(x).reduce((n: number, v) => n + countNodes(v), 0) : 0);
}

/**
 * What a loaded checkpoint must be to sample from and to resume: G and D of the image shape and nz state.json names,
 * optimizer moments shaped like the variables they belong to, a z stream state of four uint32 words, not all zero.
 */
function checkCheckpoint(state: CheckpointState, generator: tfl.LayersModel, discriminator?: tfl.LayersModel, trainer?: TrainerState): void {
  const { imageSize: s, channels: c, nz } = state.config;
  assert.deepEqual(generator.inputs[0]!.shape, [null, nz], 'G takes z');
  assert.deepEqual(generator.outputs[0]!.shape, [null, s, s, c], 'G draws the images of state.json');
  if (discriminator) assert.deepEqual(discriminator.inputs[0]!.shape, [null, s, s, c], 'D takes them');
  assert.ok(
    state.noiseRng.length === 4 && state.noiseRng.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) && state.noiseRng.some((w) => w !== 0),
    `noiseRng ${JSON.stringify(state.noiseRng)}`,
  );
  if (discriminator && trainer) {
    for (const [model, adam] of [
      [generator, trainer.adamG],
      [discriminator, trainer.adamD],
    ] as const) {
      const sizes = model.trainableWeights.map((w) => w.read().size);
      assert.deepEqual([adam.m.map((m) => m.length), adam.v.map((v) => v.length)], [sizes, sizes], 'one moment per variable, of its size');
    }
  }
}

const checkpoint: FuzzTarget<CheckpointCtx, CheckpointCase> = {
  runs: 1200,
  hangMs: 20_000,
  async setup(dir) {
    const trainer = DcganTrainer.create(CONFIG, fakeDataset(16, 1, 4));
    trainer.trainStep();
    const checkpoints = path.join(dir, 'valid', 'checkpoints');
    const stepDir = await saveCheckpoint(checkpoints, trainer, { backend: 'cpu', datasetSize: 4 });
    trainer.dispose();
    const files = new Map(filesUnder(stepDir));
    files.set('latest', readFileSync(path.join(checkpoints, 'latest')));
    const json = (name: string) => JSON.parse(Buffer.from(files.get(name)!).toString('utf8'));
    return {
      dir,
      files,
      state: json('state.json'),
      modelJson: { generator: json('generator/model.json'), discriminator: json('discriminator/model.json') },
      stepDir: path.basename(stepDir),
      case: 0,
    };
  },
  /**
   * An optimizer's shapes listed in another order (the same total size, so adam.bin's length still adds up, but
   * moments that fit no variable), for each network; and a z stream state of zeros (a generator that stays at 0).
   */
  sweep: (ctx) => [
    ...(['generatorOptimizer', 'discriminatorOptimizer'] as const).map((at) => {
      const [, which] = STATE_PARTS[at];
      const shapes = (ctx.state as CheckpointState).optimizers[which].shapes;
      return {
        edits: [{ file: 'state.json' as const, at, json: { tree: [{ op: 'replace' as const, node: nodeIndex(ctx.state, [...STATE_PARTS[at], 'shapes']) - nodeIndex(ctx.state, STATE_PARTS[at]), value: { plain: [...shapes].reverse() } }] } }],
        pass: 'checkpoint' as const,
        zip: null,
        load: 'checkpoint' as const,
      };
    }),
    {
      edits: [{ file: 'state.json' as const, at: 'noiseRng' as const, json: { tree: [{ op: 'replace' as const, node: 0, value: { plain: [0, 0, 0, 0] } }] } }],
      pass: 'checkpoint' as const,
      zip: null,
      load: 'checkpoint' as const,
    },
  ],
  cases: () => {
    const edit: fc.Arbitrary<CheckpointEdit> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          file: fc.constant('state.json' as const),
          at: fc.constantFrom<StatePart>('whole', 'whole', 'config', 'generatorOptimizer', 'discriminatorOptimizer', 'noiseRng'),
          json: jsonCase(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          file: fc.constantFrom('generator/model.json' as const, 'discriminator/model.json' as const),
          at: fc.constantFrom<ModelPart>('whole', 'topology', 'manifest'),
          json: jsonCase(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          file: fc.constantFrom<BinaryFile>('generator/weights.bin', 'generator/adam.bin', 'discriminator/weights.bin', 'discriminator/adam.bin'),
          bytes: byteEdits([0, 4, 64, 128], 2),
        }),
      },
      { weight: 1, arbitrary: fc.record({ file: fc.constant('latest' as const), bytes: byteEdits([0, 5, 11, 12], 2) }) },
    );
    return fc.record({
      edits: fc.array(edit, { minLength: 1, maxLength: 2 }),
      pass: fc.constantFrom('checkpoint' as const, 'checkpoint' as const, 'run' as const, 'zip' as const),
      zip: fc.option(byteEdits([0, 4, 8, 18, 22, 26, 28], 2), { freq: 4 }),
      load: fc.constantFrom('generator' as const, 'checkpoint' as const),
    });
  },
  async run(ctx, c, show) {
    const files = new Map(ctx.files);
    for (const e of c.edits) {
      let bytes: Uint8Array;
      if (e.file === 'state.json') bytes = applyJsonCaseAt(ctx.state, STATE_PARTS[e.at], e.json);
      else if ('json' in e) bytes = applyJsonCaseAt(ctx.modelJson[e.file === 'generator/model.json' ? 'generator' : 'discriminator'], MODEL_PARTS[e.at], e.json);
      else bytes = applyByteEdits(files.get(e.file)!, e.bytes);
      files.set(e.file, bytes);
      show(bytes);
    }
    const root = path.join(ctx.dir, `case-${ctx.case++}`);
    const run = path.join(root, 'run');
    const stepDir = path.join(run, 'checkpoints', ctx.stepDir);
    let p: string;
    if (c.pass === 'zip') {
      const inZip = new Map([...files].filter(([name]) => name !== 'latest'));
      const zip = applyByteEdits(zipCheckpoint(inZip), c.zip ?? []);
      mkdirSync(root);
      p = path.join(root, 'checkpoint.zip');
      writeFileSync(p, zip);
    } else {
      for (const [name, bytes] of files) {
        const file = name === 'latest' ? path.join(run, 'checkpoints', 'latest') : path.join(stepDir, name);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, bytes);
      }
      p = c.pass === 'run' ? run : stepDir;
    }
    try {
      return await withoutLeaks(async () => {
        if (c.load === 'generator') {
          const loaded: LoadedGenerator = await loadGenerator(p);
          try {
            checkCheckpoint(loaded.state, loaded.generator);
          } finally {
            loaded.generator.dispose();
          }
          return 'valid';
        }
        const loaded = await loadCheckpoint(p);
        const { config } = loaded.state;
        // What `dcgan train --resume` does next: the trainer takes the networks and the optimizer state (a batch
        // larger than this test's 4 images is the dataset's problem, not the checkpoint's).
        const data = fakeDataset(config.imageSize, config.channels, 4);
        let resumed: DcganTrainer | undefined;
        try {
          checkCheckpoint(loaded.state, loaded.generator, loaded.discriminator, loaded.trainerState);
          if (config.batchSize <= data.size) resumed = DcganTrainer.resume(config, data, loaded.generator, loaded.discriminator, loaded.trainerState);
        } finally {
          if (resumed) resumed.dispose();
          else {
            loaded.generator.dispose();
            loaded.discriminator.dispose();
          }
        }
        return 'valid';
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

// --- z files saved by the studio, as `dcgan arithmetic --a 3,smile.json` reads them ----------------------------------

interface LatentCase {
  json: JsonCase;
  /** The studio's {"z": [...], "seed": n}, or a bare array. */
  bare: boolean;
  /** Named alone, or after a seed in a list. */
  list: 'file' | 'seed,file';
}

const latentFile: FuzzTarget<{ dir: string; z: number[] }, LatentCase> = {
  runs: 1000,
  async setup(dir) {
    // Float32 values as their exact doubles, as the studio writes them.
    return { dir, z: Array.from(Float32Array.from({ length: 8 }, (_, i) => Math.sin(i + 1) * 1.7)) };
  },
  cases: () => fc.record({ json: jsonCase(), bare: fc.boolean(), list: fc.constantFrom('file' as const, 'seed,file' as const) }),
  async run(ctx, c, show) {
    const bytes = applyJsonCaseAt(c.bare ? ctx.z : { z: ctx.z, seed: 17 }, [], c.json);
    show(bytes);
    const file = path.join(ctx.dir, 'smile.json');
    writeFileSync(file, bytes);
    const latents = await parseLatentList(c.list === 'file' ? file : `3,${file}`, '--a', 8, 'normal');
    assert.equal(latents.length, c.list === 'file' ? 1 : 2);
    for (const z of latents) {
      assert.ok(z instanceof Float32Array && z.length === 8, 'a z of nz values');
      assert.ok(z.every((v) => Number.isFinite(v)), `a finite z: ${Array.from(z).join(', ')}`);
    }
    return 'valid';
  },
};

export const TARGETS = {
  'model.json': modelJson,
  'generator manifest': generatorManifestTarget,
  checkpoint,
  'z file': latentFile,
} as Record<string, FuzzTarget<unknown, unknown>>;
