/**
 * Writing a file the user named (`report --out`, `summarize --state`) all at once or not at all: the
 * bytes go to a fresh temporary sibling, created exclusively (so never through a link planted under its
 * name), then a rename puts it in place. A rename replaces a symbolic link at the target itself instead of
 * writing through it, and a failed run never leaves a half-written file where a good one was.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { OutputWriteError } from '../errors.js';

// Not on Windows; O_EXCL alone refuses an existing name there, a link included.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Why `file` cannot be written, in the user's terms: the temporary sibling that failed is ours, never
 * named (the user did not name it).
 *
 * @param file - The file as the user gave it.
 * @param tmp - The temporary sibling, replaced by `file` in a raw message.
 * @param error - The I/O error.
 * @returns The error to throw.
 */
export function writeFailure(file: string, tmp: string, error: unknown): OutputWriteError {
  const dir = path.dirname(file);
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: `the directory ${dir} does not exist`,
    ENOTDIR: `${dir} is not a directory`,
    EISDIR: `${file} is a directory`,
    EACCES: `permission denied (the directory ${dir} must be writable)`,
    EPERM: `permission denied (the directory ${dir} must be writable)`,
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
  };
  const reason = (code === undefined ? undefined : reasons[code]) ?? (error instanceof Error ? error.message : String(error)).replaceAll(tmp, file);
  return new OutputWriteError(file, reason, error);
}

/**
 * Writes `file` through a temporary sibling (`.<name>.<pid>.<random>.tmp`, created with `O_EXCL` and
 * `O_NOFOLLOW`) and a rename.
 *
 * @param file - The file to write, as the user gave it.
 * @param chunks - Its content, written in order.
 * @param options - `fsync`: flush the data to disk before the rename (a state a fleet job hands on). @default false
 * @throws {@link OutputWriteError} naming `file` (not the temporary sibling) and why.
 */
export async function writeFileAtomically(file: string, chunks: readonly (string | Uint8Array)[], options: { fsync?: boolean } = {}): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o666);
    try {
      // writeFile writes a chunk whole, from the current position (write() may stop short).
      for (const chunk of chunks) await handle.writeFile(chunk);
      if (options.fsync === true) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeFailure(file, tmp, error);
  }
}
