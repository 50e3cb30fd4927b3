import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';

/** Test data made on the spot: image folders written with sharp, IDX and CIFAR files of a few records. */

/** A (h, w, 3) RGB gradient whose colour depends on `k`, so images differ. */
export function rgbPixels(w: number, h: number, k: number): Buffer {
  const b = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      b[i] = (x * 255) / Math.max(1, w - 1);
      b[i + 1] = (y * 255) / Math.max(1, h - 1);
      b[i + 2] = (k * 53) % 256;
    }
  }
  return b;
}

function raw(w: number, h: number, k: number) {
  return sharp(rgbPixels(w, h, k), { raw: { width: w, height: h, channels: 3 } });
}

/**
 * A class-per-subfolder image folder covering what users bring: RGBA, 1-channel gray and 16-bit PNG, CMYK and
 * EXIF-rotated JPEG, WebP, GIF, TIFF, non-square; with `bad`, also a truncated JPEG, a text file named .png and a tiny
 * image (smaller than 16). Returns the folder and how many of its files are good images.
 */
export async function makeImageFolder(root: string, { bad = false, copies = 1 } = {}): Promise<{ dir: string; good: number; tiny: number }> {
  const a = path.join(root, 'cats');
  const b = path.join(root, 'dogs', 'nested');
  mkdirSync(a, { recursive: true });
  mkdirSync(b, { recursive: true });
  let good = 0;
  for (let c = 0; c < copies; c++) {
    await raw(40, 30, 1 + c).ensureAlpha(0.5).png().toFile(path.join(a, `rgba-${c}.png`));
    await raw(24, 24, 2 + c).toColourspace('b-w').png().toFile(path.join(a, `gray-${c}.png`));
    await raw(32, 32, 3 + c).toColourspace('rgb16').png().toFile(path.join(a, `deep-${c}.png`));
    await raw(48, 20, 4 + c).toColourspace('cmyk').jpeg().toFile(path.join(a, `cmyk-${c}.jpg`));
    await raw(40, 24, 5 + c).jpeg().withMetadata({ orientation: 6 }).toFile(path.join(b, `rotated-${c}.jpg`));
    await raw(20, 36, 6 + c).webp().toFile(path.join(b, `tall-${c}.webp`));
    await raw(30, 30, 7 + c).gif().toFile(path.join(b, `anim-${c}.gif`));
    await raw(30, 22, 8 + c).tiff().toFile(path.join(b, `scan-${c}.tiff`));
    good += 8;
  }
  let tiny = 0;
  if (bad) {
    const jpeg = await raw(40, 40, 9).jpeg().toBuffer();
    writeFileSync(path.join(a, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    writeFileSync(path.join(b, 'notes.png'), 'this is not a PNG\n');
    await raw(8, 8, 10).png().toFile(path.join(b, 'tiny.png'));
    good += 1;
    tiny = 1;
  }
  return { dir: root, good, tiny };
}

/** IDX images (count, rows, cols) whose pixel values encode the image index, and labels i % 10. */
export function idxImages(count: number, rows = 8, cols = 8): Buffer {
  const b = Buffer.alloc(16 + count * rows * cols);
  b.writeUInt32BE(0x803, 0);
  b.writeUInt32BE(count, 4);
  b.writeUInt32BE(rows, 8);
  b.writeUInt32BE(cols, 12);
  for (let i = 0; i < count; i++) b.fill((i * 37) % 256, 16 + i * rows * cols, 16 + (i + 1) * rows * cols);
  return b;
}

export function idxLabels(count: number): Buffer {
  const b = Buffer.alloc(8 + count);
  b.writeUInt32BE(0x801, 0);
  b.writeUInt32BE(count, 4);
  for (let i = 0; i < count; i++) b[8 + i] = i % 10;
  return b;
}

/** An IDX folder with standard names, gzipped or plain. */
export function makeIdxFolder(dir: string, count: number, { gz = true } = {}): string {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, bytes: Buffer) =>
    writeFileSync(path.join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  write('train-images-idx3-ubyte', idxImages(count));
  write('train-labels-idx1-ubyte', idxLabels(count));
  return dir;
}

/**
 * CIFAR binary records: label byte(s), then the red, green and blue planes of 32x32. Image i is a solid colour
 * (i, 2i, 3i) mod 256 so the HWC conversion can be checked; label i % 10 (CIFAR-100: coarse i % 20, fine i % 100).
 */
export function cifarRecords(count: number, labelBytes: 1 | 2, first = 0): Buffer {
  const record = labelBytes + 3072;
  const b = Buffer.alloc(count * record);
  for (let r = 0; r < count; r++) {
    const i = first + r;
    const at = r * record;
    if (labelBytes === 1) b[at] = i % 10;
    else {
      b[at] = i % 20;
      b[at + 1] = i % 100;
    }
    for (let c = 0; c < 3; c++) b.fill((i * (c + 1)) % 256, at + labelBytes + c * 1024, at + labelBytes + (c + 1) * 1024);
  }
  return b;
}

/** A ustar archive of the given files (enough of tar for the reader under test). */
export function tarOf(files: { name: string; data: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(f.data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    h.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
