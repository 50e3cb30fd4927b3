/**
 * An error caused by the user's input (options, files, checkpoints), not by a bug.
 * The CLI prints its message as one line and exits non-zero, without a stack trace.
 */
export class DcganError extends Error {
  override readonly name = 'DcganError';
}

/**
 * A value read from a file (a checkpoint's state.json, a manifest) as a message shows it, on one short line: a
 * number as it is, a string quoted, escaped and cut short, a list or an object by its kind (never printed whole).
 */
export function shownValue(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x).replaceAll('\x7f', '\\u007f');
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'object' && x !== null) return 'an object';
  return String(x);
}
