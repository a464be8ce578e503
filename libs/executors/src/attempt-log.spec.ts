import { AttemptLog } from './attempt-log';

describe('attempt log', () => {
  it('keeps the first lines, cuts long ones and says how many it dropped', () => {
    const sink: string[] = [];
    const log = new AttemptLog((level, message) => sink.push(`${level}:${message}`), () => 0, 2);
    log.info('one');
    log.warn('x'.repeat(5000));
    log.error('three');
    const lines = log.lines();
    expect(lines.map((line) => [line.level, line.message.length])).toEqual([['info', 3], ['warn', 1000], ['warn', 29]]);
    expect(lines[2].message).toBe('1 more log lines were dropped');
    expect(sink).toHaveLength(3);
  });
});

describe('attempt log byte limit', () => {
  it('stops keeping lines once their bytes (messages and data) would pass the limit', () => {
    const log = new AttemptLog(undefined, () => 0, 100, 1000);
    log.info('small');
    log.info('big data', { blob: 'y'.repeat(2000) }); // alone over the limit: dropped, not cut
    for (let i = 0; i < 20; i += 1) log.info(`line ${i} ${'z'.repeat(50)}`);
    const lines = log.lines();
    const kept = lines.slice(0, -1);
    expect(kept[0].message).toBe('small');
    expect(kept.some((line) => line.message === 'big data')).toBe(false);
    expect(kept.reduce((sum, line) => sum + JSON.stringify(line).length, 0)).toBeLessThanOrEqual(1000);
    expect(lines[lines.length - 1].message).toBe(`${22 - kept.length} more log lines were dropped`);
  });
});
