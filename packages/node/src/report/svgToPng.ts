import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { optionalNative } from '../io/optionalNative.js';

/**
 * The font every report is drawn in: DejaVu Sans 2.37 (assets/DejaVuSans.ttf, its licence beside it), the only
 * font resvg is given, so that a report reads the same on every machine whatever fonts it has.
 */
export const REPORT_FONT_FILE = fileURLToPath(new URL('../../../assets/DejaVuSans.ttf', import.meta.url));
export const REPORT_FONT_FAMILY = 'DejaVu Sans';

/**
 * resvg, imported on first use: its prebuilt binary is an optional dependency of its own (left out by
 * `npm install --omit=optional`), and only `dcgan report` needs it. Without it, the report is one line naming the fix.
 */
export const loadResvg = optionalNative(() => import('@resvg/resvg-js'), "dcgan report needs @resvg/resvg-js's prebuilt binary", '@resvg/resvg-js');

/** An SVG document as PNG bytes, drawn `zoom` times its size in the report's font (and no other). */
export async function svgToPng(svg: string, zoom = 1): Promise<{ png: Buffer; width: number; height: number }> {
  const { Resvg } = await loadResvg();
  if (!(await fs.stat(REPORT_FONT_FILE).catch(() => null))) {
    throw new DcganError(`the report's font is missing (${REPORT_FONT_FILE}): reinstall @dcgan-ts/node`);
  }
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: [REPORT_FONT_FILE], defaultFontFamily: REPORT_FONT_FAMILY, sansSerifFamily: REPORT_FONT_FAMILY },
    fitTo: { mode: 'zoom', value: zoom },
  });
  const image = resvg.render();
  return { png: image.asPng(), width: image.width, height: image.height };
}
