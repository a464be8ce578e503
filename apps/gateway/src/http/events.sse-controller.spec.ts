import { EventEmitter } from 'node:events';
import type { SchedClient } from '@sched/client';
import type { Request, Response } from 'express';
import { EventsSseController, MAX_UNSENT_BYTES } from './events.sse-controller';

/** A response whose client reads nothing: every byte written stays buffered. */
class StalledResponse {
  writableLength = 0;
  writableEnded = false;
  written = 0;
  status(): this {
    return this;
  }
  set(): this {
    return this;
  }
  flushHeaders(): void {}
  write(chunk: string): boolean {
    this.writableLength += Buffer.byteLength(chunk);
    this.written += 1;
    return false;
  }
  end(): void {
    this.writableEnded = true;
  }
  destroyed = false;
  destroy(): void {
    this.destroyed = true;
  }
}

describe('EventsSseController', () => {
  it('cuts off a client that reads nothing once 4 MiB wait for it (it reconnects with Last-Event-ID)', async () => {
    let closed = false;
    const feed = {
      async *[Symbol.asyncIterator]() {
        for (let position = 1000; !closed; position += 1000) yield { position, type: 'TaskProgressed', data: { message: 'x'.repeat(10_000) } };
      },
      close: async () => {
        closed = true;
      },
    };
    const client = { subscribe: () => feed } as unknown as SchedClient;
    const controller = new EventsSseController(client);
    const response = new StalledResponse();
    await controller.stream({}, undefined, new EventEmitter() as unknown as Request, response as unknown as Response);
    // Destroyed, not ended: an end waits behind the unsent bytes, and the socket with its buffers stayed (~8 MB a client).
    expect(response.destroyed).toBe(true);
    expect(closed).toBe(true);
    expect(response.writableLength).toBeGreaterThan(MAX_UNSENT_BYTES);
    expect(response.writableLength).toBeLessThan(MAX_UNSENT_BYTES + 20_000);
  });
});
