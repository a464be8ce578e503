import { SECRET_REFERENCE } from '@sched/contracts';

/**
 * Secrets in task configs: a config holds a reference, `${secret:NAME}`, never the value, so a token stays out of the
 * event log (which keeps everything for good), the read models, exports and every screen that shows a config. The
 * executor that runs the attempt substitutes the value from its own environment (`SCHED_SECRET_<NAME>`: only
 * variables named so can be reached, not the process's whole environment) just before the executor's code sees the
 * config, and masks the values (as `***`) in whatever the attempt leaves behind: its result, error and log lines.
 */
export const SECRET_ENV_PREFIX = 'SCHED_SECRET_';
export const MASK = '***';

/** Where an executor finds a secret's value by its name; undefined when it has none of that name. */
export type SecretLookup = (name: string) => string | undefined;

/** Secrets from the process environment: `${secret:API_TOKEN}` is `SCHED_SECRET_API_TOKEN`. */
export const secretsFromEnv =
  (env: NodeJS.ProcessEnv = process.env): SecretLookup =>
  (name) =>
    env[`${SECRET_ENV_PREFIX}${name}`];

export type ResolvedSecrets =
  | { readonly ok: true; readonly config: unknown; readonly mask: <T>(value: T) => T }
  | { readonly ok: false; readonly missing: readonly string[] };

const identity = <T>(value: T): T => value;

/** Every `${secret:NAME}` in a config's strings, at any depth, substituted; or the names nothing was found for. */
export function resolveSecrets(config: unknown, lookup: SecretLookup): ResolvedSecrets {
  const names = new Set<string>();
  const escaped = { found: false };
  collectNames(config, names, escaped);
  if (names.size === 0) return { ok: true, config: escaped.found ? substitute(config, new Map()) : config, mask: identity };
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const name of names) {
    const value = lookup(name);
    if (value === undefined) missing.push(name);
    else values.set(name, value);
  }
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, config: substitute(config, values), mask: masker([...values.values()]) };
}

/** The shortest piece of a secret masked where a text was cut (below it, a cut piece says too little to hide). */
const MIN_CUT_PIECE = 4;
/** Where sched cuts a long text (an error's stderr tail, an HTTP body excerpt, a capped message): an ellipsis. */
const CUT = '…';

/**
 * Replaces each of `secrets` (longest first, so one inside another is masked whole) wherever it appears in strings;
 * and a piece of one that a cut left beside its ellipsis (a secret straddling the 500th character of a
 * stderr tail, say: masking runs after the executor cut it, and the whole secret is no longer there to find).
 */
export function masker(secrets: readonly string[]): <T>(value: T) => T {
  const ordered = [...new Set(secrets.filter((secret) => secret.length > 0))].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return identity;
  const maskText = (text: string): string => maskCutPieces(ordered.reduce((masked, secret) => masked.split(secret).join(MASK), text), ordered);
  return <T>(value: T): T => mapStrings(value, maskText) as T;
}

/** A secret's tail just after an ellipsis, or its head just before one, masked. */
function maskCutPieces(text: string, secrets: readonly string[]): string {
  // Every cut sched makes leaves an ellipsis where it cut; a text's own edges are no cut (`token=…` is no secret's tail).
  if (!text.includes(CUT)) return text;
  let masked = text;
  for (const secret of secrets) {
    for (let length = secret.length - 1; length >= MIN_CUT_PIECE; length--) {
      const head = secret.slice(0, length);
      const tail = secret.slice(secret.length - length);
      masked = masked.split(`${head}${CUT}`).join(`${MASK}${CUT}`).split(`${CUT}${tail}`).join(`${CUT}${MASK}`);
    }
  }
  return masked;
}

/** The config with its references replaced by `values`, and escaped ones ($${secret:NAME}) by the text they stand for. */
function substitute(config: unknown, values: ReadonlyMap<string, string>): unknown {
  return mapStrings(config, (text) => text.replace(SECRET_REFERENCE, (match, escape: string, name: string) => (escape ? match.slice(1) : values.get(name)!)));
}

function collectNames(value: unknown, names: Set<string>, escaped: { found: boolean }): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(SECRET_REFERENCE)) {
      if (match[1] === '') names.add(match[2]);
      else escaped.found = true;
    }
  } else if (Array.isArray(value)) {
    for (const item of value) collectNames(item, names, escaped);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectNames(item, names, escaped);
  }
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  }
  return value;
}

