import { invalidParams } from './errors.js';

// ---- Nested parameters (C51) --------------------------------------------------------------------
// Query strings and form bodies nest as Rack nests them: a[]=1&a[]=2 → {a:["1","2"]},
// h[k]=v → {h:{k:"v"}}, v[][key]=x&v[][value]=y → {v:[{key:"x",value:"y"}]}, v[0][key]=x → {v:{"0":{key:"x"}}}
// (turned into an array by array params). A literal "+" is a space; "%2B" is a plus (C53).

export type Params = Record<string, unknown>;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;

export function decodeComponent(s: string): string {
  const spaced = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Parses `a=1&b[]=2` into nested params; returns pairs too, for rebuilding Link URLs. */
export function parseNestedQuery(qs: string): Params {
  return nestPairs(splitQuery(qs));
}

export function splitQuery(qs: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (!qs) return pairs;
  for (const part of qs.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1));
    pairs.push([name, value]);
  }
  return pairs;
}

export function nestPairs(pairs: Iterable<readonly [string, unknown]>): Params {
  const params: Params = {};
  for (const [name, value] of pairs) normalize(params, name, value, 0);
  return params;
}

function normalize(params: Params, name: string, value: unknown, depth: number): Params {
  if (depth > MAX_DEPTH) return params;
  let key: string;
  let after: string;
  if (depth === 0) {
    const start = name.indexOf('[', 1);
    key = start === -1 ? name : name.slice(0, start);
    after = start === -1 ? '' : name.slice(start);
  } else if (name.startsWith('[]')) {
    key = '[]';
    after = name.slice(2);
  } else if (name.startsWith('[') && name.indexOf(']', 1) !== -1) {
    const end = name.indexOf(']', 1);
    key = name.slice(1, end);
    after = name.slice(end + 1);
  } else {
    key = name;
    after = '';
  }
  if (!key || FORBIDDEN_KEYS.has(key)) return params;

  if (after === '') {
    params[key] = value;
  } else if (after === '[') {
    params[name] = value;
  } else if (after === '[]') {
    const list = Array.isArray(params[key]) ? (params[key] as unknown[]) : [];
    list.push(value);
    params[key] = list;
  } else if (after.startsWith('[]')) {
    const simple = /^\[\]\[([^[\]]+)\]$/.exec(after);
    const childKey = simple ? simple[1]! : after.slice(2);
    const list = Array.isArray(params[key]) ? (params[key] as unknown[]) : [];
    const last = list[list.length - 1];
    const topKey = childKey.startsWith('[')
      ? childKey.slice(1, childKey.indexOf(']'))
      : childKey.split('[')[0]!;
    if (isPlainObject(last) && !(topKey in last)) normalize(last, childKey, value, depth + 1);
    else list.push(normalize({}, childKey, value, depth + 1));
    params[key] = list;
  } else {
    const child = isPlainObject(params[key]) ? (params[key] as Params) : {};
    params[key] = normalize(child, after, value, depth + 1);
  }
  return params;
}

export function isPlainObject(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

// ---- Declared parameters ------------------------------------------------------------------------
// One schema per endpoint, checked against path + query + body merged. Undeclared keys are dropped
// (C56). Failures answer as Grape does: "x is missing", "x is invalid", "x does not have a valid
// value", joined with ", " (C21).

const INVALID: unique symbol = Symbol('invalid');
type Coerce<T> = (raw: unknown) => T | typeof INVALID;

export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

export class Param<T, Req extends boolean = false> {
  constructor(
    readonly coerce: Coerce<T>,
    readonly isRequired: Req = false as Req,
    readonly defaultValue: T | undefined = undefined,
    readonly allowed: ((v: T) => boolean) | undefined = undefined,
  ) {}

  required(): Param<T, true> {
    return new Param<T, true>(this.coerce, true, this.defaultValue, this.allowed);
  }

  /** A value used when the parameter is absent; the parameter then always has a value. */
  default(value: T): Param<T, true> {
    return new Param<T, true>(this.coerce, false as true, value, this.allowed);
  }

  /** Grape's `values:`; anything else answers "x does not have a valid value". */
  values(list: readonly T[]): Param<T, Req> {
    return new Param<T, Req>(this.coerce, this.isRequired, this.defaultValue, (v) => list.includes(v));
  }

  check(predicate: (v: T) => boolean): Param<T, Req> {
    return new Param<T, Req>(this.coerce, this.isRequired, this.defaultValue, predicate);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: a shape holds params of every value type
export type Shape = Record<string, Param<any, boolean>>;
export type Infer<S extends Shape> = {
  [K in keyof S]: S[K] extends Param<infer T, infer R> ? (R extends true ? T : T | undefined) : never;
};

const TRUE = new Set(['true', 't', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'f', '0', 'no', 'n', 'off']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function scalar(v: unknown): string | typeof INVALID {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return INVALID;
}

/** Grape coerces a single value into a one-element array and a hash with index keys into an array. */
function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k)))
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => v[k]);
  }
  return [v];
}

export const p = {
  string: () => new Param<string>((v) => scalar(v)),

  integer: () =>
    new Param<number>((v) => {
      if (typeof v === 'number') return Number.isSafeInteger(v) ? v : INVALID;
      if (typeof v === 'string' && /^\s*[-+]?\d{1,15}\s*$/.test(v)) return Number.parseInt(v, 10);
      return INVALID;
    }),

  /** true/false, 1/0, t/f, yes/no, on/off (C55). */
  boolean: () =>
    new Param<boolean>((v) => {
      if (typeof v === 'boolean') return v;
      const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim().toLowerCase() : null;
      if (s !== null && TRUE.has(s)) return true;
      if (s !== null && FALSE.has(s)) return false;
      return INVALID;
    }),

  /** An ISO 8601 time, normalized to UTC with milliseconds (C53: "+" arrives as %2B). */
  datetime: () =>
    new Param<string>((v) => {
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v.trim())) return INVALID;
      const t = Date.parse(v.trim());
      return Number.isNaN(t) ? INVALID : new Date(t).toISOString();
    }),

  /** A calendar date, YYYY-MM-DD. */
  date: () =>
    new Param<string>((v) => {
      if (typeof v !== 'string' || !ISO_DATE.test(v)) return INVALID;
      const t = Date.parse(`${v}T00:00:00Z`);
      return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v ? INVALID : v;
    }),

  /** A project or group id, or its URL-encoded full path (C52). */
  idOrPath: () =>
    new Param<string>((v) =>
      typeof v === 'number' ? String(v) : typeof v === 'string' && v !== '' ? v : INVALID,
    ),

  array: <T>(of: Param<T, boolean>, opts: { commaSeparated?: boolean } = {}) =>
    new Param<T[]>((v) => {
      if (v === '' || v === null) return [];
      const items =
        opts.commaSeparated && typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : asList(v);
      const out: T[] = [];
      for (const item of items) {
        const c = of.coerce(item);
        if (c === INVALID) return INVALID;
        out.push(c);
      }
      return out;
    }),

  hash: () => new Param<Params>((v) => (isPlainObject(v) ? v : INVALID)),

  file: () =>
    new Param<UploadedFile>((v) =>
      isPlainObject(v) && Buffer.isBuffer((v as { data?: unknown }).data)
        ? (v as unknown as UploadedFile)
        : INVALID,
    ),
};

/** Checks `input` against `shape`; throws GitLab's 400 with every failure named, in declared order. */
export function parseParams<S extends Shape>(shape: S, input: Params): Infer<S> {
  const out: Params = {};
  const errors: string[] = [];
  for (const [name, param] of Object.entries(shape)) {
    const raw = input[name];
    if (raw === undefined || (raw === null && param.isRequired)) {
      if (param.defaultValue !== undefined) out[name] = param.defaultValue;
      else if (param.isRequired) errors.push(`${name} is missing`);
      continue;
    }
    if (raw === null) {
      out[name] = null;
      continue;
    }
    const value = param.coerce(raw);
    if (value === INVALID) {
      errors.push(`${name} is invalid`);
      continue;
    }
    if (param.allowed && !param.allowed(value)) {
      errors.push(`${name} does not have a valid value`);
      continue;
    }
    out[name] = value;
  }
  if (errors.length > 0) throw invalidParams(errors);
  return out as Infer<S>;
}
