import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * Work in progress lives under a temporary sibling name until it is complete (io/atomic.ts); a process killed
 * mid-write (SIGKILL, power loss) leaves that sibling behind. The name says who wrote it,
 * `.NAME.tmp-HOST-PID-RANDOM` (HOST: 6 hex digits of a hash of the host name), so the next run on the same path can
 * remove what a dead writer left without touching what a live one is still writing.
 */

/** This machine's tag in temporary names. */
export const HOST_TAG = createHash('sha1').update(hostname()).digest('hex').slice(0, 6);

/** A temporary name for `base` (a file or folder name) written by this process. */
export function temporaryName(base: string, random: string): string {
  return `.${base}.tmp-${HOST_TAG}-${process.pid}-${random}`;
}

/** Another host's leftover is judged by age alone (its PIDs mean nothing here): no write takes a day. */
const FOREIGN_LEFTOVER_AGE_MS = 24 * 3600 * 1000;

interface TemporaryEntry {
  /** The name of the file or folder it was to become. */
  target: string;
  pid: number;
  /** null: a name from before the host was recorded (dcgan-ts 0.1's first releases), taken as this host's. */
  host: string | null;
}

/**
 * What a temporary name says about itself, or null for any other name. Besides today's form, the forms earlier
 * releases wrote are recognised, so their leftovers are cleared too: `.NAME.tmp-PID-RANDOM` (atomic writes),
 * `NAME.tmp-PID` (`dcgan prepare`), `NAME.part-PID` (`dcgan download`).
 */
export function parseTemporaryName(name: string): TemporaryEntry | null {
  let m = /^\.(.+)\.tmp-([0-9a-f]{6})-(\d+)-[0-9a-f]{8}$/.exec(name);
  if (m) return { target: m[1]!, host: m[2]!, pid: Number(m[3]) };
  m = /^\.(.+)\.tmp-(\d+)-[0-9a-f]{8}$/.exec(name);
  if (m) return { target: m[1]!, host: null, pid: Number(m[2]) };
  m = /^([^.].*)\.(?:tmp|part)-(\d+)$/.exec(name);
  if (m) return { target: m[1]!, host: null, pid: Number(m[2]) };
  return null;
}

/** Whether a process with this PID runs on this machine (EPERM: it runs, as another user). */
export function processIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A leftover of an interrupted write that was removed: its path and why it was judged abandoned
 * (describeRemovedLeftover words it).
 */
export interface RemovedLeftover {
  path: string;
  /** Why it was judged abandoned, for the line `dcgan` prints. */
  why: string;
}

export interface LeftoverScope {
  /** Only the leftovers of this entry of `dir` (a file about to be written); default: every leftover in `dir`. */
  of?: string;
  /**
   * The caller holds the directory's single-writer lock (run/runLock.ts), so no other process writes there: every
   * leftover not of this process is abandoned, whatever its PID or host.
   */
  exclusive?: boolean;
}

/** Why an entry was abandoned, or null while its writer may still be at work. */
function abandonment(entry: TemporaryEntry, modifiedMs: number, exclusive: boolean): string | null {
  const thisHost = entry.host === null || entry.host === HOST_TAG;
  if (thisHost && entry.pid === process.pid) return null; // ours: in progress (or a PID reused, harmless to keep)
  if (exclusive) return `its writer, PID ${entry.pid}, no longer holds the run`;
  if (thisHost) return processIsAlive(entry.pid) ? null : `PID ${entry.pid} is gone`;
  return Date.now() - modifiedMs > FOREIGN_LEFTOVER_AGE_MS ? 'written on another host over a day ago' : null;
}

/**
 * Removes the temporary files and folders in `dir` that an interrupted process left; returns what it removed and
 * why. A missing `dir` has none. Errors other than a vanished entry propagate (the caller names the place).
 */
export async function removeLeftovers(dir: string, scope: LeftoverScope = {}): Promise<RemovedLeftover[]> {
  const names = await fs.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [] as string[];
    throw e;
  });
  const removed: RemovedLeftover[] = [];
  for (const name of names) {
    const entry = parseTemporaryName(name);
    if (entry === null || (scope.of !== undefined && entry.target !== scope.of)) continue;
    // The old undotted forms could be a user's own file name: only cleared beside the one file they were to become.
    if (scope.of === undefined && !name.startsWith('.')) continue;
    const file = path.join(dir, name);
    const stat = await fs.lstat(file).catch(() => null);
    if (stat === null) continue; // removed meanwhile (its writer finished or gave up)
    const why = abandonment(entry, stat.mtimeMs, scope.exclusive ?? false);
    if (why === null) continue;
    await fs.rm(file, { recursive: true, force: true });
    removed.push({ path: file, why });
  }
  return removed;
}

/** The line `dcgan` prints for a removed leftover. */
export function describeRemovedLeftover(r: RemovedLeftover): string {
  return `removed ${r.path}, left by an interrupted write (${r.why})`;
}
