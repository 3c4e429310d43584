/* Prometheus text metrics: requests by route and status class, and a latency histogram. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

#define MAX_ROUTES 256
#define NBUCKETS 10

static const double bucket_ms[NBUCKETS] = { 1, 2.5, 5, 10, 25, 50, 100, 250, 1000, 5000 };
static atomic_ullong by_route[MAX_ROUTES + 1][6]; /* status class 1xx..5xx, index 0 unused */
static atomic_ullong hist[NBUCKETS + 1];
static _Atomic double hist_sum_ms;

void yh_metrics_observe(int route_index, int status, double ms)
{
	int slot = (route_index < 0 || route_index >= MAX_ROUTES) ? MAX_ROUTES : route_index;
	int cls = status / 100;
	int b = 0;
	double old;

	if (cls < 1 || cls > 5)
		cls = 5;
	atomic_fetch_add(&by_route[slot][cls], 1);
	while (b < NBUCKETS && ms > bucket_ms[b])
		b++;
	atomic_fetch_add(&hist[b], 1);
	old = atomic_load(&hist_sum_ms);
	while (!atomic_compare_exchange_weak(&hist_sum_ms, &old, old + ms))
		;
}

struct sbuf {
	char *p;
	size_t len, cap;
};

static void put(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void put(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			return;
	}
}

char *yh_metrics_render(const char *extra)
{
	struct sbuf b = { 0 };
	unsigned long long cum = 0;
	int idx = 0;

	put(&b, "# HELP yinhui_http_requests_total HTTP requests by route and status class.\n"
		"# TYPE yinhui_http_requests_total counter\n");
	for (int t = 0; yh_route_tables[t]; t++)
		for (const yh_route *rt = yh_route_tables[t]; rt->method; rt++, idx++)
			for (int c = 1; c <= 5 && idx < MAX_ROUTES; c++) {
				unsigned long long v = atomic_load(&by_route[idx][c]);
				if (v)
					put(&b, "yinhui_http_requests_total{route=\"%s\",method=\"%s\",status=\"%dxx\"} %llu\n",
						rt->name ? rt->name : rt->pattern, rt->method, c, v);
			}
	for (int c = 1; c <= 5; c++) {
		unsigned long long v = atomic_load(&by_route[MAX_ROUTES][c]);
		if (v)
			put(&b, "yinhui_http_requests_total{route=\"unmatched\",method=\"\",status=\"%dxx\"} %llu\n", c, v);
	}
	put(&b, "# HELP yinhui_http_request_duration_seconds Request latency.\n"
		"# TYPE yinhui_http_request_duration_seconds histogram\n");
	for (int i = 0; i < NBUCKETS; i++) {
		cum += atomic_load(&hist[i]);
		put(&b, "yinhui_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucket_ms[i] / 1000.0, cum);
	}
	cum += atomic_load(&hist[NBUCKETS]);
	put(&b, "yinhui_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	put(&b, "yinhui_http_request_duration_seconds_sum %.6f\n", atomic_load(&hist_sum_ms) / 1000.0);
	/* the +Inf bucket itself: a separate counter could differ from it during a scrape */
	put(&b, "yinhui_http_request_duration_seconds_count %llu\n", cum);
	if (extra)
		put(&b, "%s", extra);
	return b.p;
}
