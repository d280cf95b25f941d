/**
 * The HTML report in a real browser (Debian's Chromium, driven by playwright-core): it renders its charts
 * with every network request blocked, and hostile agent names stay text.
 *
 * The screenshots go to `$TMPDIR/invocation-metrics-report/report.png` and `overlap.png` (overwritten on
 * each run) so that a person can look at them.
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
import { createAggregator } from '../../src/aggregate/aggregator.js';
import { diffRuns, type DiffSide } from '../../src/diff/compare.js';
import { samplesOfState } from '../../src/diff/samples.js';
import type { InvocationMetric } from '../../src/record.js';
import { HOSTILE_AGENTS, hostileRun, rec, sampleRun } from './helpers/records.js';

/** The little of the DOM the page functions use (the project compiles without the DOM library). */
interface PageElement {
  id: string;
  type: string;
  textContent: string | null;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
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

  it('a huge log where every invocation overlaps: 200 bars, none on top of another; one agent; no input tokens', async () => {
    // One agent, 20,000 invocations that all run at once, no inputTokens recorded.
    const records = Array.from({ length: 20_000 }, (_, i) => rec('solo', i * 0.001, { durationMs: 600_000, inputTokens: undefined, success: i % 97 !== 0 }));
    const overlapFile = path.join(OUT_DIR, 'overlap.html');
    await fs.writeFile(overlapFile, renderHtmlReport(computeAggregate(records), { invocations: records.map(toGanttItem) }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(overlapFile).href);
    const dom = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      return {
        bars: [...document.querySelectorAll('#chart-timeline rect.invocation')].map((r) => r.getBoundingClientRect()),
        cards: [...document.querySelectorAll('.kpi')].map((k) => k.textContent),
        chart: document.getElementById('chart-parallelism')!.getBoundingClientRect(),
        ticks: [...document.querySelectorAll('#chart-parallelism text.tick')].map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() })),
        text: document.body.innerText,
      };
    });
    expect(dom.text).toContain('Showing 200 of 20,000 invocations');
    expect(dom.bars).toHaveLength(200);
    for (const b of dom.bars) expect(b.height).toBeGreaterThanOrEqual(3); // visible on screen
    // No two bars cover a common pixel: each drawn invocation can be seen and hovered.
    const sorted = [...dom.bars].sort((a, b) => a.y - b.y);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.y).toBeGreaterThanOrEqual(sorted[i - 1]!.y + sorted[i - 1]!.height - 0.01);
    // The y axis of a 20,000 peak: compact labels, none clipped at the chart's left edge.
    expect(dom.ticks.map((t) => t.text)).toContain('20.0k');
    for (const t of dom.ticks) expect(t.box.x).toBeGreaterThanOrEqual(dom.chart.x);
    expect(dom.cards).toContain('Invocations20,0001 agent');
    expect(dom.cards).toContain('Total cost$200.00avg $0.0100 per invocation');
    expect(dom.cards.find((c) => c?.startsWith('Tokens'))).toMatch(/cache hit n\/a: no input tokens recorded$/);
    await page.screenshot({ path: path.join(OUT_DIR, 'overlap.png'), fullPage: true });
    await page.close();
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
  it('the comparison section (report --baseline): hostile names as text in its tables, nothing run, nothing fetched', async () => {
    const sideOf = (records: readonly InvocationMetric[]): DiffSide => {
      const aggregator = createAggregator();
      for (const r of records) aggregator.add(r);
      return { aggregate: aggregator.result(), samples: samplesOfState(aggregator.serialize()) };
    };
    const candidate = sideOf([...sampleRun(), ...hostileRun(), ...hostileRun()]);
    const comparisonFile = path.join(OUT_DIR, 'comparison.html');
    const diff = diffRuns(sideOf([...sampleRun(), ...hostileRun()]), candidate);
    await fs.writeFile(comparisonFile, renderHtmlReport(candidate.aggregate, { comparison: { diff, baseline: '<img src=x onerror=alert(2)>' } }));
    const context = await browser.newContext();
    const page = await context.newPage();
    const url = pathToFileURL(comparisonFile).href;
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load' });
    const dom = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      return {
        agents: [...document.querySelectorAll('#table-diff-agents tbody td:first-child')].map((td) => td.textContent),
        tables: [...document.querySelectorAll('#comparison table')].map((t) => t.id),
        images: document.querySelectorAll('img').length,
        text: document.getElementById('comparison')!.textContent,
      };
    });
    for (const agent of HOSTILE_AGENTS) expect(dom.agents).toContain(agent);
    expect(dom.tables).toEqual(['table-diff-total', 'table-diff-agents', 'table-diff-phases']);
    expect(dom.text).toContain('Baseline: <img src=x onerror=alert(2)>.');
    expect(dom.images).toBe(0);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    await context.close();
  });
});
