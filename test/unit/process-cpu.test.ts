import { formatShares, parseCpuLine, parseProcStat, ticksByName } from '../../bench/process-cpu';

// Field layout from proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
const statLine = (pid: number, comm: string, pgrp: number, utime: number, stime: number) =>
  `${pid} (${comm}) S 1 ${pgrp} ${pgrp} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 7 8 20 0 12 0 3456 1000000 500 18446744073709551615`;

describe('process CPU accounting', () => {
  test('reads pid, process group and user + system ticks, whatever the command name holds', () => {
    expect(parseProcStat(statLine(4242, 'java', 4200, 150, 30))).toEqual({ pid: 4242, pgrp: 4200, ticks: 180 });
    expect(parseProcStat(statLine(7, 'tmux: server) (x y', 5, 1, 2))).toEqual({ pid: 7, pgrp: 5, ticks: 3 });
    expect(() => parseProcStat('garbage')).toThrow('not a /proc/<pid>/stat line');
  });

  test('busy ticks of the machine leave out idle and I/O wait; steal is counted apart too', () => {
    expect(parseCpuLine('cpu  5615 10 3296 24467 360 1 93 335 0 0')).toEqual({
      busy: 5615 + 10 + 3296 + 1 + 93 + 335,
      total: 5615 + 10 + 3296 + 1 + 93 + 335 + 24467 + 360,
      steal: 335,
    });
  });

  test('a service counts with its whole process group, the worker by its own pid', () => {
    const processes = [
      { pid: 100, pgrp: 100, ticks: 10 }, // dynamodb's launcher
      { pid: 101, pgrp: 100, ticks: 90 }, // its JVM
      { pid: 200, pgrp: 50, ticks: 40 }, // the worker, in the benchmark's group
      { pid: 50, pgrp: 50, ticks: 5 }, // the benchmark
      { pid: 300, pgrp: 300, ticks: 999 }, // something else on the machine
    ];
    const who = [
      { name: 'dynamodb', pgrp: 100 },
      { name: 'worker', pid: 200 },
      { name: 'benchmark', pid: 50 },
    ];
    expect(Object.fromEntries(ticksByName(processes, who))).toEqual({ dynamodb: 100, worker: 40, benchmark: 5 });
  });

  test('shares are % of one core over the window, busiest first, with the machine total', () => {
    const before = new Map([
      ['temporal', 100],
      ['worker', 50],
    ]);
    const after = new Map([
      ['temporal', 1_100],
      ['worker', 650],
    ]);
    // 10 s at 100 ticks/s: temporal 1000 ticks = 100 %, worker 600 = 60 %; machine busy 6 of 8 ticks on 2 cores = 150 %, 1 of them stolen.
    expect(formatShares(before, after, 10, 100, { busyTicks: 6, totalTicks: 8, stealTicks: 1, cores: 2 })).toBe(
      'temporal 100 %, worker 60 %; machine 150 % of 200 % (taken by the host: 25 %)',
    );
  });
});
