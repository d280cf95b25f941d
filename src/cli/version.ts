/**
 * The package version, read from package.json (two levels up from both `src/cli` and `dist/cli`), so
 * that `--version` never disagrees with what was published.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/**
 * Reads the package version.
 *
 * @returns The `version` field of package.json, or `unknown` when it cannot be read.
 */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
