/** Saves a blob as a file through a temporary link (no server round trip: everything is already in the page). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A z as `dcgan arithmetic --a file.json` reads it: {"z": [...], "seed"?: n}. Float32 values written as their exact
 * double expansion read back to the same float32, so the CLI draws exactly this image.
 */
export function latentJson(z: Float32Array, seed?: number): Blob {
  const body: { z: number[]; seed?: number } = { z: Array.from(z) };
  if (seed !== undefined) body.seed = seed;
  return new Blob([JSON.stringify(body) + '\n'], { type: 'application/json' });
}
