import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Machine facts every result file carries, so numbers from different boxes are never compared blindly. */
export function machine(): Record<string, unknown> {
  return {
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** Prints a table and writes `bench/results/<name>.json` (the latest run) with the date and the machine. */
export function report(name: string, rows: Array<Record<string, string | number>>, extra: Record<string, unknown> = {}): void {
  console.log(`\n${name}`);
  console.table(rows);
  const file = path.join(__dirname, 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ name, date: new Date().toISOString(), machine: machine(), rows, ...extra }, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), file)}`);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

/** p50/p99/max of a set of lateness samples (ms), as both lateness benchmarks report them. */
export function latenessSummary(latenessMs: readonly number[]): Record<string, number> {
  const sorted = [...latenessMs].sort((a, b) => a - b);
  return { fires: sorted.length, 'p50 ms': percentile(sorted, 50), 'p99 ms': percentile(sorted, 99), 'max ms': sorted[sorted.length - 1] };
}
