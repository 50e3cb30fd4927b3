import { DcganError, type EvalEntry, type LogEntry, type WarningEntry } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';

/**
 * A run directory (docs/formats.md): config.json, log.jsonl, samples/step-NNNNNN.png, checkpoints/step-NNNNNN/ + latest.
 */
export class RunDirectory {
  constructor(readonly root: string) {}

  get configFile(): string {
    return path.join(this.root, 'config.json');
  }
  get logFile(): string {
    return path.join(this.root, 'log.jsonl');
  }
  get samplesDir(): string {
    return path.join(this.root, 'samples');
  }
  get checkpointsDir(): string {
    return path.join(this.root, 'checkpoints');
  }

  samplePath(step: number): string {
    return path.join(this.samplesDir, `${stepName(step)}.png`);
  }

  /** Creates the directory tree; one clear error when the place cannot be written. */
  async create(): Promise<void> {
    for (const dir of [this.root, this.samplesDir, this.checkpointsDir]) {
      try {
        await fs.mkdir(dir, { recursive: true });
        await fs.access(dir, fs.constants.W_OK);
      } catch (e) {
        throw new DcganError(`cannot write the run directory ${dir}: ${describeFsError(e)}`);
      }
    }
  }

  /** True when this directory already holds a run (a config or a checkpoint) that a new run would overwrite. */
  async holdsRun(): Promise<boolean> {
    const exists = async (p: string) => fs.stat(p).then(() => true, () => false);
    return (await exists(this.configFile)) || (await exists(path.join(this.checkpointsDir, 'latest')));
  }

  async writeConfig(config: object): Promise<void> {
    await writeFileAtomic(this.configFile, JSON.stringify(config, null, 2) + '\n');
  }

  async readConfig(): Promise<Record<string, unknown>> {
    try {
      return JSON.parse(await fs.readFile(this.configFile, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new DcganError(`cannot read ${this.configFile}: ${describeFsError(e)}`);
    }
  }

  async appendLog(entry: LogLine): Promise<void> {
    await fs.appendFile(this.logFile, JSON.stringify(entry) + '\n');
  }

  /**
   * log.jsonl's lines (none when there is no log). A last line without its newline that does not parse was cut by a
   * crash (or is being written) and is left out; any other line that is not a JSON object with a numeric step is an
   * error naming its line number.
   */
  async readLog(): Promise<LogLine[]> {
    const text = await fs.readFile(this.logFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw new DcganError(`cannot read ${this.logFile}: ${describeFsError(e)}`);
    });
    const lines = text.split('\n');
    const entries: LogLine[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        if (i === lines.length - 1) break; // no newline after it: an unfinished append
        throw new DcganError(`${this.logFile} line ${i + 1} is not valid JSON`);
      }
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { step?: unknown }).step !== 'number') {
        throw new DcganError(`${this.logFile} line ${i + 1} is not a log entry (no numeric "step")`);
      }
      entries.push(parsed as LogLine);
    }
    return entries;
  }

  /**
   * Drops log lines past `step`, eval lines included: after a crash the log may run ahead of the checkpoint a resume
   * starts from.
   */
  async truncateLogAfter(step: number): Promise<void> {
    const entries = await this.readLog();
    const kept = entries.filter((e) => e.step <= step);
    const text = await fs.readFile(this.logFile, 'utf8').catch(() => '');
    // A cut last line (see readLog) goes too, or the next append would glue onto it.
    if (kept.length !== entries.length || (text !== '' && !text.endsWith('\n'))) {
      await writeFileAtomic(this.logFile, kept.map((e) => JSON.stringify(e) + '\n').join(''));
    }
  }
}

/**
 * A line of log.jsonl: a per-step entry, with --eval-every an eval entry, or a warning (core's isStepEntry,
 * isEvalEntry and isWarningEntry tell them apart).
 */
export type LogLine = LogEntry | EvalEntry | WarningEntry;

/** step-000500: zero-padded so that names sort by step. */
export function stepName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** runs/00003-mnist32: the next free number under `parent`. */
export async function nextRunDirectory(parent: string, dataset: string, imageSize: number): Promise<string> {
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  const used = names.map((n) => /^(\d{5})-/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1]));
  const next = used.length === 0 ? 0 : Math.max(...used) + 1;
  return path.join(parent, `${String(next).padStart(5, '0')}-${dataset}${imageSize}`);
}

/**
 * A file-system error in a few words for a user ('no such file or directory', 'permission denied', ...), else its
 * message.
 */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EEXIST':
      return 'it already exists';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return err.message ?? String(e);
  }
}
