import type { ItemProgress } from '@sched/contracts';

export interface ItemCounts {
  readonly processedItems: number;
  readonly totalItems: number;
  readonly currentItem?: string;
}

/**
 * When the attempt should end if it keeps the rate it had so far: items processed since `startedAtMs`, extrapolated
 * to the items left. Undefined while there is no rate to go by (nothing processed yet, or no time elapsed).
 */
export function estimateEndMs(startedAtMs: number, nowMs: number, processedItems: number, totalItems: number): number | undefined {
  const elapsedMs = nowMs - startedAtMs;
  if (processedItems <= 0 || elapsedMs <= 0) return undefined;
  const remaining = Math.max(0, totalItems - processedItems);
  return Math.round(nowMs + (remaining * elapsedMs) / processedItems);
}

/** Percent done from item counts (100 for an empty job). */
export const percentOfItems = (processedItems: number, totalItems: number): number =>
  totalItems <= 0 ? 100 : Math.min(100, Math.round((processedItems / totalItems) * 1000) / 10);

/** The TaskProgressed item fields: the counts as given plus the estimate, absent fields left out. */
export function itemProgressFields(items: ItemCounts, startedAtMs: number, nowMs: number): ItemProgress {
  const endMs = estimateEndMs(startedAtMs, nowMs, items.processedItems, items.totalItems);
  return {
    processedItems: items.processedItems,
    totalItems: items.totalItems,
    ...(items.currentItem === undefined ? {} : { currentItem: items.currentItem }),
    ...(endMs === undefined ? {} : { estimatedEndAt: new Date(endMs).toISOString() }),
  };
}
