import { unzipSync } from 'fflate';

/**
 * Images the user dropped or picked (files of a folder, or a .zip of them), decoded in the worker into one packed
 * uint8 array (N, S, S, C): each image's centre square (the shorter side) resized to S (the browser's high-quality
 * resampling, as the `folder` dataset of `dcgan train` resizes the shorter side and cuts the centre), transparency
 * composited on white, colour turned to gray (ITU-R 601 luma, as PIL's "L") for one channel.
 */
export interface DecodedImages {
  pixels: Uint8Array;
  count: number;
  /** Files that looked like images but did not decode. */
  skipped: string[];
}

const IMAGE_NAME = /\.(png|jpe?g|webp|gif|bmp|avif)$/i;
const ZIP_NAME = /\.zip$/i;

/** The image entries of the files given: images as they are, .zip archives opened (their images, any depth). */
export async function imageBlobs(files: readonly File[]): Promise<{ name: string; blob: Blob }[]> {
  const out: { name: string; blob: Blob }[] = [];
  for (const file of files) {
    const name = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    if (ZIP_NAME.test(file.name)) {
      const entries = unzipSync(new Uint8Array(await file.arrayBuffer()), {
        filter: (e) => IMAGE_NAME.test(e.name) && !e.name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX'),
      });
      for (const entry of Object.keys(entries).sort()) out.push({ name: `${file.name}/${entry}`, blob: new Blob([entries[entry]!]) });
    } else if (IMAGE_NAME.test(file.name) && !file.name.startsWith('.')) {
      out.push({ name, blob: file });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function decodeImages(
  blobs: readonly { name: string; blob: Blob }[],
  size: number,
  channels: number,
  onProgress?: (done: number, total: number) => void,
): Promise<DecodedImages> {
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  const perImage = size * size * channels;
  const chunks: Uint8Array[] = [];
  const skipped: string[] = [];
  for (const [i, { name, blob }] of blobs.entries()) {
    let bitmap: ImageBitmap | undefined;
    try {
      bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
      const side = Math.min(bitmap.width, bitmap.height);
      const sx = Math.floor((bitmap.width - side) / 2);
      const sy = Math.floor((bitmap.height - side) / 2);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, size, size);
      ctx.drawImage(bitmap, sx, sy, side, side, 0, 0, size, size);
      const rgba = ctx.getImageData(0, 0, size, size).data;
      const out = new Uint8Array(perImage);
      for (let p = 0; p < size * size; p++) {
        const [r, g, b] = [rgba[p * 4]!, rgba[p * 4 + 1]!, rgba[p * 4 + 2]!];
        if (channels === 1) out[p] = Math.round((r * 299 + g * 587 + b * 114) / 1000);
        else out.set([r, g, b], p * 3);
      }
      chunks.push(out);
    } catch {
      skipped.push(name);
    } finally {
      bitmap?.close();
    }
    if (i % 64 === 63) onProgress?.(i + 1, blobs.length);
  }
  const pixels = new Uint8Array(chunks.length * perImage);
  chunks.forEach((c, i) => pixels.set(c, i * perImage));
  return { pixels, count: chunks.length, skipped };
}
