/**
 * The demo's progress lines: the status format, throttling off a terminal, redrawing on one.
 */
import { describe, expect, it } from 'vitest';
import { createDemoProgress, formatClock, formatProgress } from '../../src/demo/progress.js';
import type { ReplayProgress } from '../../src/demo/replay.js';

const P: ReplayProgress = { simMs: 478_000, spanMs: 1_164_000, total: 66, begun: 34, ended: 28, inFlight: 6, phase: 2, retries: 5, failures: 7, cost: 2.3141 };

const capture = (): { write(s: string): void; text: string } => {
  const out = { text: '', write: (s: string) => void (out.text += s) };
  return out;
};

describe('formatClock', () => {
  it('prints mm:ss, and h:mm:ss past an hour', () => {
    expect([0, 999, 61_000, 1_164_000, 3_600_000, 3_725_000].map(formatClock)).toEqual(['00:00', '00:00', '01:01', '19:24', '1:00:00', '1:02:05']);
  });
});

describe('formatProgress', () => {
  it('shows the simulated clock, phase, counts and cost', () => {
    expect(formatProgress(P)).toBe('[ 41%] sim 07:58/19:24  phase 2  ended 28/66  in flight 6  retries 5  failures 7  cost $2.31');
  });

  it('starts at phase 0 and caps at 100%', () => {
    expect(formatProgress({ ...P, phase: -1, simMs: 0 })).toMatch(/^\[ {2}0%\] sim 00:00\/19:24 {2}phase 0 /);
    expect(formatProgress({ ...P, simMs: P.spanMs + 1 })).toMatch(/^\[100%\]/);
    expect(formatProgress({ ...P, spanMs: 0, simMs: 0 })).toMatch(/^\[100%\]/);
  });
});

describe('createDemoProgress', () => {
  it('off a terminal: at most one status line a second, messages on their own lines, the last status at the end', () => {
    const out = capture();
    let now = 0;
    const progress = createDemoProgress(out, false, () => now);
    progress.update({ ...P, ended: 1 });
    now = 500;
    progress.update({ ...P, ended: 2 }); // throttled
    progress.message('phase 3: tester, debugger');
    now = 1000;
    progress.update({ ...P, ended: 3 });
    progress.finish({ ...P, ended: 66 });
    const lines = out.text.split('\n');
    expect(lines.map((l) => /ended (\d+)/.exec(l)?.[1] ?? l)).toEqual(['1', 'phase 3: tester, debugger', '3', '66', '']);
    expect(out.text).not.toContain('\x1b[');
  });

  it('on a terminal: redraws one line in place, prints messages above it, erases it at the end', () => {
    const out = capture();
    let now = 0;
    const progress = createDemoProgress(out, true, () => now);
    progress.update(P);
    now = 50;
    progress.update({ ...P, ended: 29 }); // throttled: 100 ms between redraws
    now = 150;
    progress.update({ ...P, ended: 30 });
    progress.message('phase 3: tester');
    progress.finish(P);
    const status = (ended: number): string => formatProgress({ ...P, ended });
    expect(out.text).toBe(
      `\r\x1b[2K${status(28)}\r\x1b[2K${status(30)}` + `\r\x1b[2Kphase 3: tester\n${status(30)}` + '\r\x1b[2K',
    );
  });
});
