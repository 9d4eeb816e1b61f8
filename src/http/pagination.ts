import type { FastifyRequest } from 'fastify';
import { type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { readSettings } from '../resources/application_settings/settings.js';
import { type RouteContext, requestParams } from './endpoint.js';
import { ApiError } from './errors.js';
import { type Infer, p, parseParams, splitQuery } from './params.js';
import { requestApiUrl } from './urls.js';

/** Declared by every paginated list (C40). */
export const paginationParams = {
  page: p.integer(),
  per_page: p.integer(),
  pagination: p.string(),
  cursor: p.string(),
};

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;
/** Above this many records the totals are not counted (C42). */
export const COUNT_LIMIT = 10_000;

// biome-ignore lint/suspicious/noExplicitAny: the helpers work on any table's select query
type AnySelect<O> = SelectQueryBuilder<Database, any, O>;
type Ctx = Pick<RouteContext<unknown>, 'deps' | 'request' | 'reply'>;

function pageParams(ctx: Ctx) {
  const raw = parseParams(paginationParams, requestParams(ctx.request)) as Infer<typeof paginationParams>;
  const perPage =
    raw.per_page === undefined || raw.per_page < 1 ? DEFAULT_PER_PAGE : Math.min(raw.per_page, MAX_PER_PAGE);
  const page = raw.page === undefined || raw.page < 1 ? 1 : raw.page;
  return { page, perPage, keyset: raw.pagination === 'keyset', cursor: raw.cursor };
}

/** `true` when the request asks for keyset pagination (C44). */
export function wantsKeyset(ctx: Ctx): boolean {
  return pageParams(ctx).keyset;
}

/** The request's URL with some query parameters replaced, keys sorted as Rails' to_query sorts them. */
function linkUrl(deps: Deps, request: FastifyRequest, replace: Record<string, string>): string {
  const pairs = splitQuery(request.url.split('?')[1] ?? '').filter(
    ([k]) => !(k in replace) && k !== 'private_token' && k !== 'access_token',
  );
  for (const [k, v] of Object.entries(replace)) pairs.push([k, v]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const query = pairs
    .map(
      ([k, v]) =>
        `${encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(v)}`,
    )
    .join('&');
  return `${requestApiUrl(deps.config, request)}?${query}`;
}

/**
 * Offset pagination (C40–C42): runs the page query (one row extra, to know if a next page exists)
 * and, only when needed, a count capped at 10,001 rows so large collections stay cheap.
 */
export async function paginate<O>(
  ctx: Ctx,
  query: AnySelect<O>,
  opts: {
    keysetType?: string;
    /**
     * The rows the total counts, when a cheaper query finds the same rows as `query` (default
     * `query`), or the total when the caller knows it already, or a function answering either from
     * the page's rows (when the page query reads the total too).
     */
    count?: AnySelect<unknown> | number | ((rows: readonly O[]) => AnySelect<unknown> | number);
  } = {},
): Promise<O[]> {
  const { page, perPage } = pageParams(ctx);
  const offset = (page - 1) * perPage;
  if (opts.keysetType !== undefined && offset > 0) await checkOffsetLimit(ctx.deps, offset, opts.keysetType);
  const rows = await query
    .limit(perPage + 1)
    .offset(offset)
    .execute();
  const hasNext = rows.length > perPage;
  if (hasNext) rows.pop();

  let total: number | null;
  if (!hasNext && (rows.length > 0 || page === 1)) total = offset + rows.length;
  else {
    const count = typeof opts.count === 'function' ? opts.count(rows) : opts.count;
    total = typeof count === 'number' ? count : await countUpTo(ctx.deps, count ?? query, COUNT_LIMIT + 1);
  }
  if (total !== null && total > COUNT_LIMIT) total = null;

  const totalPages = total === null ? null : Math.max(1, Math.ceil(total / perPage));
  const { reply, request, deps } = ctx;
  const links: string[] = [];
  const link = (n: number, rel: string) =>
    links.push(`<${linkUrl(deps, request, { page: String(n), per_page: String(perPage) })}>; rel="${rel}"`);
  if (page > 1) link(page - 1, 'prev');
  if (hasNext) link(page + 1, 'next');
  link(1, 'first');
  if (totalPages !== null) link(totalPages, 'last');
  reply.header('link', links.join(', '));
  reply.header('x-next-page', hasNext ? String(page + 1) : '');
  reply.header('x-page', String(page));
  reply.header('x-per-page', String(perPage));
  reply.header('x-prev-page', page > 1 ? String(page - 1) : '');
  if (total !== null) {
    reply.header('x-total', String(total));
    reply.header('x-total-pages', String(totalPages));
  }
  return rows;
}

/**
 * Offset pagination of a list that is not a query (branches, tags, tree entries from git), with
 * the same headers as `paginate`. `total` is the full count when the caller knows it, else the
 * list is the whole collection.
 */
export function paginateList<T>(ctx: Ctx, items: readonly T[], total = items.length): T[] {
  const { page, perPage } = pageParams(ctx);
  const offset = (page - 1) * perPage;
  const rows = items.slice(offset, offset + perPage);
  const hasNext = offset + perPage < total;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const { reply, request, deps } = ctx;
  const links: string[] = [];
  const link = (n: number, rel: string) =>
    links.push(`<${linkUrl(deps, request, { page: String(n), per_page: String(perPage) })}>; rel="${rel}"`);
  if (page > 1) link(page - 1, 'prev');
  if (hasNext) link(page + 1, 'next');
  link(1, 'first');
  link(totalPages, 'last');
  reply.header('link', links.join(', '));
  reply.header('x-next-page', hasNext ? String(page + 1) : '');
  reply.header('x-page', String(page));
  reply.header('x-per-page', String(perPage));
  reply.header('x-prev-page', page > 1 ? String(page - 1) : '');
  reply.header('x-total', String(total));
  reply.header('x-total-pages', String(totalPages));
  return rows;
}

/** The page a request asks for, for lists that page at the source (git log): skip and limit. */
export function pageWindow(ctx: Ctx): { page: number; perPage: number; offset: number } {
  const { page, perPage } = pageParams(ctx);
  return { page, perPage, offset: (page - 1) * perPage };
}

/**
 * C43: resources that also page by keyset (`type` names them as GitLab's message does) refuse offsets
 * past the instance's offset_pagination_limit (0: no limit).
 */
async function checkOffsetLimit(deps: Deps, offset: number, type: string): Promise<void> {
  const limit = (await readSettings(deps)).offset_pagination_limit;
  if (limit <= 0 || offset <= limit) return;
  throw new ApiError(405, {
    error: `Offset pagination has a maximum allowed offset of ${limit} for requests that return objects of type ${type}. Remaining records can be retrieved using keyset pagination.`,
  });
}

async function countUpTo<O>(deps: Deps, query: AnySelect<O>, limit: number): Promise<number> {
  const capped = query.clearSelect().clearOrderBy().select(sql<number>`1`.as('one')).limit(limit).offset(0);
  const row = await deps.db
    .selectFrom(capped.as('capped'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- Keyset pagination (C44) ---------------------------------------------------------------------

export interface KeysetOrder<O> {
  /** The sort column as the query names it (e.g. `users.name`); ties are broken by `idColumn`. */
  column: string;
  idColumn: string;
  direction: 'asc' | 'desc';
  /** Reads the sort value and id of a row, for the next page's cursor. */
  key(row: O): { value: string | number; id: number };
}

export const keysetNotAvailable = () =>
  new ApiError(405, { error: 'Keyset pagination is not yet available for this type of request' });

interface Cursor {
  value: string | number;
  id: number;
}

function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if ((typeof c.value === 'string' || typeof c.value === 'number') && Number.isInteger(c.id)) return c;
  } catch {
    // fall through
  }
  throw new ApiError(400, { error: 'cursor is invalid' });
}

/**
 * Keyset pagination: the page starts after the cursor's (value, id), so page 10,000 costs what page
 * 1 costs (an index range scan on (column, id)). The Link header carries only rel="next", absent at
 * the end.
 */
export async function paginateKeyset<O>(ctx: Ctx, query: AnySelect<O>, order: KeysetOrder<O>): Promise<O[]> {
  const { perPage, cursor: rawCursor } = pageParams(ctx);
  const cursor = decodeCursor(rawCursor);
  const cmp = order.direction === 'asc' ? '>' : '<';
  let q = query.clearOrderBy();
  if (cursor) {
    q = q.where((eb) =>
      order.column === order.idColumn
        ? eb(eb.ref(order.idColumn), cmp, cursor.id)
        : eb.or([
            eb(eb.ref(order.column), cmp, cursor.value),
            eb.and([eb(eb.ref(order.column), '=', cursor.value), eb(eb.ref(order.idColumn), cmp, cursor.id)]),
          ]),
    );
  }
  if (order.column !== order.idColumn) q = q.orderBy(sql.ref(order.column), order.direction);
  q = q.orderBy(sql.ref(order.idColumn), order.direction);
  const rows = await q.limit(perPage + 1).execute();
  const hasNext = rows.length > perPage;
  if (hasNext) rows.pop();
  ctx.reply.header('x-per-page', String(perPage));
  if (hasNext) {
    const next = Buffer.from(JSON.stringify(order.key(rows[rows.length - 1]!))).toString('base64url');
    ctx.reply.header(
      'link',
      `<${linkUrl(ctx.deps, ctx.request, { cursor: next, per_page: String(perPage) })}>; rel="next"`,
    );
  }
  return rows;
}
