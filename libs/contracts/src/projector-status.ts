import { z } from 'zod';

/** `sched.query.projector.status`: how far the read models are behind the log (health checks, dashboards). */
export const projectorStatusQuerySchema = z.object({}).strict();

export interface ProjectorStatusView {
  /** Global position of the last event applied to the read models. */
  readonly position: number;
  /** Global position of the last committed event. */
  readonly head: number;
  /** Age of the oldest committed event not applied yet; 0 when the read models are at the head. */
  readonly lagSeconds: number;
}

/**
 * Read models further behind than this make the system unhealthy (the gateway's /health): queries would answer with
 * stale data. A projector instance this far behind leaves its queries to a ready instance (ProjectorInstances).
 */
export const MAX_PROJECTOR_LAG_SECONDS = 30;
