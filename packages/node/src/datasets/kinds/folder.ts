import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ImageFileList, listImageFiles } from '../imageFiles.js';
import { decodeImageList, loadImageFolder } from '../imageFolder.js';
import type { DatasetKind, LabelledSplit, SplitCut, SplitName } from './kind.js';

/** What alpha is composited onto when --background is not given. */
export const DEFAULT_BACKGROUND: [number, number, number] = [255, 255, 255];

const isFolder = (p: string) => fs.stat(p).then((s) => s.isDirectory(), () => false);

/**
 * Where a folder's training images are: a folder split into train/ and test/ trains (and is packed) on train/ alone,
 * so that its test images stay unseen for eval and classify; any other folder is read whole.
 */
export async function trainingFolder(root: string): Promise<{ dir: string; split: boolean }> {
  const split = (await isFolder(path.join(root, 'train'))) && (await isFolder(path.join(root, 'test')));
  return { dir: split ? path.join(root, 'train') : root, split };
}

/** A split's listing with its classes, or the line that says the layout a labelled folder needs. */
async function classFolders(root: string, which: SplitName): Promise<ImageFileList & { classes: string[]; labels: Uint16Array }> {
  const list = await listImageFiles(path.join(root, which));
  if (!list.classes || !list.labels) {
    throw new DcganError(`${path.join(root, which)}: its images are not in class folders (${which}/<class>/<image>, two classes at least)`);
  }
  return { ...list, classes: list.classes, labels: list.labels };
}

/**
 * The labelled split `which` of a folder laid out as train/<class>/... and test/<class>/...: the classes are the
 * training split's folders (sorted), and a test image's label is its folder's index among them.
 */
async function folderSplit(root: string, which: SplitName, imageSize: number, channels: number, cut: SplitCut = {}): Promise<LabelledSplit> {
  if (channels !== 1 && channels !== 3) throw new DcganError(`--channels must be 1 or 3, got ${channels}`);
  const train = await classFolders(root, 'train');
  let list: ImageFileList = train;
  if (which === 'test') {
    const test = await classFolders(root, 'test');
    const index = new Map(train.classes.map((c, i) => [c, i]));
    const unknown = test.classes.find((c) => !index.has(c));
    if (unknown !== undefined) throw new DcganError(`${path.join(root, 'test')} has the class ${unknown}, which ${path.join(root, 'train')} has not`);
    list = { ...test, classes: train.classes, labels: Uint16Array.from(test.labels, (l) => index.get(test.classes[l]!)!) };
  }
  const loaded = await decodeImageList(list, { imageSize, channels, crop: cut.crop, background: cut.background ?? DEFAULT_BACKGROUND });
  return { dataset: loaded.dataset, labels: loaded.labels!, classes: train.classes.length, classNames: train.classes };
}

/**
 * A folder of images (any layout; class subfolders give labels), decoded with sharp: the catch-all for folders. One
 * with train/ and test/ subfolders trains on train/ and gives the labelled commands both splits.
 */
export const folder: DatasetKind<'folder'> = {
  name: 'folder',
  data: 'required',
  definedByData: true,
  decodes: true,
  detect: (p) => !p.isFile,
  async resolve(data) {
    const root = data!;
    const training = await trainingFolder(root);
    const splits = training.split ? (['train', 'test'] as const) : [];
    return {
      path: root,
      channels: 3,
      splits,
      noSplits:
        `--data ${root}: the labelled commands (classify, eval, train-classifier, features) read a folder as train/ and ` +
        'test/ subfolders, each of class folders (train/cats/..., test/cats/...)',
      // The recorded path stays the root, so that --resume and --eval-every find both splits again.
      open: async ({ imageSize, channels, crop, background, strict, onProgress }) => ({
        ...(await loadImageFolder(training.dir, { imageSize, channels, crop, background, strict, pool: { onProgress } })),
        path: path.resolve(root),
      }),
      split: (which, imageSize, channels, cut) => folderSplit(root, which, imageSize, channels, cut),
    };
  },
};
