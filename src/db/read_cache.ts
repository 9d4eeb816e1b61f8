import type { Db } from './connection.js';
import { dataVersion } from './prepared.js';

/**
 * Per-process memory of hot reads (a token's user, a project with the caller's levels), kept only
 * while the database has not changed: a lookup first reads the data version (a pragma on SQLite,
 * the current snapshot on PostgreSQL), and any commit anywhere, by this process or another, empties
 * the cache. So an answer is never staler than one read from the database at the same moment, and
 * nothing else has to remember to invalidate it. Inside a transaction it only loads.
 *
 * Values are frozen when stored: a cached object is shared by every request that finds it.
 */
export class ReadCache<V> {
  #version: number | string = -1;
  readonly #entries = new Map<string, V>();

  /** capacity: entries; past it everything is dropped (a bound, not an LRU). */
  constructor(private readonly capacity = 2_000) {}

  async read(db: Db, key: string, load: () => Promise<V>): Promise<V> {
    const version = await dataVersion(db);
    if (version === null) return load();
    if (version !== this.#version) {
      this.#entries.clear();
      this.#version = version;
    }
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    // Read after the version: if something commits meanwhile the value is newer than the version it
    // is stored under, and the next lookup (seeing the newer version) drops it. Never the reverse.
    const value = await load();
    if (this.#version === version) {
      if (this.#entries.size >= this.capacity) this.#entries.clear();
      this.#entries.set(key, keep(value));
    }
    return value;
  }
}

/**
 * Values derived from something a ReadCache answered in this request (the caller's user, a
 * project), remembered on that object. No version read of its own: the object is only handed out
 * while the database is unchanged since it was read, and whatever is derived from it afterwards
 * is at least that recent. For anything else (a user found by sudo, a project just updated) it
 * only loads.
 */
export class DerivedCache<V> {
  #byOwner = new WeakMap<object, Map<string, V>>();
  #size = 0;

  /** capacity: entries across all owners; past it everything is dropped (a bound, not an LRU). */
  constructor(private readonly capacity = 2_000) {}

  async read(owner: object, key: string, load: () => Promise<V>): Promise<V> {
    if (!kept.has(owner)) return load();
    const hit = this.#byOwner.get(owner)?.get(key);
    if (hit !== undefined) return hit;
    const value = await load();
    if (this.#size >= this.capacity) {
      this.#byOwner = new WeakMap();
      this.#size = 0;
    }
    let entries = this.#byOwner.get(owner);
    if (!entries) {
      entries = new Map();
      this.#byOwner.set(owner, entries);
    }
    if (!entries.has(key)) this.#size++;
    entries.set(key, keep(value));
    return value;
  }
}

/** Every object a cache holds, all the way down: what DerivedCache may hang values on. */
const kept = new WeakSet<object>();

/** Freezes plain objects and arrays all the way down (rows, subjects: small trees, frozen once when stored). */
function keep<T>(value: T): T {
  if (value === null || typeof value !== 'object' || kept.has(value)) return value;
  Object.freeze(value);
  kept.add(value);
  for (const v of Object.values(value)) keep(v);
  return value;
}
