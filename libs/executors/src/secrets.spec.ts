import { escapeSecretReferences } from '@sched/contracts';
import { MASK, masker, resolveSecrets, secretsFromEnv } from './secrets';

const env = secretsFromEnv({ SCHED_SECRET_API_TOKEN: 's3cr3t-token', SCHED_SECRET_DB_PASSWORD: 'hunter2', API_TOKEN: 'not reachable', PATH: '/bin' });

describe('secrets in configs', () => {
  it('substitutes ${secret:NAME} from SCHED_SECRET_NAME wherever a string holds one, at any depth', () => {
    const config = { url: 'https://api.example.com', headers: { authorization: 'Bearer ${secret:API_TOKEN}' }, argv: ['psql', '--password=${secret:DB_PASSWORD}'], n: 3 };
    const resolved = resolveSecrets(config, env);
    expect(resolved).toMatchObject({
      ok: true,
      config: { url: 'https://api.example.com', headers: { authorization: 'Bearer s3cr3t-token' }, argv: ['psql', '--password=hunter2'], n: 3 },
    });
    expect(config.headers.authorization).toBe('Bearer ${secret:API_TOKEN}'); // the stored config is not changed
  });

  it('names every secret it cannot find; only SCHED_SECRET_ variables are reachable', () => {
    expect(resolveSecrets({ a: '${secret:API_TOKEN}', b: '${secret:PATH}', c: ['${secret:MISSING}'] }, env)).toEqual({ ok: false, missing: ['PATH', 'MISSING'] });
  });

  it('a config without references is passed as it is, and masks nothing', () => {
    const config = { steps: '${steps.fetch.result}', text: 'plain $ { secret:X }' };
    const resolved = resolveSecrets(config, env);
    expect(resolved).toMatchObject({ ok: true, config });
    if (resolved.ok) expect(resolved.mask({ text: 'hunter2' })).toEqual({ text: 'hunter2' });
  });

  it('an escaped reference ($${secret:NAME}) is the text ${secret:NAME}: never resolved, nor asked for', () => {
    expect(resolveSecrets({ a: 'say $${secret:NOT_SET}', b: 'Bearer ${secret:API_TOKEN}' }, env)).toMatchObject({
      ok: true,
      config: { a: 'say ${secret:NOT_SET}', b: 'Bearer s3cr3t-token' },
    });
    expect(resolveSecrets({ a: '$${secret:API_TOKEN} and $$${secret:API_TOKEN}' }, env)).toMatchObject({ ok: true, config: { a: '${secret:API_TOKEN} and $${secret:API_TOKEN}' } });
    // What escapeSecretReferences writes reads back as the text it was, whatever it held.
    for (const text of ['${secret:A}', '$${secret:A}', 'x $$${secret:A} y', 'plain']) {
      expect(resolveSecrets({ text: escapeSecretReferences(text) }, env)).toMatchObject({ ok: true, config: { text } });
    }
  });

  it('masks the values it substituted in results, errors and logs, longest first', () => {
    const resolved = resolveSecrets({ a: '${secret:API_TOKEN}', b: '${secret:DB_PASSWORD}' }, env);
    if (!resolved.ok) throw new Error('unresolved');
    expect(resolved.mask({ stdout: 'token=s3cr3t-token pw=hunter2\n', list: ['hunter2hunter2'], code: 0 })).toEqual({
      stdout: `token=${MASK} pw=${MASK}\n`,
      list: [`${MASK}${MASK}`],
      code: 0,
    });
    expect(masker(['abc', 'abcdef'])('xabcdefx abc')).toBe(`x${MASK}x ${MASK}`);
    expect(masker(['', 'x'])('xyz')).toBe(`${MASK}yz`);
  });

  it('masks a piece of a secret that a cut left beside its ellipsis', () => {
    const mask = masker(['p@ss w0rd!']);
    // A stderr tail that began inside the secret, and an HTTP excerpt that ended inside it.
    expect(mask('sh exited with code 1: …w0rd!BBB')).toBe(`sh exited with code 1: …${MASK}BBB`);
    expect(mask('HTTP 400 Bad Request: header p@ss w…')).toBe(`HTTP 400 Bad Request: header ${MASK}…`);
    expect(mask('… (12 more characters) and ss w0rd! elsewhere')).toBe('… (12 more characters) and ss w0rd! elsewhere');
    // Shorter pieces, and pieces away from a cut, say too little to be taken for it.
    expect(mask('…rd! and p@ss w0 in the middle')).toBe('…rd! and p@ss w0 in the middle');
  });
});
