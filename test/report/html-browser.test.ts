/**
 * The HTML report in a real browser (Debian's Chromium, driven by playwright-core): it renders its charts
 * with every network request blocked, and hostile agent names stay text.
 *
 * The screenshot goes to `$TMPDIR/invocation-metrics-report/report.png` (overwritten on each run) so that
 * a person can look at it.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { toGanttItem } from '../../src/report/gantt.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { findServer } from '../helpers/servers.js';
import { HOSTILE_AGENTS, hostileRun, sampleRun } from './helpers/records.js';

/** The little of the DOM the page functions use (the project compiles without the DOM library). */
interface PageElement {
  id: string;
  type: string;
  textContent: string | null;
  getBoundingClientRect(): { width: number };
}
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  getElementById(id: string): PageElement | null;
  body: { innerText: string };
}

const server = findServer('chromium');
const suite = server.path === undefined ? describe.skip : describe;
const OUT_DIR = path.join(os.tmpdir(), 'invocation-metrics-report');

suite(server.skip ?? 'the HTML report in headless Chromium', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    const records = [...sampleRun(), ...hostileRun()];
    await fs.mkdir(OUT_DIR, { recursive: true });
    file = path.join(OUT_DIR, 'report.html');
    await fs.writeFile(file, renderHtmlReport(computeAggregate(records, { bucketMs: 10_000 }), { invocations: records.map(toGanttItem), sources: ['sample.jsonl', 'hostile.jsonl'] }));
    browser = await chromium.launch({
      executablePath: server.path,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders the charts and agents with no network access, hostile names as text, no dialog', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Anything but the report itself is aborted, should the page ever ask for it.
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load' });

    const dom = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      return {
        charts: [...document.querySelectorAll('svg.chart')].map((s) => s.id),
        chartSizes: [...document.querySelectorAll('svg.chart')].map((s) => s.getBoundingClientRect().width),
        bars: document.querySelectorAll('svg.chart rect.bar').length,
        invocations: document.querySelectorAll('svg.chart rect.invocation').length,
        images: document.querySelectorAll('img').length,
        scripts: [...document.querySelectorAll('script')].map((s) => s.type),
        cells: [...document.querySelectorAll('#table-agents tbody td:first-child')].map((td) => td.textContent),
        text: document.body.innerText,
      };
    });
    expect(dom.charts).toEqual(
      expect.arrayContaining(['chart-parallelism', 'chart-timeline', 'chart-cost-agent', 'chart-tokens-agent', 'chart-cost-phase', 'chart-tokens-phase', 'chart-duration-agent', 'chart-retries-agent', 'chart-escalations']),
    );
    expect(Math.min(...dom.chartSizes)).toBeGreaterThan(300); // laid out, not collapsed
    expect(dom.bars).toBeGreaterThan(20);
    expect(dom.invocations).toBe(11);
    for (const agent of ['planner', 'coder', 'reviewer', ...HOSTILE_AGENTS]) expect(dom.cells).toContain(agent);
    expect(dom.text).toContain('<img src=x onerror=alert(1)>');
    expect(dom.images).toBe(0);
    expect(dom.scripts).toEqual(['application/json']);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);

    const png = path.join(OUT_DIR, 'report.png');
    await page.screenshot({ path: png, fullPage: true });
    const bytes = await fs.readFile(png);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await context.close();
  });

  it('the request watch works: a page that fetches is seen, and the fetch aborted', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const failed: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => failed.push(r.url()));
    await context.route('**/*', (route) => route.abort());
    await page.setContent('<img src="http://127.0.0.1:9/pixel.png">', { waitUntil: 'load' });
    expect(requests).toEqual(['http://127.0.0.1:9/pixel.png']);
    expect(failed).toEqual(requests);
    await context.close();
  });

  it('the aggregate embedded as JSON reads back intact, hostile names included', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    const data = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      return JSON.parse(document.getElementById('invocation-metrics-data')!.textContent!) as { invocationsByAgent: Record<string, number> };
    });
    for (const agent of HOSTILE_AGENTS) expect(data.invocationsByAgent[agent]).toBe(1);
    await page.close();
  });
});
