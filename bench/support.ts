// Helpers shared by the benchmarks: the server command, a throwaway PostgreSQL, ports, waiting for a
// server, stopping it.
import { type ChildProcess, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `node … serve` arguments: the built server (built now), or the sources through tsx. */
export function serverCommand(): string[] {
  const built = path.join(root, 'dist/src/main.js');
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; run what was built.
  }
  if (fs.existsSync(built)) return [built, 'serve'];
  return ['--import', 'tsx', path.join(root, 'src/main.ts'), 'serve'];
}

/** A throwaway PostgreSQL cluster (scripts/postgres.mjs); throws when none can be started. */
export async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const { startTestPostgres } = (await import(path.join(root, 'scripts/postgres.mjs'))) as {
    startTestPostgres(): Promise<{ url: string; stop(): Promise<void> } | null>;
  };
  const pg = await startTestPostgres();
  if (!pg) throw new Error('no PostgreSQL found');
  return pg;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until `url` answers 200 (connection errors count as not yet). */
export async function waitFor200(
  url: string,
  headers: Record<string, string>,
  timeoutMs = 30000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { headers })).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`no 200 from ${url}`);
}

/** SIGTERM, then resolves when the process has exited. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One better-sqlite3 statement run while a recording was open (timeStatements). */
export interface TimedStatement {
  sql: string;
  params: unknown[];
  ms: number;
}

let recording: TimedStatement[] | null = null;
let patched = false;

/**
 * Times every better-sqlite3 statement this process runs between `start()` and `stop()` (the
 * server in process: the direct reader and Kysely's connection alike), by wrapping the statement
 * methods once. `stop()` answers what was recorded (null when nothing was started).
 */
export function timeStatements(): { start(): void; stop(): TimedStatement[] | null } {
  if (!patched) {
    const probe = new SQLite(':memory:');
    const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
    probe.close();
    for (const method of ['all', 'get', 'run', 'iterate'] as const) {
      const original = proto[method] as (...a: unknown[]) => unknown;
      proto[method] = function (this: { source: string }, ...a: unknown[]) {
        if (!recording) return original.apply(this, a);
        const t = process.hrtime.bigint();
        const out = original.apply(this, a);
        recording.push({ sql: this.source, params: a.flat(), ms: Number(process.hrtime.bigint() - t) / 1e6 });
        return out;
      };
    }
    patched = true;
  }
  return {
    start: () => {
      recording = [];
    },
    stop: () => {
      const taken = recording;
      recording = null;
      return taken;
    },
  };
}
