// Fuzzing the model files with mutations of valid ones (fuzzing.ts): images as the folder dataset decodes them (sharp),
// TF.js model.json manifests and weights, exported generators' manifest.json, whole checkpoints (directory, run, .zip),
// and the studio's z files. Every input ends in a checked valid result or one DcganError line (decodeImage: ok: false).
import { test } from 'node:test';
import { fuzzTarget } from './fuzzing.js';

for (const name of ['image', 'image folder']) {
  test(`fuzz ${name}`, async (t) => {
    await fuzzTarget(t, 'fuzzImageTargets', name);
  });
}

for (const name of ['model.json', 'generator manifest', 'checkpoint', 'z file']) {
  test(`fuzz ${name}`, async (t) => {
    await fuzzTarget(t, 'fuzzModelTargets', name);
  });
}
