import { DcganError, MODEL_JSON, WEIGHTS_BIN } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportTfjs } from '../export/tfjs.js';
import { saveLayersModel } from '../io/layersModelFiles.js';
import { LATEST_POINTER, corruptPointer, loadDiscriminator, resolveCheckpointDir, runOfCheckpoint, withGenerator } from '../run/checkpoints.js';
import { PACKAGE_VERSION } from '../version.js';

/**
 * Folder of D inside a studio export: discriminator/model.json and discriminator/weights.bin, which the page's
 * "Project an image" loads for its feature loss (core's latent/projection.ts). Only the studio serves D.
 */
export const DISCRIMINATOR_FOLDER = 'discriminator';

/**
 * One export of G (manifest.json, model.json, weights.bin) and, where the checkpoint has it, D
 * (discriminator/model.json, discriminator/weights.bin) in `dir`; `files` holds those paths relative to `dir`.
 */
export interface ModelExport {
  /** Names this export for the server's lifetime (`export-3`): the page loads all three files under one id. */
  id: string;
  dir: string;
  step: number;
  checkpoint: string;
  files: Set<string>;
}

/**
 * How long a replaced export stays readable under its id: a page that read the manifest of export N just before
 * export N+1 took over still loads N's model.json and weights.bin (three requests, seconds apart on a slow link),
 * never N's manifest with N+1's weights.
 */
const RETIRED_EXPORT_MS = 60_000;
/** At most this many replaced exports are kept (a run checkpointing every few seconds must not fill the disk). */
const RETIRED_EXPORT_MAX = 4;

/**
 * The model the studio serves: G of a checkpoint exported as TF.js (`dcgan export --format tfjs`) into a temporary
 * folder. When the studio was pointed at a run (not at one checkpoint), it watches the run's `checkpoints/latest`
 * and exports again when training moves it; the new export replaces the old one only once it is complete, so a
 * request always reads one whole export, and the replaced one stays readable by id for a while (RETIRED_EXPORT_MS).
 */
export class LiveModel {
  private current: ModelExport;
  private retired: { model: ModelExport; until: number }[] = [];
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
    this.current = { id: '', dir: '', step: -1, checkpoint: '', files: new Set() };
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

  /** The current export or a recently replaced one, by id; undefined once it is gone. */
  byId(id: string): ModelExport | undefined {
    if (id === this.current.id) return this.current;
    return this.retired.find((r) => r.model.id === id && r.until > Date.now())?.model;
  }

  /** The checkpoint directory's parent run, when it lies in one (…/run/checkpoints/step-N). */
  get runRoot(): string | undefined {
    return runOfCheckpoint(this.current.checkpoint);
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
        if (!/^step-\d+$/.test(pointer)) throw corruptPointer(path.join(this.followDir!, LATEST_POINTER), pointer);
        this.current = await this.exportOnce(path.join(this.followDir!, pointer));
      } catch (e) {
        // Keep serving the previous model, and say once why the new one is not served.
        this.failed = pointer;
        throw e;
      }
      this.pointer = pointer;
      await this.retire(previous);
    } catch (e) {
      this.onError(e instanceof Error ? e.message : String(e));
    } finally {
      this.exporting = false;
    }
  }

  /** Keeps `previous` readable by id for RETIRED_EXPORT_MS; removes what expired (a request mid-read keeps its fd). */
  private async retire(previous: ModelExport): Promise<void> {
    const now = Date.now();
    this.retired.push({ model: previous, until: now + RETIRED_EXPORT_MS });
    const expired = this.retired.filter((r, i) => r.until <= now || i < this.retired.length - RETIRED_EXPORT_MAX);
    this.retired = this.retired.filter((r) => !expired.includes(r));
    for (const r of expired) await fs.rm(r.model.dir, { recursive: true, force: true });
  }

  private async exportOnce(checkpoint: string): Promise<ModelExport> {
    return withGenerator(checkpoint, async (loaded) => {
      const id = `export-${this.count++}`;
      const dir = path.join(this.tempRoot, id);
      await fs.mkdir(dir);
      const files = await exportTfjs(loaded, dir).catch((e: unknown) => {
        throw new DcganError(`cannot export ${checkpoint} for the studio: ${(e as Error).message}`);
      });
      files.push(...(await exportDiscriminator(loaded.dir, path.join(dir, DISCRIMINATOR_FOLDER))));
      return { id, dir, step: loaded.state.step, checkpoint: loaded.dir, files: new Set(files) };
    });
  }
}

/**
 * D of `checkpoint` saved into `dir` as a TF.js LayersModel; the paths written, relative to dir's parent, or none when
 * the checkpoint's D cannot be read (the page then projects with the pixel loss alone, and says so).
 */
async function exportDiscriminator(checkpoint: string, dir: string): Promise<string[]> {
  const discriminator = await loadDiscriminator(checkpoint).catch(() => null);
  if (!discriminator) return [];
  try {
    await saveLayersModel(discriminator, dir, `dcgan-ts ${PACKAGE_VERSION}`);
  } finally {
    discriminator.dispose();
  }
  return [MODEL_JSON, WEIGHTS_BIN].map((f) => `${DISCRIMINATOR_FOLDER}/${f}`);
}
