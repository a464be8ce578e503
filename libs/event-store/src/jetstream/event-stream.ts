import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { ALL_SUBJECTS } from './commit-codec';

export const DEFAULT_STREAM_NAME = 'SCHED_EVENTS';
/** Long enough to cover a client's retries of a publish whose outcome it did not learn. */
const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

/** The event log: kept forever, never edited (no deletes, no purges), one subject per event stream. */
export function eventStreamConfig(name: string, replicas: number): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects: [ALL_SUBJECTS],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    num_replicas: replicas,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    deny_delete: true,
    deny_purge: true,
    // Direct gets (a stream's last commit, a commit by sequence) skip the JetStream API's JSON and base64 round trip:
    // ~1/3 less wall time per get, measured. Only on one replica: with more, followers answer too and may lag.
    allow_direct: replicas === 1,
  };
}

/**
 * Settings an existing log may lack without being brought up to date: the services may not update the log
 * (ERASING_API_SUBJECTS), so a log created before such a setting existed keeps working without it.
 */
const OPTIONAL_SETTINGS: ReadonlyArray<keyof StreamConfig> = ['allow_direct'];

function matches(existing: Partial<StreamConfig>, wanted: Partial<StreamConfig>): boolean {
  return (Object.keys(wanted) as Array<keyof StreamConfig>)
    .filter((key) => !OPTIONAL_SETTINGS.includes(key))
    .every((key) => JSON.stringify(existing[key]) === JSON.stringify(wanted[key]));
}

/** What the store needs to know of the log it found or created. */
export interface EventStreamFacts {
  /** Direct gets are served (allow_direct). */
  readonly direct: boolean;
}

/** Creates the stream, or brings an existing one to the wanted config; safe to run from every process at start. */
export async function ensureEventStream(jsm: JetStreamManager, name: string, replicas: number): Promise<EventStreamFacts> {
  const config = eventStreamConfig(name, replicas);
  let refused: JetStreamApiError | undefined;
  try {
    const existing = (await jsm.streams.info(name)).config;
    // Nothing to change: no update call, so a service whose NATS user may not update the log still starts.
    if (matches(existing, config)) return { direct: existing.allow_direct === true };
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    try {
      return { direct: (await jsm.streams.add(config)).config.allow_direct === true };
    } catch (addError) {
      // Another process created it between our info and add: fall through to the update.
      if (!(addError instanceof JetStreamApiError)) throw addError;
      refused = addError;
    }
  }
  const { name: _name, ...update } = config;
  try {
    return { direct: (await jsm.streams.update(name, update)).config.allow_direct === true };
  } catch (error) {
    // Still no stream: the server refused to create it (EVENT_STORE_REPLICAS over what a lone server holds, a
    // limit of its account): that refusal is the reason, not "stream not found".
    if (refused && isStreamNotFound(error)) throw new Error(`the server refused to create the event log stream ${name} (${replicas} replica${replicas === 1 ? '' : 's'}, EVENT_STORE_REPLICAS): ${refused.message}`);
    throw error;
  }
}

const isStreamNotFound = (error: unknown): boolean => error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
