import { causeMessage } from '../observability/error-text';
import { summarizeMetrics, type MetricsSummary } from '../observability/metrics-summary';
import { parsePrometheusText, type Sample } from '../observability/prometheus-text';
import { SERVED_METRIC_NAMES } from '../observability/metrics';

export interface WorkerMetrics {
  reached: string[];
  unreachable: Array<{ url: string; error: string }>;
  summary: MetricsSummary | null;
}

/** Reads every worker's /metrics page (each bounded by `timeoutMs`) and summarises them together. */
export async function readWorkerMetrics(urls: readonly string[], timeoutMs = 2000): Promise<WorkerMetrics> {
  type Page = { url: string; samples: Sample[] } | { url: string; error: string };
  const pages = await Promise.all(
    urls.map(async (url): Promise<Page> => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return { url, samples: parsePrometheusText(await response.text()) };
      } catch (error) {
        return { url, error: causeMessage(error) };
      }
    }),
  );
  const samples = pages.flatMap((p) => ('samples' in p ? p.samples : []));
  const reached = pages.filter((p) => 'samples' in p).map((p) => p.url);
  return {
    reached,
    unreachable: pages.flatMap((p) => ('error' in p ? [{ url: p.url, error: p.error }] : [])),
    summary: reached.length ? summarizeMetrics(samples, SERVED_METRIC_NAMES) : null,
  };
}
