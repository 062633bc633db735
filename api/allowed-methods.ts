/**
 * The methods the app's routes answer on a path: a request for the path with another method
 * is a 405 with these in `Allow` (RFC 9110 §15.5.6), not a 404. Middleware (method ALL) and
 * wildcard mounts do not count as routes.
 */
export function allowedMethods(routes: ReadonlyArray<{ method: string; path: string }>, path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    const pattern = new RegExp(
      `^${route.path
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}$`,
    );
    if (pattern.test(path)) methods.add(route.method);
  }
  // Every GET answers HEAD too.
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
