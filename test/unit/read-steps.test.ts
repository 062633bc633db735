import { readSteps } from '../../bench/pipeline-probes';
import { METRIC, READ_STEPS, stepClock, type ReadStep } from '../../observability/metrics';
import type { Sample } from '../../observability/prometheus-text';

describe("a shard read's steps", () => {
  test('each lap records the time since the one before, in order', async () => {
    const recorded: Array<[ReadStep, number]> = [];
    const lap = stepClock({ readStep: (step, millis) => recorded.push([step, millis]) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    lap('load');
    lap('compute');
    expect(recorded.map(([step]) => step)).toEqual(['load', 'compute']);
    expect(recorded[0]![1]).toBeGreaterThanOrEqual(15);
    expect(recorded[1]![1]).toBeLessThan(recorded[0]![1]);
  });

  test('between two scrapes: each step’s share of the reads’ time and its mean per read', () => {
    // Reads commit together: `wait` and `progress` are counted once per commit.
    const scrape = (reads: number, commits: number, msPerStep: Partial<Record<ReadStep, number>>): Sample[] =>
      READ_STEPS.flatMap((step) => {
        const count = step === 'wait' || step === 'progress' ? commits : reads;
        return [
          {
            name: `${METRIC.readStep}_sum`,
            labels: { step, service_name: 'w' },
            value: count * (msPerStep[step] ?? 0),
          },
          { name: `${METRIC.readStep}_count`, labels: { step, service_name: 'w' }, value: count },
        ];
      });
    const before = scrape(10, 2, { load: 5, store: 5 });
    const after = scrape(20, 4, { load: 5, compute: 0, predict: 0, store: 10, alerts: 0, wait: 0, progress: 300 });
    // 10 reads between: load 50 ms, store 150 ms (200 − 50), 200 ms in line; 2 commits, 1,200 ms of progress beside them.
    expect(readSteps(before, after)).toBe(
      'load 25 % (5 ms), compute 0 % (0 ms), predict 0 % (0 ms), store 75 % (15 ms), alerts 0 % (0 ms), wait 0 % (0 ms); 10 reads, 20 ms each; beside them, 2 commits, progress 600 ms each',
    );
    expect(readSteps(after, after)).toBe('no reads');
  });
});
