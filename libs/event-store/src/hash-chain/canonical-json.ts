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
/** What JSON.stringify escapes in a string: quote, backslash, control characters, and (lone) surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

// Hashed for every appended event: written with string concatenation and one sort per object, no intermediate
// arrays (~35% faster than map/join, measured on a TaskDue).
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      // What JSON.stringify writes for a string with nothing to escape, without the call (most leaves are such).
      return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : '"' + value + '"';
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      break;
    default:
      return JSON.stringify(value); // undefined, functions, symbols: undefined; a bigint throws as JSON.stringify does
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return write((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (write(value[i]) ?? 'null');
    return out + ']';
  }
  return writeObject(value as Record<string, unknown>);
}

/** An object's members with keys sorted; `omit`, when given, is left out as if the object had no such key. */
function writeObject(record: Record<string, unknown>, omit?: string): string {
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let out = '{';
  for (const key of keys) {
    if (key === omit) continue;
    out = member(out, key, record[key]);
  }
  return out + '}';
}

/** `out` (an object's text so far, from its '{') with one more member, unless the value writes as nothing. */
function member(out: string, key: string, value: unknown): string {
  return withMember(out, key, write(value));
}

/** `out` with the member `key` of the already written `text` (none when undefined). */
function withMember(out: string, key: string, text: string | undefined): string {
  if (text === undefined) return out;
  return out + (out.length === 1 ? '"' : ',"') + (PLAIN_KEY.test(key) ? key : JSON.stringify(key).slice(1, -1)) + '":' + text;
}

/**
 * canonicalJson({ id, type, data, metadata }) with metadata's `hash` left out — what the hash chain hashes — written
 * straight from the envelope, without the copies of it and of its metadata that the plain call needs (a third of
 * the time of a hash, three of them per execution). Keys in sorted order: data, id, metadata, type.
 */
export function canonicalEnvelopeJson(event: { readonly id: unknown; readonly type: unknown; readonly data: unknown; readonly metadata: object }): string {
  let out = member('{', 'data', event.data);
  out = member(out, 'id', event.id);
  out = withMember(out, 'metadata', writeObject(event.metadata as Record<string, unknown>, 'hash'));
  return member(out, 'type', event.type) + '}';
}
