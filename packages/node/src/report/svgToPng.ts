import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The font every report is drawn in: DejaVu Sans 2.37 (assets/DejaVuSans.ttf, its licence beside it), the only
 * font resvg is given, so that a report reads the same on every machine whatever fonts it has.
 */
export const REPORT_FONT_FILE = fileURLToPath(new URL('../../../assets/DejaVuSans.ttf', import.meta.url));
export const REPORT_FONT_FAMILY = 'DejaVu Sans';

type ResvgModule = typeof import('@resvg/resvg-js');
let resvgModule: Promise<ResvgModule> | undefined;

/**
 * resvg, imported on first use: its prebuilt binary is an optional dependency of its own (left out by
 * `npm install --omit=optional`), and only `dcgan report` needs it. Without it, the report is one line naming the fix.
 */
export function loadResvg(): Promise<ResvgModule> {
  if (resvgModule) return resvgModule;
  const loading = import('@resvg/resvg-js').then(
    (m) => m,
    (e: unknown) => {
      resvgModule = undefined;
      const first = String((e as Error).message ?? e).split('\n')[0];
      throw new DcganError(
        `dcgan report needs @resvg/resvg-js's prebuilt binary for ${process.platform}-${process.arch}, which did not load (${first}); ` +
          'an install with --omit=optional leaves it out: npm install --include=optional @resvg/resvg-js',
      );
    },
  );
  resvgModule = loading;
  return loading;
}

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
