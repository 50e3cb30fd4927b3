import { DcganError } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The built studio page: the `dist/` of the package @dcgan-ts/studio (a dependency; `npm run build` writes it in a
 * checkout). Served as a table from URL path to file, made once at start: the server answers only paths in it, so
 * nothing else under dist/, let alone outside it, can be asked for.
 */
export const STUDIO_DIST = path.join(path.dirname(createRequire(import.meta.url).resolve('@dcgan-ts/studio/package.json')), 'dist');

export async function staticFileTable(root: string): Promise<Map<string, string>> {
  const table = new Map<string, string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(file, `${prefix}${entry.name}/`);
      else if (entry.isFile()) table.set(`${prefix}${entry.name}`, file);
    }
  };
  try {
    await walk(root, '/');
  } catch {
    throw new DcganError(`the studio page is not built (no ${root}): run npm run build`);
  }
  const index = table.get('/index.html');
  if (!index) throw new DcganError(`the studio page is not built (no ${path.join(root, 'index.html')}): run npm run build`);
  table.set('/', index);
  return table;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.bin': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
