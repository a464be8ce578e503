/**
 * Deterministic jitter. Spreading fires avoids a thundering herd at :00, but a random delay would make two timer
 * instances (or one before and after a restart) arm the same occurrence at different instants. So the delay is a pure
 * function of (taskId, nominal instant). The execution id stays `<taskId>@<nominal>`: jitter moves when an occurrence
 * fires, never which occurrence it is.
 */

const TWO_POW_53 = 2 ** 53;

/**
 * cyrb53 (public domain, bryc): a fast, well-mixed 53-bit string hash built on Math.imul, so it is exactly the same on
 * every platform and Node version. Changing it would move every jittered fire; jitter.spec.ts pins known values.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The jitter of one occurrence, a whole number of ms in [0, jitterMs). The key matches the execution id's format. */
export function jitterFor(taskId: string, nominalMs: number, jitterMs: number): number {
  if (!(jitterMs > 0)) return 0;
  return Math.floor((hash53(`${taskId}@${nominalMs}`) / TWO_POW_53) * jitterMs);
}

/**
 * When the timer should fire the occurrence of `taskId` at `nominalMs`: nominal + jitter in [0, jitterMs).
 * Takes any `{ jitterMs }`, so a merged occurrence of several specs (next-fires.ts) can be passed as well.
 */
export function fireInstant(taskId: string, spec: { readonly jitterMs?: number }, nominalMs: number): number {
  return nominalMs + jitterFor(taskId, nominalMs, spec.jitterMs ?? 0);
}
