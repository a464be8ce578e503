/** Where the CLI writes: the process streams, or buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when `out` is a terminal: progress bars redraw in place only there. */
  readonly interactive: boolean;
}

export const processIo = (): CliIo => ({
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  interactive: Boolean(process.stdout.isTTY),
});

export type Cell = string | number | boolean | undefined | null;

const show = (cell: Cell): string => (cell === undefined || cell === null || cell === '' ? '-' : String(cell));

/** A plain aligned table: a header row, then one line per row. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map(show));
  const widths = headers.map((header, i) => Math.max(header.length, ...text.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers.map((h) => h.toUpperCase())), ...text.map(line)].join('\n') + '\n';
}

/** `key: value` lines for one record. */
export function fields(record: Readonly<Record<string, Cell>>): string {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  return Object.entries(record).map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${show(value)}`).join('\n') + '\n';
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** `[██████░░░░]  60% message` */
export function progressBar(percent: number, message?: string, width = 24): string {
  const clamped = Math.max(0, Math.min(100, percent));
  const filled = Math.round((clamped / 100) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(clamped)).padStart(3)}%${message ? ` ${message}` : ''}`;
}

/** A short human summary of an ISO instant: local date-time without the 'T' and milliseconds. */
export const when = (iso: string | undefined): string | undefined => iso?.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');

/** `when` keeping milliseconds that are not zero: a jittered fire instant, an end given to the millisecond. */
export const whenExactly = (iso: string | undefined): string | undefined => iso?.replace('T', ' ').replace(/\.000Z$/, 'Z');

/**
 * An ISO instant as the wall clock of `timeZone` reads it, with the zone's abbreviation: `2027-03-14 03:00:00 EDT`
 * (what a cron schedule in that zone means by its fields, DST included).
 */
export function whenIn(iso: string | undefined, timeZone: string): string | undefined {
  if (iso === undefined) return undefined;
  const instant = new Date(iso);
  const wall = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(instant);
  const zone = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(instant).find((part) => part.type === 'timeZoneName');
  return zone ? `${wall} ${zone.value}` : wall;
}
