import { ErrorCode, SchedError } from '@sched/contracts';

/** A keyset position: the sort column's value and the primary key that breaks ties between equal values. */
export type Keyset = readonly [sortValue: number, id: string];

/** Opaque to clients (base64url JSON) so the key can change without breaking their code, only their old cursors. */
export const encodeCursor = (key: Keyset): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string): Keyset {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && Number.isFinite(key[0]) && typeof key[1] === 'string') {
      return [key[0] as number, key[1]];
    }
  } catch {
    // not JSON: reported below like any other malformed cursor
  }
  throw new SchedError(ErrorCode.VALIDATION, 'cursor is not a cursor this list returned', {
    issues: [{ path: 'cursor', message: 'invalid cursor' }],
  });
}
