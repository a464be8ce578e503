import { testEventStore } from '../testing/event-store.contract';
import { MemoryEventStore } from './memory-event-store';

testEventStore('memory', async () => {
  const store = new MemoryEventStore();
  return { store, cleanup: () => store.close() };
});
