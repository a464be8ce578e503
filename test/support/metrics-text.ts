/**
 * The sum of the samples on the lines of a Prometheus text exposition that start with `prefix` (a whole series, or
 * a metric name and the start of its labels) and pass `also` (e.g. a label further on): one number however many
 * label combinations, executor types or registries the exposition splits it into.
 */
export function sumOfSamples(exposition: string, prefix: string, also: (line: string) => boolean = () => true): number {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(prefix) && also(line))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
