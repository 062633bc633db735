import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

/**
 * Every workflow instance evaluates the bundle's own modules afresh (the SDK's reused V8 context
 * gives each its own module cache), so whatever the workflows import is built again for every
 * cached ticker workflow. Keep libraries such as zod out: validation that workflows need lives in
 * zod-free domain modules.
 */
describe('workflow bundle', () => {
  test('holds the workflows and no schema library', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: new DefaultLogger('WARN'),
    });
    expect(code).toContain('tickerWorkflow');
    expect(code.match(/node_modules\/zod\/[^\s"']*/g) ?? []).toEqual([]);
  }, 60_000);
});
