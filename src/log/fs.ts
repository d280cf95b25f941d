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
}

/** The real file system, as {@link LogFs}. */
export const nodeLogFs: LogFs = {
  write: (fd, buffer, offset, length, position, callback) => fs.write(fd, buffer, offset, length, position, callback),
  fsync: (fd, callback) => fs.fsync(fd, callback),
  close: (fd, callback) => fs.close(fd, callback),
};
