export * from './errors';
export * from './sched-client';
export { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './request';
export { MISSED_ROLL_CALLS, ROLL_CALL_EVERY_MS, callProjectorRoll } from './projector-roll-call';
export { EventFeed, type FeedEvent, type SubscribeOptions } from './subscription/event-feed';
