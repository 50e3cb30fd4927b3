import { promises as fs } from 'node:fs';
import { optionalNative } from '../io/optionalNative.js';

/** How an image file becomes a training image. Plain data, so that it crosses to decode workers as is. */
export interface DecodeOptions {
  /** Output side: the shorter side is resized to it, then the centre square is kept (torchvision Resize + CenterCrop). */
  imageSize: number;
  channels: 1 | 3;
  /** Side of a centre square cut from the full image before resizing (DCGAN-tensorflow's 108 for CelebA). */
  crop?: number;
  /** What transparent pixels are composited onto, [r, g, b] in 0..255. */
  background: [number, number, number];
}

/**
 * decodeImage's outcome for one file: the training image's bytes with the source's size (after --crop), or why the file
 * could not be used.
 */
export type DecodeResult =
  /** (imageSize, imageSize, channels) bytes; `upscaled` when the source (after --crop) was smaller than the target. */
  | { ok: true; pixels: Uint8Array; upscaled: boolean; width: number; height: number }
  | { ok: false; reason: string };

/**
 * The longest side decoded (JPEG's own limit). Resizing a very wide, short image holds rows of its full width in
 * libvips' buffers: a 16,711,680x12 PNG header (a 100-byte file) took 36 s and 8 GB before its data ran out.
 */
const MAX_IMAGE_SIDE = 65_535;

/** Python's round(): half to even, as torchvision's CenterCrop offsets use it. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** ITU-R 601-2 luma in PIL's integer arithmetic (Image.convert('L'), torchvision's Grayscale). */
function luma(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < out.length; p++) {
    out[p] = (rgb[3 * p]! * 19595 + rgb[3 * p + 1]! * 38470 + rgb[3 * p + 2]! * 7471 + 0x8000) >>> 16;
  }
  return out;
}

/**
 * sharp, imported on first use: only image files need it, and its prebuilt libvips is an optional dependency of its
 * own (left out by `npm install --omit=optional`), so MNIST, IDX, CIFAR and packed files train without it. Without
 * it, the first image file is one line naming the fix.
 */
export const loadSharp = optionalNative(
  () => import('sharp').then((m) => m.default),
  "decoding image files needs sharp's prebuilt libvips",
  'sharp',
);

/**
 * Decodes one image file (PNG, JPEG, WebP, GIF's first frame, TIFF, AVIF) into a training image: EXIF orientation
 * applied, optional centre crop, shorter side resized (bilinear, with antialiasing when shrinking) and centre square
 * kept, alpha composited onto the background, 16-bit and CMYK converted to 8-bit sRGB, then gray or RGB. Never
 * throws: a file sharp cannot read (corrupt, truncated, not an image) comes back as { ok: false, reason }.
 */
export async function decodeImage(file: string | Uint8Array, options: DecodeOptions): Promise<DecodeResult> {
  const { imageSize: size, channels, crop } = options;
  const sharp = await loadSharp(); // the one throw: no sharp at all is not a problem of this file
  try {
    const bytes = typeof file === 'string' ? await fs.readFile(file) : file;
    // failOn 'error': truncated or corrupt pixel data aborts instead of giving a half-grey picture.
    const input = { failOn: 'error' as const, pages: 1 };
    const meta = await sharp(bytes, input).metadata();
    let { width, height } = meta.autoOrient ?? meta;
    if (!width || !height) return { ok: false, reason: 'no image size in the file' };
    if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
      return { ok: false, reason: `${width}x${height} is larger than ${MAX_IMAGE_SIDE} on a side` };
    }
    let image = sharp(bytes, input).autoOrient();
    if (crop !== undefined) {
      const side = Math.min(crop, width, height);
      const left = roundHalfEven((width - side) / 2);
      const top = roundHalfEven((height - side) / 2);
      image = image.extract({ left, top, width: side, height: side });
      width = height = side;
    }
    const upscaled = Math.min(width, height) < size;
    const [r, g, b] = options.background;
    const { data, info } = await image
      .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'linear' })
      .flatten({ background: { r, g, b } })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== size || info.height !== size || info.channels !== 3) {
      return { ok: false, reason: `decoded to ${info.width}x${info.height}x${info.channels}, not ${size}x${size}x3` };
    }
    const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { ok: true, pixels: channels === 1 ? luma(rgb) : Uint8Array.from(rgb), upscaled, width, height };
  } catch (e) {
    // sharp's messages are several lines of libvips log; the first says what is wrong.
    return { ok: false, reason: String((e as Error).message ?? e).split('\n')[0]!.trim() };
  }
}
