import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

const sink = (): { write(s: string): void; text: string } => ({
  text: '',
  write(s: string) {
    this.text += s;
  },
});

describe('createProgress', () => {
  it('on a terminal, redraws one line at most every 100 ms and erases it at the end', () => {
    const out = sink();
    let t = 0;
    const p = createProgress(out, 2_000_000, true, () => t);
    p.advance(500_000); // first draw
    t = 50;
    p.advance(500_000); // throttled
    t = 200;
    p.advance(0);
    p.fileDone('a.jsonl', 1_000_000);
    p.finish();
    expect(out.text).toBe(
      '\r\x1b[2Kread 0.5 MB of 2.0 MB (25%)' + '\r\x1b[2Kread 1.0 MB of 2.0 MB (50%)' + '\r\x1b[2Kread 1.0 MB of 2.0 MB (50%) a.jsonl' + '\r\x1b[2K',
    );
  });

  it('elsewhere, writes plain lines, and an estimate never passes the total', () => {
    const out = sink();
    const p = createProgress(out, 1000, false, () => 0);
    p.advance(5000);
    p.fileDone('a.jsonl', 1000);
    p.finish();
    expect(out.text).toBe('progress: read 0.0 MB of 0.0 MB (100%)\nprogress: read 0.0 MB of 0.0 MB (100%) a.jsonl\n');
  });
});
