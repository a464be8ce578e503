import type { EventStore } from '../event-store.port';

/**
 * Another process's view of the same store: the command handler keeps folded states per store object, so this one
 * has none yet, as after a restart. Counts the events its reads return.
 */
export function processView(store: EventStore): { readonly view: EventStore; eventsRead(): number } {
  let read = 0;
  const view = new Proxy(store, {
    get(target, key) {
      if (key === 'read') {
        return async (...args: Parameters<EventStore['read']>) => {
          const events = await target.read(...args);
          read += events.length;
          return events;
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { view, eventsRead: () => read };
}
