import { InvalidArgumentError } from 'commander';

/** commander option parsers: a bad value becomes commander's one-line "error: option ... argument ... is invalid". */
export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('not an integer');
  return Number(value);
}

export function positiveInteger(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError('must be at least 1');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('not a positive number');
  return n;
}

export function unitInterval(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError('must be in [0, 1)');
  return n;
}

export function seed(value: string): number {
  const n = integer(value);
  if (n < 0 || n > 0xffffffff) throw new InvalidArgumentError('must be from 0 to 4294967295');
  return n;
}
