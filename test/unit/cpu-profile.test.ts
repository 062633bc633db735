import { formatTop, frameName, ownerOf, selfTimes, type CpuProfile } from '../../bench/cpu-profile';

const root = '/repo';
const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe('CPU profile summary', () => {
  test('a frame belongs to V8, Node, a package or a folder of the repository', () => {
    expect(ownerOf(frame('(garbage collector)', ''), root)).toBe('(garbage collector)');
    expect(ownerOf(frame('nativeThing', ''), root)).toBe('(native, no script)');
    expect(ownerOf(frame('emit', 'node:events'), root)).toBe('node runtime');
    expect(ownerOf(frame('send', 'file:///repo/node_modules/@smithy/core/dist-cjs/index.js'), root)).toBe(
      '@smithy/core',
    );
    expect(ownerOf(frame('parse', '/repo/node_modules/a/node_modules/pino/lib/x.js'), root)).toBe('pino');
    expect(ownerOf(frame('add', '/repo/domain/indicators.ts'), root)).toBe('tickflow domain/');
    expect(ownerOf(frame('activate', 'workflow-bundle-123.js'), root)).toBe('workflow-bundle-123.js');
    expect(ownerOf(frame('f', 'evalmachine.<anonymous>'), root)).toBe('evalmachine.<anonymous>');
    expect(ownerOf(frame('g', '/usr/lib/x.js'), root)).toBe('x.js');
    expect(ownerOf(frame('h', '/repo/workflow-bundle-9.js'), root)).toBe('workflow-bundle-9.js');
  });

  test('self time is the sum of the time before each sample, grouped and largest first', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('add', '/repo/domain/indicators.ts', 9) },
        { id: 3, callFrame: frame('send', '/repo/node_modules/@smithy/core/index.js') },
        { id: 4, callFrame: frame('(idle)', '') },
      ],
      samples: [2, 3, 2, 4, 3],
      timeDeltas: [100, 300, 100, 400, 100],
      startTime: 1_000,
    };
    const byOwner = selfTimes(profile, (f) => ownerOf(f, root));
    expect(byOwner).toEqual([
      { name: '@smithy/core', micros: 400 },
      { name: '(idle)', micros: 400 },
      { name: 'tickflow domain/', micros: 200 },
    ]);
    expect(formatTop(byOwner, 2)).toBe('busy 60 % of the time; of that: @smithy/core 66.7 %, tickflow domain/ 33.3 %');
    const byFunction = selfTimes(profile, (f) => frameName(f, root));
    expect(byFunction[2]).toEqual({ name: 'add (indicators.ts:10) [tickflow domain/]', micros: 200 });
    expect(formatTop(byFunction, 1)).toBe('busy 60 % of the time; of that: send (index.js:1) [@smithy/core] 66.7 %');
  });

  test('a window keeps the samples taken within it (times on the monotonic clock the profile started at)', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('require', 'node:internal/modules/cjs/loader') },
        { id: 2, callFrame: frame('send', '/repo/node_modules/@smithy/core/index.js') },
      ],
      samples: [1, 1, 2, 2, 1],
      // samples at 1100, 1200, 1300, 1400, 1500
      timeDeltas: [100, 100, 100, 100, 100],
      startTime: 1_000,
    };
    expect(selfTimes(profile, (f) => ownerOf(f, root), { from: 1_250, to: 1_400 })).toEqual([
      { name: '@smithy/core', micros: 200 },
    ]);
    expect(selfTimes(profile, (f) => ownerOf(f, root), { from: 1_150, to: 1_450 })).toEqual([
      { name: '@smithy/core', micros: 200 },
      { name: 'node runtime', micros: 100 },
    ]);
  });
});
