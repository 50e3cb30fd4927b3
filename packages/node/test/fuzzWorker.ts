/**
 * The worker thread of the fuzz harness (fuzzing.ts): loads the target named in workerData from its module and runs
 * its inputs, reporting to the test thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type FuzzTarget, runTargetHere } from './fuzzing.js';

const { module, name, seed, sab } = workerData as { module: string; name: string; seed: number; sab: SharedArrayBuffer };
const targets = (await import(`./${module}.js`)) as { TARGETS: Record<string, FuzzTarget<unknown, unknown>> };
const target = targets.TARGETS[name];
if (target === undefined) throw new Error(`no fuzz target ${name} in ${module}`);
await runTargetHere(target, sab, seed, (m) => parentPort!.postMessage(m));
