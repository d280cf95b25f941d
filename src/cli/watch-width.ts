/**
 * How many terminal columns text takes, for `watch`'s clipping: a line wider than the terminal would wrap,
 * and on the last row make the terminal scroll the whole frame. East Asian wide and fullwidth characters
 * and most emoji take two columns (Unicode Standard Annex #11, `W` and `F`), combining marks and
 * zero-width characters none. An approximation by ranges, like `wcwidth`: enough to keep a line of agent
 * names within its width.
 *
 * @module
 */

// [first, last] code points of two-column characters (the main blocks of UAX #11's W and F classes).
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2648, 0x2653],
  [0x26a1, 0x26a1],
  [0x26bd, 0x26be],
  [0x26c4, 0x26c5],
  [0x26d4, 0x26d4],
  [0x26ea, 0x26ea],
  [0x26f2, 0x26f5],
  [0x26fa, 0x26fd],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x2728, 0x2728],
  [0x274c, 0x274c],
  [0x2753, 0x2757],
  [0x2795, 0x2797],
  [0x27b0, 0x27b0],
  [0x2b1b, 0x2b1c],
  [0x2b50, 0x2b55],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f7e0, 0x1f7eb],
  [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

/** Combining marks take no column of their own. */
const COMBINING = /^[\p{Mn}\p{Me}]$/u;

/** Zero-width spaces and joiners, variation selectors, the byte-order mark. */
const isZeroWidth = (cp: number): boolean => (cp >= 0x200b && cp <= 0x200f) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff;

/**
 * Columns one character takes.
 *
 * @param char - One code point.
 * @returns 0, 1 or 2.
 */
export function charWidth(char: string): number {
  const cp = char.codePointAt(0) ?? 0;
  if (cp < 0x300) return 1;
  if (isZeroWidth(cp) || COMBINING.test(char)) return 0;
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = WIDE[mid]!;
    if (cp < first) hi = mid - 1;
    else if (cp > last) lo = mid + 1;
    else return 2;
  }
  return 1;
}

/**
 * Columns a text takes.
 *
 * @param text - Text without control characters (escape them first).
 * @returns Its width.
 */
export function textWidth(text: string): number {
  let w = 0;
  for (const c of text) w += charWidth(c);
  return w;
}

/**
 * Cuts text to at most `width` columns, with `…` at the end when something was cut.
 *
 * @param text - Text without control characters.
 * @param width - Columns available.
 * @returns The text, or its start and `…`.
 */
export function clipToWidth(text: string, width: number): string {
  if (text.length <= width && !/[\u0300-\u{10ffff}]/u.test(text)) return text;
  if (textWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const c of text) {
    const cw = charWidth(c);
    if (w + cw > width - 1) break;
    out += c;
    w += cw;
  }
  return width > 0 ? `${out}…` : '';
}

/**
 * Cuts or pads text to exactly `width` columns (spaces on the right).
 *
 * @param text - Text without control characters.
 * @param width - Columns.
 * @returns The text in `width` columns.
 */
export function padToWidth(text: string, width: number): string {
  const clipped = clipToWidth(text, width);
  return clipped + ' '.repeat(Math.max(0, width - textWidth(clipped)));
}
