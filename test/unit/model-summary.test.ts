import { modelSummary } from '../../operations/models';
import type { ModelRecord } from '../../store/model-registry';

const record = (version: string, extra: Partial<ModelRecord> = {}): ModelRecord => ({
  version,
  createdAt: '2026-12-03T00:00:00.000Z',
  updatedAt: '2026-12-03T00:00:00.000Z',
  workflowId: `training-${version}`,
  trigger: 'test',
  interval: '1d',
  horizon: 1,
  decision: 'rejected',
  reason: 'no better than the baseline',
  hyperparameters: {},
  ...extra,
});

describe('modelSummary (the rows of `tickflow models`)', () => {
  const onEndpoint = { champion: 'v2', challenger: 'v3' };

  test('marks the champion ● and the challenger ○', () => {
    expect(modelSummary(record('v2', { decision: 'promoted' }), onEndpoint).serving).toBe('●');
    expect(modelSummary(record('v3'), onEndpoint).serving).toBe('○');
    expect(modelSummary(record('v1'), onEndpoint).serving).toBe('');
  });

  test('says why a rejected candidate could not serve as the challenger', () => {
    const row = modelSummary(record('v4', { challengerFailure: 'did not pass the ping health check' }), onEndpoint);
    expect(row.reason).toBe(
      'no better than the baseline; could not serve as the challenger: did not pass the ping health check',
    );
  });
});
