/**
 * Results files travel: they are committed, merged from other machines and tabulated in
 * the README, so no absolute path of the machine that made them may stay in them (dataset
 * sources, loader messages, command lines). Paths become workspace-relative where they
 * are near the workspace (`../shared/datasets/...` for a mirror beside the checkout),
 * home-relative (`~/...`), or else keep only their last two parts (`…/dir/file`).
 * Standard system locations (/usr, /lib, /etc, ...) name no machine and stay.
 */
import { homedir } from 'node:os';
import { basename, dirname, relative, sep } from 'node:path';

const SYSTEM = /^\/(usr|lib|lib32|lib64|etc|bin|sbin|dev|proc|sys)(\/|$)/;

/**
 * An absolute POSIX path inside free text: a `/` that does not continue a word, a URL or
 * another path (so "GNU/Linux", "ms/step" and "https://host/x" are left alone), up to
 * whitespace, quotes, brackets or a colon (loader messages write "path: reason").
 */
const ABSOLUTE_PATH = /(?<![\w.~:/-])\/[^\s'"`<>|,;:()[\]{}]+/g;

export function portablePath(path: string, root: string, home: string = homedir()): string {
  if (SYSTEM.test(path)) return path;
  const fromRoot = relative(root, path);
  // Inside the workspace, or beside it (one level up): a path a reader of the repository can follow.
  if (!fromRoot.startsWith(`..${sep}..`) && fromRoot !== '..') return fromRoot === '' ? '.' : fromRoot;
  if (home !== '/' && (path === home || path.startsWith(`${home}/`))) return `~${path.slice(home.length)}`;
  const parent = basename(dirname(path));
  return parent === '' ? `…/${basename(path)}` : `…/${parent}/${basename(path)}`;
}

/** Rewrites every absolute path in `text` with portablePath; a trailing full stop or comma stays outside. */
export function portableText(text: string, root: string, home: string = homedir()): string {
  return text.replace(ABSOLUTE_PATH, (match) => {
    const trailing = /[.,]+$/.exec(match)?.[0] ?? '';
    const path = match.slice(0, match.length - trailing.length);
    return path === '' ? match : portablePath(path, root, home) + trailing;
  });
}

/** Applies portableText to every string in a JSON-like value. */
export function portableStrings<T>(value: T, root: string, home: string = homedir()): T {
  if (typeof value === 'string') return portableText(value, root, home) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => portableStrings(item, root, home)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, portableStrings(item, root, home)])) as T;
  }
  return value;
}
