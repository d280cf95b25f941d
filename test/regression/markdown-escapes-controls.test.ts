/**
 * Regression (issue 14, item 9): the Markdown report kept raw control bytes of names, so `cat r.md`
 * ran the terminal escapes an agent name carried (the terminal summary already escaped them). Markdown
 * cells, the title and the sources, and the HTML report (text, attributes and the embedded JSON, C1
 * controls included), now show them as `\u{1b}`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { toGanttItem } from '../../src/report/gantt.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { serializeMetric } from '../../src/serialize.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';
import { metric } from '../helpers/records.js';

// ESC (a screen clear), BEL, a C1 CSI (U+009B), DEL and a backspace.
const EVIL = '\x1b[2J\x1b]0;owned\x07\u009b31m\x7f\bname';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const records = [
  metric({ invocationId: 'e1', agent: EVIL, model: EVIL, tier: 't', success: false, errorClass: EVIL }),
  metric({ invocationId: 'e2', agent: EVIL, model: 'm', tier: EVIL, attempt: 2, timestamp: '2026-11-20T09:00:05.000Z' }),
];

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-regr-ctl-'));
  await ensureBuilt();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('reports carry no raw control characters', () => {
  it('Markdown: cells, title and sources', () => {
    const md = renderMarkdownReport(computeAggregate(records), { title: `T${EVIL}`, sources: [`s${EVIL}.jsonl`], invocations: records.map(toGanttItem) });
    expect(md).not.toMatch(CONTROL);
    expect(md).toContain('\\\\u{1b}\\[2J'); // shown, and Markdown-escaped
  });

  it('HTML: text, attributes and the embedded data', () => {
    const html = renderHtmlReport(computeAggregate(records), { title: `T${EVIL}`, sources: [`s${EVIL}.jsonl`], invocations: records.map(toGanttItem) });
    expect(html).not.toMatch(CONTROL);
    const data = JSON.parse(/id="invocation-metrics-data">(.*)<\/script>/s.exec(html)![1]!) as { invocationsByAgent: Record<string, number> };
    expect(data.invocationsByAgent[EVIL]).toBe(2); // the data still holds the name itself
  });

  it('the CLI writes a .md and an .html file without them', async () => {
    const file = path.join(dir, 'evil.jsonl');
    fs.writeFileSync(file, records.map((r) => `${serializeMetric(r)}\n`).join(''));
    for (const name of ['r.md', 'r.html']) {
      const out = path.join(dir, name);
      const r = await runBuiltCli(['report', file, '--out', out]);
      expect(r.code).toBe(0);
      expect(fs.readFileSync(out, 'utf8')).not.toMatch(CONTROL);
    }
    // summarize --json too (JSON.stringify leaves C1 raw), still parsing to the names themselves.
    const json = await runBuiltCli(['summarize', '--json', file]);
    expect(json.stdout).not.toMatch(CONTROL);
    expect(JSON.parse(json.stdout).invocationsByAgent[EVIL]).toBe(2);
  }, 60_000);
});
