import type { DataPlan } from '../datasets/trainingData.js';

/** What the user should know about the data before training starts: skipped files and upscaled images, a few named. */
export function dataNotes(data: DataPlan): string[] {
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
 * A progress line for decoding an image folder, updated in place on a terminal and erased when done (so that an error
 * after it is still the only line); silent elsewhere. What was skipped is reported by `dataNotes` once training starts.
 */
export function dataProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  const started = performance.now();
  let lastDraw = 0;
  return (done, total) => {
    if (!stream.isTTY) return;
    const now = performance.now();
    if (done === total) {
      stream.write('\r\x1b[K');
    } else if (now - lastDraw > 200) {
      lastDraw = now;
      const rate = done / Math.max(1e-3, (now - started) / 1000);
      stream.write(`\rdcgan: decoding images ${done}/${total} (${rate.toFixed(0)} files/s)\x1b[K`);
    }
  };
}
