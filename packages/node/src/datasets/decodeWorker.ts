/**
 * A decode worker of decodePool.ts's thread pool (tinypool): decodes one job's files one after another with sharp.
 */
import { type DecodeOptions, type DecodeResult, decodeImage } from './decodeImage.js';

/** Files decoded in one worker call: enough to amortise the message, few enough to keep workers evenly busy. */
export interface DecodeJob {
  /** File paths, or the encoded images themselves (an LMDB database's values). */
  files: (string | Uint8Array)[];
  options: DecodeOptions;
}

/** The job's results in its files' order (pixels are copied back: a job's images are small beside their decoding). */
export default async function decodeJob(job: DecodeJob): Promise<DecodeResult[]> {
  const results: DecodeResult[] = [];
  for (const file of job.files) results.push(await decodeImage(file, job.options));
  return results;
}
