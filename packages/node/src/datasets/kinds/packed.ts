import { DcganError } from '@dcgan-ts/core';
import { closeSync, fstatSync, openSync } from 'node:fs';
import path from 'node:path';
import { PACKED_MAGIC, PackedDataset, readPackedHeader } from '../packedFile.js';
import { type LoadedDataset, addProblem, noProblems } from '../source.js';
import type { DatasetKind, OpenOptions } from './kind.js';

/** A packed file (`dcgan prepare`): its header, read and checked once at resolve, sets the size and channels. */
export const packed: DatasetKind<'packed'> = {
  name: 'packed',
  data: 'required',
  detect: (p) => p.isFile && p.head.length >= 8 && p.head.toString('latin1', 0, 8) === PACKED_MAGIC,
  async resolve(data) {
    const file = data!;
    const { fd, header, labels, length } = readPackedHeader(file);
    closeSync(fd);
    return {
      path: file,
      imageSize: header.imageSize,
      channels: header.channels,
      splits: [],
      noSplits:
        `${file} is one packed set, with no train and test splits; for the labelled commands, pass the folder it was ` +
        'prepared from, laid out as train/ and test/ subfolders of class folders',
      async open(options: OpenOptions): Promise<LoadedDataset> {
        // Opened again by name: the same file, checked to be as long as the header read at resolve says.
        let fd: number;
        try {
          fd = openSync(file, 'r');
        } catch (e) {
          throw new DcganError(`cannot read ${file}: ${(e as Error).message}`);
        }
        try {
          if (fstatSync(fd).size !== length) throw new DcganError(`${file} changed while it was being opened; run again`);
          const upscaled = noProblems();
          if (options.imageSize > header.imageSize) {
            const line = `${file} holds ${header.imageSize}x${header.imageSize} images, smaller than --image-size ${options.imageSize}`;
            if (options.strict) throw new DcganError(`--strict: ${line}, and they would be upscaled`);
            addProblem(upscaled, line);
            upscaled.count = header.count;
          }
          const dataset = new PackedDataset(fd, header, options.imageSize, options.channels);
          return { dataset, labels, classes: header.classes, path: path.resolve(file), skipped: header.skipped, upscaled };
        } catch (e) {
          closeSync(fd);
          throw e;
        }
      },
    };
  },
};
