import { jsonBytes, type Page } from '@sched/contracts';
import type Database from 'better-sqlite3';
import { decodeCursor, encodeCursor, type Keyset } from './cursor';
import { fitItems, type Shrink } from './reply-budget';

/** SQL conditions joined with AND; a filter the query left out (first value undefined) adds nothing. */
export class Where {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, ...values: unknown[]): this {
    if (values[0] !== undefined) {
      this.conditions.push(condition);
      this.params.push(...values);
    }
    return this;
  }

  /** A copy to add to (a page's cursor condition) without changing this one. */
  clone(): Where {
    const copy = new Where();
    copy.conditions.push(...this.conditions);
    copy.params.push(...this.params);
    return copy;
  }

  toSql(): string {
    return this.conditions.length ? ` WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/** A list order on (sortColumn, idColumn): the pair is unique, so pages never skip or repeat a row. */
export interface KeysetOrder {
  readonly table: string;
  readonly sortColumn: string;
  readonly idColumn: string;
  readonly direction: 'ASC' | 'DESC';
}

export interface KeysetQuery {
  readonly where: Where;
  readonly limit: number;
  readonly cursor?: string;
}

/** How a page fits its reply: at most `maxBytes` of items, an item alone over it shrunk (its big fields cut). */
export interface PageFit<Item> {
  readonly maxBytes: number;
  readonly shrink: Shrink<Item>;
}

interface Keyed<Item> {
  readonly item: Item;
  readonly key: Keyset;
}

/** The rows after the cursor in this order, at most `count`. */
function rowsAfter(db: Database.Database, order: KeysetOrder, query: KeysetQuery, count: number): Record<string, unknown>[] {
  const { table, sortColumn, idColumn, direction } = order;
  const where = query.where.clone();
  if (query.cursor !== undefined) {
    // Row-value comparison: strictly after the previous page's last row, in this order.
    where.add(`(${sortColumn}, ${idColumn}) ${direction === 'ASC' ? '>' : '<'} (?, ?)`, ...decodeCursor(listOf(order), query.cursor));
  }
  const sql =
    `SELECT * FROM ${table}${where.toSql()} ` +
    `ORDER BY ${sortColumn} ${direction}, ${idColumn} ${direction} LIMIT ?`;
  return db.prepare(sql).all(...where.params, count) as Record<string, unknown>[];
}

/** What a cursor of this order says it belongs to (see encodeCursor). */
const listOf = (order: KeysetOrder): string => `${order.table}.${order.sortColumn}`;

const keyOf = (order: KeysetOrder, record: Record<string, unknown>): Keyset => [record[order.sortColumn] as number, record[order.idColumn] as string];

/**
 * The page of the first `limit` candidates that fit the reply; the cursor is the key of the last one returned, so
 * the next page continues right after it whether the count or the bytes ended this one.
 */
function pageOf<Item>(order: KeysetOrder, candidates: readonly Keyed<Item>[], limit: number, fit: PageFit<Item>): Page<Item> {
  const sized = candidates.slice(0, limit + 1).map(({ item, key }) => {
    const bytes = jsonBytes(item); // once per item: only one too big alone is shrunk and measured again
    if (bytes <= fit.maxBytes) return { item, key, bytes };
    const fitting = fit.shrink(item, fit.maxBytes);
    return { item: fitting, key, bytes: jsonBytes(fitting) };
  });
  const { taken, more } = fitItems(sized, limit, fit.maxBytes, (candidate) => candidate.bytes);
  const last = taken[taken.length - 1];
  return { items: taken.map((candidate) => candidate.item), nextCursor: more ? encodeCursor(listOf(order), last.key) : undefined };
}

export function keysetPage<R extends object, Item>(
  db: Database.Database,
  order: KeysetOrder,
  query: KeysetQuery,
  toItem: (record: R) => Item,
  fit: PageFit<Item>,
): Page<Item> {
  // One row more than asked tells whether there is a next page, without a COUNT.
  const records = rowsAfter(db, order, query, query.limit + 1);
  return pageOf(order, records.map((record) => ({ item: toItem(record as R), key: keyOf(order, record) })), query.limit, fit);
}

/** Rows read at a time while filtering after SQL. */
const FILTER_BATCH = 200;

/**
 * `keysetPage` with a filter SQL cannot apply (a value computed at query time, such as a task's schedule status):
 * reads the rows in order, batch by batch from the cursor, until it has one match more than the page holds or the
 * rows run out. The cursor is the last match's key, so pages stay stable and never skip or repeat a row. `keep`
 * judges a record before it becomes an item (only matches pay for that), and the event loop gets a turn between
 * batches: a filter that matches little reads every row, and this runs on the thread that fires the schedules (a
 * status filter over 20,000 tasks held it 0.6-4.5 s, and a dashboard tab repeated it on every event).
 */
export async function filteredKeysetPage<R extends object, Item>(
  db: Database.Database,
  order: KeysetOrder,
  query: KeysetQuery,
  toItem: (record: R) => Item,
  keep: (record: R) => boolean,
  fit: PageFit<Item>,
): Promise<Page<Item>> {
  const matches: Keyed<Item>[] = [];
  let cursor = query.cursor;
  for (;;) {
    const records = rowsAfter(db, order, { where: query.where, limit: FILTER_BATCH, cursor }, FILTER_BATCH);
    for (const record of records) {
      if (keep(record as R)) matches.push({ item: toItem(record as R), key: keyOf(order, record) });
      if (matches.length > query.limit) return pageOf(order, matches, query.limit, fit);
    }
    if (records.length < FILTER_BATCH) return pageOf(order, matches, query.limit, fit);
    cursor = encodeCursor(listOf(order), keyOf(order, records[records.length - 1]));
    await new Promise((resolve) => setImmediate(resolve));
  }
}
