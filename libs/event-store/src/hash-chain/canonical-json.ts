/**
 * Canonical JSON: JSON.stringify's value rules (toJSON, undefined and functions dropped from objects, null in
 * arrays) with object keys sorted, no whitespace. An event therefore hashes the same before it is appended and after
 * it was read back from any store, whatever order its keys came back in.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** Keys that JSON.stringify leaves as they are (no quote, backslash or control character to escape). */
const PLAIN_KEY = /^[\w$.:@ -]*$/;

// Hashed for every appended event: written with string concatenation and one sort per object, no intermediate
// arrays (~35% faster than map/join, measured on a TaskDue).
function write(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return write((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (write(value[i]) ?? 'null');
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let out = '{';
  for (const key of keys) {
    const text = write(record[key]);
    if (text === undefined) continue;
    out += (out.length === 1 ? '"' : ',"') + (PLAIN_KEY.test(key) ? key : JSON.stringify(key).slice(1, -1)) + '":' + text;
  }
  return out + '}';
}
