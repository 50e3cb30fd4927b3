import { DcganError } from '@dcgan-ts/core';
import path from 'node:path';

/** A picture's format: 'png' (a still) or 'gif' (animated frames). */
export type PictureFormat = 'png' | 'gif';

/** The format an output path asks for by its extension. */
export function pictureFormat(file: string, allowed: PictureFormat[] = ['png', 'gif']): PictureFormat {
  const ext = path.extname(file).slice(1).toLowerCase() as PictureFormat;
  if (!allowed.includes(ext)) throw new DcganError(`--out ${file}: give a ${allowed.map((a) => '.' + a).join(' or ')} file`);
  return ext;
}
