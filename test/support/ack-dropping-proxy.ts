import * as net from 'node:net';

/** A TCP proxy in front of a nats-server, and the URL clients connect to it with. */
export interface AckDroppingProxy {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Forwards NATS connections to `target` untouched until a client publishes on a subject starting with
 * `subjectPrefix` (an `HPUB`/`PUB` frame seen in what the client sends); from then on, everything the server sends
 * that client is dropped. The publish does reach the server and is stored, its ack (and every later reply) never
 * reaches the client: an append whose outcome the client cannot learn, as when the ack is lost in a network fault.
 */
export async function startAckDroppingProxy(target: { port: number }, subjectPrefix: string): Promise<AckDroppingProxy> {
  const sockets = new Set<net.Socket>();
  const publishFrame = new RegExp(`(^|\\r\\n)H?PUB ${subjectPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let dropping = false;
    client.on('data', (chunk) => {
      upstream.write(chunk);
      // Set after the frame is forwarded: its ack is the first thing the client does not get.
      if (!dropping && publishFrame.test(chunk.toString('latin1'))) dropping = true;
    });
    upstream.on('data', (chunk) => {
      if (!dropping) client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `nats://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
