export * from './errors';
export * from './sched-client';
export { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './request';
export { EventFeed, type FeedEvent, type SubscribeOptions } from './subscription/event-feed';
