import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { NATS_ROLES, ensureNatsAuthFiles } from '@sched/messaging';
import type { CliContext } from '../context';
import { UsageError } from '../exit-codes';

interface NatsAuthFlags {
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
  readonly tlsVerify?: boolean;
}

/**
 * `schedctl nats-auth <dir>`: the users per role for services run separately (npm start makes its own): a
 * nats-server configuration to start the server with, and one `<role>.env` per role to give each service. Run again,
 * it keeps the passwords (services started with the old files go on working).
 */
export function natsAuthCommand(ctx: CliContext): Command {
  return new Command('nats-auth')
    .description('write a nats-server config with one user per role, and a <role>.env file per role, under <dir>')
    .argument('<dir>')
    .option('--tls-cert <file>', "the server's certificate (adds a tls block)")
    .option('--tls-key <file>', "the server's private key")
    .option('--tls-ca <file>', 'the CA that signs client certificates (with --tls-verify)')
    .option('--tls-verify', 'require client certificates')
    .action((dir: string, flags: NatsAuthFlags) => {
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together');
      for (const file of [flags.tlsCert, flags.tlsKey, flags.tlsCa]) if (file && !fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const tls = flags.tlsCert && flags.tlsKey ? { certFile: path.resolve(flags.tlsCert), keyFile: path.resolve(flags.tlsKey), ...(flags.tlsCa ? { caFile: path.resolve(flags.tlsCa) } : {}), verify: flags.tlsVerify === true } : undefined;
      const files = ensureNatsAuthFiles(path.resolve(dir), tls);
      const result = { dir: files.dir, configFile: files.configFile, envFiles: Object.fromEntries(NATS_ROLES.map((role) => [role, files.envFile(role)])) };
      ctx.print(result, () =>
        [
          `wrote ${files.configFile} and a <role>.env per role (${NATS_ROLES.join(', ')}) in ${files.dir}`,
          `  start the server:  nats-server -js -sd <store dir> -c ${files.configFile}`,
          `  start a service:   env $(cat ${files.envFile('timer')}) NATS_URL=nats://<host>:4222 APP=timer npm run start:app`,
          `  schedctl as admin: env $(cat ${files.envFile('admin')}) schedctl --url nats://<host>:4222 ...`,
        ].join('\n') + '\n',
      );
    });
}
