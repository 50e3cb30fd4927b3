/**
 * A decode worker thread (decodePool.ts): receives { id, files, options }, decodes the files one after another with
 * sharp, and posts { id, results } back, moving the pixel buffers rather than copying them.
 */
import { parentPort } from 'node:worker_threads';
import { type DecodeOptions, type DecodeResult, decodeImage } from './decodeImage.js';

export interface DecodeJob {
  id: number;
  files: string[];
  options: DecodeOptions;
}

export interface DecodeJobResult {
  id: number;
  results: DecodeResult[];
}

if (parentPort) {
  const port = parentPort;
  port.on('message', async (job: DecodeJob) => {
    const results: DecodeResult[] = [];
    for (const file of job.files) results.push(await decodeImage(file, job.options));
    const transfer = results.flatMap((r) => (r.ok ? [r.pixels.buffer as ArrayBuffer] : []));
    port.postMessage({ id: job.id, results } satisfies DecodeJobResult, transfer);
  });
}
