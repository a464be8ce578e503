import { Subjects } from '@sched/contracts';
import { useTestNats } from '../../../../test/support/nats';
import { main } from '../cli';

/** `schedctl rebuild` waits up to 10 minutes for the rebuilds, unless told otherwise with --timeout. */
describe('schedctl rebuild --timeout (real nats-server)', () => {
  const context = useTestNats();

  it('gives up after the --timeout given, with exit 3, when the projector that took the command does not answer', async () => {
    context.nc.subscribe(Subjects.admin.projectorRebuild, { callback: () => undefined }); // a projector stuck mid-rebuild
    let err = '';
    const io = { out: () => undefined, err: (text: string) => void (err += text), interactive: false };
    const startedAt = Date.now();
    expect(await main(['--url', context.nats.url, '--timeout', '500', 'rebuild'], io)).toBe(3);
    expect(Date.now() - startedAt).toBeLessThan(5_000); // it waited for 10 minutes whatever --timeout said
    expect(err).toContain('no answer in time');
  });
});
