import { InvalidArgumentError } from 'commander';

const NAMED_COLOURS: Record<string, [number, number, number]> = {
  white: [255, 255, 255],
  black: [0, 0, 0],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
};

/** `--background`: white, black, gray, #rrggbb or r,g,b. */
export function colour(value: string): [number, number, number] {
  const v = value.trim().toLowerCase();
  if (NAMED_COLOURS[v]) return NAMED_COLOURS[v];
  const hex = /^#?([0-9a-f]{6})$/.exec(v);
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1]!.slice(i, i + 2), 16)) as [number, number, number];
  const parts = v.split(',').map((p) => p.trim());
  if (parts.length === 3 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return parts.map(Number) as [number, number, number];
  }
  throw new InvalidArgumentError('not a colour: white, black, gray, #rrggbb or r,g,b');
}
