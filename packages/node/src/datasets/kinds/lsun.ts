import path from 'node:path';
import { decodeImageList } from '../imageFolder.js';
import { listLmdbImages } from '../lmdbImages.js';
import type { DatasetKind } from './kind.js';
import { DEFAULT_BACKGROUND } from './folder.js';

/**
 * LSUN's categories as the LSUN project distributes them (http://dl.yf.io/lsun/scenes/bedroom_train_lmdb.zip,
 * unzipped): an LMDB database of encoded images, JPEG (quality 75, shorter side 256, per fyu/lsun's README) or WebP
 * (datasets/lmdbImages.ts), decoded as an image folder is (shorter side resized, centre
 * square kept; --crop and --background apply). Small databases (the validation sets) train from memory; the training
 * sets (bedrooms: 3,033,042 images) are packed once with `dcgan prepare` and trained from the packed file, the paper's
 * recipe at 64x64.
 */
export const lsun: DatasetKind<'lsun'> = {
  name: 'lsun',
  data: 'required',
  definedByData: true,
  decodes: true,
  detect: (p) => (p.isFile ? p.basename === 'data.mdb' : p.names.includes('data.mdb')),
  async resolve(data) {
    const root = data!;
    return {
      path: root,
      channels: 3,
      splits: [],
      noSplits: `--data ${root}: an LSUN category (an LMDB database) has no class labels nor train and test splits`,
      open: async ({ imageSize, channels, crop, background, strict, onProgress }) => {
        const list = listLmdbImages(root);
        try {
          const options = { imageSize, channels, crop, background: background ?? DEFAULT_BACKGROUND, strict, pool: { onProgress } };
          return { ...(await decodeImageList(list, options, 'lsun')), path: path.resolve(root) };
        } finally {
          list.close?.();
        }
      },
    };
  },
};
