/**
 * A progress line for work counted in items ("writing images 1200/50000 (850 images/s)"), redrawn in place on a
 * terminal at most five times a second and erased when done, so that a line printed after it (an error, the result)
 * stands alone; silent off a terminal (pipes, CI logs), where a line per update would be noise.
 */
export function countProgressPrinter(
  action: string,
  unit: string,
  stream: NodeJS.WriteStream = process.stderr,
): (done: number, total: number) => void {
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
      stream.write(`\rdcgan: ${action} ${done}/${total} (${rate.toFixed(0)} ${unit}/s)\x1b[K`);
    }
  };
}
