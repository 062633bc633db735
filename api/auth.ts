import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every request that changes state needs `Authorization: Bearer <token>`; compared in constant
 * time. A method no route answers passes on, to its 405 (or 404): it changes nothing.
 */
export function requireTokenForMutations(
  token: string,
  routed: (method: string, path: string) => boolean,
): MiddlewareHandler {
  const expected = Buffer.from(token);
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || !routed(c.req.method, c.req.path)) return next();
    const given = Buffer.from(/^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return c.json(
        { error: 'this request changes state: send Authorization: Bearer <token> (TICKFLOW_API_TOKEN)' },
        401,
      );
    }
    await next();
  };
}
