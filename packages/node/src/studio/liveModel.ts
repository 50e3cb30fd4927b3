import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportTfjs } from '../export/tfjs.js';
import { LATEST_POINTER, loadGenerator, resolveCheckpointDir } from '../run/checkpoints.js';

/** One export of G: manifest.json, model.json, weights.bin in `dir`. */
export interface ModelExport {
  dir: string;
  step: number;
  checkpoint: string;
  files: Set<string>;
}

/**
 * The model the studio serves: G of a checkpoint exported as TF.js (`dcgan export --format tfjs`) into a temporary
 * folder. When the studio was pointed at a run (not at one checkpoint), it watches the run's `checkpoints/latest`
 * and exports again when training moves it; the new export replaces the old one only once it is complete, so a
 * request always reads one whole export.
 */
export class LiveModel {
  private current: ModelExport;
  private timer: NodeJS.Timeout | undefined;
  private pointer = '';
  /** A pointer whose export failed: not retried every poll (checkpoints are written atomically, so it will not heal). */
  private failed = '';
  private exporting = false;
  private count = 0;

  private constructor(
    private readonly tempRoot: string,
    /** checkpoints/ of the run whose latest checkpoint is followed; undefined when pinned to one checkpoint. */
    private readonly followDir: string | undefined,
    private readonly onError: (message: string) => void,
  ) {
    this.current = { dir: '', step: -1, checkpoint: '', files: new Set() };
  }

  static async open(checkpoint: string, onError: (message: string) => void): Promise<LiveModel> {
    const resolved = await resolveCheckpointDir(checkpoint);
    // A run directory or its checkpoints/ resolves through `latest`: follow it. A checkpoint named directly stays.
    const followed = path.resolve(resolved) !== path.resolve(checkpoint);
    const tempRoot = await fs.mkdtemp(path.join(tmpdir(), 'dcgan-studio-'));
    const live = new LiveModel(tempRoot, followed ? path.dirname(resolved) : undefined, onError);
    try {
      // The pointer is read before exporting what it names: were it read after, a checkpoint written in between
      // would count as served and never be exported.
      if (live.followDir) live.pointer = await live.readPointer();
      const named = live.followDir && /^step-\d+$/.test(live.pointer) ? path.join(live.followDir, live.pointer) : resolved;
      live.current = await live.exportOnce(named);
    } catch (e) {
      await live.close();
      throw e;
    }
    return live;
  }

  get model(): ModelExport {
    return this.current;
  }

  /** The checkpoint directory's parent run, when it lies in one (…/run/checkpoints/step-N). */
  get runRoot(): string | undefined {
    const checkpoints = path.dirname(this.current.checkpoint);
    return path.basename(checkpoints) === 'checkpoints' ? path.dirname(checkpoints) : undefined;
  }

  /** Starts polling `latest` every `intervalMs` (a poll, not fs.watch: the pointer is replaced by rename). */
  follow(intervalMs: number): void {
    if (!this.followDir || this.timer) return;
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await fs.rm(this.tempRoot, { recursive: true, force: true });
  }

  private async readPointer(): Promise<string> {
    return (await fs.readFile(path.join(this.followDir!, LATEST_POINTER), 'utf8').catch(() => '')).trim();
  }

  private async check(): Promise<void> {
    if (this.exporting) return;
    this.exporting = true;
    try {
      const pointer = await this.readPointer();
      if (pointer === '' || pointer === this.pointer || pointer === this.failed) return;
      const previous = this.current;
      try {
        // The pointer names a sibling folder; anything else (a path) is refused, as resolveCheckpointDir does.
        if (!/^step-\d+$/.test(pointer)) throw new DcganError(`${path.join(this.followDir!, LATEST_POINTER)} is corrupt: it names "${pointer}"`);
        this.current = await this.exportOnce(path.join(this.followDir!, pointer));
      } catch (e) {
        // Keep serving the previous model, and say once why the new one is not served.
        this.failed = pointer;
        throw e;
      }
      this.pointer = pointer;
      await fs.rm(previous.dir, { recursive: true, force: true });
    } catch (e) {
      this.onError(e instanceof Error ? e.message : String(e));
    } finally {
      this.exporting = false;
    }
  }

  private async exportOnce(checkpoint: string): Promise<ModelExport> {
    const loaded = await loadGenerator(checkpoint);
    try {
      const dir = path.join(this.tempRoot, `export-${this.count++}`);
      await fs.mkdir(dir);
      const files = await exportTfjs(loaded, dir).catch((e: unknown) => {
        throw new DcganError(`cannot export ${checkpoint} for the studio: ${(e as Error).message}`);
      });
      return { dir, step: loaded.state.step, checkpoint: loaded.dir, files: new Set(files) };
    } finally {
      loaded.generator.dispose();
    }
  }
}
