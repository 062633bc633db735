import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { serveStatic } from '@hono/node-server/serve-static';
import path from 'node:path';
import { ModelOperationError } from '../operations/models';
import { UnknownBatchError } from '../operations/batches';
import { UpdateRefusedError } from '../operations/refusals';
import type { Logger } from '../observability/logger';
import { allowedMethods } from './allowed-methods';
import { requireTokenForMutations } from './auth';
import type { ApiContext } from './context';
import { registerEventRoutes } from './routes/events';
import { registerMarketRoutes } from './routes/market';
import { registerModelRoutes } from './routes/models';
import { registerOperationRoutes } from './routes/operations';

const webRoot = path.relative(process.cwd(), path.join(__dirname, 'web'));
// The package exports only its ES module; the standalone browser build sits beside it.
const chartsBundle = path.relative(
  process.cwd(),
  path.join(
    path.dirname(require.resolve('lightweight-charts/package.json')),
    'dist',
    'lightweight-charts.standalone.production.js',
  ),
);

/**
 * The HTTP API, dashboard and training portal. Inputs are validated by the routes' zod
 * schemas (400 with the problems by field), mutations need the bearer token (401), a workflow's
 * refusal is a 409 with its reason, a method a path does not answer a 405 with `Allow`, and no
 * stack trace ever reaches a client.
 */
export function createApp(ctx: ApiContext, log: Logger): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(
          {
            error: 'invalid request',
            issues: result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
          },
          400,
        );
      }
    },
  });
  app.use(
    '/api/*',
    requireTokenForMutations(ctx.token, (method, path) => allowedMethods(app.routes, path).includes(method)),
  );
  registerMarketRoutes(app, ctx);
  registerModelRoutes(app, ctx);
  registerOperationRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'TICKFLOW_API_TOKEN',
  });
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'tickflow API', version: '1' } });

  app.get('/vendor/lightweight-charts.js', serveStatic({ path: chartsBundle }));
  app.get('/', serveStatic({ path: path.join(webRoot, 'dashboard.html') }));
  app.get('/portal', serveStatic({ path: path.join(webRoot, 'portal.html') }));
  app.use('/web/*', serveStatic({ root: webRoot, rewriteRequestPath: (p) => p.replace(/^\/web/, '') }));

  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length > 0)
      return c.json({ error: `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow.join(', ')}` }, 405, {
        Allow: allow.join(', '),
      });
    return c.json({ error: `no route ${c.req.method} ${c.req.path} (see /openapi.json)` }, 404);
  });
  app.onError((error, c) => {
    if (error instanceof UpdateRefusedError) return c.json({ error: error.message }, 409);
    if (error instanceof UnknownBatchError) return c.json({ error: error.message }, 404);
    if (error instanceof ModelOperationError)
      return c.json({ error: error.message }, error.refusal === 'not-found' ? 404 : 409);
    if (error instanceof HTTPException && error.status < 500) return c.json({ error: error.message }, error.status); // e.g. a malformed JSON body
    log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error (logged on the server)' }, 500);
  });
  return app;
}
