import { DcganError, validateModelConfig } from '@dcgan-ts/core';
import path from 'node:path';
import { OptionValueError, parseDeclaredValue } from '../optionValues.js';
import type { TrainRequest } from '../train.js';
import { requestedModelConfig } from '../trainingPlan.js';
import { type OptionDeclaration, TRAIN_OPTIONS } from '../trainOptions.js';

/**
 * A queued training job's options: `dcgan train` flags as text (`['--lr', '1e-4', '--flip']`), never code. The
 * submitter and the worker read them with the same declarations as `dcgan train` (trainOptions.ts), so a job can say
 * nothing that `dcgan train` would not accept, and the worker refuses what it does not know (a newer submitter's
 * option reaches an older worker as an unknown option, not as something silently dropped).
 *
 * The queue owns where a run lives and whether it resumes; a job may not say it.
 */
const QUEUE_OWNED = new Set(['out', 'resume', 'dryRun', 'json']);

/** The declarations a job may use, by flag (`--lr`). */
function jobOption(flag: string): OptionDeclaration | undefined {
  const declared = TRAIN_OPTIONS.find((o) => o.flag === flag);
  return declared && !QUEUE_OWNED.has(declared.key) ? declared : undefined;
}

/** `lr` or `--lr` -> the declaration, or one line saying the name is not an option a job may set. */
export function jobOptionByName(name: string): OptionDeclaration {
  const flag = name.startsWith('--') ? name : `--${name}`;
  const declared = jobOption(flag);
  if (declared) return declared;
  if (TRAIN_OPTIONS.some((o) => o.flag === flag)) {
    throw new DcganError(`${flag} is set by the queue (each job has its own run directory under --runs, resumed by the worker)`);
  }
  throw new DcganError(`${flag} is not a dcgan train option`);
}

/** Paths in a job are made absolute where it is submitted: workers run elsewhere (same shared path, other cwd). */
const PATH_OPTIONS = new Set<OptionDeclaration['key']>(['data', 'classifier']);

/**
 * Checks a job's flags and turns them into a TrainRequest (without `out` / `resume`, which the worker sets).
 * `where` names the job in the error line.
 */
export function trainRequestOfArguments(args: readonly string[], where: string): TrainRequest {
  const request: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (!flag.startsWith('--')) throw new DcganError(`${where}: ${flag} is not an option (options start with --)`);
    let declared: OptionDeclaration;
    try {
      declared = jobOptionByName(flag);
    } catch (e) {
      throw new DcganError(`${where}: ${(e as Error).message}`);
    }
    if (declared.value === 'flag') {
      request[declared.key] = true;
      continue;
    }
    const raw = args[++i];
    if (raw === undefined) throw new DcganError(`${where}: ${flag} needs a value`);
    try {
      request[declared.key] = parseDeclaredValue(declared, raw);
    } catch (e) {
      if (e instanceof OptionValueError) throw new DcganError(`${where}: ${flag} ${raw}: ${e.message}`);
      throw e;
    }
  }
  return request as TrainRequest;
}

/**
 * What dcgan train checks of the network's values beyond each one's own parser (an image size that is a power of two
 * from 16 to 256, channels 1 or 3), with the paper's defaults for the rest: a sweep is refused when it is submitted,
 * not job by job in its workers.
 */
export function checkJobModel(request: TrainRequest, where: string): void {
  try {
    validateModelConfig(requestedModelConfig(request));
  } catch (e) {
    throw new DcganError(`${where}: ${(e as Error).message}`);
  }
}

/** The flags of `args` with path values made absolute against `cwd` (what a job carries). */
export function absoluteArguments(args: readonly string[], cwd: string): string[] {
  const out = [...args];
  for (let i = 0; i < out.length - 1; i++) {
    const declared = out[i]!.startsWith('--') ? jobOption(out[i]!) : undefined;
    if (declared && PATH_OPTIONS.has(declared.key)) out[i + 1] = path.resolve(cwd, out[i + 1]!);
  }
  return out;
}
