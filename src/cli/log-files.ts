/**
 * Finding the logs under a directory named on the command line: its `*.jsonl` regular files at any depth
 * down to {@link MAX_DEPTH}, so that `summarize demo-output/` reads every run the demo wrote in its own
 * subdirectory. Synchronous, because the CLI's start-up guess (`prestart.ts`) uses it before anything
 * else runs, and it is bounded, because a directory named by mistake (`~`, `/`) must not be walked whole.
 *
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';

/** Levels of subdirectories read below the named directory (its own files are level 0). */
export const MAX_DEPTH = 8;
/** Most `*.jsonl` files one directory argument may stand for; past it the command stops. */
export const MAX_FILES = 10_000;

/** A log file found under a directory. */
export interface FoundLog {
  /** `dir/sub/name.jsonl`: the directory as given, joined with the file's relative path. */
  path: string;
  /** Size in bytes. */
  size: number;
}

/** What a directory stands for: its logs and notes for stderr, or the reason it cannot be read. */
export type DirectoryLogs = { files: FoundLog[]; notes: string[] } | { problem: { path: string; reason: string } };

const errnoReason = (error: unknown): string => {
  const e = error as NodeJS.ErrnoException;
  return e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : (e.message ?? String(error));
};

/**
 * Lists the `*.jsonl` regular files under `dir`, sorted by their path relative to `dir` (UTF-16 order,
 * `/`-separated), so that a flat directory keeps its by-name order and the result is the same on every
 * run. A symbolic link to a file is read like the file; a symbolic link to a directory is not followed
 * (it could lead out of the tree, or back into it), with a note, and neither is a link that cannot be
 * resolved (a loop); a dangling link is passed over; a directory deeper than
 * {@link MAX_DEPTH} levels is not read, with a note. An unreadable subdirectory, or more than
 * {@link MAX_FILES} files, is a problem: the command stops rather than report part of the logs.
 *
 * @param dir - The directory as given on the command line.
 * @param limits - The bounds; the CLI uses the defaults.
 * @param limits.maxDepth - Levels of subdirectories read. @default MAX_DEPTH (8)
 * @param limits.maxFiles - Most files found before the listing stops. @default MAX_FILES (10,000)
 * @returns The files with their sizes and notes, or the problem (with the path it concerns).
 */
export function listLogFiles(dir: string, limits: { maxDepth?: number; maxFiles?: number } = {}): DirectoryLogs {
  const maxDepth = limits.maxDepth ?? MAX_DEPTH;
  const maxFiles = limits.maxFiles ?? MAX_FILES;
  const found: { rel: string; size: number }[] = [];
  const notes: string[] = [];
  const pending: { rel: string; depth: number }[] = [{ rel: '', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const here = next.rel === '' ? dir : path.join(dir, next.rel);
    let entries: fs.Dirent[];
    try {
      // Sorted, so that the notes come in the same order on every file system.
      entries = fs.readdirSync(here, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    } catch (error) {
      return { problem: { path: here, reason: errnoReason(error) } };
    }
    for (const entry of entries) {
      const rel = next.rel === '' ? entry.name : `${next.rel}/${entry.name}`;
      const full = path.join(dir, rel);
      let kind: 'file' | 'dir' | 'other' = entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other';
      if (entry.isSymbolicLink()) {
        let target: fs.Stats | undefined;
        try {
          target = fs.statSync(full, { throwIfNoEntry: false });
        } catch (error) {
          // A link to itself (ELOOP), or through a directory we may not enter.
          notes.push(`${full}: a symbolic link that cannot be followed (${errnoReason(error)}), not read`);
          continue;
        }
        if (target?.isDirectory() === true) {
          notes.push(`${full}: a symbolic link to a directory, not followed`);
          continue;
        }
        kind = target?.isFile() === true ? 'file' : 'other';
      }
      if (kind === 'dir') {
        if (next.depth + 1 > maxDepth) notes.push(`${full}: more than ${maxDepth} levels below ${dir}, not read`);
        else pending.push({ rel, depth: next.depth + 1 });
      } else if (kind === 'file' && entry.name.endsWith('.jsonl')) {
        const size = fs.statSync(full, { throwIfNoEntry: false })?.size;
        if (size === undefined) continue; // removed meanwhile
        found.push({ rel, size });
        if (found.length > maxFiles)
          return { problem: { path: dir, reason: `holds more than ${maxFiles.toLocaleString('en-US')} *.jsonl files (subdirectories included); name fewer directories or files` } };
      }
    }
  }
  found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files: found.map((f) => ({ path: path.join(dir, f.rel), size: f.size })), notes };
}
