import { DcganError } from '@dcgan-ts/core';
import { Redis } from 'ioredis';

/**
 * The Redis behind the job queue, named by a URL: `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS
 * (ioredis's syntax, the one every Redis host documents). We only connect out: nothing of ours listens on a port.
 */

/**
 * The URL with its credentials replaced by `***`: what error lines and logs show. The user name goes too (ACL users
 * are half of a credential), and so does a query string (ioredis reads `?password=` there).
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    if (parsed.username !== '') parsed.username = '***';
    if (parsed.search !== '') parsed.search = '?***';
    return parsed.toString();
  } catch {
    return '(an unparseable URL)';
  }
}

/** Checks the URL's form: one line saying what is wrong, before any connection is tried. */
export function checkRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DcganError(`--redis ${redactRedisUrl(url)}: not a URL; expected redis://[:password@]host[:port][/db]`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new DcganError(`--redis ${redactRedisUrl(url)}: expected a redis:// or rediss:// URL`);
  }
  if (parsed.hostname === '') throw new DcganError(`--redis ${redactRedisUrl(url)}: no host`);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new DcganError(`--redis ${redactRedisUrl(url)}: the path must be a database number, got /${db}`);
}

/** How long a first connection may take before we say Redis cannot be reached. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A connection for the queue, checked: connects and PINGs once (no retries), so an unreachable Redis, a wrong password
 * or a TLS mismatch is one line now rather than a silent retry loop. After that first contact a worker's connection
 * (`lifetime` 'worker') reconnects on its own for as long as it takes (a Redis restart mid-sweep is waited out), a
 * one-shot command's for ~10 s; `onError` hears each failure once per outage, as one line.
 *
 * BullMQ's workers need `maxRetriesPerRequest: null` (their blocking commands wait indefinitely).
 */
export async function openRedis(url: string, onError: (line: string) => void = () => {}, lifetime: 'worker' | 'command' = 'command'): Promise<Redis> {
  checkRedisUrl(url);
  let connected = false;
  let lastError = '';
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // A worker waits out a Redis restart (its blocking commands need no per-request limit); a one-shot command
    // (submit, status, eval) gives up after ~10 s of reconnecting and says so in one line, rather than hang.
    maxRetriesPerRequest: lifetime === 'worker' ? null : 3,
    // Before the first contact: give up at once (the caller says why); after: back off up to 5 s.
    retryStrategy: (times) => (!connected || (lifetime === 'command' && times > 6) ? null : Math.min(times * 200, 5_000)),
  });
  let firstError: Error | null = null;
  redis.on('error', (e: Error) => {
    // Before the first contact the error is kept for the one line below (connect() itself only says "closed").
    if (!connected) {
      firstError ??= e;
      return;
    }
    if (e.message === lastError) return;
    lastError = e.message;
    onError(`Redis at ${redactRedisUrl(url)}: ${e.message} (retrying)`);
  });
  redis.on('ready', () => {
    lastError = '';
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new DcganError(`cannot reach Redis at ${redactRedisUrl(url)}: ${describeRedisError(firstError ?? e)}`);
  }
  connected = true;
  return redis;
}

/** A Redis error as the end of one line. */
export function describeRedisError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/ECONNREFUSED/.test(message)) return `connection refused (${message.replace(/^.*ECONNREFUSED\s*/, '') || 'is redis-server running?'})`;
  if (/WRONGPASS|NOAUTH|invalid password/i.test(message)) return `authentication failed (${message})`;
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return `unknown host (${message})`;
  if (/ETIMEDOUT|timeout/i.test(message)) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s (${message})`;
  if (/^OOM /.test(message)) return `Redis is full: it refuses writes past its maxmemory (${message}); free memory or raise maxmemory`;
  return message;
}
