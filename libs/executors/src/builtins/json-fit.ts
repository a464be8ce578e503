import { jsonBytes } from '@sched/contracts';

/**
 * Cutting text so that its JSON form (what an execution's result is stored as, checked against MAX_RESULT_BYTES)
 * fits a number of bytes: escapes (`\\u0000` is 6 bytes for 1 character) and multi-byte characters counted as
 * JSON.stringify writes them, on character boundaries (a surrogate pair is never split).
 */

/** Bytes of one character of the BMP (or a lone surrogate) in a string's JSON form, as UTF-8. */
function jsonCharBytes(code: number): number {
  if (code === 0x22 || code === 0x5c || code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) return 2;
  if (code < 0x20) return 6; // \u00XX
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 6; // a lone surrogate: \udXXX
  return 3;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** The longest start of `text`, on a character boundary, whose JSON form (quotes included) is at most `maxBytes`. */
export function cutToJsonBytes(text: string, maxBytes: number): string {
  if (jsonBytes(text) <= maxBytes) return text;
  let size = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const pair = isHighSurrogate(code) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
    const bytes = pair ? 4 : jsonCharBytes(code);
    if (size + bytes > maxBytes) return text.slice(0, i);
    size += bytes;
    if (pair) i++;
  }
  return text;
}

/** The longest end of `text`, on a character boundary, whose JSON form (quotes included) is at most `maxBytes`. */
export function tailToJsonBytes(text: string, maxBytes: number): string {
  if (jsonBytes(text) <= maxBytes) return text;
  let size = 2;
  for (let i = text.length - 1; i >= 0; i--) {
    const code = text.charCodeAt(i);
    const pair = isLowSurrogate(code) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1));
    const bytes = pair ? 4 : jsonCharBytes(code);
    if (size + bytes > maxBytes) return text.slice(i + 1);
    size += bytes;
    if (pair) i--;
  }
  return text;
}
