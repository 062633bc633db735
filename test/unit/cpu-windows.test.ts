import { burstWindows, cpuInWindows, cpuPerBar, type CpuSample } from '../../bench/cpu-windows';

const sample = (at: number, worker: number, dynamodb: number, steal = 0): CpuSample => ({
  at,
  ticks: new Map([
    ['worker', worker],
    ['dynamodb', dynamodb],
  ]),
  steal,
});

/** CPU over windows given as [from, to], at 100 ticks a second. */
const cpuOver = (samples: CpuSample[], ...windows: Array<[number, number]>) =>
  cpuInWindows(
    samples,
    windows.map(([from, to]) => ({ from, to })),
    100,
  );

describe('CPU while bursts are in flight', () => {
  test("a burst's window runs from its first bar's arrival to its last bar's done", () => {
    const windows = burstWindows([
      { t: 60_000, arrivedAt: 1_000, doneAt: 2_500 },
      { t: 120_000, arrivedAt: 61_000, doneAt: 61_900 },
      { t: 60_000, arrivedAt: 900, doneAt: 3_100 },
      { t: 60_000, arrivedAt: 1_200, doneAt: 2_000 },
    ]);
    expect(windows).toEqual([
      { from: 900, to: 3_100 },
      { from: 61_000, to: 61_900 },
    ]);
  });

  test('each window is widened to the samples around it; the idle time between windows is left out', () => {
    // 100 ticks a second. Busy from 1 s to 3 s (worker 50, dynamodb 150 ticks), idle to 10 s, busy again to 11 s.
    const samples = [
      sample(0, 0, 0),
      sample(1_000, 0, 0),
      sample(2_000, 20, 70, 5),
      sample(3_000, 50, 150, 10),
      sample(10_000, 52, 151, 12),
      sample(11_000, 82, 201, 12),
    ];
    const cpu = cpuOver(samples, [1_200, 2_900], [10_000, 10_700]);
    // First window → samples at 1 s and 3 s; second → 10 s and 11 s.
    expect(cpu.windowSeconds).toBe(3);
    expect(cpu.seconds).toEqual(
      new Map([
        ['worker', 0.8],
        ['dynamodb', 2],
      ]),
    );
    expect(cpu.steal).toBe(0.1);
    // 2.8 s of CPU over 1,000 bars; 2.8 / 3 s of windows.
    expect(cpuPerBar(cpu, 1_000)).toEqual({
      ms: expect.closeTo(2.8, 10),
      text: '2.80 ms: dynamodb 2.00, worker 0.80; the host took 0.10; over 3.0 s of windows (0.93 cores busy)',
    });
  });

  test('overlapping windows (a burst still in flight when the next arrives) count their time once', () => {
    const samples = [sample(0, 0, 0), sample(1_000, 100, 0), sample(2_000, 200, 0), sample(3_000, 300, 0)];
    const cpu = cpuOver(samples, [1_000, 2_500], [0, 1_500]);
    expect(cpu.windowSeconds).toBe(3);
    expect(cpu.seconds.get('worker')).toBe(3);
  });

  test('a window past the samples uses the nearest ones, and one with nothing between is left out', () => {
    const samples = [sample(1_000, 0, 0), sample(2_000, 100, 0)];
    expect(cpuOver(samples, [0, 5_000]).seconds.get('worker')).toBe(1);
    expect(cpuOver([sample(1_000, 0, 0)], [0, 5_000]).windowSeconds).toBe(0);
  });
});
