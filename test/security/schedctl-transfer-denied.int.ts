import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSchedctl } from '../support/schedctl-cli';
import { startSecureTestNats, type SecureTestNats } from '../support/secure-nats';

/** `schedctl export` as a user without JetStream rights: refused at once, and it leaves no emptied file behind. */
describe('schedctl export without the rights to read the log', () => {
  let secure: SecureTestNats;
  const saved = { user: process.env.NATS_USER, password: process.env.NATS_PASSWORD };

  beforeAll(async () => {
    secure = await startSecureTestNats();
  });
  afterAll(async () => {
    process.env.NATS_USER = saved.user;
    process.env.NATS_PASSWORD = saved.password;
    if (saved.user === undefined) delete process.env.NATS_USER;
    if (saved.password === undefined) delete process.env.NATS_PASSWORD;
    await secure?.cleanup();
  });

  it('exits with the permission error (it hung on its connection), and --out is not created', async () => {
    const { user, password } = secure.auth.credentials.client;
    process.env.NATS_USER = user;
    process.env.NATS_PASSWORD = password;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sched-export-')), 'history.ndjson');
    const run = await Promise.race([
      runSchedctl(secure.nats.url, ['export', '--out', file]),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000).unref()),
    ]);
    expect(run).not.toBe('hung');
    expect(run).toMatchObject({ code: expect.any(Number), err: expect.stringContaining('Permissions Violation') });
    expect((run as { code: number }).code).not.toBe(0);
    expect(fs.existsSync(file)).toBe(false);
  }, 30_000);

  it('a command the user may not send is UNAUTHORIZED, exit 1 (it was UNAVAILABLE, exit 3: "try again")', async () => {
    const { user, password } = secure.auth.credentials.client;
    process.env.NATS_USER = user;
    process.env.NATS_PASSWORD = password;
    const run = await runSchedctl(secure.nats.url, ['rebuild']);
    expect(run).toMatchObject({ code: 1, err: expect.stringMatching(/^error UNAUTHORIZED: sched\.cmd\.projector\.rebuild: this NATS user may not send it \(.*Permissions Violation/) });
  });
});
