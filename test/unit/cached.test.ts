import { cachedFor } from '../../clients/cached';

describe('cachedFor', () => {
  test('shares one load within the time to live, loads again after it', async () => {
    let loads = 0;
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    const value = cachedFor(5_000, async () => ++loads);
    expect(await Promise.all([value(), value()])).toEqual([1, 1]);
    now.mockReturnValue(6_000);
    expect(await value()).toBe(1);
    now.mockReturnValue(6_001);
    expect(await value()).toBe(2);
    now.mockRestore();
  });

  test('forgets a failed load, so the next call tries again', async () => {
    let attempt = 0;
    const value = cachedFor(Number.POSITIVE_INFINITY, async () => {
      if (++attempt === 1) throw new Error('down');
      return 'up';
    });
    await expect(value()).rejects.toThrow('down');
    expect(await value()).toBe('up');
    expect(await value()).toBe('up');
    expect(attempt).toBe(2);
  });
});
