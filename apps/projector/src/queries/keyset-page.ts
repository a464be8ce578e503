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
