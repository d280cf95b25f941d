/**
 * A directory argument stands for the logs under it, subdirectories included (issue 20, item 8): the
 * demo writes each run to `demo-output/<time>/`, and `summarize demo-output/` said "directory holds no
 * *.jsonl files". The walk is bounded: 8 levels, 10,000 files, symbolic links to directories not followed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/cli/inputs.js';
import { listLogFiles, MAX_DEPTH, MAX_FILES } from '../../src/cli/log-files.js';

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'im-tree-'));
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('a directory argument', () => {
  it('stands for the *.jsonl files under it at any depth, sorted by relative path', async () => {
    const root = tree({
      'b.jsonl': 'b',
      'run-2/invocations.jsonl': '22',
      'run-1/invocations.jsonl': '1',
      'run-1/deeper/x.jsonl': 'xxx',
      'run-1/notes.txt': 'not a log',
      'a.jsonl': 'aa',
    });
    const result = await expandInputs([root]);
    expect(result).toEqual({
      files: [
        { path: path.join(root, 'a.jsonl'), size: 2 },
        { path: path.join(root, 'b.jsonl'), size: 1 },
        { path: path.join(root, 'run-1/deeper/x.jsonl'), size: 3 },
        { path: path.join(root, 'run-1/invocations.jsonl'), size: 1 },
        { path: path.join(root, 'run-2/invocations.jsonl'), size: 2 },
      ],
      notes: [],
    });
  });

  it('is an error only when nothing is found anywhere under it', async () => {
    const root = tree({ 'sub/readme.txt': '' });
    const result = await expandInputs([root]);
    expect(result).toEqual({ problem: { kind: 'unreadable-input', path: root, reason: `directory holds no *.jsonl files (subdirectories included, ${MAX_DEPTH} levels deep)` } });
  });

  it('reads a symbolic link to a file, and does not follow one to a directory (out of the tree or back into it)', async () => {
    const outside = tree({ 'elsewhere.jsonl': 'e' });
    const root = tree({ 'run/invocations.jsonl': 'r' });
    fs.symlinkSync(path.join(outside, 'elsewhere.jsonl'), path.join(root, 'linked.jsonl'));
    fs.symlinkSync(outside, path.join(root, 'out'));
    fs.symlinkSync(root, path.join(root, 'run/loop'));
    fs.symlinkSync('self.jsonl', path.join(root, 'self.jsonl'));
    fs.symlinkSync('gone.jsonl', path.join(root, 'dangling.jsonl'));
    const result = await expandInputs([root]);
    expect(result).toEqual({
      files: [
        { path: path.join(root, 'linked.jsonl'), size: 1 },
        { path: path.join(root, 'run/invocations.jsonl'), size: 1 },
      ],
      notes: [
        `${path.join(root, 'out')}: a symbolic link to a directory, not followed`,
        expect.stringMatching(new RegExp(`^${path.join(root, 'self.jsonl')}: a symbolic link that cannot be followed \\(ELOOP.*\\), not read$`)),
        `${path.join(root, 'run/loop')}: a symbolic link to a directory, not followed`,
      ],
    });
  });

  it(`reads ${MAX_DEPTH} levels of subdirectories and says which deeper one it left out`, () => {
    const levels = Array.from({ length: MAX_DEPTH + 1 }, (_, i) => `d${i + 1}`);
    const root = tree({ [`${levels.slice(0, MAX_DEPTH).join('/')}/ok.jsonl`]: 'o', [`${levels.join('/')}/too-deep.jsonl`]: 't' });
    const result = listLogFiles(root);
    expect(result).toEqual({
      files: [{ path: path.join(root, ...levels.slice(0, MAX_DEPTH), 'ok.jsonl'), size: 1 }],
      notes: [`${path.join(root, ...levels)}: more than ${MAX_DEPTH} levels below ${root}, not read`],
    });
  });

  it(`stops past ${MAX_FILES} files (here a limit of 3) rather than read part of them`, () => {
    expect(MAX_FILES).toBe(10_000);
    const root = tree({ '1.jsonl': '', 'a/2.jsonl': '', 'a/b/3.jsonl': '' });
    expect(listLogFiles(root, { maxFiles: 3 })).toMatchObject({ files: { length: 3 } });
    fs.writeFileSync(path.join(root, 'a/b/4.jsonl'), '');
    expect(listLogFiles(root, { maxFiles: 3 })).toEqual({
      problem: { path: root, reason: 'holds more than 3 *.jsonl files (subdirectories included); name fewer directories or files' },
    });
  });

  it('stops on an unreadable subdirectory rather than skip its logs', () => {
    if (process.getuid?.() === 0) return; // root reads everything: nothing to show here
    const root = tree({ 'locked/a.jsonl': 'a' });
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    try {
      expect(listLogFiles(root)).toEqual({ problem: { path: path.join(root, 'locked'), reason: 'permission denied' } });
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
  });
});
