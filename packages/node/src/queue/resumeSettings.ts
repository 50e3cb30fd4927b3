/**
 * What a queue worker keeps of a run it resumes, so that the run ends as a straight one would: a job that left
 * --backend / --precision to `auto` takes what its first worker picked (config.json), not what this machine would
 * pick (native vs cpu, bf16 vs fp32), and on `native` the thread count it trained with, whose float sums depend on it.
 * A worker that cannot run that backend or precision fails the job in one line (train() does) rather than continue it
 * differently.
 */
import type { TrainRequest } from '../train.js';

/** The request's backend and precision from the run's config, and the native thread count to set (null: keep). */
export interface ResumeSettings {
  request: Pick<TrainRequest, 'backend' | 'precision'>;
  /** Threads to train on, when fewer than given: the run's own count. */
  threads: number | null;
  /** The line the worker logs when it sets `threads`. */
  threadsLine: string | null;
}

/**
 * `config` is the run's config.json; `request` the job's own flags; `givenThreads` the native backend's thread count
 * in this process (the worker's --threads; null without the addon). Threads are only ever lowered: more than the
 * worker gave a job would oversubscribe the cores it divided among its jobs (~10x slower); with fewer than the run's,
 * train() says in one line that the resume is close, not exact.
 */
export function resumeSettings(config: Record<string, unknown>, request: TrainRequest, givenThreads: number | null): ResumeSettings {
  const backend = request.backend ?? (typeof config.backend === 'string' ? (config.backend as TrainRequest['backend']) : undefined);
  const precision = request.precision ?? (typeof config.precision === 'string' ? (config.precision as TrainRequest['precision']) : undefined);
  const runThreads = config.threads;
  const lower = config.backend === 'native' && typeof runThreads === 'number' && givenThreads !== null && runThreads < givenThreads;
  return {
    request: { backend, precision },
    threads: lower ? runThreads : null,
    threadsLine: lower ? `${runThreads} CPU thread${runThreads === 1 ? '' : 's'} of the ${givenThreads} given, as the run last trained with (exact resume)` : null,
  };
}
