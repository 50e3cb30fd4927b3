import type { Image8 } from './grid.js';

/**
 * Lays out rows of equally sized images on a black canvas, `padding` pixels around and between them; a null cell
 * stays empty, and a gap (default half an image) after each column in `gapsAfter` separates groups, e.g. exemplars
 * from their average (Figure 7's layout).
 */
export function composeRows(
  rows: (Image8 | null)[][],
  options: { padding?: number; gapsAfter?: number[]; gap?: number } = {},
): Image8 {
  const padding = options.padding ?? 2;
  const first = rows.flat().find((x): x is Image8 => x !== null);
  if (!first) throw new Error('composeRows: no images');
  const { width: w, height: h, channels: c } = first;
  const columns = Math.max(...rows.map((r) => r.length));
  const gapsAfter = options.gapsAfter ?? [];
  const gap = Math.round(options.gap ?? w / 2);
  const gapsBefore = (col: number) => gapsAfter.filter((g) => g < col).length * gap;
  const width = columns * (w + padding) + padding + gapsBefore(columns);
  const height = rows.length * (h + padding) + padding;
  const data = new Uint8Array(width * height * c);
  rows.forEach((row, r) => {
    row.forEach((img, col) => {
      if (!img) return;
      if (img.width !== w || img.height !== h || img.channels !== c) throw new Error('composeRows: images differ in shape');
      const x0 = padding + col * (w + padding) + gapsBefore(col);
      const y0 = padding + r * (h + padding);
      for (let y = 0; y < h; y++) data.set(img.data.subarray(y * w * c, (y + 1) * w * c), ((y0 + y) * width + x0) * c);
    });
  });
  return { width, height, channels: c, data };
}
