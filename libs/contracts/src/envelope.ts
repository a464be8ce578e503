import { z } from 'zod';

export const eventMetadataSchema = z.object({
  /** Ties together everything caused by one user action (a command, a schedule occurrence). */
  correlationId: z.string().min(1),
  /** The id of the command or event that directly caused this event. */
  causationId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.number().int().positive(),
  /** Who caused it: `user:<name>`, `timer:<instance>`, `executor:<worker>`, `system`. */
  actor: z.string().min(1).optional(),
  /**
   * Tamper evidence: sha256 (hex) of the previous event's hash in the same stream ('' for the first) followed by the
   * canonical JSON of this event without this field. Added by the store decorator on append (libs/event-store).
   */
  hash: z.string().optional(),
});
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

/** An event as the domain produces it: type and data only. Ids and metadata are added by the command handler. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** An event ready to be appended. */
export interface EventEnvelope<Type extends string = string, Data = unknown> extends DomainEvent<Type, Data> {
  readonly id: string;
  readonly metadata: EventMetadata;
}

/** An event as the store returns it: with its stream, its 0-based revision in that stream and its global position. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends EventEnvelope<Type, Data> {
  readonly streamId: string;
  /** 0-based index of the event within its stream. */
  readonly revision: number;
  /** Global position, strictly increasing in commit order and unique per event; opaque otherwise. */
  readonly position: number;
}
