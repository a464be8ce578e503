import type { Page } from '@sched/contracts';
import type Database from 'better-sqlite3';
import { decodeCursor, encodeCursor } from './cursor';

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

export function keysetPage<R extends object, Item>(
  db: Database.Database,
  order: KeysetOrder,
  query: KeysetQuery,
  toItem: (record: R) => Item,
): Page<Item> {
  const { table, sortColumn, idColumn, direction } = order;
  const { where, limit, cursor } = query;
  if (cursor !== undefined) {
    // Row-value comparison: strictly after the previous page's last row, in this order.
    where.add(`(${sortColumn}, ${idColumn}) ${direction === 'ASC' ? '>' : '<'} (?, ?)`, ...decodeCursor(cursor));
  }
  const sql =
    `SELECT * FROM ${table}${where.toSql()} ` +
    `ORDER BY ${sortColumn} ${direction}, ${idColumn} ${direction} LIMIT ?`;
  // One row more than asked tells whether there is a next page, without a COUNT.
  const records = db.prepare(sql).all(...where.params, limit + 1) as (R & Record<string, unknown>)[];
  const page = records.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor =
    records.length > limit ? encodeCursor([last[sortColumn] as number, last[idColumn] as string]) : undefined;
  return { items: page.map(toItem), nextCursor };
}

/** Rows read at a time while filtering after SQL. */
const FILTER_BATCH = 500;

/**
 * `keysetPage` with a filter SQL cannot apply (a value computed at query time, such as a task's schedule status):
 * reads the rows in order, batch by batch from the cursor, until it has one match more than the page holds or the
 * rows run out. The cursor is the last match's key, so pages stay stable and never skip or repeat a row.
 */
export function filteredKeysetPage<R extends object, Item>(
  db: Database.Database,
  order: KeysetOrder,
  query: KeysetQuery,
  toItem: (record: R) => Item,
  keep: (item: Item) => boolean,
): Page<Item> {
  const { sortColumn, idColumn } = order;
  const matches: { item: Item; key: [number, string] }[] = [];
  let cursor = query.cursor;
  for (;;) {
    const batch = keysetPage<R & Record<string, unknown>, { item: Item; key: [number, string] }>(db, order, { where: query.where.clone(), limit: FILTER_BATCH, cursor }, (record) => ({
      item: toItem(record),
      key: [record[sortColumn] as number, record[idColumn] as string],
    }));
    for (const match of batch.items) {
      if (keep(match.item)) matches.push(match);
      if (matches.length > query.limit) {
        const last = matches[query.limit - 1];
        return { items: matches.slice(0, query.limit).map((m) => m.item), nextCursor: encodeCursor(last.key) };
      }
    }
    if (batch.nextCursor === undefined) return { items: matches.map((m) => m.item), nextCursor: undefined };
    cursor = batch.nextCursor;
  }
}
