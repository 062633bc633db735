import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { variantsInService } from '../../clients/sagemaker-endpoint';
import { workflowUrl } from '../../clients/temporal-ui';
import { deployVersion, describeTrainingSchedule, rollbackTarget, startTraining } from '../../operations/models';
import type { ModelRecord } from '../../store/model-registry';
import type { ApiContext } from '../context';
import { Accepted, jsonResponses, ModelRow, Schedule, TrainingRun } from '../schemas';

/** A model's live scores as the API publishes them (the alert's window stays in the registry). */
const liveRow = ({ recent: _recent, ...live }: NonNullable<ModelRecord['live']>) => live;

const modelsRoute = createRoute({
  method: 'get',
  path: '/api/models',
  summary:
    'the model registry: data range, metrics against the random walk and the incumbent, decision, which one serves',
  responses: jsonResponses(z.array(ModelRow)),
});
const runsRoute = createRoute({
  method: 'get',
  path: '/api/training/runs',
  summary: 'recent training runs (scheduled or manual) and their status',
  responses: jsonResponses(z.array(TrainingRun)),
});
const scheduleRoute = createRoute({
  method: 'get',
  path: '/api/training/schedule',
  summary: 'the retraining Schedule and its next runs',
  responses: jsonResponses(Schedule),
});
const trainRoute = createRoute({
  method: 'post',
  path: '/api/training/runs',
  summary: 'start a training run now (the same workflow the Schedule starts)',
  security: [{ bearer: [] }],
  responses: jsonResponses(Accepted, 202),
});
const promoteRoute = createRoute({
  method: 'post',
  path: '/api/models/{version}/promote',
  summary: 'put a registered version behind the endpoint (deployment workflow)',
  security: [{ bearer: [] }],
  request: { params: z.object({ version: z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'a model version') }) },
  responses: jsonResponses(Accepted, 202),
});
const rollbackRoute = createRoute({
  method: 'post',
  path: '/api/models/rollback',
  summary: 'deploy the previously deployed version again',
  security: [{ bearer: [] }],
  responses: jsonResponses(Accepted, 202),
});

const metricsOf = (m: ModelRecord['metrics']) =>
  m ? Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'number')) : null;

/** The training portal's endpoints: every change goes through the same workflows as the CLI. */
export function registerModelRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  app.openapi(modelsRoute, async (c) => {
    const [models, onEndpoint] = await Promise.all([
      ctx.models.list(),
      variantsInService(ctx.aws.sagemaker, ctx.config.sagemaker.endpointName),
    ]);
    return c.json(
      models
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .map((m) => ({
          version: m.version,
          decision: m.decision,
          reason: m.reason,
          createdAt: m.createdAt,
          inService: m.version === onEndpoint.champion,
          challenger: m.version === onEndpoint.challenger,
          workflowUrl: workflowUrl(ctx.config, m.workflowId),
          dataStart: m.dataset?.dataStart ?? null,
          dataEnd: m.dataset?.dataEnd ?? null,
          metrics: metricsOf(m.metrics),
          incumbentMetrics: metricsOf(m.incumbent?.metrics),
          holdoutSample: m.holdoutSample ?? [],
          perTicker: m.perTicker ?? [],
          live: m.live ? liveRow(m.live) : null,
        })),
      200,
    );
  });
  app.openapi(runsRoute, async (c) => {
    const runs = [];
    for await (const run of ctx.temporal.workflow.list({ query: 'WorkflowType = "trainingWorkflow"', pageSize: 20 })) {
      runs.push({
        workflowId: run.workflowId,
        status: run.status.name,
        startedAt: run.startTime?.toISOString() ?? null,
        closedAt: run.closeTime?.toISOString() ?? null,
        workflowUrl: workflowUrl(ctx.config, run.workflowId),
      });
      if (runs.length >= 20) break;
    }
    return c.json(runs, 200);
  });
  app.openapi(scheduleRoute, async (c) => {
    const { id, every, paused, nextRuns } = await describeTrainingSchedule(ctx.temporal);
    return c.json({ id, every, paused, nextRuns }, 200);
  });
  app.openapi(trainRoute, async (c) => {
    const handle = await startTraining(ctx.temporal, ctx.config, { trigger: 'api' });
    return c.json({ workflowId: handle.workflowId, workflowUrl: workflowUrl(ctx.config, handle.workflowId) }, 202);
  });
  app.openapi(promoteRoute, async (c) => {
    const { version } = c.req.valid('param');
    const handle = await deployVersion(ctx.temporal, ctx.config, ctx.models, version, 'manual promotion (API)');
    return c.json({ workflowId: handle.workflowId, workflowUrl: workflowUrl(ctx.config, handle.workflowId) }, 202);
  });
  app.openapi(rollbackRoute, async (c) => {
    const { from, to } = await rollbackTarget(ctx.models);
    const handle = await deployVersion(ctx.temporal, ctx.config, ctx.models, to, `rollback from ${from} (API)`);
    return c.json({ workflowId: handle.workflowId, workflowUrl: workflowUrl(ctx.config, handle.workflowId) }, 202);
  });
}
