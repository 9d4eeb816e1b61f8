// `labforge serve --workers N` under load, a worker killed mid-burst, and draining on SIGTERM.
// Runs on both databases. Writes are POST /users as root (or, until the users API has it,
// POST /users/1/personal_access_tokens): projects and issues do not exist yet.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  childPids,
  createRecord,
  createSite,
  type Instance,
  type Site,
  serve,
  storedIds,
  testDatabase,
  type WriteResult,
} from './multiprocess-support.js';

const SECONDS = Number(process.env.LABFORGE_MP_SECONDS ?? 5);
const CLIENTS = 12;

/** CLIENTS loops creating records until `until()` says stop; every answer is kept. */
async function burst(url: string, token: string, prefix: string, until: () => boolean) {
  const results: WriteResult[] = [];
  let n = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (!until()) {
        const key = `${prefix}${n++}`;
        results.push(
          await createRecord(url, token, key).catch(() => ({ status: 0, id: null, key }) as WriteResult),
        );
      }
    }),
  );
  return results;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`serve --workers 2 (${testDatabase})`, () => {
  const sites: Site[] = [];
  const instances: Instance[] = [];
  after(async () => {
    for (const i of instances) await i.stop();
    for (const s of sites) await s.dispose();
  });

  it('answers every concurrent create 201 exactly once with unique ids, drains on SIGTERM, and keeps everything across a restart (C20, C32)', async () => {
    const site = await createSite();
    sites.push(site);
    const a = await serve(site, { workers: 2 });
    instances.push(a);
    assert.equal(childPids(a.child.pid!).length, 2, 'two workers');
    // The primary printed the sign-in lines once.
    assert.equal(a.output().match(/labforge is serving/g)?.length, 1, a.output());

    const deadline = Date.now() + SECONDS * 1000;
    const results = await burst(a.url, site.rootToken, 'mp', () => Date.now() > deadline);
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    assert.deepEqual([...statuses.keys()], [201], `statuses: ${JSON.stringify([...statuses])}`);
    const ids = results.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    console.log(`# ${results.length} creates in ${SECONDS}s through 2 workers on ${testDatabase}`);

    const exit = await a.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, a.output());

    const b = await serve(site, { workers: 2 });
    instances.push(b);
    const stored = await storedIds(
      site,
      results.map((r) => r.key),
    );
    for (const r of results) assert.equal(stored.get(r.key), r.id, `${r.key} kept`);
    // The restarted server still knows root (and the token from the first start).
    const me = await fetch(`${b.url}/api/v4/user`, { headers: { 'private-token': site.rootToken } });
    assert.equal(me.status, 200);
    assert.deepEqual(await b.stop(), { code: 0, signal: null });
  });

  it('restarts a worker killed with SIGKILL mid-burst; every create that got a 2xx is in the database', async () => {
    const site = await createSite();
    sites.push(site);
    const a = await serve(site, { workers: 2 });
    instances.push(a);
    const primary = a.child.pid!;
    const before = childPids(primary);
    assert.equal(before.length, 2);

    let killedAt = 0;
    const deadline = Date.now() + Math.max(3, SECONDS - 1) * 1000;
    const killer = (async () => {
      await sleep(800);
      process.kill(before[0]!, 'SIGKILL');
      killedAt = Date.now();
    })();
    const results = await burst(a.url, site.rootToken, 'crash', () => Date.now() > deadline);
    await killer;

    // The supervisor started a replacement.
    let now = childPids(primary);
    for (let i = 0; i < 50 && (now.length < 2 || now.includes(before[0]!)); i++) {
      await sleep(100);
      now = childPids(primary);
    }
    assert.equal(now.length, 2, a.output());
    assert.ok(!now.includes(before[0]!));
    assert.match(a.output(), new RegExp(`worker ${before[0]} exited \\(SIGKILL\\); starting another`));

    const ok = results.filter((r) => r.status >= 200 && r.status < 300);
    const bad = results.filter((r) => r.status >= 500);
    // Requests on the killed worker's connections fail (status 0: no answer); none answers 5xx.
    assert.deepEqual(bad, []);
    assert.ok(ok.length > 0);
    assert.ok(killedAt > 0);
    const stored = await storedIds(
      site,
      ok.map((r) => r.key),
    );
    for (const r of ok) assert.equal(stored.get(r.key), r.id, `${r.key} (answered ${r.status}) is stored`);
    // And the forge keeps answering after the crash.
    const after = await createRecord(a.url, site.rootToken, `after${Date.now()}`);
    assert.equal(after.status, 201);
    console.log(
      `# ${ok.length} creates answered 2xx, ${results.length - ok.length} cut off by the SIGKILL (${testDatabase})`,
    );
    assert.deepEqual(await a.stop(), { code: 0, signal: null });
  });
});
