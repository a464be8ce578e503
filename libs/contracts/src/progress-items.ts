import { z } from 'zod';

/**
 * Progress counted in items (the seed's processed/total/current item). `estimatedEndAt` is computed by the runtime
 * from the rate so far (items processed since the attempt started), when there is a rate to go by.
 */
export const itemProgressFields = {
  processedItems: z.number().int().nonnegative().optional(),
  totalItems: z.number().int().nonnegative().optional(),
  currentItem: z.string().max(500).optional(),
  estimatedEndAt: z.iso.datetime({ offset: true }).optional(),
};

export interface ItemProgress {
  readonly processedItems?: number;
  readonly totalItems?: number;
  readonly currentItem?: string;
  readonly estimatedEndAt?: string;
}
