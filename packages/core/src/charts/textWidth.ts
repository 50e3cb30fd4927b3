/**
 * Advance widths of printable ASCII (space to ~) in DejaVu Sans, in hundredths of an em: what the report renders
 * with. Charts lay out legends and tick columns without a DOM to measure in; other sans fonts (the studio's) are
 * about as wide or narrower, so the room measured here is enough there too.
 */
const ASCII_WIDTHS = (
  '32 40 46 84 64 95 78 27 39 39 50 84 32 36 32 34 64 64 64 64 64 64 64 64 64 64 34 34 84 84 84 53 100 68 69 70 77 63 58 77 75 29 ' +
  '29 66 56 86 75 79 60 79 69 63 61 73 68 99 69 61 69 39 34 39 84 50 50 61 63 55 63 62 35 63 63 28 28 58 28 97 63 61 63 63 41 52 ' +
  '39 63 59 82 59 59 52 64 34 64 84'
)
  .split(' ')
  .map(Number);

/** Characters outside ASCII: about a digit's width. */
const OTHER_WIDTH = 64;

/** The width of `text` set in `fontSize` px DejaVu Sans (kerning aside). */
export function textWidth(text: string, fontSize: number): number {
  let hundredths = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    hundredths += code >= 32 && code < 127 ? ASCII_WIDTHS[code - 32]! : OTHER_WIDTH;
  }
  return (hundredths / 100) * fontSize;
}
