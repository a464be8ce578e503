import { z } from 'zod';
import { parseDurationMs } from '@sched/contracts';

/** A config field holding a duration ("30s", "500ms" or ms) between `minMs` and `maxMs`, parsed to ms. */
export const durationMsField = (field: string, minMs: number, maxMs: number) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `${field} must be a duration between ${minMs}ms and ${maxMs}ms, e.g. "30s"` });
      return z.NEVER;
    }
    return ms;
  });
