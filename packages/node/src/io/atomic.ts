import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { temporaryName } from './leftovers.js';

/**
 * A sibling name for work in progress: `.NAME.tmp-HOST-PID-RANDOM`, dot-prefixed so listings of finished entries skip
 * it, and naming its writer so that the next run on the same path can tell a dead writer's leftover from a live
 * writer's work (io/leftovers.ts).
 */
export function temporarySibling(target: string): string {
  return path.join(path.dirname(target), temporaryName(path.basename(target), randomBytes(4).toString('hex')));
}

async function fsyncPath(p: string): Promise<void> {
  const handle = await fs.open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Options of writeFileAtomic and the writers built on it (writePng): whether the data reaches the disk before the
 * rename.
 */
export interface AtomicWriteOptions {
  /**
   * Flush the data to disk before the rename (default), so that even a power loss leaves the old file or the new.
   * false: a killed process still leaves one or the other, but a power loss may leave an empty file; for output that
   * is cheap to redraw and written by the thousand (`dcgan sample --separate`), where an fsync each would dominate.
   */
  durable?: boolean;
}

/**
 * Writes a file so that readers see the old content or the new, never a mix: write a temporary sibling, flush it
 * to disk, rename it over the target (atomic within a file system).
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const tmp = temporarySibling(target);
  try {
    await fs.writeFile(tmp, data);
    if (options.durable !== false) await fsyncPath(tmp);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Fills a directory through `fill(tmpDir)` under a temporary name and renames it into place only once complete, so a
 * crash (even kill -9) mid-write leaves no half-written `target`: at worst a dot-prefixed leftover, which the next
 * run on the same place removes (io/leftovers.ts).
 */
export async function writeDirectoryAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const tmp = temporarySibling(target);
  await fs.mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    const old = await fs.stat(target).then(
      () => temporarySibling(target),
      () => null,
    );
    if (old) await fs.rename(target, old); // rewriting a step (after a resume): keep the old one until the new is in
    await fs.rename(tmp, target);
    if (old) await fs.rm(old, { recursive: true, force: true });
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
