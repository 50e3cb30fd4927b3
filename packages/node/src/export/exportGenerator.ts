import { DcganError, classCount } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeRemovedLeftover, removeLeftovers } from '../io/leftovers.js';
import { withGenerator } from '../run/checkpoints.js';
import { describeFsError } from '../run/runDirectory.js';
import { exportCheckpointArchive } from './checkpointArchive.js';
import { exportMl5 } from './ml5.js';
import { exportOnnx } from './onnx.js';
import { exportTfjs } from './tfjs.js';

/**
 * What `dcgan export --format` takes: tfjs (a TF.js LayersModel with manifest.json), ml5 (for ml5.DCGAN), onnx, or
 * checkpoint (the whole checkpoint as one .zip).
 */
export const EXPORT_FORMATS = ['tfjs', 'ml5', 'onnx', 'checkpoint'] as const;
/** An export format: 'tfjs', 'ml5', 'onnx' or 'checkpoint'. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * What exportGenerator writes: from which checkpoint (a run, a checkpoint directory or a .zip), in which format, into
 * which folder.
 */
export interface ExportRequest {
  checkpoint: string;
  /** false: G's own weights where the checkpoint also holds their moving average (--no-ema). Default true. */
  ema?: boolean;
  format: ExportFormat;
  out: string;
  /** Leftovers of an interrupted export into the same folder, removed first. */
  onNotice?(line: string): void;
}

/** What exportGenerator wrote: the format, the folder, the files' paths, and the checkpoint's training step. */
export interface ExportResult {
  format: ExportFormat;
  dir: string;
  files: string[];
  step: number;
}

/** `dcgan export`: G of a checkpoint in a format the JavaScript world loads, or the whole checkpoint as one .zip. */
export async function exportGenerator(request: ExportRequest): Promise<ExportResult> {
  const writer = { tfjs: exportTfjs, ml5: exportMl5, onnx: exportOnnx, checkpoint: exportCheckpointArchive }[request.format];
  if (!writer) throw new DcganError(`unknown export format ${request.format}; known: ${EXPORT_FORMATS.join(', ')}`);
  return withGenerator(request, async (loaded) => {
    // ml5.DCGAN feeds G z alone (its generate() has no way to pass a class); tfjs records the classes in its
    // manifest, onnx takes them as a second input.
    if (request.format === 'ml5' && classCount(loaded.state.config) > 0) {
      throw new DcganError("dcgan export --format ml5 does not take class-conditional models: ml5's DCGAN feeds G z alone; use --format tfjs or onnx");
    }
    try {
      await fs.mkdir(request.out, { recursive: true });
      for (const removed of await removeLeftovers(request.out)) request.onNotice?.(describeRemovedLeftover(removed));
    } catch (e) {
      throw new DcganError(`cannot create ${request.out}: ${describeFsError(e)}`);
    }
    const files = await writer(loaded, request.out).catch((e: unknown) => {
      if (e instanceof DcganError) throw e;
      throw new DcganError(`cannot write the export into ${request.out}: ${describeFsError(e)}`);
    });
    return { format: request.format, dir: request.out, files: files.map((f) => path.join(request.out, f)), step: loaded.state.step };
  });
}
