import { challengerOf } from '../../domain/challenger';

const model = (version: string, decision: 'promoted' | 'rejected' | 'failed', artifact = true) => ({
  version,
  decision,
  ...(artifact ? { artifact: `s3://bucket/models/${version}/model.tar.gz` } : {}),
});

describe('challengerOf', () => {
  test('is the latest rejected candidate, in whatever order the registry lists them', () => {
    const models = [model('v3', 'rejected'), model('v1', 'promoted'), model('v5', 'rejected'), model('v4', 'promoted')];
    expect(challengerOf(models, 'v4')).toBe('v5');
  });

  test('stays when a newer model is promoted: it is still the latest that was not', () => {
    expect(challengerOf([model('v2', 'rejected'), model('v3', 'promoted')], 'v3')).toBe('v2');
  });

  test('is never the champion itself (a rejected candidate promoted by hand), nor one without a model to serve', () => {
    const models = [model('v1', 'rejected'), model('v2', 'rejected'), model('v3', 'rejected', false)];
    expect(challengerOf(models, 'v2')).toBe('v1');
    expect(challengerOf([model('v1', 'failed'), model('v2', 'promoted')], 'v2')).toBeNull();
  });

  test('skips a candidate that failed to serve when it was staged', () => {
    const models = [model('v1', 'rejected'), { ...model('v2', 'rejected'), challengerFailure: 'did not pass /ping' }];
    expect(challengerOf(models, 'v0')).toBe('v1');
  });
});
