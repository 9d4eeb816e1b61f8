/**
 * labforge's own server-side hook, the only one that ever runs (a repository's hooks never do):
 * a pre-receive hook that refuses a non-fast-forward update of the refs it is told about. It runs
 * after git has received the pack, so it can see the pushed commits, which the check made before
 * the pack arrives cannot. It lives in a folder this process writes; what it checks comes from the
 * environment this layer sets; the only git it runs is `merge-base --is-ancestor` on two object ids.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Refs (full names) whose non-fast-forward updates the hook refuses, one a line. */
export const NO_FORCE_PUSH_ENV = 'GIT_LABFORGE_NO_FORCE_PUSH';
/** The text the hook prints when it refuses (git shows it as `remote: …`). */
export const NO_FORCE_PUSH_MESSAGE_ENV = 'GIT_LABFORGE_NO_FORCE_PUSH_MESSAGE';

function shebang(): string {
  const node = process.execPath;
  return /^\/[\w./+-]+$/.test(node) && node.length < 120 ? `#!${node}` : '#!/usr/bin/env node';
}

const PRE_RECEIVE = `${shebang()}
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const refs = new Set((process.env.${NO_FORCE_PUSH_ENV} || '').split('\\n').filter(Boolean));
const message = process.env.${NO_FORCE_PUSH_MESSAGE_ENV} || 'non-fast-forward update refused';
const oid = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const zero = /^0+$/;
for (const line of fs.readFileSync(0, 'utf8').split('\\n')) {
  const [oldOid, newOid, ref] = line.split(' ');
  if (!ref || !refs.has(ref) || zero.test(oldOid) || zero.test(newOid)) continue;
  const ok =
    oid.test(oldOid) &&
    oid.test(newOid) &&
    spawnSync('git', ['merge-base', '--is-ancestor', oldOid, newOid], { stdio: 'ignore' }).status === 0;
  if (!ok) {
    process.stdout.write(message + '\\n');
    process.exit(1);
  }
}
`;

let hooksDir: string | null = null;

/** The folder with labforge's hooks (written once per process), for `core.hooksPath`. */
export function labforgeHooksPath(): string {
  if (hooksDir !== null && fs.existsSync(path.join(hooksDir, 'pre-receive'))) return hooksDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-git-hooks-'));
  // The hook is CommonJS whatever package.json sits above the temp folder.
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"commonjs"}\n');
  fs.writeFileSync(path.join(dir, 'pre-receive'), PRE_RECEIVE, { mode: 0o755 });
  hooksDir = dir;
  return dir;
}
