/*
 * chaos_client - the write load of scripts/chaos: a steady stream of visits
 * and enrolments (two a second per client) through the API, each with its own Idempotency-Key, every
 * acknowledged write recorded. A write that is not acknowledged (connection
 * refused or reset, timeout, 503, "key still running") is retried with the
 * same key and the same body until it is, so a write is either acknowledged
 * once or reported as given up. Loopback only; bounded by a stop file and a
 * grace period.
 *
 *   chaos_client setup BASE TOKEN UNIT COUNT      COUNT new cadres in UNIT, their ids on stdout
 *   chaos_client run BASE VISIT_TOKEN PAY_TOKEN PROGRAMME PERSONS ENROL_PERSONS THREADS STOPFILE ACKFILE GRACE_S
 *
 * run writes "kind<TAB>key<TAB>id" per acknowledged write to ACKFILE and a
 * JSON summary of what it saw on stdout when STOPFILE appears and every
 * write in flight is settled (or GRACE_S seconds have passed).
 */
#define _DEFAULT_SOURCE
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct buf {
	char *p;
	size_t n;
};

static const char *base, *visit_token, *pay_token, *programme, *stopfile;
static char **persons, **enrol_persons;
static size_t npersons, nenrol;
static atomic_size_t next_enrolled;
static FILE *acks;
static pthread_mutex_t ack_mu = PTHREAD_MUTEX_INITIALIZER;
static double grace_s;
static atomic_long stop_at_ms; /* when the stop file was seen (monotonic ms), 0 before */

static atomic_long sent, acked, retried, given_up, st503_json, st503_bare, st5xx_other, st409_running, st4xx_other,
	conn_fail, timeouts, visits_acked, enrols_acked, replays;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct buf *m = ud;
	size_t add = size * nmemb;
	char *np = realloc(m->p, m->n + add + 1);

	if (np == NULL)
		return 0;
	m->p = np;
	memcpy(m->p + m->n, ptr, add);
	m->n += add;
	m->p[m->n] = '\0';
	return add;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* POSTs json; returns the status, 0 on a transport failure (*curl_rc says which). */
static long post(CURL *c, const char *path, const char *token, const char *key, const char *json, char **out,
	CURLcode *curl_rc)
{
	struct curl_slist *h = NULL;
	struct buf m = { 0 };
	char url[512], line[256];
	long status = 0;

	*out = NULL;
	curl_easy_reset(c);
	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &m);
	/* longer than any request may take; a request that runs into it counts as a hang */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 3L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, line);
	if (key) {
		snprintf(line, sizeof(line), "Idempotency-Key: %s", key);
		h = curl_slist_append(h, line);
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	*curl_rc = curl_easy_perform(c);
	if (*curl_rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	*out = m.p;
	return status;
}

/* error.code of a JSON error body, or NULL. Caller frees. */
static char *error_code(const char *body)
{
	json_t *doc = body ? json_loads(body, 0, NULL) : NULL;
	json_t *code = json_object_get(json_object_get(doc, "error"), "code");
	char *res = json_is_string(code) ? strdup(json_string_value(code)) : NULL;

	json_decref(doc);
	return res;
}

static char *member(const char *body, const char *name)
{
	json_t *doc = body ? json_loads(body, 0, NULL) : NULL;
	json_t *v = json_object_get(doc, name);
	char *res = json_is_string(v) ? strdup(json_string_value(v)) : NULL;

	json_decref(doc);
	return res;
}

static int stopping(void)
{
	return access(stopfile, F_OK) == 0;
}

/* Sends one write until it is acknowledged; 1 when it was, 0 when given up after the grace period. */
static int write_once(CURL *c, const char *kind, const char *path, const char *token, const char *key, const char *json)
{
	unsigned backoff_ms = 50;
	int attempt = 0;

	for (;;) {
		char *body = NULL, *code = NULL;
		CURLcode crc;
		long st = post(c, path, token, key, json, &body, &crc);

		atomic_fetch_add(&sent, 1);
		if (attempt++ > 0)
			atomic_fetch_add(&retried, 1);
		if (st >= 200 && st < 300) {
			char *id = member(body, "id");
			if (attempt > 1)
				atomic_fetch_add(&replays, 1);
			pthread_mutex_lock(&ack_mu);
			fprintf(acks, "%s\t%s\t%s\n", kind, key, id ? id : "?");
			fflush(acks);
			pthread_mutex_unlock(&ack_mu);
			atomic_fetch_add(&acked, 1);
			atomic_fetch_add(strcmp(kind, "visit") == 0 ? &visits_acked : &enrols_acked, 1);
			free(id);
			free(body);
			return 1;
		}
		if (st == 0) {
			atomic_fetch_add(crc == CURLE_OPERATION_TIMEDOUT ? &timeouts : &conn_fail, 1);
		} else {
			code = error_code(body);
			if (st == 503)
				atomic_fetch_add(code && strcmp(code, "unavailable") == 0 ? &st503_json : &st503_bare, 1);
			else if (st >= 500)
				atomic_fetch_add(&st5xx_other, 1);
			else if (st == 409 && body && strstr(body, "still running"))
				atomic_fetch_add(&st409_running, 1);
			else {
				/* a refusal that a retry cannot change: report it, do not hammer */
				atomic_fetch_add(&st4xx_other, 1);
				fprintf(stderr, "chaos_client: %s %s -> %ld %.300s\n", path, key, st, body ? body : "");
				free(code);
				free(body);
				atomic_fetch_add(&given_up, 1);
				return 0;
			}
			if (st >= 500 && !(st == 503 && code && strcmp(code, "unavailable") == 0))
				fprintf(stderr, "chaos_client: %s %s -> %ld %.300s\n", path, key, st, body ? body : "");
		}
		free(code);
		free(body);
		if (stopping() && atomic_load(&stop_at_ms) > 0 && now_s() * 1000.0 > (double)atomic_load(&stop_at_ms) + grace_s * 1000.0) {
			atomic_fetch_add(&given_up, 1);
			fprintf(stderr, "chaos_client: gave up on %s after %d attempts\n", key, attempt);
			return 0;
		}
		usleep(backoff_ms * 1000);
		if (backoff_ms < 400)
			backoff_ms *= 2;
	}
}

static void *worker(void *arg)
{
	long t = (long)arg;
	CURL *c = curl_easy_init();
	unsigned seq = 0;
	char key[96], json[1024];
	double next_enrol = now_s();

	while (!stopping()) {
		size_t e = (size_t)-1;

		seq++;
		snprintf(key, sizeof(key), "chaos-%d-%ld-%u", (int)getpid(), t, seq);
		/* twice a second per client a payment enrolment, while fresh persons last; visits in between */
		if (nenrol > 0 && now_s() >= next_enrol) {
			e = atomic_fetch_add(&next_enrolled, 1);
			next_enrol += 0.5;
		}
		if (e < nenrol) {
			snprintf(json, sizeof(json), "{\"programme\":\"%s\",\"person\":\"%s\",\"start_on\":\"2021-01-01\","
				"\"account\":\"6222%05ld%010u\",\"bank_name\":\"工商银行\",\"note\":\"chaos:%s\"}", programme,
				enrol_persons[e], t, seq, key);
			write_once(c, "enrolment", "/api/v1/enrolments", pay_token, key, json);
		} else {
			snprintf(json, sizeof(json), "{\"person\":\"%s\",\"visited_at\":\"2025-%02u-%02uT10:00\",\"occasion\":\"日常联系\","
				"\"mode\":\"电话\",\"findings\":\"chaos:%s\"}", persons[(seq * 7 + (unsigned)t) % npersons],
				1 + seq % 12, 1 + seq % 28, key);
			write_once(c, "visit", "/api/v1/visits", visit_token, key, json);
		}
	}
	curl_easy_cleanup(c);
	return NULL;
}

static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[256], **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (f == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	return v;
}

/* The 18th character of a resident ID number (GB 11643). */
static char check_digit(const char *id17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (id17[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

static int setup(const char *token, const char *unit, int count)
{
	static const char *const digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
	CURL *c = curl_easy_init();
	int made = 0;

	for (int i = 0; i < count; i++) {
		char id[19], name[64] = "混沌", json[512], *body = NULL, *uid;
		CURLcode crc;
		unsigned u = (unsigned)i;
		long st;

		snprintf(id, sizeof(id), "44080219%02u%02u%02u%03u", 30 + u / (12 * 28 * 999) % 20, 1 + u / (28 * 999) % 12,
			1 + u / 999 % 28, 1 + u % 999);
		id[17] = check_digit(id);
		id[18] = '\0';
		for (const char *p = id + 14; *p && p < id + 17; p++)
			strcat(name, digits[*p - '0']);
		strcat(name, digits[u / 999 % 10]);
		snprintf(json, sizeof(json), "{\"name\":\"%s\",\"id_number\":\"%s\",\"category\":\"退休\",\"unit\":\"%s\"}", name, id,
			unit);
		st = post(c, "/api/v1/cadres", token, NULL, json, &body, &crc);
		uid = st == 201 ? member(body, "id") : NULL;
		if (uid == NULL) {
			fprintf(stderr, "chaos_client setup: %ld %.300s\n", st, body ? body : "");
			free(body);
			curl_easy_cleanup(c);
			return 1;
		}
		printf("%s\n", uid);
		made++;
		free(uid);
		free(body);
	}
	curl_easy_cleanup(c);
	fprintf(stderr, "chaos_client setup: %d cadres in %s\n", made, unit);
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t *th;
	int threads;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc == 6 && strcmp(argv[1], "setup") == 0) {
		base = argv[2];
		return setup(argv[3], argv[4], atoi(argv[5]));
	}
	if (argc != 12 || strcmp(argv[1], "run") != 0) {
		fprintf(stderr, "usage: chaos_client setup BASE TOKEN UNIT COUNT\n"
				"       chaos_client run BASE VISIT_TOKEN PAY_TOKEN PROGRAMME PERSONS ENROL_PERSONS THREADS STOPFILE"
				" ACKFILE GRACE_S\n");
		return 2;
	}
	base = argv[2];
	visit_token = argv[3];
	pay_token = argv[4];
	programme = argv[5];
	persons = read_lines(argv[6], &npersons);
	enrol_persons = read_lines(argv[7], &nenrol);
	threads = atoi(argv[8]);
	stopfile = argv[9];
	acks = fopen(argv[10], "a");
	grace_s = atof(argv[11]);
	if (npersons == 0 || acks == NULL || threads < 1 || threads > 64) {
		fprintf(stderr, "chaos_client: need persons, an ack file and 1..64 threads\n");
		return 2;
	}
	th = calloc((size_t)threads, sizeof(*th));
	for (long i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	while (!stopping())
		usleep(100000);
	atomic_store(&stop_at_ms, (long)(now_s() * 1000.0));
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	printf("{\"requests\":%ld,\"acknowledged\":%ld,\"visits\":%ld,\"enrolments\":%ld,\"retries\":%ld,"
	       "\"acknowledged_after_retry\":%ld,\"given_up\":%ld,\"status_503_json\":%ld,\"status_503_bare\":%ld,"
	       "\"status_5xx_other\":%ld,\"status_409_key_running\":%ld,\"status_4xx_other\":%ld,\"connection_failures\":%ld,"
	       "\"timeouts\":%ld}\n",
		atomic_load(&sent), atomic_load(&acked), atomic_load(&visits_acked), atomic_load(&enrols_acked),
		atomic_load(&retried), atomic_load(&replays), atomic_load(&given_up), atomic_load(&st503_json),
		atomic_load(&st503_bare), atomic_load(&st5xx_other), atomic_load(&st409_running), atomic_load(&st4xx_other),
		atomic_load(&conn_fail), atomic_load(&timeouts));
	fclose(acks);
	for (size_t i = 0; i < npersons; i++)
		free(persons[i]);
	for (size_t i = 0; i < nenrol; i++)
		free(enrol_persons[i]);
	free(persons);
	free(enrol_persons);
	free(th);
	curl_global_cleanup();
	return 0;
}
