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
