import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { NatsConnection } from '@nats-io/transport-node';
import { SchedClientError } from '@sched/client';
import { Command } from 'commander';
import { HistoryTransferError, createJetStreamEventStore, createKurrentDbEventStore, exportHistory, importHistory, type EventStore } from '@sched/event-store';
import { DEFAULT_KURRENTDB_URL, TIMER_LEASES_BUCKET, WORKERS_BUCKET, connectNats, timerWorkerId, workerIdOfKey, workflowWorkerId } from '@sched/messaging';
import type { CliContext } from '../context';
import { DEFAULT_NATS_URL } from '../context';
import { UsageError } from '../exit-codes';
import { fields } from '../output';
import { liveEntries } from './live-entries';

interface StoreFlags {
  readonly store: string;
  readonly kurrentdbUrl?: string;
}

/**
 * Export and import talk to an event store directly (not through the services): they move the raw log, ids,
 * metadata and hash chains untouched. `--store jetstream` uses the global `--url` NATS server.
 */
async function openStore(ctx: CliContext, flags: StoreFlags): Promise<{ store: EventStore; nc?: NatsConnection; close(): Promise<void> }> {
  if (flags.store === 'kurrentdb') {
    const store = await createKurrentDbEventStore(flags.kurrentdbUrl ?? process.env.KURRENTDB_URL ?? DEFAULT_KURRENTDB_URL);
    return { store, close: () => store.close() };
  }
  if (flags.store !== 'jetstream') throw new UsageError(`--store must be jetstream or kurrentdb, got "${flags.store}"`);
  const nc = await connectNats(ctx.natsUrl(), 'schedctl-transfer', ctx.natsAuth());
  // A backup copies the log as it is: events that break their contract too (the services pass over them).
  const store = await createJetStreamEventStore(nc, { checkEventContracts: false }).catch(async (error: unknown) => {
    await nc.close(); // a refusal (a user without JetStream rights) must not leave the command hanging on its connection
    throw error;
  });
  return {
    store,
    nc,
    close: async () => {
      await store.close();
      await nc.close();
    },
  };
}

/**
 * The export's file, opened before anything is read: a path that cannot be written is a usage error (exit 2), not a
 * stack trace after the log was read. A write that fails later (a full disk) is reported when the file is closed.
 */
function openOutput(file: string): { out: fs.WriteStream; finish(): Promise<void> } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w');
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
  }
  const out = fs.createWriteStream(file, { fd });
  let failure: Error | undefined;
  out.on('error', (error) => (failure ??= error));
  const finish = () =>
    new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ?? failure ? reject(error ?? failure) : resolve())));
  return { out, finish };
}

/** What an export of an empty log says on stderr. */
export const emptyLogNote = (where: string): string =>
  `note: the event log at ${where} holds no events: nothing exported. A system run with EVENT_STORE=memory keeps its ` +
  'events in its own memory (nothing to export); one on KurrentDB is exported with --store kurrentdb.\n';

const storeOptions = (command: Command): Command =>
  command
    .option('--store <kind>', 'jetstream (the --url NATS server) or kurrentdb', 'jetstream')
    .option('--kurrentdb-url <url>', 'KurrentDB connection string (default: $KURRENTDB_URL or a local insecure one)');

/** `export` / `import`: a full history as NDJSON, one event per line in commit order, between any two stores. */
export function transferCommands(ctx: CliContext): Command[] {
  const exporting = storeOptions(new Command('export'))
    .description('write the whole event log as NDJSON (ids, metadata and order preserved)')
    .option('--out <file>', 'write here instead of stdout')
    .action(async (flags: StoreFlags & { out?: string }) => {
      // The store first: a refusal must not have emptied the file named by --out.
      const { store, close } = await openStore(ctx, flags);
      try {
        const output = flags.out === undefined ? undefined : openOutput(flags.out);
        const summary = await exportHistory(store, output?.out ?? process.stdout);
        if (output) await output.finish();
        // Not an error (a new system has no events yet), but an empty log is also what a system whose events are
        // elsewhere leaves here: say where else they could be rather than report success in silence.
        if (summary.events === 0) ctx.io.err(emptyLogNote(flags.store === 'kurrentdb' ? 'the KurrentDB server' : ctx.natsUrl()));
        if (flags.out) ctx.print(summary, () => fields({ exported: summary.events, 'last position': summary.lastPosition, file: flags.out }));
      } finally {
        await close();
      }
    });
  const importing = storeOptions(new Command('import'))
    .description('append an exported NDJSON history to a store, in order; streams already there are skipped')
    .argument('<file>')
    .option('--force', 'import even while services run against the target')
    .action(async (file: string, flags: StoreFlags & { force?: boolean }) => {
      if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const { store, nc, close } = await openStore(ctx, flags);
      try {
        if (nc && !flags.force) await refuseWhileInUse(nc);
        const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
        const summary = await importHistory(store, lines).catch((error: unknown) => {
          // A line that is not a history line is the file's fault, as an unreadable task file is: a usage error (2).
          throw error instanceof HistoryTransferError && error.malformed ? new UsageError(error.message) : error;
        });
        ctx.print(summary, () => fields({ appended: summary.appended, skipped: summary.skipped, commits: summary.commits }));
      } finally {
        await close();
      }
    });
  return [exporting, importing];
}

/**
 * A running system reacts to what an import appends (its timer records an imported trigger's execution itself, and
 * the import then stops at that stream as a conflict): refused while an executor or a timer is alive against the
 * target, as their registries in NATS KV say (an executor's worker entry, a timer's membership among the partition
 * leases; both expire once the process is gone).
 */
async function refuseWhileInUse(nc: NatsConnection): Promise<void> {
  const workers = (await liveEntries(nc, WORKERS_BUCKET)).map(workerIdOfKey);
  const [workflowPrefix, timerPrefix] = [workflowWorkerId(''), timerWorkerId('')];
  const named = (prefix: string): string[] => workers.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
  const executors = workers.filter((id) => !id.startsWith(workflowPrefix) && !id.startsWith(timerPrefix));
  const workflows = named(workflowPrefix);
  // A timer's worker entry (30 s), or its lease-bucket membership (m.<instance>, 1.2 s: a timer of an older version).
  const timers = [...new Set([...named(timerPrefix), ...(await liveEntries(nc, TIMER_LEASES_BUCKET, 'm.'))])].sort();
  const running = [
    executors.length > 0 ? `executors ${executors.join(', ')}` : '',
    workflows.length > 0 ? `workflow services ${workflows.join(', ')}` : '',
    timers.length > 0 ? `timers ${timers.join(', ')}` : '',
  ].filter(Boolean);
  if (running.length === 0) return;
  const listed = running.length === 1 ? running[0] : `${running.slice(0, -1).join(', ')} and ${running[running.length - 1]}`;
  throw new SchedClientError(
    'CONFLICT',
    `the target is in use: ${listed} run against it, and would act on the imported events as they arrive; stop its services first (their entries expire within 30 s), or pass --force`,
    { executors, workflows, timers },
  );
}
