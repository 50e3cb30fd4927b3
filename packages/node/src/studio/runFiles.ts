import type { LogEntry } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RunDirectory } from '../run/runDirectory.js';

/** What the studio shows of a run in progress: its log and its newest sample grid (read-only). */
export interface RunSnapshot {
  /** Lines in log.jsonl: the page fetches the log again only when this grows. */
  logLines: number;
  /** Step of the newest samples/step-NNNNNN.png, or null before the first. */
  sampleStep: number | null;
  /** Seconds since log.jsonl last changed (null without a log): tells a run in progress from a finished one. */
  secondsSinceUpdate: number | null;
}

export class RunFiles {
  private readonly run: RunDirectory;

  constructor(root: string) {
    this.run = new RunDirectory(root);
  }

  /** log.jsonl as an array; a line being appended right now (no newline yet, or cut JSON) is left for the next poll. */
  async log(): Promise<LogEntry[]> {
    const text = await fs.readFile(this.run.logFile, 'utf8').catch(() => '');
    const entries: LogEntry[] = [];
    for (const line of text.split('\n').slice(0, -1)) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as LogEntry);
      } catch {
        break;
      }
    }
    return entries;
  }

  async snapshot(): Promise<RunSnapshot> {
    const [log, sample, stat] = await Promise.all([this.log(), this.latestSample(), fs.stat(this.run.logFile).catch(() => null)]);
    const secondsSinceUpdate = stat ? Math.max(0, Math.round((Date.now() - stat.mtimeMs) / 1000)) : null;
    return { logLines: log.length, sampleStep: sample?.step ?? null, secondsSinceUpdate };
  }

  /** The newest sample grid; names are zero-padded (step-000500.png), so the last in sort order is the newest. */
  async latestSample(): Promise<{ step: number; file: string } | null> {
    const names = await fs.readdir(this.run.samplesDir).catch(() => [] as string[]);
    const steps = names.map((n) => /^step-(\d+)\.png$/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1]));
    if (steps.length === 0) return null;
    const step = Math.max(...steps);
    return { step, file: this.run.samplePath(step) };
  }

  get root(): string {
    return path.resolve(this.run.root);
  }
}
