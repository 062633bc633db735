// The dashboard: one series at a time, drawn from /api/bars and kept live by /api/events.
const { createChart, CandlestickSeries, HistogramSeries, LineSeries, CrosshairMode } = window.LightweightCharts;
const $ = (id) => document.getElementById(id);
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const seconds = (t) => Math.floor(t / 1000);
const INTERVAL_MS = { '1m': 60e3, '5m': 300e3, '15m': 900e3, '1h': 3600e3, '1d': 86400e3 };

/** What the page shows, exposed for the browser tests (they assert on data, not only on the DOM). */
const state = (window.tickflow = {
  ticker: null,
  interval: null,
  bars: [],
  lastTime: null,
  lastClose: null,
  modelVersion: null,
  forecast: null,
  updates: 0,
});

let chart;
let series = {};
let events;

async function getJson(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

function buildChart() {
  chart?.remove();
  chart = createChart($('chart'), {
    autoSize: true,
    layout: { background: { color: css('--bg') }, textColor: css('--fg'), panes: { separatorColor: css('--line') } },
    grid: { vertLines: { color: css('--line') }, horzLines: { color: css('--line') } },
    crosshair: { mode: CrosshairMode.Normal },
    timeScale: { timeVisible: true, secondsVisible: false },
  });
  const line = (color, pane = 0, extra = {}) =>
    chart.addSeries(
      LineSeries,
      { color, lineWidth: 1, priceLineVisible: false, lastValueVisible: false, ...extra },
      pane,
    );
  series = {
    candles: chart.addSeries(
      CandlestickSeries,
      {
        upColor: css('--up'),
        downColor: css('--down'),
        wickUpColor: css('--up'),
        wickDownColor: css('--down'),
        borderVisible: false,
      },
      0,
    ),
    volume: chart.addSeries(
      HistogramSeries,
      { priceFormat: { type: 'volume' }, priceScaleId: 'volume', color: css('--muted') },
      0,
    ),
    ema20: line('#e3a008'),
    sma50: line('#8250df'),
    bbUpper: line(css('--muted'), 0, { lineStyle: 2 }),
    bbLower: line(css('--muted'), 0, { lineStyle: 2 }),
    predicted: line(css('--accent'), 0, { lineWidth: 2, lineStyle: 1, title: 'predicted' }),
    rangeHigh: line('#2da44e', 0, { lineStyle: 3 }),
    rangeLow: line('#2da44e', 0, { lineStyle: 3 }),
    rsi: line('#bf3989', 1, { lastValueVisible: true }),
    macd: line(css('--accent'), 2),
    macdSignal: line('#e3a008', 2),
    macdHistogram: chart.addSeries(HistogramSeries, { color: css('--muted'), priceLineVisible: false }, 2),
  };
  chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  // Price and volume take most of the height; RSI and MACD a fifth each.
  chart.panes().forEach((pane, i) => pane.setStretchFactor(i === 0 ? 3 : 1));
}

/** A forecast made at bar t is for `horizon` bars later: drawn at that bar's time (ahead of the last bar for the newest), against what happened there. */
function forecastPoints(bars, pick) {
  const step = INTERVAL_MS[state.interval] ?? 86400e3;
  const drawn = bars.flatMap((b, i) => {
    const forecast = pick(b);
    if (!forecast) return [];
    const later = bars[i + forecast.horizon];
    return [{ time: seconds(later ? later.t : b.t + forecast.horizon * step), value: forecast.value }];
  });
  return drawn.sort((a, b) => a.time - b.time).filter((p, i, all) => i === 0 || p.time !== all[i - 1].time);
}

/** A bar's forecast range: a quantile model's where it has one, else the baseline's. */
function rangeOf(bar) {
  const p = bar.prediction;
  if (p?.levels)
    return {
      by: `model ${p.modelVersion}`,
      horizon: p.horizon,
      low: p.prices[0],
      high: p.prices.at(-1),
      coverage: p.levels.at(-1) - p.levels[0],
    };
  const b = bar.baseline;
  return b && { by: 'baseline', horizon: b.horizon, low: b.low, high: b.high, coverage: b.levels.at(-1) - b.levels[0] };
}

/** The labelled forecast for the next close: the model's where it predicted the last bar, else the baseline's. */
function latestForecast(last) {
  const range = last && rangeOf(last);
  if (last?.prediction)
    return {
      source: 'model',
      version: last.prediction.modelVersion,
      horizon: last.prediction.horizon,
      median: last.prediction.predictedClose,
      low: range?.low ?? null,
      high: range?.high ?? null,
      rangeBy: range?.by ?? null,
    };
  if (last?.baseline)
    return {
      source: 'baseline',
      version: last.baseline.version,
      horizon: last.baseline.horizon,
      median: last.baseline.median,
      low: range.low,
      high: range.high,
      rangeBy: 'baseline',
    };
  return null;
}

function points(bars, field) {
  return bars
    .filter((b) => b[field] !== null && b[field] !== undefined)
    .map((b) => ({ time: seconds(b.t), value: b[field] }));
}

function draw() {
  const bars = state.bars;
  series.candles.setData(bars.map((b) => ({ time: seconds(b.t), open: b.o, high: b.h, low: b.l, close: b.c })));
  series.volume.setData(
    bars.map((b) => ({
      time: seconds(b.t),
      value: b.v,
      color: b.c >= b.o ? css('--up') + '66' : css('--down') + '66',
    })),
  );
  for (const name of ['ema20', 'sma50', 'bbUpper', 'bbLower', 'macd', 'macdSignal'])
    series[name].setData(points(bars, name));
  series.rsi.setData(points(bars, 'rsi14'));
  series.macdHistogram.setData(points(bars, 'macdHistogram'));
  series.predicted.setData(
    forecastPoints(bars, (b) => b.prediction && { horizon: b.prediction.horizon, value: b.prediction.predictedClose }),
  );
  const rangeEdge = (edge) => (b) => {
    const range = rangeOf(b);
    return range && { horizon: range.horizon, value: range[edge] };
  };
  series.rangeHigh.setData(forecastPoints(bars, rangeEdge('high')));
  series.rangeLow.setData(forecastPoints(bars, rangeEdge('low')));
  const last = bars.at(-1);
  const withPrediction = bars.filter((b) => b.prediction).at(-1);
  const forecast = latestForecast(last);
  const lastRange = last && rangeOf(last);
  const levels = lastRange ? `${Math.round(lastRange.coverage * 100)} %` : '';
  Object.assign(state, {
    lastTime: last?.t ?? null,
    lastClose: last?.c ?? null,
    modelVersion: withPrediction?.prediction.modelVersion ?? null,
    forecast,
  });
  $('legend').innerHTML = last
    ? `<span><b>${state.ticker}</b> ${state.interval}</span><span data-testid="bar-count">${bars.length} bars</span><span>last ${new Date(last.t).toISOString().slice(0, 16).replace('T', ' ')}</span>` +
      `<span>close <b data-testid="last-close">${last.c.toFixed(2)}</b></span><span style="color:#e3a008">EMA 20</span><span style="color:#8250df">SMA 50</span><span>Bollinger 20/2</span>` +
      `<span style="color:${css('--accent')}">predicted close ${withPrediction ? `(model <b data-testid="model-version">${withPrediction.prediction.modelVersion}</b>)` : '(no model serves — train one in the portal)'}</span>` +
      `<span style="color:#2da44e" data-testid="range-source">${levels} range (${lastRange?.by === 'baseline' ? 'baseline: random walk, RiskMetrics volatility' : (lastRange?.by ?? 'none yet')})</span>`
    : '';
  $('latest').innerHTML = last
    ? `close ${last.c.toFixed(2)} · RSI ${last.rsi14?.toFixed(1) ?? '–'} · MACD ${last.macd?.toFixed(3) ?? '–'} · ATR ${last.atr14?.toFixed(2) ?? '–'}` +
      (forecast
        ? `<br>close in ${forecast.horizon} bar(s): <b data-testid="forecast-median">${forecast.median.toFixed(2)}</b> <span data-testid="forecast-source">${forecast.source === 'model' ? `model ${forecast.version}` : 'baseline (no model prediction)'}</span>` +
          (forecast.low === null
            ? ''
            : `, ${levels} range ${forecast.low.toFixed(2)}–${forecast.high.toFixed(2)} (${forecast.rangeBy})`)
        : '')
    : '–';
}

function merge(rows) {
  const byTime = new Map(state.bars.map((b) => [b.t, b]));
  for (const row of rows) byTime.set(row.t, row);
  state.bars = [...byTime.values()].sort((a, b) => a.t - b.t);
}

async function loadAlerts() {
  const alerts = await getJson(`/api/alerts?ticker=${state.ticker}&limit=30`);
  $('alerts').innerHTML = alerts.length
    ? alerts
        .map(
          (a) =>
            `<li><b>${a.ticker}</b> ${a.message}<br><span class="status">${new Date(a.t).toISOString().slice(0, 16).replace('T', ' ')}${a.publishedAt ? ' · sent via SNS' : ''}</span></li>`,
        )
        .join('')
    : '<li class="status">none yet — add a rule: tickflow alerts add …</li>';
}

async function show(key) {
  const [ticker, interval] = key.split(' ');
  Object.assign(state, { ticker, interval, bars: [], updates: 0 });
  events?.close();
  $('status').textContent = `loading ${ticker} ${interval}…`;
  const option = [...$('series').options].find((o) => o.value === key);
  $('workflow').href = option?.dataset.workflow ?? '#';
  merge(await getJson(`/api/bars?ticker=${ticker}&interval=${interval}&limit=5000`));
  buildChart();
  draw();
  chart.timeScale().fitContent();
  $('status').textContent = 'live';
  loadAlerts().catch(() => {});
  events = new EventSource(`/api/events?ticker=${ticker}&interval=${interval}&after=${state.lastTime ?? 0}`);
  events.addEventListener('bars', (event) => {
    merge(JSON.parse(event.data));
    state.updates++;
    draw();
    loadAlerts().catch(() => {});
  });
  events.onerror = () => ($('status').textContent = 'reconnecting…');
  events.onopen = () => ($('status').textContent = 'live');
}

async function start() {
  try {
    const all = await getJson('/api/series');
    if (!all.length) {
      $('chart').hidden = true;
      $('empty').hidden = false;
      $('empty').innerHTML =
        'No bars stored yet. Start the pipeline with <code>npm run demo</code>, or produce data: <code>tickflow produce replay</code>. This page refreshes in 5 s.';
      $('status').textContent = 'no data';
      setTimeout(start, 5000);
      return;
    }
    $('chart').hidden = false;
    $('empty').hidden = true;
    const wanted = new URLSearchParams(location.search).get('series');
    $('series').innerHTML = all
      .map(
        (s) =>
          `<option value="${s.ticker} ${s.interval}" data-workflow="${s.workflowUrl}">${s.ticker} ${s.interval}</option>`,
      )
      .join('');
    $('series').value =
      wanted && all.some((s) => `${s.ticker} ${s.interval}` === wanted) ? wanted : $('series').options[0].value;
    $('series').onchange = () => show($('series').value);
    await show($('series').value);
  } catch (error) {
    $('status').textContent = `error: ${error.message}`;
  }
}

start();
