import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { type DecodeOptions, type LoadedDataset, decodeImage, loadImageFolder } from '../src/index.js';
import { rgbPixels } from './datasetFixtures.js';
import { checkCleanMessage, type FuzzTarget, type Outcome } from './fuzzing.js';
import { type ByteEdit, applyByteEdits, byteEdits } from './mutations.js';

/**
 * Fuzz targets for image files as the folder dataset decodes them (sharp): small PNGs and JPEGs mutated byte by byte,
 * through decodeImage alone (its refusal is { ok: false, reason }) and through a whole folder with bad files in it.
 */

interface ImageFile {
  name: string;
  bytes: Uint8Array;
  /** Offsets of header fields: PNG chunk lengths, types and IHDR fields; JPEG markers, lengths and SOF fields. */
  hints: number[];
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Recomputes every PNG chunk's CRC that the file still holds whole, so that an edit reaches the decoder behind it. */
function fixPngCrcs(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.length);
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    if (at + 12 + length > png.length) break;
    view.setUint32(at + 8 + length, crc32(png.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  }
  return png;
}

function pngHints(png: Uint8Array): number[] {
  const view = new DataView(png.buffer, png.byteOffset, png.length);
  const hints = [0, 8, 12, 16, 20, 24, 25, 26, 27, 28];
  for (let at = 8; at + 12 <= png.length; at += 12 + view.getUint32(at)) hints.push(at, at + 4, at + 8, at + 9, at + 10);
  return hints;
}

function jpegHints(jpeg: Uint8Array): number[] {
  const hints = [0, 2];
  for (let at = 2; at + 4 <= jpeg.length && jpeg[at] === 0xff; ) {
    const marker = jpeg[at + 1]!;
    hints.push(at, at + 1, at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      hints.push(at + 4, at + 5, at + 7, at + 9, at + 10, at + 11, at + 12);
    }
    if (marker === 0xda) {
      hints.push(at + 4, at + 5, at + 6);
      break;
    }
    at += 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
  }
  return hints;
}

function raw(w: number, h: number, k: number) {
  return sharp(rgbPixels(w, h, k), { raw: { width: w, height: h, channels: 3 } });
}

/** Small valid images of the kinds users bring: RGB, gray, RGBA and 16-bit PNG; baseline, progressive, rotated JPEG. */
async function imageFiles(): Promise<ImageFile[]> {
  const png = async (name: string, image: ReturnType<typeof sharp>) => {
    const bytes = new Uint8Array(await image.png({ compressionLevel: 9 }).toBuffer());
    return { name, bytes, hints: pngHints(bytes) };
  };
  const jpeg = async (name: string, image: ReturnType<typeof sharp>) => {
    const bytes = new Uint8Array(await image.toBuffer());
    return { name, bytes, hints: jpegHints(bytes) };
  };
  return [
    await png('rgb.png', raw(12, 10, 1)),
    await png('gray.png', raw(9, 9, 2).toColourspace('b-w')),
    await png('rgba.png', raw(10, 12, 3).ensureAlpha(0.5)),
    await png('deep.png', raw(8, 8, 4).toColourspace('rgb16')),
    await jpeg('plain.jpg', raw(12, 10, 5).jpeg({ quality: 50 })),
    await jpeg('progressive.jpg', raw(10, 10, 6).jpeg({ quality: 50, progressive: true })),
    await jpeg('rotated.jpg', raw(12, 8, 7).jpeg({ quality: 50 }).withMetadata({ orientation: 6 })),
  ];
}

function mutated(file: ImageFile, edits: ByteEdit[], crc: boolean): Uint8Array {
  const bytes = applyByteEdits(file.bytes, edits);
  return crc && file.name.endsWith('.png') ? fixPngCrcs(bytes) : bytes;
}

// --- one image through decodeImage ---------------------------------------------------------------------------------

interface ImageCase {
  file: number;
  edits: ByteEdit[];
  /** PNG: the chunk CRCs fixed after the edits, so that most edits get past the CRC check. */
  crc: boolean;
  imageSize: 8 | 16;
  channels: 1 | 3;
  crop: number | null;
}

interface ImageCtx {
  dir: string;
  files: ImageFile[];
}

/** A decoded image is valid when it is (size, size, channels) bytes from a file of a positive size. */
function checkDecoded(r: Awaited<ReturnType<typeof decodeImage>>, options: DecodeOptions): Outcome {
  if (!r.ok) {
    assert.equal(typeof r.reason, 'string');
    assert.ok(r.reason.length > 0, 'a reason');
    checkCleanMessage(r.reason);
    return 'refused';
  }
  assert.equal(r.pixels.length, options.imageSize * options.imageSize * options.channels);
  assert.ok(Number.isInteger(r.width) && r.width >= 1 && Number.isInteger(r.height) && r.height >= 1, `${r.width}x${r.height}`);
  assert.equal(r.upscaled, Math.min(r.width, r.height) < options.imageSize);
  return 'valid';
}

const image: FuzzTarget<ImageCtx, ImageCase> = {
  runs: 600,
  refusedAs: 'ok: false',
  async setup(dir) {
    return { dir, files: await imageFiles() };
  },
  /**
   * Every file cut at every 8th offset; and each PNG claiming a side of 16,711,680 pixels (a header with its CRC
   * right, its data far too short: a very wide one once took half a minute and gigabytes to refuse).
   */
  sweep: ({ files }) => [
    ...files.flatMap((f, file) =>
      Array.from({ length: Math.ceil(f.bytes.length / 8) }, (_, k) => ({
        file,
        edits: [{ op: 'truncate' as const, at: 8 * k, fromEnd: false }] as ByteEdit[],
        crc: false,
        imageSize: 8 as const,
        channels: 3 as const,
        crop: null,
      })),
    ),
    ...files.flatMap((f, file) =>
      f.name.endsWith('.png')
        ? [16, 20].map((at) => ({
            file,
            edits: [{ op: 'word' as const, at, fromEnd: false, width: 4 as const, littleEndian: false, value: 0xff0000 }] as ByteEdit[],
            crc: true,
            imageSize: 8 as const,
            channels: 1 as const,
            crop: null,
          }))
        : [],
    ),
  ],
  cases: ({ files }) =>
    fc.nat({ max: files.length - 1 }).chain((file) =>
      fc.record({
        file: fc.constant(file),
        edits: byteEdits(files[file]!.hints, 3),
        crc: fc.boolean(),
        imageSize: fc.constantFrom(8 as const, 16 as const),
        channels: fc.constantFrom(1 as const, 3 as const),
        crop: fc.option(fc.constantFrom(1, 5, 9, 1000)),
      }),
    ),
  async run(ctx, c, show) {
    const f = ctx.files[c.file]!;
    const bytes = mutated(f, c.edits, c.crc);
    show(bytes);
    const file = path.join(ctx.dir, f.name);
    writeFileSync(file, bytes);
    const options: DecodeOptions = { imageSize: c.imageSize, channels: c.channels, crop: c.crop ?? undefined, background: [255, 255, 255] };
    return checkDecoded(await decodeImage(file, options), options);
  },
};

// --- a folder of images, some mutated, loaded as the folder dataset --------------------------------------------------

interface FolderCase {
  /** Each image: which valid file, and its edits (null: left valid). */
  images: { file: number; edits: ByteEdit[] | null; crc: boolean }[];
  /** Class subfolders (two of them, so that labels come out). */
  classes: boolean;
  strict: boolean;
  channels: 1 | 3;
}

interface FolderCtx extends ImageCtx {
  case: number;
}

const folder: FuzzTarget<FolderCtx, FolderCase> = {
  runs: 120,
  async setup(dir) {
    return { dir, files: await imageFiles(), case: 0 };
  },
  cases: ({ files }) =>
    fc.record({
      images: fc.array(
        fc.nat({ max: files.length - 1 }).chain((file) =>
          fc.record({ file: fc.constant(file), edits: fc.option(byteEdits(files[file]!.hints, 2), { freq: 3 }), crc: fc.boolean() }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      classes: fc.boolean(),
      strict: fc.boolean(),
      channels: fc.constantFrom(1 as const, 3 as const),
    }),
  async run(ctx, c, show) {
    const root = path.join(ctx.dir, `folder-${ctx.case++}`);
    try {
      c.images.forEach((img, i) => {
        const f = ctx.files[img.file]!;
        const bytes = img.edits ? mutated(f, img.edits, img.crc) : f.bytes;
        if (img.edits) show(bytes);
        const sub = path.join(root, c.classes ? `class-${i % 2}` : '');
        mkdirSync(sub, { recursive: true });
        writeFileSync(path.join(sub, `${i}-${f.name}`), bytes);
      });
      const loaded: LoadedDataset = await loadImageFolder(root, {
        imageSize: 8, // no valid file is smaller: --strict refuses only what the edits broke
        channels: c.channels,
        background: [0, 0, 0],
        strict: c.strict,
        pool: { workers: 0 },
      });
      const { dataset, labels, classes, skipped, upscaled } = loaded;
      assert.ok(dataset.size >= 1 && dataset.size + skipped.count === c.images.length, `${dataset.size} images, ${skipped.count} skipped`);
      if (c.strict) assert.equal(skipped.count + upscaled.count, 0, 'nothing skipped or upscaled under --strict');
      for (const line of [...skipped.first, ...upscaled.first]) checkCleanMessage(line);
      if (labels) {
        assert.equal(labels.length, dataset.size);
        assert.ok(classes !== undefined && labels.every((l) => l < classes.length));
      }
      const out = new Float32Array(8 * 8 * c.channels);
      dataset.fillBatch([dataset.size - 1], out);
      assert.ok(out.every((v) => v >= -1 && v <= 1), 'pixels in [-1, 1]');
      return 'valid';
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

export const TARGETS = { image, 'image folder': folder } as Record<string, FuzzTarget<unknown, unknown>>;
