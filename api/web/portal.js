// The training portal: the registry, the Schedule, runs, and train / promote / rollback through the API.
const { createChart, LineSeries } = window.LightweightCharts;
const $ = (id) => document.getElementById(id);
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const state = (window.tickflow = { models: [], runs: [], started: null, refusedAt: 0, historyPoints: {} });
/** How long a refusal stays in the status line before the refresh loop may write over it. */
const REFUSAL_SHOWN_MS = 10_000;

// A link printed by `tickflow api` carries the token in the fragment (never sent to the server in the URL).
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) (sessionStorage.setItem('tickflow-token', fromHash), history.replaceState(null, '', location.pathname));
const token = () =>
  sessionStorage.getItem('tickflow-token') ??
  (() => {
    const given = prompt('API token (printed by `tickflow api`, or TICKFLOW_API_TOKEN):');
    if (given) sessionStorage.setItem('tickflow-token', given);
    return given;
  })();

async function call(method, url) {
  const response = await fetch(url, {
    method,
    headers: method === 'GET' ? {} : { authorization: `Bearer ${token()}` },
  });
  const body = await response.json();
  if (response.status === 401) sessionStorage.removeItem('tickflow-token');
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

const ratio = (m, key) => (m && typeof m[key] === 'number' ? m[key].toFixed(3) : '–');
const pct = (x) => (typeof x === 'number' ? `${(x * 100).toFixed(1)} %` : '–');

const chartOptions = () => ({
  autoSize: true,
  layout: { background: { color: css('--bg') }, textColor: css('--fg') },
  grid: { vertLines: { color: css('--line') }, horzLines: { color: css('--line') } },
});

let holdoutChart;
function showHoldout(model) {
  $('holdout-title').textContent = `Holdout ${model.version}: predicted vs actual forward return`;
  holdoutChart?.remove();
  holdoutChart = createChart($('holdout'), chartOptions());
  const ticker = model.holdoutSample[0]?.ticker;
  const sample = model.holdoutSample.filter((p) => p.ticker === ticker).sort((a, b) => a.t - b.t);
  holdoutChart
    .addSeries(LineSeries, { color: css('--fg'), lineWidth: 1, title: `${ticker ?? ''} actual` })
    .setData(sample.map((p) => ({ time: p.t / 1000, value: p.actual })));
  holdoutChart
    .addSeries(LineSeries, { color: css('--accent'), lineWidth: 2, title: 'predicted' })
    .setData(sample.map((p) => ({ time: p.t / 1000, value: p.predicted })));
  holdoutChart.timeScale().fitContent();
  showPerTicker(model);
}

/** The selected model's holdout, ticker by ticker: where its pooled verdict comes from. */
function showPerTicker(model) {
  $('per-ticker-title').textContent = `Holdout ${model.version} per ticker`;
  $('per-ticker').innerHTML = model.perTicker.length
    ? '<tr><th>ticker</th><th>rows</th><th>MAE/RW</th><th>hit rate</th><th>DM p</th><th>pinball/baseline</th><th>coverage (nominal)</th><th>p vs baseline</th></tr>' +
      model.perTicker
        .map(
          (t) =>
            `<tr><td>${t.ticker}</td><td>${t.rows}</td><td>${ratio(t, 'maeRatio')}</td><td>${pct(t.hitRate)}</td><td>${ratio(t, 'dmPValue')}</td><td>${ratio(t, 'pinballRatio')}</td><td>${pct(t.coverage)}${t.coverageNominal === null ? '' : ` (${pct(t.coverageNominal)})`}</td><td>${ratio(t, 'dmPinballPValue')}</td></tr>`,
        )
        .join('')
    : '<tr><td class="empty">No per-ticker scores for this model (trained before they were kept, or not evaluated).</td></tr>';
}

/**
 * Every model's range on the holdout and live, by when it was trained: pinball loss over the
 * baseline's (below 1 beats it) and coverage against its nominal level.
 */
const historyCharts = {};
function showModelHistory(models) {
  const byTime = [...models].filter((m) => m.metrics).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const at = (m) => Math.floor(Date.parse(m.createdAt) / 1000);
  // The chart's times must rise strictly: of two models made in one second, the later one is drawn.
  const points = (pick) =>
    byTime
      .flatMap((m) => (typeof pick(m) === 'number' ? [{ time: at(m), value: pick(m) }] : []))
      .filter((p, i, all) => all[i + 1]?.time !== p.time);
  const draw = (id, lines) => {
    historyCharts[id]?.remove();
    const chart = (historyCharts[id] = createChart($(id), chartOptions()));
    state.historyPoints[id] = {};
    for (const { title, color, pick, dashed } of lines) {
      const data = points(pick);
      chart
        .addSeries(LineSeries, { title, color, lineWidth: 2, lineStyle: dashed ? 2 : 0, pointMarkersVisible: true })
        .setData(data);
      state.historyPoints[id][title] = data.length;
    }
    chart.timeScale().fitContent();
  };
  draw('pinball-history', [
    { title: 'holdout', color: css('--accent'), pick: (m) => m.metrics.pinballRatio },
    { title: 'live', color: css('--up'), pick: (m) => m.live?.pinballRatio },
    {
      title: 'baseline = 1',
      color: css('--muted'),
      pick: (m) => (m.metrics.pinballRatio === undefined ? null : 1),
      dashed: true,
    },
  ]);
  draw('coverage-history', [
    { title: 'holdout', color: css('--accent'), pick: (m) => m.metrics.coverage },
    { title: 'live', color: css('--up'), pick: (m) => m.live?.coverage },
    { title: 'nominal', color: css('--muted'), pick: (m) => m.metrics.coverageNominal, dashed: true },
  ]);
}

/** The live record of a model in service: forecasts scored, then range and median against the baselines. */
function liveCell(live) {
  if (!live) return '–';
  if (!live.rows) return 'no scored bars yet';
  const parts = [`${live.rows} bars`];
  if (live.pinballRatio !== null) parts.push(`pinball/baseline ${live.pinballRatio.toFixed(3)}`);
  if (live.coverage !== null) parts.push(`coverage ${pct(live.coverage)}`);
  if (live.maeRatio !== null) parts.push(`MAE/RW ${live.maeRatio.toFixed(3)}`);
  return parts.join(' · ');
}

function renderModels() {
  const models = state.models;
  if (!models.length) {
    $('models').innerHTML = '<tr><td class="empty">No model yet — train one with “Train now”.</td></tr>';
    return;
  }
  $('models').innerHTML =
    '<tr><th>version</th><th>data</th><th>MAE/RW</th><th>RMSE/RW</th><th>MASE</th><th>hit rate (up rate)</th><th>rank IC</th><th title="Diebold–Mariano statistic of the median against the random walk">DM</th><th title="mean pinball loss of the quantiles over the baseline\'s: below 1 beats it">pinball/baseline</th><th title="share of holdout returns inside the outermost quantiles\' interval (nominal)">coverage</th><th title="one-sided p-value of the quantiles beating the baseline (HLN-corrected Diebold–Mariano): ≤ 0.05 is needed to promote">p vs baseline</th><th title="while it serves or challenges: its forecasts on the bars after its training data, scored hourly — rows, pinball/baseline, coverage, MAE/RW">live</th><th>decision</th><th></th></tr>' +
    models
      .map(
        (m, i) => `<tr data-version="${m.version}">
        <td><a href="${m.workflowUrl}" target="_blank" rel="noopener">${m.version}</a>${m.inService ? ' <span class="serving">● in service</span>' : ''}${m.challenger ? ' <span class="challenger" title="staged beside the model in service with weight 0 and scored live on the same bars">○ challenger</span>' : ''}</td>
        <td>${m.dataStart?.slice(0, 10) ?? '–'} … ${m.dataEnd?.slice(0, 10) ?? '–'}</td>
        <td>${ratio(m.metrics, 'maeRatio')}</td><td>${ratio(m.metrics, 'rmseRatio')}</td><td>${ratio(m.metrics, 'mase')}</td>
        <td>${pct(m.metrics?.hitRate)} (${pct(m.metrics?.upRate)})</td><td>${ratio(m.metrics, 'rankIc')}</td><td>${ratio(m.metrics, 'dmStat')}</td>
        <td>${ratio(m.metrics, 'pinballRatio')}</td><td>${pct(m.metrics?.coverage)}${m.metrics?.coverageNominal === undefined ? '' : ` (${pct(m.metrics.coverageNominal)})`}</td><td>${ratio(m.metrics, 'dmPinballPValue')}</td>
        <td>${liveCell(m.live)}</td>
        <td class="reason"><b>${m.decision}</b>: ${m.reason}</td>
        <td><button data-chart="${i}">chart</button> ${m.inService || m.decision === 'training' || m.decision === 'failed' ? '' : `<button data-promote="${m.version}">promote</button>`}</td>
      </tr>`,
      )
      .join('');
  for (const button of $('models').querySelectorAll('button[data-chart]'))
    button.onclick = () => showHoldout(models[Number(button.dataset.chart)]);
  for (const button of $('models').querySelectorAll('button[data-promote]')) {
    button.onclick = () =>
      act(
        `promote ${button.dataset.promote} to the endpoint?`,
        'POST',
        `/api/models/${button.dataset.promote}/promote`,
      );
  }
}

function renderRuns() {
  $('runs').innerHTML = state.runs.length
    ? state.runs
        .map(
          (r) =>
            `<li><a href="${r.workflowUrl}" target="_blank" rel="noopener">${r.workflowId}</a><br><span class="status" data-run-status="${r.status}">${r.status} · ${r.startedAt?.slice(0, 19).replace('T', ' ') ?? ''}</span></li>`,
        )
        .join('')
    : '<li class="status">no runs yet</li>';
}

async function refresh() {
  const [models, runs, schedule] = await Promise.all([
    call('GET', '/api/models'),
    call('GET', '/api/training/runs'),
    call('GET', '/api/training/schedule').catch(() => null),
  ]);
  Object.assign(state, { models, runs });
  renderModels();
  renderRuns();
  $('schedule').innerHTML = schedule
    ? `every ${schedule.every}${schedule.paused ? ' (paused)' : ''}<br>next: ${schedule.nextRuns[0]?.slice(0, 16).replace('T', ' ') ?? '–'} UTC`
    : 'no Schedule yet (start the training worker)';
  if (!holdoutChart && models.find((m) => m.holdoutSample.length))
    showHoldout(models.find((m) => m.holdoutSample.length));
  const scores = JSON.stringify(models.map((m) => [m.version, m.metrics, m.live]));
  if (scores !== state.drawnScores) (showModelHistory(models), (state.drawnScores = scores));
}

async function act(question, method, url) {
  if (!confirm(question)) return;
  try {
    const { workflowId } = await call(method, url);
    state.started = workflowId;
    state.refusedAt = 0;
    $('status').textContent = `started ${workflowId}`;
    await refresh();
  } catch (error) {
    state.refusedAt = Date.now();
    $('status').textContent = `refused: ${error.message}`;
  }
}

$('train').onclick = () =>
  act('Start a training run now? (the same workflow as the Schedule)', 'POST', '/api/training/runs');
$('rollback').onclick = () => act('Roll back to the previously deployed model?', 'POST', '/api/models/rollback');

function statusLine() {
  if (!state.started) return 'up to date';
  const run = state.runs.find((r) => r.workflowId === state.started);
  return run ? `${state.started}: ${run.status}` : $('status').textContent;
}

async function loop() {
  try {
    await refresh();
    // A refusal stays readable for a while: the loop's next pass must not replace it at once.
    if (Date.now() - state.refusedAt >= REFUSAL_SHOWN_MS) $('status').textContent = statusLine();
  } catch (error) {
    $('status').textContent = `error: ${error.message}`;
  }
  setTimeout(loop, 2000);
}
loop();
