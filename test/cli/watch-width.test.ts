/**
 * Terminal widths for `watch`: wide characters take two columns, combining marks none, and clipping or
 * padding keeps a line within its columns.
 */
import { describe, expect, it } from 'vitest';
import { charWidth, clipToWidth, padToWidth, textWidth } from '../../src/cli/watch-width.js';

describe('terminal width', () => {
  it('counts CJK, Hangul, fullwidth forms and emoji as two columns, combining marks as none', () => {
    expect(textWidth('coder')).toBe(5);
    expect(textWidth('审稿人')).toBe(6);
    expect(textWidth('한국어')).toBe(6);
    expect(textWidth('ＡＢ')).toBe(4);
    expect(textWidth('rédacteur 🚀')).toBe(12);
    expect(textWidth('e\u0301')).toBe(1);
    expect(charWidth('…')).toBe(1);
  });

  it('clips to the columns, never inside them by a wide character, and pads to exactly the width', () => {
    expect(clipToWidth('审稿人审稿人', 7)).toBe('审稿人…');
    expect(textWidth(clipToWidth('审稿人审稿人', 8))).toBeLessThanOrEqual(8);
    expect(clipToWidth('审稿人', 6)).toBe('审稿人');
    expect(clipToWidth('abcdef', 4)).toBe('abc…');
    expect(clipToWidth('abc', 0)).toBe('');
    expect(padToWidth('审稿', 6)).toBe('审稿  ');
    expect(textWidth(padToWidth('审稿人审稿人', 9))).toBe(9);
  });
});
