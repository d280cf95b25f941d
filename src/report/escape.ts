/**
 * Escaping of untrusted strings (agent names, models, error classes, ids all come from records) for each
 * output the reports write. One function per target, because each target breaks on different characters.
 *
 * @module
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML and SVG, both as element content and inside a quoted attribute value.
 *
 * Control characters (ESC...) are shown as `\u{1b}`, as in the terminal summary: the file may be read
 * with `cat`.
 *
 * @param text - Untrusted text.
 * @returns The text with `& < > " '` replaced by entities.
 */
export function escapeHtml(text: string): string {
  return escapeControls(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Shows C0 and C1 control characters (and DEL) as `\u{..}`, keeping tab and line feed:
 * a file opened with `cat` must not run terminal escapes (ESC sequences) from a record's names.
 */
function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/**
 * Serializes a value as JSON that is safe inside an HTML `<script>` element: `<`, `>` and `&` become
 * `\u003c`, `\u003e`, `\u0026` (so `</script>` and `<!--` cannot end or change the script block), and
 * U+2028 / U+2029 are escaped too (line terminators for older JavaScript parsers). The result is still
 * valid JSON that parses to the same value.
 *
 * @param value - Any JSON-serializable value.
 * @returns The escaped JSON text.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
    // C1 controls and DEL (JSON.stringify escapes only C0): no raw terminal control bytes in the file.
    .replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/**
 * Escapes text for one cell of a GitHub-flavoured Markdown table, so that it shows literally: the pipe
 * (which would split the cell), backslash, backtick and emphasis/link punctuation are backslash-escaped
 * (GFM allows a backslash before any ASCII punctuation), `<` and `&` become entities (no raw HTML, and
 * an entity-like name such as `&lt;` stays literal; `>` alone cannot open a tag and is kept readable),
 * line breaks (which would end the table row) and tabs become spaces, and other control characters
 * (ESC...) are shown as `\u{1b}`, so that `cat report.md` runs no terminal escapes.
 *
 * @param text - Untrusted text.
 * @returns The escaped cell text.
 */
export function escapeMarkdownCell(text: string): string {
  return escapeControls(text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\t/g, ' '))
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[&<]/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * Makes text safe for a Mermaid Gantt task name or section title. Mermaid's Gantt grammar ends a task name
 * at `:` (task data follows), `;` and `#` (statement and entity separators) and at a newline, and `%%`
 * starts a comment; `<`, `>`, `{` and `}` could be read as markup or a directive; a backtick could close
 * the Markdown code fence around the diagram. Those characters become spaces (there is no escape syntax for them inside a name), runs of spaces collapse, and control
 * characters go. An empty result becomes `(blank)`.
 *
 * @param text - Untrusted text.
 * @returns Text that Mermaid reads as one plain name.
 */
export function sanitizeMermaidText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[:;#%`\u0000-\u001f\u007f-\u009f\u2028\u2029<>{}]/g, ' ').replace(/\s+/g, ' ').trim();
  return cleaned === '' ? '(blank)' : cleaned;
}

/**
 * Makes text safe for a terminal: C0 and C1 control characters (ANSI escape sequences, carriage returns
 * that would overwrite the line, bells) are shown as `\u{..}` instead of being sent to the terminal.
 *
 * @param text - Untrusted text.
 * @returns Printable text.
 */
export function escapeTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
