import { BestScore, type EvalEntry, type EvalScalar } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { BEST_POINTER, readPointer } from './checkpointRetention.js';
import { stepName } from './runDirectory.js';

/**
 * The best-score tracker of a run that starts or resumes (`--eval-every` with `--select-by`), with `checkpoints/best`
 * brought in line with it. A resume replays the evaluations the log kept; the pointer may disagree with them when a
 * kill landed between a best checkpoint's write and the pointer's, or when --select-by changed: it is rewritten to the
 * best evaluation whose checkpoint still exists (a pruned one was not best when it went).
 */
export async function openBestScore(checkpointsDir: string, scalar: EvalScalar, evals: readonly EvalEntry[]): Promise<BestScore> {
  const hasCheckpoint = (step: number) => fs.stat(path.join(checkpointsDir, stepName(step))).then(() => true, () => false);
  let best = new BestScore(scalar);
  best.replay(evals);
  if (best.best !== null && !(await hasCheckpoint(best.best.step))) {
    const kept: EvalEntry[] = [];
    for (const e of evals) if (await hasCheckpoint(e.step)) kept.push(e);
    best = new BestScore(scalar);
    best.replay(kept);
  }
  const want = best.best === null ? null : stepName(best.best.step);
  if (want !== null && (await readPointer(checkpointsDir, BEST_POINTER)) !== want) {
    await writeFileAtomic(path.join(checkpointsDir, BEST_POINTER), want + '\n');
  }
  return best;
}
