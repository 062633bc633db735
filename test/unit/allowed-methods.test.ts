import { allowedMethods } from '../../api/allowed-methods';

describe('allowedMethods', () => {
  const routes = [
    { method: 'ALL', path: '/api/*' },
    { method: 'GET', path: '/api/training/runs' },
    { method: 'POST', path: '/api/training/runs' },
    { method: 'POST', path: '/api/models/:version/promote' },
    { method: 'GET', path: '/web/*' },
  ];

  test('every method a path answers, HEAD with GET, middleware left out', () => {
    expect(allowedMethods(routes, '/api/training/runs')).toEqual(['GET', 'HEAD', 'POST']);
  });

  test('path parameters match one segment each', () => {
    expect(allowedMethods(routes, '/api/models/v20261202-000000/promote')).toEqual(['POST']);
    expect(allowedMethods(routes, '/api/models/a/b/promote')).toEqual([]);
  });

  test('a path no route has: none (a 404)', () => {
    expect(allowedMethods(routes, '/api/nothing')).toEqual([]);
    expect(allowedMethods(routes, '/web/style.css')).toEqual([]);
  });
});
