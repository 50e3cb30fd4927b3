import { DcganError } from '@dcgan-ts/core';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { Worker } from 'node:worker_threads';

/**
 * The fuzz harness: a target's mutated inputs run in a worker thread, each one ending in a valid result (checked) or a
 * DcganError of one clean line; anything else (TypeError, RangeError, a raw fs, zlib or sharp error, an unhandled
 * rejection) fails with the input shown. A worker lets the test stop a parser that never returns (a synchronous loop
 * cannot be interrupted on its own thread): the input it was on is saved and named. Memory is bounded per input by
 * what ArrayBuffers hold when the parser returns and by the process's peak resident size.
 */

/** The fixed seed, so that CI sees the same inputs every run; DCGAN_FUZZ_SEED explores others. */
export const FUZZ_SEED = Number(process.env.DCGAN_FUZZ_SEED ?? 20_240_601);
/** DCGAN_FUZZ_SCALE=10 runs ten times the inputs (locally, to look harder). */
const SCALE = Number(process.env.DCGAN_FUZZ_SCALE ?? 1);

/** What one input came to: a checked valid result, or refused (a DcganError, or decodeImage's { ok: false }). */
export type Outcome = 'valid' | 'refused';

export interface FuzzTarget<Ctx, Case> {
  /** Inputs per CI run (before DCGAN_FUZZ_SCALE). */
  runs: number;
  /** How a refusal is counted in the report: "DcganError" unless the parser answers otherwise (decodeImage's ok: false). */
  refusedAs?: string;
  /** An input still running after this long is a hang: the worker is stopped. */
  hangMs?: number;
  /** An input that finishes but took longer than this fails too. */
  slowMs?: number;
  /** Writes the valid files the cases mutate into `dir`. */
  setup(dir: string): Promise<Ctx>;
  /** Deterministic cases run first (e.g. a truncation at every offset). */
  sweep?(ctx: Ctx): Case[];
  cases(ctx: Ctx): fc.Arbitrary<Case>;
  /** Runs one case, checks a valid result, and says which it was; `show` records the input's bytes for a hang report. */
  run(ctx: Ctx, c: Case, show: (bytes: Uint8Array) => void): Promise<Outcome>;
}

/** Layout of the buffer the worker shares with the test: counters, the current case as JSON, its bytes. */
const COUNTERS = 16;
const DESCRIPTION = 64 * 1024;
const INPUT_BYTES = 8 * 1024 * 1024;

interface Shared {
  counters: Int32Array; // [0] inputs started, [1] description length, [2] input length
  description: Uint8Array;
  input: Uint8Array;
}

function shared(sab: SharedArrayBuffer): Shared {
  return {
    counters: new Int32Array(sab, 0, 4),
    description: new Uint8Array(sab, COUNTERS, DESCRIPTION),
    input: new Uint8Array(sab, COUNTERS + DESCRIPTION, INPUT_BYTES),
  };
}

export interface FuzzCounts {
  inputs: number;
  refused: number;
  valid: number;
  /** Different error messages (file paths taken out), a rough measure of how many checks were reached. */
  distinctMessages: number;
  wallMs: number;
}

type FromWorker =
  | { kind: 'ready'; hangMs: number; refusedAs: string }
  | { kind: 'done'; counts: FuzzCounts }
  | { kind: 'failed'; message: string };

/** Per input: more than this held in ArrayBuffers when the parser returns, or this much more peak RSS, is a failure. */
const ARRAY_BUFFER_BUDGET = 256 * 1024 * 1024;
const RSS_BUDGET = 1024 * 1024 * 1024;

/** A DcganError's message must print as one clean line: no line breaks or control characters, not a wall of text. */
export function checkCleanMessage(message: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  if (/[\u0000-\u001f\u007f]/.test(message)) throw new Error(`DcganError message is not one clean line: ${JSON.stringify(message.slice(0, 300))}`);
  if (message.length > 1000) throw new Error(`DcganError message of ${message.length} characters: ${JSON.stringify(message.slice(0, 300))}...`);
}

/** The loop inside the worker: sweep, then `runs` generated cases under fast-check with the fixed seed. */
export async function runTargetHere<Ctx, Case>(
  target: FuzzTarget<Ctx, Case>,
  sab: SharedArrayBuffer,
  seed: number,
  post: (m: FromWorker) => void,
): Promise<void> {
  const s = shared(sab);
  const dir = mkdtempSync(path.join(tmpdir(), 'dcgan-fuzz-'));
  const encoder = new TextEncoder();
  let unhandled: unknown = null;
  process.on('unhandledRejection', (e) => (unhandled ??= e));
  const show = (bytes: Uint8Array) => {
    const n = Math.min(bytes.length, INPUT_BYTES);
    s.input.set(bytes.subarray(0, n));
    Atomics.store(s.counters, 2, n);
  };
  const messages = new Set<string>();
  const counts: FuzzCounts = { inputs: 0, refused: 0, valid: 0, distinctMessages: 0, wallMs: 0 };
  const started = performance.now();
  try {
    const ctx = await target.setup(dir);
    post({ kind: 'ready', hangMs: target.hangMs ?? 10_000, refusedAs: target.refusedAs ?? 'DcganError' });
    const rssAtStart = process.resourceUsage().maxRSS * 1024;
    const one = async (c: Case) => {
      const description = encoder.encode(JSON.stringify(c)).subarray(0, DESCRIPTION);
      s.description.set(description);
      Atomics.store(s.counters, 1, description.length);
      Atomics.store(s.counters, 2, 0);
      Atomics.add(s.counters, 0, 1);
      const before = process.memoryUsage().arrayBuffers;
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await target.run(ctx, c, show);
      } catch (e) {
        if (!(e instanceof DcganError)) {
          const err = e as Error;
          throw new Error(`not a DcganError but ${err?.name ?? typeof e}: ${String(err?.message ?? e).split('\n')[0]}`, { cause: e });
        }
        checkCleanMessage(e.message);
        messages.add(e.message.replaceAll(dir, '<dir>').replace(/\d+/g, 'N'));
        outcome = 'refused';
      }
      const ms = performance.now() - t0;
      const held = process.memoryUsage().arrayBuffers - before;
      const peak = process.resourceUsage().maxRSS * 1024 - rssAtStart;
      if (unhandled !== null) throw new Error(`unhandled rejection: ${String((unhandled as Error).message ?? unhandled)}`);
      if (ms > (target.slowMs ?? 5000)) throw new Error(`took ${ms.toFixed(0)} ms`);
      if (held > ARRAY_BUFFER_BUDGET) throw new Error(`${(held / 2 ** 20).toFixed(0)} MiB of ArrayBuffers held after it returned`);
      if (peak > RSS_BUDGET) throw new Error(`peak resident memory grew by ${(peak / 2 ** 20).toFixed(0)} MiB`);
      counts.inputs += 1;
      counts[outcome] += 1;
    };
    for (const c of target.sweep?.(ctx) ?? []) {
      try {
        await one(c);
      } catch (e) {
        throw new Error(`sweep case ${JSON.stringify(c)}: ${(e as Error).message}`, { cause: e });
      }
    }
    await fc.assert(
      fc.asyncProperty(target.cases(ctx), async (c) => {
        await one(c);
      }),
      { seed, numRuns: Math.round(target.runs * SCALE), endOnFailure: false },
    );
    counts.distinctMessages = messages.size;
    counts.wallMs = performance.now() - started;
    post({ kind: 'done', counts });
  } catch (e) {
    let root = e as Error;
    while (root?.cause !== undefined) root = root.cause as Error;
    const where = root !== e && root?.stack ? `\nthrown ${root.stack}` : '';
    post({ kind: 'failed', message: `${(e as Error).message}${where}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs target `name` of module `module` (a file of test/, compiled) in a worker, and fails `t` if any input fails,
 * hangs or the worker dies; prints the counts as "fuzz idx: 5000 inputs, 4870 DcganError, 130 valid".
 */
export async function fuzzTarget(t: TestContext, module: string, name: string): Promise<FuzzCounts> {
  const sab = new SharedArrayBuffer(COUNTERS + DESCRIPTION + INPUT_BYTES);
  const s = shared(sab);
  const worker = new Worker(new URL('./fuzzWorker.js', import.meta.url), {
    workerData: { module, name, seed: FUZZ_SEED, sab },
    resourceLimits: { maxOldGenerationSizeMb: 1536 },
  });
  let hangMs = 120_000; // until setup reports the target's own
  let refusedAs = 'DcganError';
  let lastCount = -1;
  let lastChange = Date.now();
  const result = await new Promise<{ counts?: FuzzCounts; failure?: string }>((resolve) => {
    const watchdog = setInterval(() => {
      const count = Atomics.load(s.counters, 0);
      if (count !== lastCount) {
        lastCount = count;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > hangMs) {
        clearInterval(watchdog);
        const description = Buffer.from(s.description.subarray(0, Atomics.load(s.counters, 1))).toString('utf8');
        const bytes = Buffer.from(s.input.subarray(0, Atomics.load(s.counters, 2)));
        const saved = path.join(tmpdir(), `dcgan-fuzz-hang-${name.replace(/\W+/g, '-')}-${process.pid}.bin`);
        if (bytes.length > 0) writeFileSync(saved, bytes);
        void worker.terminate();
        resolve({
          failure: `input ${count} did not finish within ${hangMs} ms (seed ${FUZZ_SEED}): ${description}` +
            (bytes.length > 0 ? `; its bytes are in ${saved}` : ''),
        });
      }
    }, 200);
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'ready') ({ hangMs, refusedAs } = m);
      else {
        clearInterval(watchdog);
        resolve(m.kind === 'done' ? { counts: m.counts } : { failure: `${m.message}\n(seed ${FUZZ_SEED})` });
      }
    });
    worker.on('error', (e) => {
      clearInterval(watchdog);
      const description = Buffer.from(s.description.subarray(0, Atomics.load(s.counters, 1))).toString('utf8');
      resolve({ failure: `the worker died (${e.message}) on input ${Atomics.load(s.counters, 0)}: ${description}` });
    });
  });
  await worker.terminate();
  if (result.failure !== undefined) throw new Error(`fuzz ${name}: ${result.failure}`);
  const c = result.counts!;
  const line =
    `fuzz ${name}: ${c.inputs} inputs, ${c.refused} ${refusedAs}, ${c.valid} valid; ` +
    `${c.distinctMessages} distinct messages; ${(c.wallMs / 1000).toFixed(1)} s`;
  t.diagnostic(line);
  console.log(line);
  return c;
}
