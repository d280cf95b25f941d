/**
 * Opening the files of a log (the log, `<log>.torn`, `<log>.lock`) without ever following a link. They live
 * in a directory that other users may be able to write: a process running as root must never be made to
 * truncate or append to another file through a symbolic or hard link planted under one of their names, nor
 * to block forever on a FIFO. Each open refuses, with an {@link UnsafeLogFileError}, anything that is not a
 * regular file of its own.
 *
 * @module
 */
import fs from 'node:fs';
import { UnsafeLogFileError } from '../errors.js';

// O_NOFOLLOW makes the kernel refuse a symbolic link as the last component (ELOOP) in the open itself, so
// there is no window between a check and the open; O_NONBLOCK keeps a FIFO or a device from blocking the
// open (it changes nothing for a regular file). Windows has neither: the lstat/fstat checks remain.
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** How {@link openRegularFile} opens: `append` creates, reads and appends; `update` reads and writes; `read` reads. */
export type OpenHow = 'append' | 'update' | 'read';

const FLAGS: Readonly<Record<OpenHow, number>> = {
  append: fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT,
  update: fs.constants.O_RDWR,
  read: fs.constants.O_RDONLY,
};

/** An open regular file and what `fstat` said about it. */
export interface OpenedFile {
  /** The descriptor; the caller closes it. */
  fd: number;
  /** `fstat` of the descriptor (bigint, so that `dev` and `ino` compare exactly). */
  stats: fs.BigIntStats;
}

/**
 * What a file is when it is not a regular file of its own, in words for an error message.
 *
 * @param stats - `lstat` or `fstat` of the file.
 * @param allowLinks - Accept a file with several hard links (a reader: the lock is briefly linked twice
 *   while it is created).
 * @returns `a symbolic link`, `a directory`, ...; `undefined` for a regular file.
 */
export function unsafeKind(stats: fs.Stats | fs.BigIntStats, allowLinks = false): string | undefined {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (!stats.isFile()) return 'not a regular file';
  if (!allowLinks && stats.nlink > 1) return `a file with ${stats.nlink} hard links (another file may be linked in under this name)`;
  return undefined;
}

/**
 * Opens a regular file, never through a symbolic link, never a directory, FIFO, socket or device, and (unless
 * `allowLinks`) never a file with more than one hard link.
 *
 * @param path - The file.
 * @param how - `append` creates a missing file; `update` and `read` return `undefined` for a missing one.
 * @param allowLinks - Accept several hard links (for reading only).
 * @returns The descriptor and its `fstat`; `undefined` when the file is missing and `how` does not create.
 * @throws {@link UnsafeLogFileError} for anything else than a regular file; other file-system errors (EACCES,
 *   EROFS...) as they are.
 */
export function openRegularFile(path: string, how: OpenHow, allowLinks = false): OpenedFile | undefined {
  // lstat first: a FIFO or a device is refused without being opened at all (opening some devices acts).
  const before = lstatOrMissing(path);
  if (before !== undefined) refuse(path, before, allowLinks);
  else if (how !== 'append') return undefined;
  let fd: number;
  try {
    fd = fs.openSync(path, FLAGS[how] | NOFOLLOW | NONBLOCK, 0o666);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Replaced between the lstat and the open: ELOOP is O_NOFOLLOW meeting a symbolic link, ENXIO a FIFO
    // without a reader opened for writing.
    if (code === 'ELOOP') throw new UnsafeLogFileError(path, 'a symbolic link');
    if (code === 'ENXIO') throw new UnsafeLogFileError(path, 'a FIFO');
    if (code === 'ENOENT' && how !== 'append') return undefined;
    throw error;
  }
  try {
    const stats = fs.fstatSync(fd, { bigint: true });
    refuse(path, stats, allowLinks);
    return { fd, stats };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/**
 * Reads a small regular file whole (a lock), through {@link openRegularFile} with hard links allowed.
 *
 * @param path - The file.
 * @param maxBytes - Bytes read at most; the rest is ignored (a lock is a hundred bytes).
 * @returns Its text and modification time; `undefined` when it is missing.
 * @throws Like {@link openRegularFile}.
 */
export function readSmallRegularFile(path: string, maxBytes: number): { text: string; mtimeMs: number } | undefined {
  const opened = openRegularFile(path, 'read', true);
  if (opened === undefined) return undefined;
  try {
    const buf = Buffer.allocUnsafe(Math.min(maxBytes, Number(opened.stats.size) + 1));
    let n = 0;
    while (n < buf.length) {
      const read = fs.readSync(opened.fd, buf, n, buf.length - n, n);
      if (read === 0) break;
      n += read;
    }
    return { text: buf.toString('utf8', 0, n), mtimeMs: Number(opened.stats.mtimeMs) };
  } finally {
    fs.closeSync(opened.fd);
  }
}

function lstatOrMissing(path: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function refuse(path: string, stats: fs.Stats | fs.BigIntStats, allowLinks: boolean): void {
  const kind = unsafeKind(stats, allowLinks);
  if (kind !== undefined) throw new UnsafeLogFileError(path, kind);
}
