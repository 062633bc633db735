type Key = Record<string, unknown>;
export interface Page {
  Items?: Key[];
  Count?: number;
  LastEvaluatedKey?: Key;
}

/** Every page of a Query or Scan, following LastEvaluatedKey; `fetch` gets the key to start from. */
export async function* pages(fetch: (start: Key | undefined) => Promise<Page>): AsyncGenerator<Page> {
  let start: Key | undefined;
  do {
    const page = await fetch(start);
    yield page;
    start = page.LastEvaluatedKey;
  } while (start);
}

export async function allItems<T>(fetch: (start: Key | undefined) => Promise<Page>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages(fetch)) items.push(...((page.Items ?? []) as T[]));
  return items;
}

/** Sum of Count over every page of a `Select: 'COUNT'` Query or Scan. */
export async function countAll(fetch: (start: Key | undefined) => Promise<Page>): Promise<number> {
  let total = 0;
  for await (const page of pages(fetch)) total += page.Count ?? 0;
  return total;
}
