import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BarsStore } from '../../store/bars-store';
import { SeriesProgressStore } from '../../store/series-progress-store';

/** A client that answers every request with nothing found, and keeps what it was asked. */
function recordingClient() {
  const asked: Array<{ command: string; input: Record<string, unknown> }> = [];
  const documents = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      asked.push({ command: command.constructor.name, input: command.input });
      return { Items: [], Responses: {}, UnprocessedKeys: {} };
    },
  } as unknown as DynamoDBDocumentClient;
  return { asked, documents };
}

/** Whether a request asks for a strongly consistent read (a BatchGetItem asks per table). */
const consistent = ({ command, input }: { command: string; input: Record<string, unknown> }) =>
  command === 'BatchGetCommand'
    ? Object.values(input.RequestItems as Record<string, { ConsistentRead?: boolean }>).every((t) => t.ConsistentRead)
    : input.ConsistentRead === true;

describe('the reads a series’ state is rebuilt from', () => {
  it('are strongly consistent: a stale progress item, bar or block would rebuild the wrong state', async () => {
    const { asked, documents } = recordingClient();
    const bars = new BarsStore(documents, 'bars');
    const progress = new SeriesProgressStore(documents, 'tickers');
    await progress.getMany([{ ticker: 'T', interval: '1m' }]);
    await progress.get('T', '1m');
    await bars.inputsBefore('T', '1m', 1_000, 20);
    await bars.inputsBefore('T', '1m', 1_000, 580, 10);
    await bars.newestBlocks('T', '1m', 14);
    await bars.blocksAt([{ ticker: 'T', interval: '1m', blocks: [1, 2] }]);
    await bars.range('T', '1m', 0, 1_000);
    expect(asked.map((a) => a.command)).toEqual([
      'BatchGetCommand',
      'GetCommand',
      'QueryCommand',
      'QueryCommand',
      'QueryCommand',
      'BatchGetCommand',
      'QueryCommand',
    ]);
    expect(asked.filter((a) => !consistent(a))).toEqual([]);
  });
});
