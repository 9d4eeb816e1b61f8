/**
 * Long-lived `git cat-file --batch` / `--batch-check` processes, so object reads cost a pipe write,
 * not a process. One process per (repository, mode) answers requests in order (a FIFO of pending
 * reads, pipelined); the pool holds at most `maxProcesses`, closes idle ones after `idleTimeoutMs`,
 * evicts the least recently used idle one when full, and queues callers when every slot is busy.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawnGit, userArg } from './command.js';
import { GitCommandError, GitOutputTooLargeError, GitTimeoutError } from './errors.js';
import type { GitObject, ObjectType } from './objects.js';

export type CatFileMode = 'batch' | 'batch-check';

interface Pending {
  spec: string;
  resolve: (obj: GitObject | null) => void;
  reject: (err: Error) => void;
}

const OBJECT_TYPES = new Set(['blob', 'tree', 'commit', 'tag']);

class CatFileProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private header = Buffer.alloc(0);
  private body: { obj: GitObject; target: Buffer; filled: number } | null = null;
  private skipNewline = false;
  private dead = false;
  private requestTimer: NodeJS.Timeout | null = null;
  lastUsed = Date.now();
  onIdle: () => void = () => {};
  onExit: () => void = () => {};

  constructor(
    readonly repo: string,
    readonly mode: CatFileMode,
    private readonly requestTimeoutMs: number,
    private readonly maxObjectBytes: number,
  ) {
    this.child = spawnGit(['cat-file', `--${mode}`], { repo });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stdin.on('error', () => {});
    const stderr: Buffer[] = [];
    this.child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 16) stderr.push(c);
    });
    this.child.on('close', (code) => {
      this.fail(new GitCommandError('cat-file', code, Buffer.concat(stderr).toString('utf8')));
    });
    this.child.on('error', (err) => this.fail(err));
  }

  get busy(): boolean {
    return this.pending.length > 0;
  }

  get alive(): boolean {
    return !this.dead;
  }

  request(spec: string): Promise<GitObject | null> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(new GitCommandError('cat-file', null, 'process has exited'));
      this.pending.push({ spec, resolve, reject });
      this.lastUsed = Date.now();
      this.armTimer();
      this.child.stdin.write(`${spec}\n`);
    });
  }

  close(): void {
    if (this.dead) return;
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    this.fail(new GitCommandError('cat-file', null, 'closed'));
  }

  private armTimer(): void {
    if (this.requestTimer) clearTimeout(this.requestTimer);
    this.requestTimer = null;
    if (this.pending.length === 0) return;
    this.requestTimer = setTimeout(() => {
      const err = new GitTimeoutError('cat-file', this.requestTimeoutMs);
      this.child.kill('SIGKILL');
      this.fail(err);
    }, this.requestTimeoutMs);
    this.requestTimer.unref();
  }

  private fail(err: Error): void {
    if (this.requestTimer) clearTimeout(this.requestTimer);
    const wasDead = this.dead;
    this.dead = true;
    for (const p of this.pending.splice(0)) p.reject(err);
    if (!wasDead) this.onExit();
  }

  private settle(obj: GitObject | null): void {
    const p = this.pending.shift();
    p?.resolve(obj);
    this.lastUsed = Date.now();
    this.armTimer();
    if (this.pending.length === 0) this.onIdle();
  }

  private onData(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0 && !this.dead) {
      if (this.skipNewline) {
        this.skipNewline = false;
        data = data.subarray(1);
        continue;
      }
      if (this.body) {
        const b = this.body;
        const n = Math.min(b.target.length - b.filled, data.length);
        data.copy(b.target, b.filled, 0, n);
        b.filled += n;
        data = data.subarray(n);
        if (b.filled === b.target.length) {
          this.body = null;
          this.skipNewline = true;
          this.settle({ ...b.obj, data: b.target });
        }
        continue;
      }
      const nl = data.indexOf(0x0a);
      if (nl === -1) {
        this.header = Buffer.concat([this.header, data]);
        return;
      }
      const line = Buffer.concat([this.header, data.subarray(0, nl)]).toString('utf8');
      this.header = Buffer.alloc(0);
      data = data.subarray(nl + 1);
      this.onHeader(line);
    }
  }

  private onHeader(line: string): void {
    // "<oid> <type> <size>", or "<spec> missing" / "<spec> ambiguous"
    const parts = line.split(' ');
    const size = Number(parts[2]);
    if (parts.length !== 3 || !OBJECT_TYPES.has(parts[1]!) || !Number.isSafeInteger(size)) {
      this.settle(null);
      return;
    }
    const obj: GitObject = { oid: parts[0]!, type: parts[1] as ObjectType, size };
    if (this.mode === 'batch-check') {
      this.settle(obj);
      return;
    }
    if (size > this.maxObjectBytes) {
      // The process would have to stream it all before the next answer: give up on it.
      const p = this.pending.shift();
      p?.reject(new GitOutputTooLargeError('cat-file', this.maxObjectBytes));
      this.child.kill('SIGKILL');
      this.fail(new GitCommandError('cat-file', null, 'object too large'));
      return;
    }
    this.body = { obj, target: Buffer.allocUnsafe(size), filled: 0 };
    if (size === 0) {
      this.body = null;
      this.skipNewline = true;
      this.settle({ ...obj, data: Buffer.alloc(0) });
    }
  }
}

export interface CatFilePoolOptions {
  maxProcesses?: number;
  idleTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Larger objects are refused by `read`; use `readBlob` with a size check or stream them. */
  maxObjectBytes?: number;
}

export class CatFilePool {
  private readonly procs = new Map<string, CatFileProcess>();
  private readonly waiters: Array<() => void> = [];
  private readonly maxProcesses: number;
  private readonly idleTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxObjectBytes: number;
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: CatFilePoolOptions = {}) {
    this.maxProcesses = opts.maxProcesses ?? 32;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.maxObjectBytes = opts.maxObjectBytes ?? 256 * 1024 * 1024;
  }

  /** How many processes are running now (for tests and metrics). */
  get size(): number {
    return this.procs.size;
  }

  /** Reads one object by any revision expression cat-file accepts (`<rev>`, `<rev>:<path>`, `<oid>^{tree}`). */
  async read(repo: string, spec: string): Promise<GitObject | null> {
    return (await this.send(repo, 'batch', [spec]))[0] ?? null;
  }

  /** Type and size only. */
  async info(repo: string, spec: string): Promise<GitObject | null> {
    return (await this.send(repo, 'batch-check', [spec]))[0] ?? null;
  }

  /** Reads many objects through one process, pipelined; answers in the order asked. */
  readMany(
    repo: string,
    specs: readonly string[],
    mode: CatFileMode = 'batch',
  ): Promise<(GitObject | null)[]> {
    return this.send(repo, mode, specs);
  }

  /** Stops every process of one repository (call before removing it). */
  closeRepository(repo: string): void {
    for (const [key, proc] of this.procs) {
      if (proc.repo === repo) {
        this.procs.delete(key);
        proc.close();
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const proc of this.procs.values()) proc.close();
    this.procs.clear();
    for (const w of this.waiters.splice(0)) w();
  }

  /** Picks (or starts) the process and writes the requests in the same tick, so it cannot be evicted between. */
  private async send(
    repo: string,
    mode: CatFileMode,
    specs: readonly string[],
  ): Promise<(GitObject | null)[]> {
    const checked = specs.map((s) => userArg(s, 'revision'));
    const key = `${mode}\0${repo}`;
    for (;;) {
      if (this.closed) throw new GitCommandError('cat-file', null, 'pool closed');
      let proc = this.procs.get(key);
      if (proc && !proc.alive) {
        this.procs.delete(key);
        proc = undefined;
      }
      if (proc) {
        this.procs.delete(key); // re-insert: Map order is the LRU order
        this.procs.set(key, proc);
      } else if (this.procs.size < this.maxProcesses || this.evictIdle()) {
        proc = this.start(key, repo, mode);
      }
      if (proc) {
        const p = proc;
        return Promise.all(checked.map((s) => p.request(s)));
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private start(key: string, repo: string, mode: CatFileMode): CatFileProcess {
    const proc = new CatFileProcess(repo, mode, this.requestTimeoutMs, this.maxObjectBytes);
    proc.onIdle = () => this.wakeOne();
    proc.onExit = () => {
      if (this.procs.get(key) === proc) this.procs.delete(key);
      this.wakeOne();
    };
    this.procs.set(key, proc);
    this.startSweeper();
    return proc;
  }

  private evictIdle(): boolean {
    for (const [key, proc] of this.procs) {
      if (!proc.busy) {
        this.procs.delete(key);
        proc.close();
        return true;
      }
    }
    return false;
  }

  private wakeOne(): void {
    this.waiters.shift()?.();
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    const every = Math.max(50, Math.min(this.idleTimeoutMs / 2, 10_000));
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const [key, proc] of this.procs) {
        if (!proc.busy && now - proc.lastUsed >= this.idleTimeoutMs) {
          this.procs.delete(key);
          proc.close();
        }
      }
      if (this.procs.size === 0 && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = null;
      }
    }, every);
    this.sweeper.unref();
  }
}
