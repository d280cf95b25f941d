/**
 * Expanding the command line's `<file|dir>...` into the list of log files to read.
 *
 * @module
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isStateFile } from '../state/state-file.js';
import { listLogFiles, MAX_DEPTH } from './log-files.js';
import type { CliOutcome } from './outcome.js';

/** A log file to read. */
export interface InputFile {
  /** The path as shown in messages: as given, or `dir/name` for a file found in a directory. */
  path: string;
  /** Size in bytes when listed (for progress). */
  size: number;
  /** A state file (`summarize --state`), merged as it is, not a log. */
  state?: boolean;
}

/** The expanded inputs, or the problem that stops the command. */
export type InputsResult = { files: InputFile[]; notes: string[] } | { problem: CliOutcome };

const errnoReason = (error: unknown): string => {
  const e = error as NodeJS.ErrnoException;
  return e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : (e.message ?? String(error));
};

/**
 * Expands inputs in argument order: a file stands for itself (a state file when its name ends in `.state`
 * or it starts with the state magic, else a log whatever its extension), a directory for
 * the `*.jsonl` regular files under it, subdirectories included, sorted by relative path (see
 * `listLogFiles` for the bounds: depth, file count, symbolic links). A missing path, a directory
 * without `*.jsonl` files, or anything that is neither a file nor a directory stops the command. A file
 * reached twice (`logs/ logs/a.jsonl`) is read once, with a note, because counting it twice would double
 * its invocations.
 *
 * @param args - The positional arguments.
 * @returns The files with their sizes and notes for stderr, or the problem.
 */
export async function expandInputs(args: readonly string[]): Promise<InputsResult> {
  const files: InputFile[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const add = (file: string, size: number, state = false): void => {
    const key = path.resolve(file);
    if (seen.has(key)) notes.push(`${file}: listed more than once; read once`);
    else {
      seen.add(key);
      files.push(state ? { path: file, size, state } : { path: file, size });
    }
  };
  for (const arg of args) {
    let stat;
    try {
      stat = await fs.stat(arg);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { problem: { kind: 'missing-input', path: arg } };
      return { problem: { kind: 'unreadable-input', path: arg, reason: errnoReason(error) } };
    }
    if (stat.isFile()) add(arg, stat.size, arg.endsWith('.state') || isStateFile(arg));
    else if (stat.isDirectory()) {
      const listing = listLogFiles(arg);
      if ('problem' in listing) return { problem: { kind: 'unreadable-input', ...listing.problem } };
      notes.push(...listing.notes);
      for (const file of listing.files) add(file.path, file.size);
      if (listing.files.length === 0)
        return { problem: { kind: 'unreadable-input', path: arg, reason: `directory holds no *.jsonl files (subdirectories included, ${MAX_DEPTH} levels deep)` } };
    } else return { problem: { kind: 'unreadable-input', path: arg, reason: 'not a regular file or directory' } };
  }
  return { files, notes };
}
