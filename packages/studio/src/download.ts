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
 * A z as `dcgan arithmetic --a file.json` reads it, and as `dcgan project` writes it: {"z": [...], "seed"?: n,
 * "image"?: name, "class"?: k} (the class it was drawn in, for a conditional G; the readers take z and leave the rest).
 * Float32 values written as their exact double expansion read back to the same float32, so the CLI draws exactly this
 * image.
 */
export function latentJson(z: Float32Array, extra: { seed?: number; image?: string; cls?: number | null } = {}): Blob {
  const body: { z: number[]; seed?: number; image?: string; class?: number } = { z: Array.from(z) };
  if (extra.seed !== undefined) body.seed = extra.seed;
  if (extra.image !== undefined) body.image = extra.image;
  if (extra.cls !== undefined && extra.cls !== null) body.class = extra.cls;
  return new Blob([JSON.stringify(body) + '\n'], { type: 'application/json' });
}
