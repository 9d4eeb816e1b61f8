// PostgreSQL for the test suite's second pass.
//
// LABFORGE_TEST_DATABASE_URL=postgres://… points the suite at an existing server. Otherwise this
// looks for PostgreSQL's server binaries (initdb and pg_ctl on PATH, or /usr/lib/postgresql/*/bin),
// creates a throwaway cluster in a temporary folder on a free port (its unix socket in that folder
// too, fsync off), and removes it afterwards. initdb refuses to run as root (CI does): then the
// cluster runs as the unprivileged `postgres` user (Debian's package creates it) or `nobody`.
// When nothing is found it says so in one line and the suite runs on SQLite only.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const SUPERUSER = 'labforge';

/** { url, stop() } or null when no PostgreSQL can be started. */
export async function startTestPostgres({ quiet = false } = {}) {
  const say = (line) => quiet || console.log(line);
  if (process.env.LABFORGE_TEST_DATABASE_URL) {
    say('postgres: using LABFORGE_TEST_DATABASE_URL');
    return { url: process.env.LABFORGE_TEST_DATABASE_URL, stop: async () => {} };
  }
  const bin = findBinaries();
  if (!bin) {
    say('postgres: no initdb/pg_ctl found (PATH, /usr/lib/postgresql/*/bin); running SQLite only');
    return null;
  }
  let owner;
  try {
    owner = clusterOwner();
  } catch (err) {
    say(`postgres: ${err.message}; running SQLite only`);
    return null;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labforge-pg-'));
  const cluster = new Cluster(bin, dir, owner);
  try {
    await cluster.start();
  } catch (err) {
    cluster.stopSync();
    say(`postgres: could not start a throwaway cluster (${firstLine(err)}); running SQLite only`);
    return null;
  }
  say(
    `postgres: throwaway cluster ${bin.version} on port ${cluster.port}${owner ? ` as ${owner.name}` : ''}`,
  );
  return { url: cluster.url, stop: async () => cluster.stopSync() };
}

function firstLine(err) {
  return String(err?.stderr || err?.message || err)
    .trim()
    .split('\n')
    .filter(Boolean)
    .pop();
}

function findBinaries() {
  const candidates = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) candidates.push(dir);
  try {
    const versions = fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join('/usr/lib/postgresql', v, 'bin'));
  } catch {}
  for (const dir of candidates) {
    const initdb = path.join(dir, 'initdb');
    const pgCtl = path.join(dir, 'pg_ctl');
    if (!isExecutable(initdb) || !isExecutable(pgCtl)) continue;
    // Follow symlinks so pg_ctl finds `postgres` beside it.
    const real = path.dirname(fs.realpathSync(pgCtl));
    let version = '';
    try {
      version = execFileSync(path.join(real, 'pg_ctl'), ['--version'], { encoding: 'utf8' }).trim();
      version = version.replace(/^pg_ctl \(PostgreSQL\) /, 'PostgreSQL ');
    } catch {
      continue;
    }
    return { initdb: path.join(real, 'initdb'), pgCtl: path.join(real, 'pg_ctl'), version };
  }
  return null;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** null when we may run PostgreSQL ourselves; as root, an unprivileged user to run it as. */
function clusterOwner() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const line = fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`));
    if (!line) continue;
    const [, , uid, gid] = line.split(':');
    if (Number(uid) !== 0) return { name, uid: Number(uid), gid: Number(gid) };
  }
  throw new Error('running as root and no unprivileged user (postgres, nobody) to run the cluster as');
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

class Cluster {
  constructor(bin, dir, owner) {
    this.bin = bin;
    this.dir = dir;
    this.owner = owner;
    this.data = path.join(dir, 'data');
    this.socketDir = path.join(dir, 'socket');
    this.log = path.join(dir, 'postgres.log');
    this.port = 0;
    this.started = false;
    this.onExit = () => this.stopSync();
    this.onSignal = (signal) => {
      this.stopSync();
      process.kill(process.pid, signal);
    };
  }

  get url() {
    return `postgres://${SUPERUSER}@127.0.0.1:${this.port}/postgres`;
  }

  run(file, args) {
    const res = spawnSync(file, args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', HOME: this.dir },
      ...(this.owner ? { uid: this.owner.uid, gid: this.owner.gid } : {}),
    });
    if (res.error) throw res.error;
    if (res.status !== 0) {
      const err = new Error(`${path.basename(file)} exited with ${res.status}`);
      err.stderr = `${res.stderr}\n${readTail(this.log)}`;
      throw err;
    }
    return res.stdout;
  }

  async start() {
    fs.mkdirSync(this.socketDir);
    if (this.owner) {
      for (const p of [this.dir, this.socketDir]) fs.chownSync(p, this.owner.uid, this.owner.gid);
    }
    this.run(this.bin.initdb, [
      '-D',
      this.data,
      '-U',
      SUPERUSER,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    process.once('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    // A free port can be taken between our probe and postgres' bind: try a few.
    for (let attempt = 0; ; attempt++) {
      this.port = await freePort();
      const options = [
        `-p ${this.port}`,
        "-c listen_addresses='127.0.0.1'",
        `-k ${this.socketDir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=400',
        '-c shared_buffers=64MB',
      ].join(' ');
      try {
        this.run(this.bin.pgCtl, ['-D', this.data, '-l', this.log, '-o', options, '-w', '-t', '60', 'start']);
        this.started = true;
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }

  /** Synchronous so it also runs from process.on('exit'). */
  stopSync() {
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    if (this.started) {
      this.started = false;
      try {
        this.run(this.bin.pgCtl, ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
      } catch {}
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function readTail(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

// `node scripts/postgres.mjs` starts a cluster, prints its URL, and keeps it until Ctrl-C.
if (import.meta.url === `file://${process.argv[1]}`) {
  const pg = await startTestPostgres();
  if (!pg) process.exit(1);
  console.log(pg.url);
  setInterval(() => {}, 1 << 30);
}
