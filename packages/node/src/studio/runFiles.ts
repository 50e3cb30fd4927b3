import { type RunSnapshot, isStepEntry } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type LogLine, RunDirectory } from '../run/runDirectory.js';

const LIVE_FLOOR_SECONDS = 120;

export class RunFiles {
  private readonly run: RunDirectory;
  /**
   * The last parse of log.jsonl and the file version it read (inode, size, mtime): every page polls the status
   * (which counts the log's lines) every second, so without it each poll re-reads and re-parses the whole log, and
   * 50 pages at once hold 50 copies of it. A parse in flight is shared by the requests that arrive meanwhile.
   */
  private parsed: { version: string; entries: Promise<LogLine[]> } | null = null;

  constructor(root: string) {
    this.run = new RunDirectory(root);
  }

  /**
   * log.jsonl as an array (per-step lines and eval lines); a line being appended right now (no newline yet, or cut
   * JSON) is left for the next poll. Callers share the array: they must not change it.
   */
  async log(): Promise<LogLine[]> {
    const stat = await fs.stat(this.run.logFile).catch(() => null);
    const version = stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'none';
    if (this.parsed?.version !== version) this.parsed = { version, entries: this.readLog() };
    return this.parsed.entries;
  }

  private async readLog(): Promise<LogLine[]> {
    const text = await fs.readFile(this.run.logFile, 'utf8').catch(() => '');
    const entries: LogLine[] = [];
    for (const line of text.split('\n').slice(0, -1)) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as LogLine);
      } catch {
        break;
      }
    }
    return entries;
  }

  async snapshot(): Promise<RunSnapshot> {
    const [log, sample, stat] = await Promise.all([this.log(), this.latestSample(), fs.stat(this.run.logFile).catch(() => null)]);
    const secondsSinceUpdate = stat ? Math.max(0, Math.round((Date.now() - stat.mtimeMs) / 1000)) : null;
    const interval = await this.logInterval(log);
    const live = secondsSinceUpdate !== null && secondsSinceUpdate < Math.max(LIVE_FLOOR_SECONDS, 3 * interval);
    return { logLines: log.length, sampleStep: sample?.step ?? null, secondsSinceUpdate, live };
  }

  /**
   * Seconds between log lines at the run's last measured speed: the steps between the last two lines times the batch
   * size (config.json) over the last imgPerSec. 0 when unknown. A slow run on a busy CPU logs every few minutes.
   */
  private async logInterval(log: LogLine[]): Promise<number> {
    // Eval lines carry no speed: only per-step lines measure the interval.
    const [previous, last] = log.filter(isStepEntry).slice(-2);
    if (!previous || !last || !(last.imgPerSec > 0)) return 0;
    const config = await this.run.readConfig().catch(() => ({}) as Record<string, unknown>);
    const batchSize = Number((config.config as { batchSize?: unknown } | undefined)?.batchSize);
    return Number.isFinite(batchSize) && batchSize > 0 ? ((last.step - previous.step) * batchSize) / last.imgPerSec : 0;
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
