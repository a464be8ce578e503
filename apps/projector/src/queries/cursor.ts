import { ErrorCode, SchedError } from '@sched/contracts';

/** A keyset position: the sort column's value and the primary key that breaks ties between equal values. */
export type Keyset = readonly [sortValue: number, id: string];

/**
 * Opaque to clients (base64url JSON) so the key can change without breaking their code, only their old cursors. It
 * names the list order it is a position in (`list`: its table and sort column): without it a cursor of one list
 * was taken by another and gave a page from wherever its key fell in that order (a task list cursor on the
 * execution list: 5 items and a next cursor).
 */
export const encodeCursor = (list: string, key: Keyset): string => Buffer.from(JSON.stringify([...key, list])).toString('base64url');

/** The key of a cursor `encodeCursor(list, key)` made for the same `list`; any other is VALIDATION. */
export function decodeCursor(list: string, cursor: string): Keyset {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 3 && Number.isFinite(key[0]) && typeof key[1] === 'string' && key[2] === list) {
      return [key[0] as number, key[1]];
    }
  } catch {
    // not JSON: reported below like any other malformed cursor
  }
  throw new SchedError(ErrorCode.VALIDATION, 'cursor is not a cursor this list returned', {
    issues: [{ path: 'cursor', message: 'invalid cursor' }],
  });
}
