import { DcganError } from '@dcgan-ts/core';

/**
 * The CLI's error contract (docs/formats.md): one clear line on stderr, a non-zero exit, a stack trace only with DEBUG=1.
 * A DcganError is the user's to fix; anything else is our bug, said as such.
 */
export function reportFailure(e: unknown): never {
  const err = e instanceof Error ? e : new Error(String(e));
  const line = err instanceof DcganError ? err.message : `internal error: ${err.message.split('\n')[0]} (DEBUG=1 shows the stack)`;
  // One line even where a message quotes text with line breaks in it (a file's contents in a JSON parser's words).
  process.stderr.write(`dcgan: error: ${line.replace(/\s*\n\s*/g, ' ').trim()}\n`);
  if (process.env.DEBUG === '1' && err.stack) process.stderr.write(err.stack + '\n');
  process.exit(1);
}
