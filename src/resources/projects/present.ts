import type { Db } from '../../db/connection.js';
import { inOneSnapshot, preparedQuery, preparedRows } from '../../db/prepared.js';
import { DerivedCache } from '../../db/read_cache.js';
import type { User } from '../../http/auth.js';
import { projectSubjects } from '../../http/lookups.js';
import { can } from '../../permissions/index.js';
import type { Project, ProjectSubject } from '../../permissions/projects.js';
import type { ProjectView } from './entity.js';

/**
 * Loads what a page of project entities needs, one query per relation (never one per row):
 * namespaces and access levels, topics, fork counts, owners, group shares, forked-from projects.
 */
/** The relations of one project, compiled once (GET /projects/:id and every single-project answer). */
const topicsOf = preparedRows(
  (db: Db, id: number) =>
    db.selectFrom('project_topics').select('name').where('project_id', '=', id).orderBy('name'),
  [-90_001],
);
const forksCountOf = preparedQuery(
  (db: Db, id: number) =>
    db
      .selectFrom('projects')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('forked_from_project_id', '=', id),
  [-90_001],
);
const sharesOf = preparedRows(
  (db: Db, id: number) =>
    db
      .selectFrom('project_group_links as l')
      .innerJoin('namespaces as n', 'n.id', 'l.group_id')
      .select(['l.group_access', 'l.expires_at', 'n.id', 'n.name', 'n.full_path'])
      .where('l.project_id', '=', id)
      .orderBy('l.id'),
  [-90_001],
);
const userById = preparedQuery(
  (db: Db, id: number) => db.selectFrom('users').selectAll().where('id', '=', id),
  [-90_001],
);

/**
 * One project's view for a viewer, remembered on its subject while that is cached (findProject).
 * A fresh or changed subject (an update answering itself) is another object and loads afresh.
 */
const views = new DerivedCache<ProjectView>();

function projectView(db: Db, viewer: User | null, subject: ProjectSubject): Promise<ProjectView> {
  return views.read(subject, String(viewer?.id ?? 0), () => loadProjectView(db, viewer, subject));
}

async function loadProjectView(db: Db, viewer: User | null, subject: ProjectSubject): Promise<ProjectView> {
  const p = subject.project;
  const ownerId = subject.namespace.type === 'User' ? subject.namespace.owner_id : null;
  const [topics, forks, shares, owner, forkedFrom] = await Promise.all(
    inOneSnapshot(
      db,
      () =>
        [
          topicsOf(db, p.id),
          forksCountOf(db, p.id),
          sharesOf(db, p.id),
          ownerId !== null ? userById(db, ownerId) : undefined,
          p.forked_from_project_id !== null ? forkSource(db, viewer, p.forked_from_project_id) : null,
        ] as const,
    ),
  );
  return {
    subject,
    topics: topics.map((t) => t.name),
    forksCount: Number(forks?.n ?? 0),
    owner: owner ?? null,
    sharedWith: shares.map((s) => ({
      group_id: s.id,
      group_name: s.name,
      group_full_path: s.full_path,
      group_access_level: s.group_access,
      expires_at: s.expires_at,
    })),
    forkedFrom,
    // gitlab-compat: issues arrive with the issues resource; the count is 0 until then.
    openIssuesCount: 0,
  };
}

/** The project a fork came from, as the viewer may see it (null when hidden or gone). */
async function forkSource(db: Db, viewer: User | null, id: number): Promise<ProjectView | null> {
  const sources = await db.selectFrom('projects').selectAll().where('id', '=', id).execute();
  const subjects = (await projectSubjects(db, viewer, sources)).filter((s) => can(viewer, 'read_project', s));
  const [view] = await projectViews(db, viewer, subjects, 1);
  return view ?? null;
}

export async function projectViews(
  db: Db,
  viewer: User | null,
  subjects: ProjectSubject[],
  depth = 0,
): Promise<ProjectView[]> {
  if (subjects.length === 0) return [];
  if (subjects.length === 1 && depth === 0) return [await projectView(db, viewer, subjects[0]!)];
  const ids = subjects.map((s) => s.project.id);
  const ownerIds = [
    ...new Set(
      subjects
        .filter((s) => s.namespace.type === 'User' && s.namespace.owner_id !== null)
        .map((s) => s.namespace.owner_id!),
    ),
  ];
  const forkSourceIds = [
    ...new Set(subjects.map((s) => s.project.forked_from_project_id).filter((x): x is number => x !== null)),
  ];
  const [topics, forks, owners, shares, sources] = await Promise.all([
    db
      .selectFrom('project_topics')
      .select(['project_id', 'name'])
      .where('project_id', 'in', ids)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('projects')
      .select(['forked_from_project_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('forked_from_project_id', 'in', ids)
      .groupBy('forked_from_project_id')
      .execute(),
    ownerIds.length
      ? db.selectFrom('users').selectAll().where('id', 'in', ownerIds).execute()
      : Promise.resolve([]),
    db
      .selectFrom('project_group_links as l')
      .innerJoin('namespaces as n', 'n.id', 'l.group_id')
      .select(['l.project_id', 'l.group_access', 'l.expires_at', 'n.id', 'n.name', 'n.full_path'])
      .where('l.project_id', 'in', ids)
      .orderBy('l.id')
      .execute(),
    depth === 0 && forkSourceIds.length
      ? db.selectFrom('projects').selectAll().where('id', 'in', forkSourceIds).execute()
      : Promise.resolve([] as Project[]),
  ]);
  const topicsBy = group(topics, (t) => t.project_id);
  const forksBy = new Map(forks.map((f) => [f.forked_from_project_id!, Number(f.n)]));
  const ownersBy = new Map(owners.map((u) => [u.id, u]));
  const sharesBy = group(shares, (s) => s.project_id);
  const sourceViews = new Map<number, ProjectView>();
  if (sources.length > 0) {
    const srcSubjects = (await projectSubjects(db, viewer, sources)).filter((s) =>
      can(viewer, 'read_project', s),
    );
    for (const v of await projectViews(db, viewer, srcSubjects, depth + 1))
      sourceViews.set(v.subject.project.id, v);
  }
  return subjects.map((subject) => {
    const p = subject.project;
    return {
      subject,
      topics: (topicsBy.get(p.id) ?? []).map((t) => t.name),
      forksCount: forksBy.get(p.id) ?? 0,
      owner: subject.namespace.owner_id !== null ? (ownersBy.get(subject.namespace.owner_id) ?? null) : null,
      sharedWith: (sharesBy.get(p.id) ?? []).map((s) => ({
        group_id: s.id,
        group_name: s.name,
        group_full_path: s.full_path,
        group_access_level: s.group_access,
        expires_at: s.expires_at,
      })),
      forkedFrom:
        p.forked_from_project_id !== null ? (sourceViews.get(p.forked_from_project_id) ?? null) : null,
      // gitlab-compat: issues arrive with the issues resource; the count is 0 until then.
      openIssuesCount: 0,
    };
  });
}

function group<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k) ?? [];
    list.push(r);
    out.set(k, list);
  }
  return out;
}
