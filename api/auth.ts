import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every request that changes state needs `Authorization: Bearer <token>`; compared in constant time. */
export function requireTokenForMutations(token: string): MiddlewareHandler {
  const expected = Buffer.from(token);
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
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
