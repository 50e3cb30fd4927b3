import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  type LoadedDataset,
  PackedWriter,
  type PackedHeader,
  DATASET_NAMES,
  closeDataset,
  detectDataset,
  loadCifar,
  openDataset,
  parseIdxImages,
  parseIdxLabels,
  readTar,
  resolveDatasetSource,
} from '../src/index.js';
import { cifarRecords, idxImages, idxLabels, tarOf } from './datasetFixtures.js';
import type { FuzzTarget, Outcome } from './fuzzing.js';
import { type ByteEdit, type JsonEdit, applyByteEdits, applyJsonEdits, byteEdits, jsonEdits } from './mutations.js';

/** Fuzz targets for the dataset files users bring: IDX (plain and gzipped), CIFAR binaries and archives, tar, packed. */

const truncations = (file: number, length: number) =>
  Array.from({ length: length + 1 }, (_, at) => ({ file, edits: [{ op: 'truncate', at, fromEnd: false }] as ByteEdit[] }));

/** A loaded dataset is valid when it has images, labels to match, and every image reads as finite values in [-1, 1]. */
function checkLoaded(loaded: LoadedDataset, imageSize: number, channels: number): void {
  const { dataset, labels, classes } = loaded;
  assert.ok(Number.isInteger(dataset.size) && dataset.size >= 1, `dataset size ${dataset.size}`);
  if (labels) assert.equal(labels.length, dataset.size, 'one label per image');
  if (classes) {
    assert.ok(Array.isArray(classes) && classes.every((c) => typeof c === 'string'), 'classes are strings');
    if (labels) assert.ok(labels.every((l) => l < classes.length), 'labels index the classes');
  }
  for (const p of [loaded.skipped, loaded.upscaled]) {
    assert.ok(Number.isInteger(p.count) && p.count >= 0 && Array.isArray(p.first) && p.first.every((l) => typeof l === 'string'));
  }
  const out = new Float32Array(2 * imageSize * imageSize * channels);
  dataset.fillBatch([0, dataset.size - 1], out);
  assert.ok(out.every((v) => v >= -1 && v <= 1), 'pixels in [-1, 1]');
}

// --- IDX, in memory -------------------------------------------------------------------------------------------------

interface IdxCase {
  file: number;
  as: 'images' | 'labels';
  edits: ByteEdit[];
}

const idx: FuzzTarget<Uint8Array[], IdxCase> = {
  runs: 20_000,
  async setup() {
    return [idxImages(3), idxImages(2, 5, 7), idxLabels(3), idxLabels(1)];
  },
  sweep: (files) =>
    [...truncations(0, files[0]!.length), ...truncations(2, files[2]!.length)].map((c) => ({
      ...c,
      as: c.file === 0 ? ('images' as const) : ('labels' as const),
    })),
  cases: (files) =>
    fc.record({
      file: fc.nat({ max: files.length - 1 }),
      as: fc.constantFrom('images' as const, 'labels' as const),
      edits: byteEdits([0, 2, 3, 4, 8, 12, 16]),
    }),
  async run(files, c, show) {
    const bytes = applyByteEdits(files[c.file]!, c.edits);
    show(bytes);
    if (c.as === 'labels') {
      const labels = parseIdxLabels(bytes, 'labels');
      assert.equal(labels.length, bytes.length - 8);
    } else {
      const { count, rows, cols, pixels } = parseIdxImages(bytes, 'images');
      assert.ok(rows >= 1 && cols >= 1, `rows ${rows}, cols ${cols}`);
      assert.equal(pixels.length, count * rows * cols);
    }
    return 'valid';
  },
};

// --- IDX files: a folder or a file, plain or gzipped (edits before or after gzip), with labels --------------------

interface IdxFilesCase {
  images: ByteEdit[] | null;
  labels: ByteEdit[] | null | 'absent';
  /** none: plain files; before: the edited bytes gzipped; after: the gzip stream edited. */
  gzip: 'none' | 'before' | 'after';
  prefix: '' | 'emnist-';
  /** The folder as --data, or the image file itself. */
  pass: 'folder' | 'file';
  imageSize: 8 | 16;
  channels: 1 | 3;
}

interface IdxFilesCtx {
  dir: string;
  images: Uint8Array;
  labels: Uint8Array;
  case: number;
}

const idxFiles: FuzzTarget<IdxFilesCtx, IdxFilesCase> = {
  runs: 3000,
  async setup(dir) {
    return { dir, images: idxImages(3, 6, 5), labels: idxLabels(3), case: 0 };
  },
  cases: () =>
    fc.record({
      images: fc.option(byteEdits([0, 3, 4, 7, 8, 12, 16], 3)),
      labels: fc.oneof(fc.constant('absent' as const), fc.option(byteEdits([0, 3, 4, 7, 8], 2))),
      gzip: fc.constantFrom('none' as const, 'before' as const, 'after' as const),
      prefix: fc.constantFrom('' as const, 'emnist-' as const),
      pass: fc.constantFrom('folder' as const, 'file' as const),
      imageSize: fc.constantFrom(8 as const, 16 as const),
      channels: fc.constantFrom(1 as const, 3 as const),
    }),
  async run(ctx, c, show) {
    const dir = path.join(ctx.dir, `idx-${ctx.case++}`);
    mkdirSync(dir);
    try {
      const write = (name: string, valid: Uint8Array, edits: ByteEdit[] | null) => {
        let bytes = valid;
        if (c.gzip === 'before') bytes = gzipSync(applyByteEdits(valid, edits ?? []));
        else if (c.gzip === 'after') bytes = applyByteEdits(gzipSync(valid), edits ?? []);
        else bytes = applyByteEdits(valid, edits ?? []);
        const file = path.join(dir, `${c.prefix}${name}${c.gzip === 'none' ? '' : '.gz'}`);
        writeFileSync(file, bytes);
        return { file, bytes };
      };
      const images = write('train-images-idx3-ubyte', ctx.images, c.images);
      show(images.bytes);
      if (c.labels !== 'absent') write('train-labels-idx1-ubyte', ctx.labels, c.labels);
      const data = c.pass === 'folder' ? dir : images.file;
      if (c.pass === 'file') {
        try {
          assert.ok(DATASET_NAMES.includes(await detectDataset(data)));
        } catch (e) {
          if (!(e instanceof Error && e.name === 'DcganError')) throw e;
        }
      }
      const loaded = await openDataset({ dataset: 'idx', data, imageSize: c.imageSize, channels: c.channels, seed: 0 });
      checkLoaded(loaded, c.imageSize, c.channels);
      return 'valid';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

// --- CIFAR: one batch file, or the archive (tar, tar.gz) ----------------------------------------------------------

interface CifarCase {
  source: 'cifar10.bin' | 'cifar100.bin' | 'tar' | 'tar.gz' | 'gz-stream';
  edits: ByteEdit[];
}

interface CifarCtx {
  dir: string;
  files: Record<'cifar10.bin' | 'cifar100.bin' | 'tar', Uint8Array>;
  /** Offsets of the tar's header fields (size, checksum, type, magic) for each entry. */
  tarHints: number[];
}

function tarHeaderOffsets(files: { name: string; data: Buffer }[]): number[] {
  const hints: number[] = [];
  let at = 0;
  for (const f of files) {
    hints.push(at, at + 100, at + 124, at + 130, at + 135, at + 148, at + 156, at + 257, at + 345);
    at += 512 + Math.ceil(f.data.length / 512) * 512;
  }
  return hints;
}

/** GNU long name ('L') entry, then the file it names. */
function longNameEntry(name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(name + '\0');
  const header = tarOf([{ name: '././@LongLink', data: nameBytes }]);
  header.write('L', 156); // the type, then the checksum again
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header.subarray(0, 512)) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const entry = header.subarray(0, 512 + Math.ceil(nameBytes.length / 512) * 512);
  const file = tarOf([{ name: 'x'.repeat(20), data }]);
  return Buffer.concat([entry, file]);
}

const cifar: FuzzTarget<CifarCtx, CifarCase> = {
  runs: 2500,
  async setup(dir) {
    const entries = [
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: Buffer.from('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n') },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarRecords(2, 1) },
      { name: 'cifar-10-batches-bin/data_batch_2.bin', data: cifarRecords(1, 1, 2) },
    ];
    return {
      dir,
      files: { 'cifar10.bin': cifarRecords(3, 1), 'cifar100.bin': cifarRecords(2, 2), tar: tarOf(entries) },
      tarHints: tarHeaderOffsets(entries),
    };
  },
  cases: (ctx) =>
    fc.oneof(
      fc.record({ source: fc.constantFrom('cifar10.bin' as const, 'cifar100.bin' as const), edits: byteEdits([0, 1, 2, 3072, 3073, 3074, 6146]) }),
      fc.record({ source: fc.constantFrom('tar' as const, 'tar.gz' as const, 'gz-stream' as const), edits: byteEdits(ctx.tarHints) }),
    ),
  async run(ctx, c, show) {
    const name = c.source === 'cifar100.bin' ? 'cifar100' : 'cifar10';
    let bytes: Uint8Array;
    let file: string;
    if (c.source === 'cifar10.bin' || c.source === 'cifar100.bin') {
      bytes = applyByteEdits(ctx.files[c.source], c.edits);
      file = path.join(ctx.dir, c.source === 'cifar10.bin' ? 'data_batch_1.bin' : 'train.bin');
    } else {
      const tar = ctx.files.tar;
      bytes = c.source === 'tar' ? applyByteEdits(tar, c.edits) : c.source === 'tar.gz' ? gzipSync(applyByteEdits(tar, c.edits)) : applyByteEdits(gzipSync(tar), c.edits);
      file = path.join(ctx.dir, c.source === 'tar' ? 'cifar-10-binary.tar' : 'cifar-10-binary.tar.gz');
    }
    show(bytes);
    writeFileSync(file, bytes);
    if (c.source !== 'cifar10.bin' && c.source !== 'cifar100.bin') {
      try {
        await detectDataset(file);
      } catch (e) {
        if (!(e instanceof Error && e.name === 'DcganError')) throw e;
      }
    }
    const loaded = await loadCifar(name, file, 16, 3);
    checkLoaded(loaded, 16, 3);
    return 'valid';
  },
};

// --- tar, in memory ----------------------------------------------------------------------------------------------

interface TarCase {
  file: number;
  edits: ByteEdit[];
}

const tar: FuzzTarget<{ archives: Uint8Array[]; hints: number[] }, TarCase> = {
  runs: 20_000,
  async setup() {
    const files = [
      { name: 'a/one.bin', data: Buffer.alloc(700, 1) },
      { name: '../climbs/out.txt', data: Buffer.from('up') },
      { name: '/absolute/name', data: Buffer.alloc(0) },
    ];
    const archives = [tarOf(files), longNameEntry('a/' + 'long-name/'.repeat(20) + 'data_batch_1.bin', cifarRecords(1, 1)), tarOf([])];
    return { archives, hints: [...tarHeaderOffsets(files), 512, 512 + 124, 512 + 156, 1024, 1024 + 124, 1024 + 156] };
  },
  sweep: ({ archives }) => truncations(0, archives[0]!.length),
  cases: ({ archives, hints }) => fc.record({ file: fc.nat({ max: archives.length - 1 }), edits: byteEdits(hints) }),
  async run({ archives }, c, show) {
    const bytes = applyByteEdits(archives[c.file]!, c.edits);
    show(bytes);
    let total = 0;
    for (const e of await readTar(bytes, 'archive.tar')) {
      assert.equal(typeof e.name, 'string');
      assert.ok(e.data instanceof Uint8Array);
      total += 512 + e.data.length;
    }
    assert.ok(total <= bytes.length, 'the entries (with their headers) fit in the archive');
    return 'valid';
  },
};

// --- packed files --------------------------------------------------------------------------------------------------

interface PackedCase {
  file: number;
  /** Edits of the header JSON, written back with its true length (so that the size check is passed when it adds up). */
  header: JsonEdit[] | null;
  bytes: ByteEdit[] | null;
  imageSize: 4 | 8 | 16;
  channels: 1 | 3;
  strict: boolean;
}

interface PackedCtx {
  dir: string;
  files: { header: PackedHeader; images: Uint8Array; labels?: Uint16Array }[];
}

function packedBytes(header: unknown, images: Uint8Array, labels?: Uint16Array, headerText?: string): Uint8Array {
  const preamble = Buffer.alloc(16);
  preamble.write('DCGANPK1', 0, 'latin1');
  const le = labels ? Buffer.alloc(labels.length * 2) : Buffer.alloc(0);
  labels?.forEach((l, i) => le.writeUInt16LE(l, i * 2));
  const json = Buffer.from(headerText ?? JSON.stringify(header), 'utf8');
  const trailer = Buffer.alloc(12);
  trailer.writeUInt32LE(json.length, 0);
  trailer.write('DCGANEND', 4, 'latin1');
  return Buffer.concat([preamble, images, le, json, trailer]);
}

const packed: FuzzTarget<PackedCtx, PackedCase> = {
  runs: 4000,
  async setup(dir) {
    const base = {
      format: 'dcgan-ts packed images' as const,
      version: 1 as const,
      source: '/data/faces',
      background: [255, 255, 255] as [number, number, number],
      skipped: { count: 1, first: ['/data/faces/x.jpg: unsupported image format'] },
      upscaled: { count: 0, first: [] },
      createdAt: '2024-06-01T00:00:00.000Z',
    };
    const files = [
      { header: { ...base, count: 3, imageSize: 8, channels: 1, hasLabels: true, classes: ['cats', 'dogs'] }, images: idxImages(3).subarray(16), labels: Uint16Array.from([0, 1, 1]) },
      { header: { ...base, count: 2, imageSize: 4, channels: 3, hasLabels: false, crop: 108 }, images: Uint8Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => i) },
    ];
    // The writer's own output is the valid file (the fixture and PackedWriter must agree).
    const check = path.join(dir, 'writer.packed');
    const w = new PackedWriter(check);
    w.append(files[0]!.images);
    w.finish(files[0]!.header, files[0]!.labels);
    return { dir, files };
  },
  cases: (ctx) =>
    fc.record({
      file: fc.nat({ max: ctx.files.length - 1 }),
      header: fc.option(jsonEdits(3), { freq: 2 }),
      bytes: fc.option(byteEdits([0, 7, 8, 15, 16, 17, 80, 208, 214]), { freq: 2 }),
      imageSize: fc.constantFrom(4 as const, 8 as const, 16 as const),
      channels: fc.constantFrom(1 as const, 3 as const),
      strict: fc.boolean(),
    }),
  async run(ctx, c, show) {
    const f = ctx.files[c.file]!;
    const text = c.header ? applyJsonEdits(f.header, c.header) : undefined;
    const bytes = applyByteEdits(packedBytes(f.header, f.images, f.labels, text), c.bytes ?? []);
    show(bytes);
    const file = path.join(ctx.dir, 'data.packed');
    writeFileSync(file, bytes);
    const source = await resolveDatasetSource({ dataset: 'packed', data: file });
    const { channels, imageSize } = source;
    assert.ok(channels === 1 || channels === 3, `default channels ${channels}`);
    assert.ok(Number.isInteger(imageSize) && imageSize! >= 1, `default image size ${imageSize}`);
    const loaded = await source.open({ imageSize: c.imageSize, channels: c.channels, seed: 0, strict: c.strict });
    try {
      checkLoaded(loaded, c.imageSize, c.channels);
    } finally {
      closeDataset(loaded.dataset);
    }
    return 'valid' satisfies Outcome;
  },
};

export const TARGETS = { idx, 'idx files': idxFiles, cifar, tar, packed } as Record<string, FuzzTarget<unknown, unknown>>;
