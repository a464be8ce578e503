import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@sched/messaging';
import { ensureNats } from './embedded-nats';

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
