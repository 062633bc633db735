import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });

/**
 * Histories recorded from real runs (RECORD_HISTORIES=1 with the integration suite) must replay
 * against the current workflow code: a change that would break running workflows fails here.
 */
describe('workflow determinism', () => {
  const dir = path.join(__dirname, '..', 'histories');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  test('recorded histories exist for every workflow', () => {
    for (const prefix of ['ticker-', 'shard-reader-', 'training-', 'deploy-', 'live-scoring-'])
      expect(files.some((f) => f.startsWith(prefix))).toBe(true);
  });

  test('every recorded history replays without a determinism error', async () => {
    const histories = files.map((f) => ({
      workflowId: f,
      history: JSON.parse(readFileSync(path.join(dir, f), 'utf8')),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../workflows') },
      histories,
    )) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(replayed).toBe(files.length);
    expect(failures).toEqual([]);
  }, 60_000);
});
