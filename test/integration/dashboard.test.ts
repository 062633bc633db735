import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApi, type RunningApi } from '../../api/server';
import { repoRoot } from '../../config/config';
import { barEvent, encodeMarketEvent, type Bar, type BarInterval } from '../../domain/market-event';
import { SyntheticMarket } from '../../domain/synthetic';
import { parseYahooCsv } from '../../domain/yahoo-csv';
import { bootstrapResources } from '../../local/bootstrap';
import { packagedDataset } from '../../producer/sources/replay';
import { BarsStore } from '../../store/bars-store';
import { openContext, startWorker, waitForIngestion, type TestContext, type WorkerProcess } from './harness';
import { testEnv } from './test-env';

// Own stream, tables and endpoint: this suite trains and deploys a model of its own.
const uiEnv = {
  TICKFLOW_STREAM: 'tickflow-ui',
  TICKFLOW_TABLE_PREFIX: 'tickflow-ui',
  TICKFLOW_ENDPOINT_NAME: 'tickflow-ui-predictor',
  TICKFLOW_TRAINING_INTERVAL: '1d',
  TICKFLOW_API_TOKEN: 'ui-test-token-0123456789',
};
const CHROMIUM = process.env.TICKFLOW_CHROMIUM ?? '/usr/bin/chromium';
const shots = path.join(testEnv.TICKFLOW_HOME!, 'screenshots');
const aapl = parseYahooCsv(readFileSync(packagedDataset('aapl'), 'utf8'));
const live = new SyntheticMarket({
  tickers: 1,
  seed: 53,
  startTime: Date.parse('2024-08-01T14:30:00Z'),
  stepMs: 60_000,
});
const liveBars: Bar[] = Array.from({ length: 31 }, () => live.next()[0]!.bar);

interface PageState {
  bars: Array<{ t: number; c: number; ema20: number | null; prediction: { predictedClose: number } | null }>;
  lastClose: number | null;
  modelVersion: string | null;
  forecast: { source: string; version: string; median: number; low: number | null; high: number | null } | null;
  updates: number;
  runs: Array<{ workflowId: string; status: string }>;
  models: Array<{ version: string; inService: boolean; decision: string; reason: string }>;
  started: string | null;
  /** The portal's history charts: points drawn per chart and line. */
  historyPoints: Record<string, Record<string, number>>;
}
/** The page's globals, as the functions run inside the browser (page.evaluate / waitForFunction) see them. */
interface InPage {
  tickflow: PageState;
  sameDocument?: boolean;
  document: { getElementById(id: string): { textContent: string | null } | null };
}
const pageState = (page: Page) => page.evaluate(() => (globalThis as unknown as InPage).tickflow);

/** Screenshots land in the test stack's folder; RECORD_SCREENSHOTS=1 also refreshes the README's copies. */
async function screenshot(page: Page, name: string) {
  mkdirSync(shots, { recursive: true });
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.RECORD_SCREENSHOTS === '1')
    copyFileSync(file, path.join(repoRoot, 'docs', 'screenshots', `${name}.png`));
}

describe('dashboard and training portal in headless Chromium', () => {
  let context: TestContext;
  let worker: WorkerProcess;
  let api: RunningApi;
  let browser: Browser;
  let dashboard: Page;
  const lastSequenceByShard: Record<string, string> = {};

  const send = async (ticker: string, interval: BarInterval, bars: Bar[]) => {
    for (let i = 0; i < bars.length; i += 500) {
      const result = await context.aws.kinesis.send(
        new PutRecordsCommand({
          StreamName: context.config.stream.name,
          Records: bars.slice(i, i + 500).map((bar) => ({
            PartitionKey: ticker,
            Data: Buffer.from(encodeMarketEvent(barEvent(ticker, interval, bar))),
          })),
        }),
      );
      for (const record of result.Records ?? []) lastSequenceByShard[record.ShardId!] = record.SequenceNumber!;
    }
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: \`npm run setup\` installs Debian's chromium (or set TICKFLOW_CHROMIUM)`,
      );
    context = await openContext(uiEnv);
    await bootstrapResources(context.config, context.aws);
    worker = startWorker('dashboard', uiEnv);
    await send('UIAPL', '1d', aapl);
    await send('UILIVE', '1m', liveBars.slice(0, 30));
    await waitForIngestion(
      context,
      lastSequenceByShard,
      [
        { ticker: 'UIAPL', interval: '1d' },
        { ticker: 'UILIVE', interval: '1m' },
      ],
      worker,
    );
    api = await startApi(context.config, { port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await worker?.kill('SIGTERM');
    await context?.close();
  });

  test('the dashboard draws UIAPL from stored data: every bar, the latest close and indicators', async () => {
    dashboard = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await dashboard.goto(`${api.url}/?series=UIAPL%201d`);
    await dashboard.waitForFunction(() => (globalThis as unknown as InPage).tickflow.bars.length === 1260, null, {
      timeout: 30_000,
    });
    const state = await pageState(dashboard);
    const stored = await new BarsStore(context.aws.documents, context.config.tables.bars).range('UIAPL', '1d');
    expect(state.bars.map((b) => b.t)).toEqual(stored.map((b) => b.t));
    expect(state.bars.at(-1)).toMatchObject({ c: stored.at(-1)!.c, ema20: stored.at(-1)!.ema20 });
    expect(await dashboard.textContent('[data-testid=bar-count]')).toBe('1260 bars');
    expect(await dashboard.textContent('[data-testid=last-close]')).toBe(stored.at(-1)!.c.toFixed(2));
    expect(await dashboard.textContent('#legend')).toMatch(/no model serves — train one in the portal/);
    // With no model, the next close still has a forecast: the baseline's, labelled as such.
    const close = stored.at(-1)!.c;
    expect(state.forecast).toMatchObject({ source: 'baseline', median: close });
    expect(state.forecast!.low).toBeLessThan(close);
    expect(state.forecast!.high).toBeGreaterThan(close);
    expect(await dashboard.textContent('[data-testid=forecast-source]')).toBe('baseline (no model prediction)');
    expect(await dashboard.locator('#chart canvas').count()).toBeGreaterThan(0);
  });

  test('a bar produced during the test appears without a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
    await page.goto(`${api.url}/?series=UILIVE%201m`);
    await page.waitForFunction(() => (globalThis as unknown as InPage).tickflow.bars.length === 30, null, {
      timeout: 30_000,
    });
    await page.evaluate(() => ((globalThis as unknown as InPage).sameDocument = true));
    await send('UILIVE', '1m', liveBars.slice(30));
    await page.waitForFunction(() => (globalThis as unknown as InPage).tickflow.bars.length === 31, null, {
      timeout: 30_000,
    });
    const state = await pageState(page);
    expect(state.bars.at(-1)).toMatchObject({ t: liveBars[30]!.t, c: liveBars[30]!.c });
    expect(state.updates).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate(() => (globalThis as unknown as InPage).sameDocument)).toBe(true);
    await screenshot(page, 'dashboard-narrow');
    await page.close();
  });

  test('an unauthenticated training request from the portal is refused', async () => {
    const page = await browser.newPage();
    page.on(
      'dialog',
      (dialog) => void (dialog.type() === 'prompt' ? dialog.accept('not-the-token-at-all') : dialog.accept()),
    );
    await page.goto(`${api.url}/portal`);
    await page.click('#train');
    await page.waitForFunction(
      () => /refused/.test((globalThis as unknown as InPage).document.getElementById('status')?.textContent ?? ''),
      null,
      { timeout: 15_000 },
    );
    expect(await page.textContent('#status')).toMatch(
      /refused: this request changes state: send Authorization: Bearer/,
    );
    expect((await pageState(page)).started).toBeNull();
    await page.close();
  });

  test('the portal trains a model and shows the run finishing and the gate’s verdict; promoted from the portal, the model serves and the dashboard shows its predictions live', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${api.url}/portal#token=${uiEnv.TICKFLOW_API_TOKEN}`);
    await page.waitForSelector('text=No model yet');
    await page.click('#train');
    await page.waitForFunction(() => (globalThis as unknown as InPage).tickflow.started !== null, null, {
      timeout: 15_000,
    });
    const started = (await pageState(page)).started!;
    await page.waitForFunction(
      (id) =>
        (globalThis as unknown as InPage).tickflow.runs.some((r) => r.workflowId === id && r.status === 'COMPLETED'),
      started,
      { timeout: 240_000, polling: 1000 },
    );
    expect(await page.textContent('#status')).toBe(`${started}: COMPLETED`);
    // On AAPL's daily closes the model's edge over the baseline is within chance, so the gate
    // keeps it out of service and says why; a user can still serve it.
    await page.waitForFunction(
      () => (globalThis as unknown as InPage).tickflow.models.some((m) => m.decision === 'rejected'),
      null,
      { timeout: 30_000 },
    );
    const [trained] = (await pageState(page)).models;
    expect(trained).toMatchObject({ decision: 'rejected', inService: false });
    expect(trained!.reason).toMatch(/random walk/);
    expect(await page.textContent(`tr[data-version="${trained!.version}"] .reason`)).toContain(trained!.reason);
    // Its holdout per ticker (one ticker here), and the holdout-and-live history charts.
    await page.waitForSelector(`[data-testid=per-ticker] td:text-is("UIAPL")`, { timeout: 10_000 });
    // One model so far: one holdout point in each chart, no live point yet (it never served).
    await page.waitForFunction(
      () => (globalThis as unknown as InPage).tickflow.historyPoints['coverage-history']?.holdout === 1,
      null,
      { timeout: 10_000 },
    );
    expect((await pageState(page)).historyPoints).toEqual({
      'pinball-history': { holdout: 1, live: 0, 'baseline = 1': 1 },
      'coverage-history': { holdout: 1, live: 0, nominal: 1 },
    });
    expect(await page.locator('#pinball-history canvas').count()).toBeGreaterThan(0);
    await page.click(`button[data-promote="${trained!.version}"]`);
    await page.waitForFunction(() => (globalThis as unknown as InPage).tickflow.models.some((m) => m.inService), null, {
      timeout: 120_000,
    });
    expect(await page.textContent('[data-testid=models]')).toMatch(/in service/);
    // Clicking promote scrolled the wide table right; the picture shows it from its first column.
    await page.locator('.wrap').evaluateAll((wraps) => wraps.forEach((wrap) => (wrap.scrollLeft = 0)));
    await screenshot(page, 'portal');

    // The dashboard opened before the model existed picks the predictions up over SSE.
    await dashboard.waitForFunction(
      () => (globalThis as unknown as InPage).tickflow.bars.at(-1)?.prediction != null,
      null,
      { timeout: 120_000 },
    );
    const { modelVersion, models } = {
      modelVersion: (await pageState(dashboard)).modelVersion,
      models: (await pageState(page)).models,
    };
    expect(modelVersion).toBe(models.find((m) => m.inService)!.version);
    expect(await dashboard.textContent('[data-testid=model-version]')).toBe(modelVersion);
    expect(await dashboard.textContent('[data-testid=forecast-source]')).toBe(`model ${modelVersion}`);
    const last = (await pageState(dashboard)).bars.at(-1)!;
    expect(Math.abs(last.prediction!.predictedClose / last.c - 1)).toBeLessThan(0.2); // a next-day close near today's
    await screenshot(dashboard, 'dashboard');
    await dashboard.emulateMedia({ colorScheme: 'dark' });
    await dashboard.reload();
    await dashboard.waitForFunction(() => (globalThis as unknown as InPage).tickflow.bars.length === 1260, null, {
      timeout: 30_000,
    });
    await screenshot(dashboard, 'dashboard-dark');
  });
});
