/**
 * Git's smart HTTP protocol as three stream functions, so the HTTP layer only authenticates,
 * sets the status and headers, and hands over the request body and the response:
 * - `advertiseRefs` for `GET info/refs?service=git-upload-pack|git-receive-pack`
 * - `uploadPack` for `POST git-upload-pack` (clone, fetch; protocol v0 and v2)
 * - `receivePack` for `POST git-receive-pack` (push), with a pre-receive check: the ref updates
 *   are parsed from the request before git sees it, and a refused push is answered with a
 *   proper report-status (`! [remote rejected] … (pre-receive hook declined)`) without running
 *   receive-pack, so nothing is written.
 */
import path from 'node:path';
import { type Readable, Transform, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';
import { spawnGit } from './command.js';
import { GitError, InvalidArgumentError } from './errors.js';
import { labforgeHooksPath, NO_FORCE_PUSH_ENV, NO_FORCE_PUSH_MESSAGE_ENV } from './hooks.js';
import { OID_PATTERN, ZERO_OID } from './objects.js';
import { FLUSH, pktLine, readPkt, sideBand } from './pktline.js';
import { isValidRefName, readRefs } from './refs.js';

export type GitService = 'git-upload-pack' | 'git-receive-pack';

export const GIT_SERVICES: readonly GitService[] = ['git-upload-pack', 'git-receive-pack'];

export function isGitService(s: unknown): s is GitService {
  return s === 'git-upload-pack' || s === 'git-receive-pack';
}

/** The Content-Type of an answer: `application/x-git-upload-pack-advertisement`, `…-result`. */
export function smartHttpContentType(service: GitService, kind: 'advertisement' | 'result'): string {
  return `application/x-${service}-${kind}`;
}

/** Headers every smart-HTTP answer carries besides the content type (git-http-backend's). */
export const SMART_HTTP_NO_CACHE_HEADERS: Readonly<Record<string, string>> = {
  Expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
  Pragma: 'no-cache',
  'Cache-Control': 'no-cache, max-age=0, must-revalidate',
};

export interface SmartHttpOptions {
  /** The client's `Git-Protocol` header; only `version=2` is passed on to git. */
  gitProtocol?: string | null;
  /** The request's `Content-Encoding` header (`gzip` and `deflate` are decoded). */
  contentEncoding?: string | null;
  /** Kill git after this long (default 30 minutes). */
  timeoutMs?: number;
}

export interface SmartHttpResult {
  exitCode: number | null;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const MAX_COMMAND_SECTION = 4 * 1024 * 1024;
/** Push options kept from one push (more, or longer ones, are ignored). */
export const MAX_PUSH_OPTIONS = 100;
const MAX_PUSH_OPTION_BYTES = 4096;
/** receive-pack advertises `push-options` only with this set; never from user input. */
const PUSH_OPTIONS_CONFIG = 'receive.advertisePushOptions=true';

/** Only `version=2` crosses to git: nothing else from a client header reaches its environment. */
export function protocolEnv(header: string | null | undefined): Record<string, string> {
  const wantsV2 = (header ?? '')
    .split(':')
    .map((s) => s.trim())
    .includes('version=2');
  return wantsV2 ? { GIT_PROTOCOL: 'version=2' } : {};
}

function serviceArgs(service: GitService, repo: string, advertise: boolean): string[] {
  if (!path.isAbsolute(repo)) throw new InvalidArgumentError(repo, 'repository path');
  const sub = service === 'git-upload-pack' ? 'upload-pack' : 'receive-pack';
  const args = [sub, '--stateless-rpc'];
  if (advertise) args.push('--advertise-refs');
  // upload-pack takes `--strict` so it never looks for <repo>/.git; the path is ours, after `--`.
  if (sub === 'upload-pack') args.push('--strict');
  args.push('--', repo);
  return args;
}

function decoded(body: Readable, encoding: string | null | undefined): Readable {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip' && enc !== 'deflate')
    throw new GitError(`unsupported content encoding ${enc}`);
  const inflate = enc === 'deflate' ? zlib.createInflate() : zlib.createGunzip();
  // A client that goes away, or a corrupt body, ends the git process instead of crashing.
  body.on('error', (err) => inflate.destroy(err));
  return body.pipe(inflate);
}

interface RunParams {
  args: string[];
  env: Record<string, string>;
  config?: string[];
  timeoutMs: number;
  /** Bytes already read from the body, written first. */
  prefix?: Buffer;
  body?: Readable;
  out: Writable;
}

/** Passes everything through but the last 4 bytes, kept in `tail` (receive-pack's closing flush). */
class HoldTail extends Transform {
  tail: Buffer = Buffer.alloc(0);
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void) {
    const all = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const keep = Math.min(4, all.length);
    this.tail = all.subarray(all.length - keep);
    cb(null, all.length > keep ? all.subarray(0, all.length - keep) : undefined);
  }
}

function runService(p: RunParams): Promise<SmartHttpResult> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(p.args, { env: p.env, config: p.config, timeoutMs: p.timeoutMs });
    const stderr: Buffer[] = [];
    let stderrSize = 0;
    child.stderr.on('data', (c: Buffer) => {
      stderrSize += c.length;
      if (stderrSize < 64 * 1024) stderr.push(c);
    });
    child.stdin.on('error', () => {});
    child.stdout.pipe(p.out, { end: false });
    const abort = () => child.kill('SIGKILL');
    p.out.once('close', abort);
    p.body?.on('error', abort);
    if (p.prefix && p.prefix.length > 0) child.stdin.write(p.prefix);
    if (p.body && !p.body.readableEnded) p.body.pipe(child.stdin);
    else child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => {
      p.out.off('close', abort);
      resolve({ exitCode: code, stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

/**
 * `GET info/refs?service=…`: the ref advertisement. For protocol v0/v1 it starts with the
 * `# service=…` packet and a flush, as git-http-backend does; for v2 git writes the capability
 * advertisement alone. The caller sends the advertisement content type first.
 */
export async function advertiseRefs(
  repo: string,
  service: GitService,
  out: Writable,
  opts: SmartHttpOptions = {},
): Promise<SmartHttpResult> {
  const args = serviceArgs(service, repo, true);
  // receive-pack speaks only v0/v1: git's client never pushes over v2.
  const env = service === 'git-upload-pack' ? protocolEnv(opts.gitProtocol) : {};
  if (!env.GIT_PROTOCOL) out.write(Buffer.concat([pktLine(`# service=${service}\n`), FLUSH]));
  const result = await runService({
    args,
    env,
    config: service === 'git-receive-pack' ? [PUSH_OPTIONS_CONFIG] : [],
    timeoutMs: opts.timeoutMs ?? 60_000,
    out,
  });
  out.end();
  return result;
}

/** `POST git-upload-pack`: clone and fetch. */
export async function uploadPack(
  repo: string,
  body: Readable,
  out: Writable,
  opts: SmartHttpOptions = {},
): Promise<SmartHttpResult> {
  const result = await runService({
    args: serviceArgs('git-upload-pack', repo, false),
    env: protocolEnv(opts.gitProtocol),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    body: decoded(body, opts.contentEncoding),
    out,
  });
  out.end();
  return result;
}

/** One ref update a push asks for. */
export interface PushCommand {
  oldOid: string;
  newOid: string;
  ref: string;
  type: 'create' | 'update' | 'delete';
}

export interface PushRequest {
  commands: PushCommand[];
  capabilities: string[];
  pushOptions: string[];
}

/**
 * A pre-receive decision: refuse the whole push (as a failing pre-receive hook does) with a
 * message, or let it through. The check runs before the pack is received, so it cannot look at
 * the pushed commits; `noForcePush` lists the refs whose non-fast-forward updates labforge's own
 * pre-receive hook then refuses once the pack is in, with `message` (see hooks.ts).
 * gitlab-compat: checks that need the pushed objects beyond ancestry (file locks, push rules)
 * are not made.
 */
export type PushDecision =
  | { allow: true; noForcePush?: { refs: readonly string[]; message: string } }
  | { allow: false; message: string };

export type PushValidator = (push: PushRequest) => PushDecision | Promise<PushDecision>;

export interface ReceivePackOptions extends SmartHttpOptions {
  validate?: PushValidator;
  /**
   * Runs once git is done and the applied updates are known, before the answer ends (also when
   * nothing was applied). The text it answers reaches the pusher as `remote:` lines, after the
   * ref report, as a post-receive hook's output does (only when the client asked for side-band).
   */
  after?: (push: PushRequest, applied: PushCommand[]) => Promise<string | undefined>;
}

export interface ReceivePackResult extends SmartHttpResult {
  push: PushRequest;
  rejected: boolean;
  /** The commands git actually applied (the ref now holds newOid, or is gone for a delete): push events. */
  applied: PushCommand[];
}

export class MalformedPushError extends GitError {
  override name = 'MalformedPushError';
}

/**
 * Parses the command section of a push request: optional `shallow` lines, `<old> <new> <ref>\0<caps>`,
 * more commands, a flush, then push options (when negotiated) and a flush. Returns null while
 * more bytes are needed.
 */
export function parsePushCommands(buf: Buffer): PushRequest | null {
  const push: PushRequest = { commands: [], capabilities: [], pushOptions: [] };
  let offset = 0;
  let phase: 'commands' | 'options' = 'commands';
  for (;;) {
    let step: ReturnType<typeof readPkt>;
    try {
      step = readPkt(buf, offset);
    } catch {
      throw new MalformedPushError('malformed pkt-line');
    }
    if (!step) return null;
    offset = step.next;
    const { pkt } = step;
    if (phase === 'options') {
      if (pkt.kind === 'flush') return push;
      if (
        pkt.kind === 'data' &&
        pkt.data.length <= MAX_PUSH_OPTION_BYTES &&
        push.pushOptions.length < MAX_PUSH_OPTIONS
      )
        push.pushOptions.push(pkt.data.toString('utf8').replace(/\n$/, ''));
      continue;
    }
    if (pkt.kind === 'flush') {
      if (push.capabilities.includes('push-options') && push.commands.length > 0) phase = 'options';
      else return push;
      continue;
    }
    if (pkt.kind !== 'data') continue;
    let line = pkt.data.toString('utf8');
    const nul = line.indexOf('\0');
    if (nul !== -1) {
      push.capabilities = line
        .slice(nul + 1)
        .trim()
        .split(' ')
        .filter(Boolean);
      line = line.slice(0, nul);
    }
    line = line.replace(/\n$/, '');
    if (line.startsWith('shallow ')) continue;
    // "<old> SP <new> SP <ref>": the ref is the rest of the line, as receive-pack reads it
    const oldOid = line.slice(0, 40);
    const newOid = line.slice(41, 81);
    const ref = line.slice(82);
    if (
      line[40] !== ' ' ||
      line[81] !== ' ' ||
      !ref ||
      !OID_PATTERN.test(oldOid) ||
      !OID_PATTERN.test(newOid)
    ) {
      throw new MalformedPushError('malformed push command');
    }
    const type = oldOid === ZERO_OID ? 'create' : newOid === ZERO_OID ? 'delete' : 'update';
    push.commands.push({ oldOid, newOid, ref, type });
  }
}

/** Reads the body until the command section is complete; the stream is left paused after it. */
function readCommands(body: Readable): Promise<{ push: PushRequest; buffered: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const push = parsePushCommands(buf);
        if (push) {
          body.pause();
          cleanup();
          resolve({ push, buffered: buf });
        } else if (buf.length > MAX_COMMAND_SECTION) {
          throw new MalformedPushError('push command section too large');
        }
      } catch (err) {
        cleanup();
        reject(err);
      }
    };
    const onEnd = () => {
      cleanup();
      if (buf.length === 0)
        return resolve({ push: { commands: [], capabilities: [], pushOptions: [] }, buffered: buf });
      try {
        const push = parsePushCommands(buf);
        if (push) resolve({ push, buffered: buf });
        else reject(new MalformedPushError('push request ended early'));
      } catch (err) {
        reject(err);
      }
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
  });
}

/** receive-pack's report for a refused push, multiplexed on band 1 when the client asked for side-band. */
function rejectionReport(push: PushRequest, message: string): Buffer {
  const caps = push.capabilities;
  const wantsReport = caps.includes('report-status') || caps.includes('report-status-v2');
  const report = wantsReport
    ? Buffer.concat([
        pktLine('unpack ok\n'),
        ...push.commands.map((c) => pktLine(`ng ${c.ref} pre-receive hook declined\n`)),
        FLUSH,
      ])
    : Buffer.alloc(0);
  const sideBandCap = caps.includes('side-band-64k') || caps.includes('side-band');
  if (!sideBandCap) return report;
  const max = caps.includes('side-band-64k') ? 65515 : 999;
  const lines = message
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `${l}\n`)
    .join('');
  return Buffer.concat([
    lines ? sideBand(2, Buffer.from(lines, 'utf8'), max) : Buffer.alloc(0),
    report.length ? sideBand(1, report, max) : Buffer.alloc(0),
    FLUSH,
  ]);
}

async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream) {
    // discard the pack of a refused push
  }
}

/**
 * `POST git-receive-pack`: push. The validator sees every ref update (and push options) before
 * git does; refusing answers the client with the message on the progress band and every ref
 * `pre-receive hook declined`. Ref names git would refuse are refused here too.
 */
export async function receivePack(
  repo: string,
  body: Readable,
  out: Writable,
  opts: ReceivePackOptions = {},
): Promise<ReceivePackResult> {
  const args = serviceArgs('git-receive-pack', repo, false);
  const input = decoded(body, opts.contentEncoding);
  const { push, buffered } = await readCommands(input);
  let decision: PushDecision = { allow: true };
  const badRef = push.commands.find((c) => !isValidRefName(c.ref) || !c.ref.startsWith('refs/'));
  if (badRef) decision = { allow: false, message: `Invalid reference name: ${badRef.ref.slice(0, 200)}` };
  else if (opts.validate && push.commands.length > 0) decision = await opts.validate(push);
  if (!decision.allow) {
    out.end(rejectionReport(push, decision.message));
    await drain(input).catch(() => {});
    return { exitCode: null, stderr: '', push, rejected: true, applied: [] };
  }
  const guarded = decision.noForcePush?.refs.length ? decision.noForcePush : null;
  const caps = push.capabilities;
  const band = caps.includes('side-band-64k') ? 65515 : caps.includes('side-band') ? 999 : 0;
  const hold = new HoldTail();
  hold.pipe(out, { end: false });
  const abandon = () => hold.destroy();
  out.once('close', abandon);
  const config = [PUSH_OPTIONS_CONFIG];
  if (guarded) config.push(`core.hooksPath=${labforgeHooksPath()}`);
  const result = await runService({
    args,
    env: guarded
      ? {
          [NO_FORCE_PUSH_ENV]: guarded.refs.join('\n'),
          [NO_FORCE_PUSH_MESSAGE_ENV]: guarded.message,
        }
      : {},
    config,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    prefix: buffered,
    body: input,
    out: hold,
  });
  hold.end();
  await finished(hold).catch(() => {});
  let message: string | undefined;
  try {
    const now = await readRefs(
      repo,
      push.commands.map((c) => c.ref),
    );
    const applied = push.commands.filter((c) => (now.get(c.ref) ?? ZERO_OID) === c.newOid);
    message = opts.after ? await opts.after(push, applied) : undefined;
    return { ...result, push, rejected: false, applied };
  } finally {
    out.off('close', abandon);
    const closing = band > 0 && hold.tail.equals(FLUSH);
    if (out.destroyed) {
      // the client went away: nothing to answer
    } else if (closing && message) {
      const lines = message
        .split('\n')
        .map((l) => `${l}\n`)
        .join('');
      out.write(sideBand(2, Buffer.from(lines, 'utf8'), band));
      out.end(hold.tail);
    } else {
      out.end(hold.tail);
    }
  }
}
