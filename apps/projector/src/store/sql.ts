/** SQLite knows no `undefined`: absent optional fields are NULL, and NULL reads back as absent. */
export const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
export const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** JSON columns: undefined ↔ NULL, so `result: null` (a real JSON value) survives the round trip. */
export const toJson = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
export const fromJson = <T>(text: string | null): T | undefined =>
  text === null ? undefined : (JSON.parse(text) as T);

/** One upsert per table, generated from its column list so the statement and the mapping cannot drift apart. */
export function upsertSql(table: string, columns: readonly string[], key: string): string {
  const updates = columns.filter((column) => column !== key).map((column) => `${column} = excluded.${column}`);
  return (
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')}) ` +
    `ON CONFLICT(${key}) DO UPDATE SET ${updates.join(', ')}`
  );
}
