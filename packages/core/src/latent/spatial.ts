/**
 * dcgan.torch's "linefull" trick: G is fully convolutional, so a K x K grid of latents fed as one (1, K, K, nz) map
 * through G's convolutional body draws one large image whose regions blend smoothly. TF.js LayersModels fix their
 * input shape, so this builds the map of z here and the caller runs G's layers on it (see generateSpatial).
 */
export function latentMap(latents: readonly Float32Array[], k: number): Float32Array {
  if (latents.length !== k * k) throw new Error(`a ${k}x${k} map needs ${k * k} latents, got ${latents.length}`);
  const nz = latents[0]!.length;
  const out = new Float32Array(k * k * nz); // (1, K, K, nz) row-major
  latents.forEach((z, i) => out.set(z, i * nz));
  return out;
}
