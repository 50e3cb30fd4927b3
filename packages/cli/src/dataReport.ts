import { countProgressPrinter } from './countProgress.js';
import type { DataPlan } from '@dcgan-ts/node';

/** What the user should know about the data before training starts: skipped files and upscaled images, a few named. */
export function dataNotes(data: Pick<DataPlan, 'skipped' | 'upscaled'>): string[] {
  const lines: string[] = [];
  const list = (first: string[], count: number) => first.map((f) => `  ${f}`).concat(count > first.length ? [`  ... and ${count - first.length} more`] : []);
  if (data.skipped.count > 0) {
    lines.push(`warning: skipped ${data.skipped.count} file(s) that are not readable images (--strict makes this an error):`);
    lines.push(...list(data.skipped.first, data.skipped.count));
  }
  if (data.upscaled.count > 0) {
    lines.push(`warning: ${data.upscaled.count} image(s) smaller than the target size were upscaled (--strict refuses them):`);
    lines.push(...list(data.upscaled.first, data.upscaled.count));
  }
  return lines;
}

/**
 * A progress line for decoding an image folder (cli/countProgress.ts); what was skipped is reported by `dataNotes`
 * once training starts.
 */
export function dataProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  return countProgressPrinter('decoding images', 'files', stream);
}
