import { DcganError } from '@dcgan-ts/core';
import { randomBytes } from 'node:crypto';
import { type Stats, promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { temporarySibling } from '../io/atomic.js';
import { processIsAlive } from '../io/leftovers.js';
import { describeFsError } from './runDirectory.js';

/**
 * One writer per run directory. `dcgan train` (fresh or --resume, and anything else that writes into a run) holds
 * RUN/run.lock for as long as it writes; a second writer is refused with a line naming the holder. Readers (sample,
 * eval, the studio) never take it: every file they read is replaced atomically.
 *
 * run.lock is JSON {pid, host, since, command, token}, created exclusively (link(2) of a complete temporary file, so it
 * is never seen half-written) and renewed by touching its mtime every RENEW_MS: the lease. A lock whose holder is
 * dead is taken over: on this host when its PID is gone; from another host (a shared file system) when its lease has
 * not been renewed for LEASE_MS, which assumes the hosts' clocks agree to well within that. Two processes that take
 * over the same dead lock at once are serialised by a second, short-lived lock (run.lock.break), so exactly one wins.
 * The holder checks before each write that the lock is still its own (a holder stalled past its lease may have been
 * replaced) and stops with an error when it is not.
 */
export const RUN_LOCK = 'run.lock';
const BREAK_SUFFIX = '.break';

const RENEW_MS = 10_000;
const LEASE_MS = 60_000;
/** Breaking a dead lock takes milliseconds: a break file this old was left by a process that died doing it. */
const BREAK_STALE_MS = 30_000;

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  since: string;
  /** What holds it, e.g. "dcgan train --resume". */
  command: string;
  /** Tells this holding apart from a later one by the same PID. */
  token: string;
}

export interface RunLockOptions {
  /** What the holder is doing, shown to a refused second writer. */
  command: string;
  /** Called once when a dead holder's lock was taken over, with a line saying whose and why. */
  onTakeover?(line: string): void;
  /** Tests: shorter lease and renewal. */
  leaseMs?: number;
  renewMs?: number;
}

function describeHolder(h: LockHolder): string {
  return `PID ${h.pid} on ${h.host} (${h.command}, since ${h.since})`;
}

/** The refusal of a second writer: the run directory has a live holder. */
export class RunLockHeldError extends DcganError {}

function refusal(root: string, holder: LockHolder | null): RunLockHeldError {
  return new RunLockHeldError(
    `${root} is being written by ${holder ? describeHolder(holder) : 'another process'}; ` +
      'one writer per run directory: wait for it to finish or stop it',
  );
}

/** Creates `file` with `content` only if it does not exist; false when it does. The content appears whole. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = temporarySibling(file); // a leftover if killed right here, cleared like any other (io/leftovers.ts)
  await fs.writeFile(tmp, content);
  try {
    await fs.link(tmp, file);
    return true;
  } catch (e) {
    // ENOENT: the lock's new holder cleared our temporary file as a leftover (it clears all in the run directory).
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' || (e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

interface LockFile {
  holder: LockHolder | null; // null: unreadable content (a file someone else wrote there)
  mtimeMs: number;
}

async function readLockFile(file: string): Promise<LockFile | null> {
  let stat: Stats;
  let text: string;
  try {
    stat = await fs.stat(file);
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    const valid = Number.isSafeInteger(h.pid) && typeof h.host === 'string' && typeof h.token === 'string';
    return { holder: valid ? { ...h, since: String(h.since), command: String(h.command) } : null, mtimeMs: stat.mtimeMs };
  } catch {
    return { holder: null, mtimeMs: stat.mtimeMs };
  }
}

/** Why the lock in `file` is dead, or null while its holder may live. */
function deathOf(lock: LockFile, leaseMs: number): string | null {
  const h = lock.holder;
  if (h === null) return 'its content is not a lock';
  if (h.host === hostname()) {
    if (h.pid === process.pid) return null; // this process, in another call: a second writer all the same
    return processIsAlive(h.pid) ? null : `PID ${h.pid} is no longer running`;
  }
  const age = Date.now() - lock.mtimeMs;
  return age > leaseMs ? `its lease was last renewed ${Math.round(age / 1000)} s ago` : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RunLock {
  private lost: string | null = null;
  private readonly timer: NodeJS.Timeout;
  private released = false;

  private constructor(
    readonly file: string,
    readonly holder: LockHolder,
    renewMs: number,
    /** acquire() made the run directory: release() removes it again if nothing was written into it. */
    private readonly createdRoot: boolean,
  ) {
    this.timer = setInterval(() => void this.renew(), renewMs);
    this.timer.unref(); // a lock never keeps the process alive
  }

  /**
   * Takes the lock of run directory `root` (created if missing), or throws a DcganError naming the live holder.
   * A dead holder's lock is taken over (options.onTakeover says so).
   */
  static async acquire(root: string, options: RunLockOptions): Promise<RunLock> {
    const leaseMs = options.leaseMs ?? LEASE_MS;
    const file = path.join(root, RUN_LOCK);
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      command: options.command,
      token: randomBytes(8).toString('hex'),
    };
    const content = JSON.stringify(holder) + '\n';
    try {
      const createdRoot = (await fs.mkdir(root, { recursive: true })) !== undefined;
      // Each round either takes the lock, finds a live holder, or clears one dead lock; a few rounds always settle.
      let takeover: string | null = null;
      for (let round = 0; round < 20; round++) {
        if (await createExclusive(file, content)) {
          if (takeover !== null) options.onTakeover?.(takeover);
          return new RunLock(file, holder, options.renewMs ?? RENEW_MS, createdRoot);
        }
        const existing = await readLockFile(file);
        if (existing === null) continue; // released meanwhile
        const death = deathOf(existing, leaseMs);
        if (death === null) throw refusal(root, existing.holder);
        if (await clearDeadLock(file, existing, leaseMs)) {
          takeover = existing.holder
            ? `took over the lock of ${root} from ${describeHolder(existing.holder)}: ${death}`
            : `replaced ${file}: ${death}`;
        }
      }
      throw new DcganError(`could not take the lock ${file}: other processes keep taking it; try again`);
    } catch (e) {
      if (e instanceof DcganError) throw e;
      throw new DcganError(`cannot write the run directory ${root}: ${describeFsError(e)}`);
    }
  }

  /**
   * Throws the refusal acquire() would throw while a live process holds `root`'s lock; takes nothing. Lets a writer
   * refuse before slow preparation (decoding an image folder) rather than after it.
   */
  static async refuseIfHeld(root: string, leaseMs = LEASE_MS): Promise<void> {
    const existing = await readLockFile(path.join(root, RUN_LOCK)).catch(() => null);
    if (existing !== null && deathOf(existing, leaseMs) === null) throw refusal(root, existing.holder);
  }

  /** Throws a DcganError when another process has taken the lock over: this one must stop writing. */
  async assertHeld(): Promise<void> {
    if (this.lost === null && !this.released) {
      const now = await readLockFile(this.file).catch(() => null);
      if (now?.holder?.token !== this.holder.token) {
        this.lost = now?.holder ? `it was taken over by ${describeHolder(now.holder)}` : 'the lock file was removed';
      }
    }
    if (this.lost !== null) {
      throw new DcganError(`lost the lock of ${path.dirname(this.file)}: ${this.lost}; stopped writing to it`);
    }
  }

  /** Renews the lease; notices when the lock is no longer this holder's. */
  private async renew(): Promise<void> {
    if (this.released || this.lost !== null) return;
    try {
      const now = await readLockFile(this.file);
      if (now?.holder?.token !== this.holder.token) {
        this.lost = now?.holder ? `it was taken over by ${describeHolder(now.holder)}` : 'the lock file was removed';
        return;
      }
      const t = new Date();
      await fs.utimes(this.file, t, t);
    } catch {
      // A file system hiccup: the next renewal tries again; assertHeld reads the file before each write anyway.
    }
  }

  /** Gives the lock up, if it is still this holder's. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    const now = await readLockFile(this.file).catch(() => null);
    if (now?.holder?.token === this.holder.token) await fs.rm(this.file, { force: true });
    // A run that failed before writing anything leaves no empty directory behind (rmdir refuses a non-empty one).
    if (this.createdRoot) await fs.rmdir(path.dirname(this.file)).catch(() => undefined);
  }
}

/**
 * Removes the dead lock `seen` from `file` under the break lock, so that of several processes that judged it dead
 * only the first removes it (the others then find the winner's live lock). False when another process got there
 * first or holds the break lock.
 */
async function clearDeadLock(file: string, seen: LockFile, leaseMs: number): Promise<boolean> {
  const breakFile = file + BREAK_SUFFIX;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }) + '\n';
  if (!(await createExclusive(breakFile, mine))) {
    // Someone is breaking it now; a break file left by a process that died while breaking is cleared.
    const other = await fs.stat(breakFile).catch(() => null);
    if (other && Date.now() - other.mtimeMs > BREAK_STALE_MS) await fs.rm(breakFile, { force: true });
    else await sleep(50);
    return false;
  }
  try {
    const now = await readLockFile(file);
    const same = now !== null && now.holder?.token === seen.holder?.token && now.mtimeMs === seen.mtimeMs;
    if (!same || deathOf(now, leaseMs) === null) return false;
    await fs.rm(file, { force: true });
    return true;
  } finally {
    await fs.rm(breakFile, { force: true });
  }
}
