/** A packed 8-bit image, (height, width, channels) with 1 (gray) or 3 (RGB) channels. */
export interface Image8 {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Maps a value in [-1, 1] to a byte, clamping what lies outside. */
export function toByte(v: number): number {
  return Math.min(255, Math.max(0, Math.round((v + 1) * 127.5)));
}

/**
 * One image per element of a batch (n, h, w, c) of values in [-1, 1].
 */
export function toImages(values: Float32Array, n: number, h: number, w: number, c: number): Image8[] {
  const len = h * w * c;
  return Array.from({ length: n }, (_, i) => {
    const data = new Uint8Array(len);
    for (let j = 0; j < len; j++) data[j] = toByte(values[i * len + j]!);
    return { width: w, height: h, channels: c, data };
  });
}

/**
 * Tiles a batch (n, h, w, c) in [-1, 1] into one image, `columns` per row (default ceil(sqrt(n)), 8 for 64),
 * with `padding` pixels of black around and between the tiles, as torchvision's make_grid draws them.
 */
export function makeGrid(
  values: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  columns = Math.ceil(Math.sqrt(n)),
  padding = 2,
): Image8 {
  const rows = Math.ceil(n / columns);
  const width = columns * (w + padding) + padding;
  const height = rows * (h + padding) + padding;
  const data = new Uint8Array(width * height * c);
  for (let i = 0; i < n; i++) {
    const x0 = padding + (i % columns) * (w + padding);
    const y0 = padding + Math.floor(i / columns) * (h + padding);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          data[((y0 + y) * width + x0 + x) * c + ch] = toByte(values[((i * h + y) * w + x) * c + ch]!);
        }
      }
    }
  }
  return { width, height, channels: c, data };
}
