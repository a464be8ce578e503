import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@sched/messaging';
import { ensureNats, natsAuthOff } from './embedded-nats';

describe('ensureNats', () => {
  it('a list of servers none of which answers is a clear configuration error (it was "Invalid URL")', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-nats-'));
    try {
      const attempt = ensureNats('nats://127.0.0.1:1,nats://127.0.0.1:2', dataDir);
      await expect(attempt).rejects.toBeInstanceOf(ConfigError);
      await expect(attempt).rejects.toThrow(/^no NATS server answers at nats:\/\/127\.0\.0\.1:1,nats:\/\/127\.0\.0\.1:2\. Start one/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('NATS_AUTH', () => {
  it('is off only when it says off; unset, empty and on leave auth on; anything else is refused (false and 0 left it on silently)', () => {
    expect(natsAuthOff('off')).toBe(true);
    for (const on of [undefined, '', 'on']) expect(natsAuthOff(on)).toBe(false);
    for (const unclear of ['false', '0', 'OFF', 'no']) expect(() => natsAuthOff(unclear)).toThrow(/NATS_AUTH must be on or off/);
  });
});
