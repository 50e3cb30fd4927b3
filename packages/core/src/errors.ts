/**
 * An error caused by the user's input (options, files, checkpoints), not by a bug.
 * The CLI prints its message as one line and exits non-zero, without a stack trace.
 */
export class DcganError extends Error {
  override readonly name = 'DcganError';
}
