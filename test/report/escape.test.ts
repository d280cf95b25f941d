import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdownCell, escapeTerminal, jsonForScript, sanitizeMermaidText } from '../../src/report/escape.js';

describe('escapeHtml', () => {
  it('replaces the five markup characters', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & more`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; more');
  });
});

describe('jsonForScript', () => {
  it('cannot close the script element or open a comment, and still parses to the same value', () => {
    const value = { agent: '</script><script>alert(1)</script>', x: '<!-- & \u2028 \u2029' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('escapeMarkdownCell', () => {
  it('escapes pipes, backticks, emphasis, HTML and line breaks', () => {
    expect(escapeMarkdownCell('a|b')).toBe('a\\|b');
    expect(escapeMarkdownCell('`code`')).toBe('\\`code\\`');
    expect(escapeMarkdownCell('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)>');
    expect(escapeMarkdownCell('*bold* _it_ [link](x) ~s~ \\')).toBe('\\*bold\\* \\_it\\_ \\[link\\](x) \\~s\\~ \\\\');
    expect(escapeMarkdownCell('line1\nline2\r\n')).toBe('line1 line2 ');
    expect(escapeMarkdownCell('&lt;')).toBe('&amp;lt;');
  });
});

describe('sanitizeMermaidText', () => {
  it('removes what ends a Mermaid name, starts a comment or closes the code fence', () => {
    expect(sanitizeMermaidText('a: b; c# d %%e `f` <g> {h}\nnext')).toBe('a b c d e f g h next');
    expect(sanitizeMermaidText(' :;# ')).toBe('(blank)');
  });
});

describe('escapeTerminal', () => {
  it('shows control characters instead of sending them', () => {
    expect(escapeTerminal('\x1b[31mred\r\x07\u009b')).toBe('\\u{1b}[31mred\\u{d}\\u{7}\\u{9b}');
    expect(escapeTerminal('plain – ünïcode')).toBe('plain – ünïcode');
  });
});
