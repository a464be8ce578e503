import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id that is a pure function of a command id (and what it names), so a command run twice creates
 * the same aggregate twice, which its decider refuses, instead of two aggregates.
 */
export function uuidFromCommandId(kind: string, commandId: string): string {
  const hex = createHash('sha256').update(`${kind}:${commandId}`).digest('hex');
  // Version 8 (custom) and the RFC 4122 variant bits, so it still parses as a UUID everywhere.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
