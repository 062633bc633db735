/* TA-Lib's C core alone, for bench/indicators.ts: the same 9 calls (13 outputs) over N closes,
 * repeated RUNS times; prints the median nanoseconds per bar. Built against the static
 * libraries npm `talib` compiles (no marshalling between JavaScript and C here). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "ta_libc.h"

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000000, runs = argc > 2 ? atoi(argv[2]) : 5;
  double *c = malloc(n * sizeof *c), *h = malloc(n * sizeof *h), *l = malloc(n * sizeof *l), *v = malloc(n * sizeof *v);
  double *o1 = malloc(n * sizeof *o1), *o2 = malloc(n * sizeof *o2), *o3 = malloc(n * sizeof *o3), *times = malloc(runs * sizeof *times);
  /* A seeded random walk: speed does not depend on the values. */
  unsigned s = 7;
  double p = 100;
  for (int i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    p *= 1 + ((s >> 8) / 16777216.0 - 0.5) / 100;
    c[i] = p; h[i] = p * 1.002; l[i] = p * 0.998; v[i] = 1000 + (s >> 20);
  }
  if (TA_Initialize() != TA_SUCCESS) return 1;
  for (int r = 0; r < runs; r++) {
    int b, k;
    double t0 = now_ns();
    TA_SMA(0, n - 1, c, 20, &b, &k, o1);
    TA_SMA(0, n - 1, c, 50, &b, &k, o1);
    TA_EMA(0, n - 1, c, 20, &b, &k, o1);
    TA_EMA(0, n - 1, c, 50, &b, &k, o1);
    TA_RSI(0, n - 1, c, 14, &b, &k, o1);
    TA_MACD(0, n - 1, c, 12, 26, 9, &b, &k, o1, o2, o3);
    TA_BBANDS(0, n - 1, c, 20, 2, 2, TA_MAType_SMA, &b, &k, o1, o2, o3);
    TA_ATR(0, n - 1, h, l, c, 14, &b, &k, o1);
    TA_OBV(0, n - 1, c, v, &b, &k, o1);
    times[r] = (now_ns() - t0) / n;
  }
  qsort(times, runs, sizeof *times, cmp);
  printf("%.2f %.2f %.2f\n", times[runs / 2], times[0], times[runs - 1]);
  TA_Shutdown();
  return 0;
}
