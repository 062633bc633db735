/**
 * Where the worker's time goes at the highest load the suite offers: N tickers with a model in
 * service, every ticker's workflow started, then one bar per ticker every `1 / --rate` s for
 * `--seconds`, until every bar is stored and predicted — with the worker under V8's sampling
 * profiler (`node --cpu-prof`). Records CPU by process and the worker's self time by package
 * and by function, both over the live phase (the profile covers the worker's whole life, whose
 * start-up is mostly module loading); the raw .cpuprofile stays in the bench folder for
 * Chrome DevTools or speedscope.
 *
 *   npm run bench:worker-profile -- [--tickers 1000] [--rate 1] [--seconds 30]
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../config/config';
import { syntheticTickerName } from '../domain/synthetic';
import { produce } from '../producer/produce';
import { syntheticSource } from '../producer/sources/synthetic';
import { servedAndWarm } from './bench-model';
import { benchEnv, benchStackSetup, withBenchStack } from './bench-stack';
import { formatTop, frameName, ownerOf, selfTimes, type CpuProfile } from './cpu-profile';
import { benchOptions } from './options';
import { untilPredicted, untilStored } from './pipeline-probes';
import { recordResults } from './results';

const {
  tickers: TICKERS,
  rate: RATE,
  seconds: SECONDS,
} = benchOptions('worker-profile', { tickers: 1000, rate: 1, seconds: 30 });
const say = (line: string) => process.stderr.write(`[bench:worker-profile] ${line}\n`);
const MINUTE = 60_000;
const LIMIT_MS = 30 * MINUTE;
const PROFILE_DIR = path.join(benchEnv.TICKFLOW_HOME!, 'profiles');
/** Now on the clock V8 stamps profile samples with (the system's monotonic clock, shared by every process). */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  const { workerPid, live } = await withBenchStack(
    say,
    async (stack) => {
      const { config, aws } = stack;
      const stream = { streamName: config.stream.name };
      const tickers = Array.from({ length: TICKERS }, (_, i) => syntheticTickerName(i));
      const { next } = await servedAndWarm(stack, tickers, say);

      const bars = Math.max(1, Math.round(SECONDS * RATE));
      say(`live: ${(RATE * TICKERS).toFixed(0)} bars/s offered, ${bars} bar(s) per ticker`);
      const t0 = Date.now();
      const liveFrom = monotonicMicros();
      const cpu = stack.cpuMeter();
      await produce(
        aws.kinesis,
        syntheticSource({ tickers: TICKERS, bars, seed: 100, interval: '1m', rate: RATE, startTime: next }),
        stream,
      );
      const last = next + (bars - 1) * MINUTE;
      await untilStored(stack, TICKERS, last, LIMIT_MS, say);
      await untilPredicted(stack, tickers, '1m', last, LIMIT_MS, say);
      return {
        workerPid: stack.worker.pid!,
        live: { cpu: cpu(), seconds: (Date.now() - t0) / 1000, window: { from: liveFrom, to: monotonicMicros() } },
      };
    },
    // The profile covers the worker's whole life (start-up and the warm-up too); it is written when the worker exits.
    {
      role: 'all',
      env: { TICKFLOW_TRAINING_INTERVAL: '1m' },
      workerNodeFlags: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`],
    },
  );

  // Node writes one per thread, named CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile:
  // thread 0 runs activities and the SDK, the others run workflow code (the SDK's thread pool).
  const files = readdirSync(PROFILE_DIR)
    .map((name) => ({ name, pid: Number(name.split('.')[3]), thread: Number(name.split('.')[4]) }))
    .filter((f) => f.pid === workerPid)
    .sort((a, b) => a.thread - b.thread);
  if (files.length === 0)
    throw new Error(`no CPU profile of worker ${workerPid} in ${PROFILE_DIR}: did it exit cleanly?`);
  const rows: Array<[string, string]> = [
    [
      'run',
      `${TICKERS.toLocaleString()} tickers, 1-minute bars, predictions on; live: ${(RATE * TICKERS).toFixed(0)} bars/s offered for ${SECONDS} s, stored and predicted ${live.seconds.toFixed(0)} s after the first was sent`,
    ],
    ['live phase, CPU by process (% of one core)', live.cpu],
  ];
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(PROFILE_DIR, file.name), 'utf8')) as CpuProfile;
    const thread = file.thread === 0 ? 'worker main thread' : `worker thread ${file.thread}`;
    rows.push(
      [
        `${thread}, live phase: self time by owner (top 10)`,
        formatTop(
          selfTimes(profile, (frame) => ownerOf(frame, repoRoot), live.window),
          10,
        ),
      ],
      [
        `${thread}, live phase: self time by function (top 10)`,
        formatTop(
          selfTimes(profile, (frame) => frameName(frame, repoRoot), live.window),
          10,
        ),
      ],
    );
  }
  rows.push([
    'profiles',
    `${files.length} in ${path.relative(repoRoot, PROFILE_DIR)} (Chrome DevTools or speedscope; kept until the next run of this probe)`,
  ]);
  recordResults(
    'worker-profile',
    `Where the worker's time goes: ${TICKERS.toLocaleString()} tickers, predictions on`,
    `npm run bench:worker-profile -- --tickers ${TICKERS} --rate ${RATE} --seconds ${SECONDS}`,
    rows,
    benchStackSetup,
  );
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(50)} ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:worker-profile failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
