/**
 * Whether the log's path still names the file a writer has open: another program may have moved or
 * deleted it (rotation), put a new file at its path, or truncated it (copytruncate rotation). The writer
 * asks between batches, at most once per `rotationCheckMs`, and acts on the answer.
 *
 * @module
 */
import type { LogFs } from './fs.js';

/** What {@link checkLogIdentity} found. */
export interface LogIdentity {
  /** The descriptor is bad (EBADF): the file must be opened again. */
  badFd?: NodeJS.ErrnoException;
  /** The open file's size, when `fstat` answered. */
  size?: number;
  /** The open file is shorter than the writer knew it: another program truncated it. */
  truncated?: boolean;
  /** The path no longer names the open file: another file is there, or nothing. */
  rotated?: 'replaced' | 'moved or deleted';
}

/**
 * Compares the open file (`fstat` of `fd`) with what `path` names now (`stat`). Only a missing path or
 * another file proves a rotation: any other error proves nothing, and is answered as "the same file".
 * Never throws.
 *
 * @param fs - The file system calls.
 * @param fd - The open log.
 * @param path - Its path.
 * @param knownSize - The size the writer knows the file to have (it is the only writer).
 * @param done - Called once, with what was found.
 */
export function checkLogIdentity(fs: LogFs, fd: number, path: string, knownSize: number, done: (found: LogIdentity) => void): void {
  try {
    fs.fstat(fd, (err, own) => {
      if (err !== null) return done(err.code === 'EBADF' ? { badFd: err } : {});
      const found: LogIdentity = { size: Number(own.size), truncated: own.size < BigInt(knownSize) };
      try {
        fs.stat(path, (err2, now) => {
          if (err2 !== null && err2.code !== 'ENOENT') return done(found);
          if (err2 === null && now.dev === own.dev && now.ino === own.ino) return done(found);
          done({ ...found, rotated: err2 === null ? 'replaced' : 'moved or deleted' });
        });
      } catch {
        done(found);
      }
    });
  } catch {
    done({});
  }
}
