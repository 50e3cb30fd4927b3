import { DcganError } from '@dcgan-ts/core';
import { OptionValueError, parseDeclaredValue, parseSeed } from '../optionValues.js';
import { jobOptionByName } from './trainArguments.js';

/** One axis of a sweep: a `dcgan train` option and the values it takes, as text (`lr` -> ['1e-4', '2e-4']). */
export interface GridAxis {
  /** The option's name without dashes, as written in --grid (`batch-size`). */
  name: string;
  flag: string;
  values: string[];
  /** A flag option (`--flip`): its values are `on` / `off`. */
  isFlag: boolean;
}

/** One point of a sweep: its run directory's name and the flags it adds to the common ones. */
export interface GridPoint {
  name: string;
  args: string[];
}

/** The largest sweep one submit makes (a typo like `--seeds 0..100000` must not fill Redis). */
export const MAX_GRID_POINTS = 10_000;

const FLAG_VALUES: Record<string, boolean> = { on: true, off: false, true: true, false: false, yes: true, no: false };

/**
 * `--grid "lr=1e-4,2e-4 seed=0,1,2"`: axes separated by spaces, each `name=v1,v2,...` with a `dcgan train` option's
 * name and values it accepts (checked here, with the words `dcgan train` uses, so a bad value fails the submit and
 * not a worker hours later). `a..b` (integers) spans a range: `seed=0..15`.
 */
export function parseGrid(text: string): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const part of text.trim().split(/\s+/).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) throw new DcganError(`--grid: "${part}" is not name=value[,value...]`);
    const name = part.slice(0, eq);
    const declared = withContext('--grid', () => jobOptionByName(name.startsWith('--') ? name : `--${name}`));
    if (axes.some((a) => a.flag === declared.flag)) throw new DcganError(`--grid: ${name} is given twice`);
    const isFlag = declared.value === 'flag';
    const values = part
      .slice(eq + 1)
      .split(',')
      .flatMap((v) => expandRange(v, name));
    for (const value of values) {
      if (isFlag) {
        if (!(value.toLowerCase() in FLAG_VALUES)) throw new DcganError(`--grid: ${name} is a flag; its values are on or off, got "${value}"`);
        continue;
      }
      try {
        parseDeclaredValue(declared, value);
      } catch (e) {
        if (e instanceof OptionValueError) throw new DcganError(`--grid: ${name}=${value}: ${e.message}`);
        throw e;
      }
    }
    if (new Set(values).size !== values.length) throw new DcganError(`--grid: ${name} repeats a value`);
    axes.push({ name: declared.flag.slice(2), flag: declared.flag, values, isFlag });
  }
  return axes;
}

/** `--seeds 0..15` or `--seeds 0,3,7`: the seed axis. */
export function parseSeeds(text: string): GridAxis {
  const values = text
    .split(',')
    .flatMap((v) => expandRange(v, 'seeds'))
    .map((v) => {
      try {
        return String(parseSeed(v));
      } catch (e) {
        throw new DcganError(`--seeds: ${v}: ${(e as Error).message}`);
      }
    });
  if (new Set(values).size !== values.length) throw new DcganError('--seeds repeats a seed');
  return { name: 'seed', flag: '--seed', values, isFlag: false };
}

function withContext<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new DcganError(`${where}: ${(e as Error).message}`);
  }
}

function expandRange(value: string, name: string): string[] {
  const range = /^(-?\d+)\.\.(-?\d+)$/.exec(value.trim());
  if (!range) {
    if (value.trim() === '') throw new DcganError(`--grid: ${name} has an empty value`);
    return [value.trim()];
  }
  const [from, to] = [Number(range[1]), Number(range[2])];
  if (to < from) throw new DcganError(`${name}: the range ${value} runs backwards`);
  if (to - from + 1 > MAX_GRID_POINTS) throw new DcganError(`${name}: the range ${value} has more than ${MAX_GRID_POINTS} values`);
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

/**
 * The cartesian product of the axes, first axis slowest: `lr=1e-4,2e-4 seed=0,1` -> (1e-4,0) (1e-4,1) (2e-4,0)
 * (2e-4,1). Each point is named by its values (`lr=1e-4_seed=0`): its run directory, stable across submits, so that
 * submitting the same sweep again adds nothing that is already queued or done. No axes: one point, `run`.
 */
export function gridPoints(axes: readonly GridAxis[]): GridPoint[] {
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_GRID_POINTS) throw new DcganError(`the sweep has ${total} points, more than ${MAX_GRID_POINTS}`);
  const seen = new Set<string>();
  for (const axis of axes) {
    if (seen.has(axis.flag)) throw new DcganError(`${axis.flag} is swept twice (--grid and --seeds?)`);
    seen.add(axis.flag);
  }
  let points: GridPoint[] = [{ name: '', args: [] }];
  for (const axis of axes) {
    points = points.flatMap((p) =>
      axis.values.map((value) => ({
        name: p.name === '' ? `${axis.name}=${value}` : `${p.name}_${axis.name}=${value}`,
        args: axis.isFlag ? (FLAG_VALUES[value.toLowerCase()] ? [...p.args, axis.flag] : p.args) : [...p.args, axis.flag, value],
      })),
    );
  }
  const named = points.map((p) => ({ ...p, name: p.name === '' ? 'run' : safeName(p.name) }));
  const names = new Set<string>();
  for (const p of named) {
    if (names.has(p.name)) throw new DcganError(`two points of the sweep would share the run directory ${p.name}: use values that differ in letters or digits`);
    names.add(p.name);
  }
  return named;
}

/** A directory name on every file system: path separators and shell-unfriendly characters become `-`. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._=+-]/g, '-');
}
