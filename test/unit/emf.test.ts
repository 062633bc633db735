import { EmfCounters } from '../../observability/emf';

test('counters are summed per flush into one embedded-metric-format line, nothing when idle', () => {
  const lines: string[] = [];
  const emf = new EmfCounters(
    'tickflow/prod',
    (line) => lines.push(line),
    () => 1_700_000_000_000,
  );
  emf.flush();
  expect(lines).toEqual([]);
  emf.add('DeadLettered', 3);
  emf.add('DeadLettered', 2);
  emf.add('BatchesFailed', 1);
  emf.flush();
  emf.flush();
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toEqual({
    _aws: {
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        {
          Namespace: 'tickflow/prod',
          Dimensions: [[]],
          Metrics: [
            { Name: 'DeadLettered', Unit: 'Count' },
            { Name: 'BatchesFailed', Unit: 'Count' },
          ],
        },
      ],
    },
    DeadLettered: 5,
    BatchesFailed: 1,
  });
});
