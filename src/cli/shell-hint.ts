/**
 * Commands printed for the user to paste (the demo's closing hints): they must run as typed, in the
 * user's shell, from the directory the user is in.
 *
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROGRAM } from './run.js';

/**
 * Quotes one argument for a POSIX shell, when it needs it.
 *
 * @param arg - The argument.
 * @returns The argument, or it in single quotes.
 */
export function shellQuote(arg: string): string {
  return /^[\w./@%+=:,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A path as the user's shell reaches it: relative to the directory they typed the command in (`npm run`
 * runs scripts in the package root and says where the user was in `INIT_CWD`), or absolute when the
 * relative form would climb out of it.
 *
 * @param target - The path, relative to this process's working directory or absolute.
 * @param shellCwd - The user's directory.
 * @returns The path to print.
 */
export function pathForShell(target: string, shellCwd: string): string {
  const absolute = path.resolve(target);
  const relative = path.relative(shellCwd, absolute);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
}

const isInside = (dir: string, root: string): boolean => {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * How the user's shell runs this CLI: `npx invocation-metrics` where npx finds it without the network
 * (in this package's own repository, or in a project with it in `node_modules/.bin` at or above
 * `shellCwd`), else `node <path of main.js>`, which runs anywhere (a global install, a clone run from
 * elsewhere).
 *
 * @param shellCwd - The user's directory.
 * @param main - Absolute path of the CLI's `main.js`.
 * @returns The command prefix, quoted for the shell.
 */
export function cliCommand(shellCwd: string, main: string): string {
  const packageRoot = path.resolve(path.dirname(main), '../..');
  if (isInside(shellCwd, packageRoot)) return `npx ${PROGRAM}`;
  for (let dir = shellCwd; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules/.bin', PROGRAM))) return `npx ${PROGRAM}`;
    if (path.dirname(dir) === dir) return `node ${shellQuote(main)}`;
  }
}
