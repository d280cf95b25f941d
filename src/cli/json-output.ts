/**
 * `summarize --json` written in pieces: the text of `JSON.stringify(value, null, 2)`, byte for byte,
 * without ever holding it as one string. A run with a million agents makes an aggregate of several
 * hundred megabytes of JSON, and a JavaScript string cannot pass about 512 MiB ("Invalid string length").
 *
 * @module
 */
import type { CliStream } from './io.js';

/** Objects and arrays with more entries than this are written entry by entry. */
const LARGE = 1000;
/** Text gathered before a write. */
const CHUNK = 1 << 20;

/**
 * Writes `JSON.stringify(value, null, 2)` and a newline to `stream`, in chunks of about 1 MiB (with DEL
 * and C1 control characters escaped, which `JSON.stringify` leaves raw).
 *
 * @param stream - Where to write.
 * @param value - A JSON value made of plain objects, arrays and primitives (no `toJSON`, no `undefined`
 *   entries in large objects), as the aggregate is.
 */
export function writeJson(stream: CliStream, value: unknown): void {
  let pending = '';
  const put = (text: string): void => {
    pending += text;
    if (pending.length >= CHUNK) {
      stream.write(escapeC1(pending));
      pending = '';
    }
  };
  writeValue(value, '', put);
  stream.write(`${escapeC1(pending)}\n`);
}

/**
 * DEL and the C1 controls (U+007F to U+009F) as `\u00XX` escapes: `JSON.stringify` escapes only C0, and
 * U+009B is a terminal's CSI. The JSON parses to the same value.
 */
function escapeC1(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function writeValue(value: unknown, indent: string, put: (text: string) => void): void {
  if (value !== null && typeof value === 'object') {
    const isArray = Array.isArray(value);
    const keys = isArray ? undefined : Object.keys(value);
    const size = isArray ? value.length : keys!.length;
    if (size > LARGE || indent === '') {
      const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
      if (size === 0) return put(`${open}${close}`);
      const inner = `${indent}  `;
      put(open);
      for (let i = 0; i < size; i++) {
        put(`${i === 0 ? '' : ','}\n${inner}`);
        if (isArray) writeValue((value as unknown[])[i] ?? null, inner, put);
        else {
          const key = keys![i]!;
          put(`${JSON.stringify(key)}: `);
          writeValue((value as Record<string, unknown>)[key], inner, put);
        }
      }
      return put(`\n${indent}${close}`);
    }
  }
  // A JSON text holds no raw line break inside a string: every `\n` is layout, indented one level deeper.
  const text = JSON.stringify(value, null, 2) ?? 'null';
  put(indent === '' ? text : text.replace(/\n/g, `\n${indent}`));
}
