/**
 * The file-system calls of the log writer, as a small injectable layer (as sonic-boom does), so that
 * tests can make writes fail (EIO, ENOSPC) or come up short, and count fsyncs.
 *
 * @module
 */
import fs from 'node:fs';

/** The file-system calls the writer makes once open; injectable so that tests can make them fail. */
export interface LogFs {
  /** `fs.write` with a Buffer; `position` is always `null` (the file is opened in append mode). */
  write(
    fd: number,
    buffer: Buffer,
    offset: number,
    length: number,
    position: number | null,
    callback: (err: NodeJS.ErrnoException | null, written: number) => void,
  ): void;
  /** `fs.fsync`. */
  fsync(fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
  /** `fs.close`. */
  close(fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
  /** `fs.fstat` with `bigint: true`: the identity (`dev`, `ino`) and `size` of the open file. */
  fstat(fd: number, callback: (err: NodeJS.ErrnoException | null, stats: fs.BigIntStats) => void): void;
  /** `fs.stat` with `bigint: true`: the identity of the file that the log's path names now. */
  stat(path: string, callback: (err: NodeJS.ErrnoException | null, stats: fs.BigIntStats) => void): void;
  /** `fs.ftruncate`: cuts a batch whose fsync failed before it is written again. */
  ftruncate(fd: number, length: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
}

/** The real file system, as {@link LogFs}. */
export const nodeLogFs: LogFs = {
  write: (fd, buffer, offset, length, position, callback) => fs.write(fd, buffer, offset, length, position, callback),
  fsync: (fd, callback) => fs.fsync(fd, callback),
  close: (fd, callback) => fs.close(fd, callback),
  fstat: (fd, callback) => fs.fstat(fd, { bigint: true }, callback),
  stat: (path, callback) => fs.stat(path, { bigint: true }, callback),
  ftruncate: (fd, length, callback) => fs.ftruncate(fd, length, callback),
};
