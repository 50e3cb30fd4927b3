import type { Image8 } from '@dcgan-ts/core';
import { GLYPH_ADVANCE, GLYPH_ROWS, glyphPixels } from './bitmapFont.js';

export type Rgb = readonly [number, number, number];

/**
 * An RGB drawing surface for the report: filled rectangles, anti-aliased lines of any width (coverage from each
 * pixel centre's distance to the segment), dots, and text in the 5x7 bitmap font scaled by whole pixels (crisp at
 * any scale). Its `image` goes straight to io/png.ts's encoder.
 */
export class Raster {
  readonly image: Image8;

  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    this.image = { width, height, channels: 3, data: new Uint8Array(width * height * 3) };
    this.fillRect(0, 0, width, height, background);
  }

  /** Mixes `color` into pixel (x, y) with opacity `alpha` in [0, 1]. */
  blend(x: number, y: number, color: Rgb, alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const a = Math.min(1, alpha);
    const i = (y * this.width + x) * 3;
    const d = this.image.data;
    for (let c = 0; c < 3; c++) d[i + c] = Math.round(d[i + c]! * (1 - a) + color[c]! * a);
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb, alpha = 1): void {
    const [x0, y0] = [Math.max(0, Math.round(x)), Math.max(0, Math.round(y))];
    const [x1, y1] = [Math.min(this.width, Math.round(x + w)), Math.min(this.height, Math.round(y + h))];
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.blend(px, py, color, alpha);
  }

  /** A segment of width `w` (pixels) from (xa, ya) to (xb, yb), with round ends. */
  line(xa: number, ya: number, xb: number, yb: number, color: Rgb, w = 1, alpha = 1): void {
    const r = w / 2;
    const [dx, dy] = [xb - xa, yb - ya];
    const len2 = dx * dx + dy * dy;
    const x0 = Math.floor(Math.min(xa, xb) - r - 1);
    const x1 = Math.ceil(Math.max(xa, xb) + r + 1);
    const y0 = Math.floor(Math.min(ya, yb) - r - 1);
    const y1 = Math.ceil(Math.max(ya, yb) + r + 1);
    for (let py = Math.max(0, y0); py <= Math.min(this.height - 1, y1); py++) {
      for (let px = Math.max(0, x0); px <= Math.min(this.width - 1, x1); px++) {
        const [cx, cy] = [px + 0.5, py + 0.5];
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((cx - xa) * dx + (cy - ya) * dy) / len2));
        const dist = Math.hypot(cx - (xa + t * dx), cy - (ya + t * dy));
        const coverage = Math.max(0, Math.min(1, r + 0.5 - dist));
        if (coverage > 0) this.blend(px, py, color, coverage * alpha);
      }
    }
  }

  /**
   * A polyline through `points`. Drawn as one shape (each pixel takes its largest coverage over all segments), so
   * joints are not darkened by overlapping segments.
   */
  polyline(points: readonly [number, number][], color: Rgb, w = 2, alpha = 1): void {
    if (points.length === 1) {
      this.dot(points[0]![0], points[0]![1], w, color);
      return;
    }
    const cover = new Map<number, number>();
    const r = w / 2;
    for (let s = 0; s + 1 < points.length; s++) {
      const [[xa, ya], [xb, yb]] = [points[s]!, points[s + 1]!];
      const [dx, dy] = [xb - xa, yb - ya];
      const len2 = dx * dx + dy * dy;
      for (let py = Math.max(0, Math.floor(Math.min(ya, yb) - r - 1)); py <= Math.min(this.height - 1, Math.ceil(Math.max(ya, yb) + r + 1)); py++) {
        for (let px = Math.max(0, Math.floor(Math.min(xa, xb) - r - 1)); px <= Math.min(this.width - 1, Math.ceil(Math.max(xa, xb) + r + 1)); px++) {
          const [cx, cy] = [px + 0.5, py + 0.5];
          const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((cx - xa) * dx + (cy - ya) * dy) / len2));
          const coverage = Math.max(0, Math.min(1, r + 0.5 - Math.hypot(cx - (xa + t * dx), cy - (ya + t * dy))));
          const key = py * this.width + px;
          if (coverage > (cover.get(key) ?? 0)) cover.set(key, coverage);
        }
      }
    }
    for (const [key, coverage] of cover) this.blend(key % this.width, Math.floor(key / this.width), color, coverage * alpha);
  }

  /** A horizontal dashed line (the real-data floor of a metric). */
  dashedHLine(x0: number, x1: number, y: number, color: Rgb, dash = 8, gap = 5, w = 1.5): void {
    for (let x = x0; x < x1; x += dash + gap) this.line(x, y, Math.min(x + dash, x1), y, color, w);
  }

  /** A filled disc of diameter `d` centred on (x, y). */
  dot(x: number, y: number, d: number, color: Rgb): void {
    this.line(x, y, x, y, color, d);
  }

  /** Width in pixels of `text` at `scale`. */
  static textWidth(text: string, scale: number): number {
    return text.length === 0 ? 0 : (text.length * GLYPH_ADVANCE - 1) * scale;
  }

  static textHeight(scale: number): number {
    return GLYPH_ROWS * scale;
  }

  /** `text` with its cell's top at y; `align` places x at its left, centre or right end. */
  text(text: string, x: number, y: number, scale: number, color: Rgb, align: 'left' | 'center' | 'right' = 'left'): void {
    const w = Raster.textWidth(text, scale);
    let left = Math.round(align === 'left' ? x : align === 'center' ? x - w / 2 : x - w);
    const top = Math.round(y);
    for (const ch of text) {
      for (const [gx, gy] of glyphPixels(ch)) this.fillRect(left + gx * scale, top + gy * scale, scale, scale, color);
      left += GLYPH_ADVANCE * scale;
    }
  }
}
