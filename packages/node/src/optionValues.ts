import type { OptionDeclaration, OptionValue } from './trainOptions.js';

/**
 * The values of declared options, parsed and checked in one place: `dcgan train`'s parser (commander, in the CLI) and
 * the job queue's worker (which reads a job's `--flag value` list) accept exactly the same values with the same words.
 */
export class OptionValueError extends Error {}

/** A whole number, possibly negative (`--eval-every`). */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new OptionValueError('not an integer');
  return Number(value);
}

/** A whole number from 1 (`--batch-size`). */
export function parsePositiveInteger(value: string): number {
  const n = parseInteger(value);
  if (n < 1) throw new OptionValueError('must be at least 1');
  return n;
}

/** A finite number above 0 (`--lr`). */
export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new OptionValueError('not a positive number');
  return n;
}

/** A number in [0, 1) (`--beta1`, `--ema`). */
export function parseUnitInterval(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new OptionValueError('must be in [0, 1)');
  return n;
}

/** A 32-bit unsigned seed (`--seed`). */
export function parseSeed(value: string): number {
  const n = parseInteger(value);
  if (n < 0 || n > 0xffffffff) throw new OptionValueError('must be from 0 to 4294967295');
  return n;
}

const NAMED_COLOURS: Record<string, [number, number, number]> = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
};

/** `--background`: white, black, gray, #rrggbb or r,g,b. */
export function parseColour(value: string): [number, number, number] {
  const v = value.trim().toLowerCase();
  if (NAMED_COLOURS[v]) return NAMED_COLOURS[v];
  const hex = /^#?([0-9a-f]{6})$/.exec(v);
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1]!.slice(i, i + 2), 16)) as [number, number, number];
  const parts = v.split(',').map((p) => p.trim());
  if (parts.length === 3 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return parts.map(Number) as [number, number, number];
  }
  throw new OptionValueError('not a colour: white, black, gray, #rrggbb or r,g,b');
}

/** A value from a fixed set; `numeric` ones come back as numbers (`--kernel 5`). */
export function parseChoice(value: string, choices: readonly string[], numeric: boolean): string | number {
  if (!choices.includes(value)) throw new OptionValueError(`Allowed choices are ${choices.join(', ')}.`);
  return numeric ? Number(value) : value;
}

/** The parser of each kind of value that takes one; null: the text itself (or, for a flag, no value at all). */
const PARSERS: Record<Exclude<OptionValue, object>, ((value: string) => unknown) | null> = {
  integer: parseInteger,
  'positive integer': parsePositiveInteger,
  'positive number': parsePositiveNumber,
  'unit interval': parseUnitInterval,
  seed: parseSeed,
  colour: parseColour,
  text: null,
  flag: null,
  'optional text': null,
};

/** The value of a declared option given as `raw` on a command line; throws OptionValueError saying what is wrong. */
export function parseDeclaredValue(declared: OptionDeclaration, raw: string): unknown {
  const { value } = declared;
  if (typeof value === 'object') return parseChoice(raw, value.choices, value.numeric === true);
  return PARSERS[value]?.(raw) ?? raw;
}
