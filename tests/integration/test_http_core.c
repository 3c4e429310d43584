/* The daemon in-process over HTTP: health, login, errors, limits, idempotency. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "support.h"
#include "yinhui/server.h"
#include "yinhui/staff.h"

static void test_healthz(void)
{
	char *body = NULL;

	CU_ASSERT_EQUAL(yh_t_http("GET", "/healthz", NULL, NULL, NULL, &body), 200);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "status"), "ok");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/readyz", NULL, NULL, NULL, NULL), 200);
}

static void test_login_and_auth(void)
{
	char *body = NULL;
	char auth[200];

	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/session", NULL, "{\"username\":\"admin\",\"password\":\"nope-nope-nope\"}", NULL, &body), 401);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "unauthorized");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/session", NULL, "{\"username\":\"admin\",\"password\":\"" YH_T_PASSWORD "\"}", NULL, &body), 201);
	snprintf(auth, sizeof(auth), "%s", yh_t_json(body, "token"));
	CU_ASSERT_EQUAL(strncmp(auth, "yh_", 3), 0);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/units", NULL, NULL, NULL, &body), 401);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/units", "yh_bogus", NULL, NULL, &body), 401);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/units", auth, NULL, NULL, &body), 200);
	CU_ASSERT(yh_t_json_len(body, "") >= 3);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("DELETE", "/api/v1/session", auth, NULL, NULL, NULL), 200);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/units", auth, NULL, NULL, NULL), 401);
}

static void test_errors(void)
{
	const char *tok = yh_t_token("admin");
	char *body = NULL;

	CU_ASSERT_EQUAL(yh_t_http("GET", "/api/v1/nowhere", tok, NULL, NULL, &body), 404);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "not_found");
	CU_ASSERT_PTR_NOT_NULL(yh_t_json(body, "error.request_id"));
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", tok, "{\"code\":", NULL, &body), 400);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "bad_request");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", tok, "[1,2]", NULL, &body), 400);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", tok, "{\"code\":\"a1\",\"name\":\"x\",\"parent\":\"bureau\",\"colour\":1}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "colour");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", tok, "{\"code\":\"a1\",\"name\":\"x\",\"parent\":\"nowhere\"}", NULL, &body), 422);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.field"), "parent");
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("PUT", "/api/v1/units", tok, "{}", NULL, &body), 405);
	free(body);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", yh_t_token("cw_a"), "{\"code\":\"a2\",\"name\":\"x\",\"parent\":\"bureau\"}", NULL, &body), 403);
	CU_ASSERT_STRING_EQUAL(yh_t_json(body, "error.code"), "forbidden");
	free(body);
}

static void test_body_limit(void)
{
	size_t n = 300 * 1024;
	char *big = malloc(n + 32), *body = NULL;

	memset(big, 'a', n + 31);
	memcpy(big, "{\"code\":\"", 9);
	strcpy(big + n, "\"}");
	/* repeated: the 413 must reach a client that is still sending, every time */
	for (int i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", yh_t_token("admin"), big, NULL, &body), 413);
		CU_ASSERT_PTR_NOT_NULL(body ? strstr(body, "\"code\"") : NULL);
		free(body);
		body = NULL;
	}
	free(big);
}

static void test_idempotency(void)
{
	const char *tok = yh_t_token("admin");
	const char *json = "{\"code\":\"idem1\",\"name\":\"幂等测试\",\"parent\":\"bureau\"}";
	char *b1 = NULL, *b2 = NULL, *b3 = NULL;
	long before = yh_t_count("SELECT count(*) FROM yh.unit");

	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", tok, json, "Idempotency-Key: k-123", &b1), 201);
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", tok, json, "Idempotency-Key: k-123", &b2), 201);
	CU_ASSERT_STRING_EQUAL(b1, b2);
	CU_ASSERT_EQUAL(yh_t_count("SELECT count(*) FROM yh.unit"), before + 1);
	/* same key, different body */
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/units", tok, "{\"code\":\"idem2\",\"name\":\"x\",\"parent\":\"bureau\"}",
				  "Idempotency-Key: k-123", &b3), 422);
	free(b1);
	free(b2);
	free(b3);
}

static void test_metrics(void)
{
	char *body = NULL;

	CU_ASSERT_EQUAL(yh_t_http("GET", "/metrics", NULL, NULL, NULL, &body), 200);
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "yinhui_http_requests_total"));
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "yinhui_db_pool_size"));
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "yinhui_db_pool_in_use"));
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "yinhui_obligations_overdue 0"));
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "yinhui_batches_awaiting_approval 0"));
	CU_ASSERT_PTR_NOT_NULL(body && strstr(body, "yinhui_http_request_duration_seconds_bucket"));
	free(body);
}

/* reads and changes fired together; the fixture's server allows 2 reads at once (support.c) */
struct shot {
	pthread_barrier_t *go;
	const char *token;
	int kind; /* 0 read, 1 change, 2 heavy read */
	long status[5];
};

static void *fire(void *arg)
{
	struct shot *s = arg;

	pthread_barrier_wait(s->go);
	for (int i = 0; i < 5; i++)
		s->status[i] = s->kind == 1 ? yh_t_http("POST", "/api/v1/cadres", s->token, "{}", NULL, NULL)
			: s->kind == 2 ? yh_t_http("GET", "/api/v1/roster/figures?from=2022-01-01&to=2022-12-31", s->token,
				NULL, NULL, NULL)
			: yh_t_http("GET", "/api/v1/cadres?limit=5", s->token, NULL, NULL, NULL);
	return NULL;
}

static long metric(const char *text, const char *name)
{
	const char *p = text;
	size_t n = strlen(name);

	while (p && (p = strstr(p, name)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtol(p + n + 1, NULL, 10);
		p += n;
	}
	return -1;
}

static void test_read_limit(void)
{
	enum { NSHOT = 16 };
	struct shot shots[NSHOT];
	pthread_t th[NSHOT];
	pthread_barrier_t go;
	const char *token = yh_t_token("admin");
	char *body = NULL;

	pthread_barrier_init(&go, NULL, NSHOT);
	for (int i = 0; i < NSHOT; i++) {
		/* 8 readers, 4 writers, 4 heavy readers */
		shots[i] = (struct shot){ .go = &go, .token = token, .kind = i % 4 == 0 ? 1 : i % 4 == 1 ? 2 : 0 };
		pthread_create(&th[i], NULL, fire, &shots[i]);
	}
	for (int i = 0; i < NSHOT; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	/* every request answered: queued reads are not starved, changes do not wait behind reads */
	for (int i = 0; i < NSHOT; i++)
		for (int k = 0; k < 5; k++)
			CU_ASSERT_EQUAL(shots[i].status[k], shots[i].kind == 1 ? 422 : 200);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/metrics", NULL, NULL, NULL, &body), 200);
	CU_ASSERT_EQUAL(metric(body, "yinhui_db_pool_read_limit"), 2);
	/* 12 clients reading at once, never more than 2 reads running, of which 1 heavy */
	CU_ASSERT(metric(body, "yinhui_db_pool_reads_peak") >= 1);
	CU_ASSERT(metric(body, "yinhui_db_pool_reads_peak") <= 2);
	CU_ASSERT_EQUAL(metric(body, "yinhui_db_pool_heavy_read_limit"), 1);
	CU_ASSERT_EQUAL(metric(body, "yinhui_db_pool_heavy_reads_peak"), 1);
	CU_ASSERT_EQUAL(metric(body, "yinhui_db_pool_reads_in_use"), 1); /* the /metrics request itself */
	free(body);
}

struct login_shot {
	pthread_barrier_t *go;
	long status;
};

static void *login(void *arg)
{
	struct login_shot *s = arg;

	pthread_barrier_wait(s->go);
	s->status = yh_t_http("POST", "/api/v1/session", NULL,
		"{\"username\":\"slowhash\",\"password\":\"slow-hash-password\"}", NULL, NULL);
	return NULL;
}

/* Logins at once check their 64 MiB password hashes one per allowed slot, not all together. */
static void test_password_hash_limit(void)
{
	enum { NLOGIN = 4 };
	struct login_shot shots[NLOGIN];
	pthread_t th[NLOGIN];
	pthread_barrier_t go;
	char *body = NULL;

	/* a user with the production hash (tens of ms to check), so that unlimited checks would overlap */
	unsetenv("YINHUI_PWHASH_FAST");
	CU_ASSERT_EQUAL(yh_t_http("POST", "/api/v1/staff", yh_t_token("admin"),
		"{\"username\":\"slowhash\",\"role\":\"caseworker\",\"unit\":\"chikan\","
		"\"password\":\"slow-hash-password\"}", NULL, NULL), 201);
	setenv("YINHUI_PWHASH_FAST", "1", 1);
	yh_pwhash_limit_set(1);
	pthread_barrier_init(&go, NULL, NLOGIN);
	for (int i = 0; i < NLOGIN; i++) {
		shots[i] = (struct login_shot){ .go = &go };
		pthread_create(&th[i], NULL, login, &shots[i]);
	}
	for (int i = 0; i < NLOGIN; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < NLOGIN; i++)
		CU_ASSERT_EQUAL(shots[i].status, 201);
	CU_ASSERT_EQUAL(yh_t_http("GET", "/metrics", NULL, NULL, NULL, &body), 200);
	CU_ASSERT_EQUAL(metric(body, "yinhui_password_hash_limit"), 1);
	CU_ASSERT_EQUAL(metric(body, "yinhui_password_hash_peak"), 1);
	free(body);
	yh_pwhash_limit_set(2);
}

/* A second daemon on a port that is in use must fail, not share the port and half the requests. */
static void test_port_in_use(void)
{
	yh_server_opts o;
	yh_server *second = NULL;
	yh_err err;

	yh_server_opts_default(&o);
	o.port = T.port;
	o.workers = 1;
	o.conninfo = T.conninfo;
	yh_err_clear(&err);
	CU_ASSERT_NOT_EQUAL(yh_server_start(&second, &o, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.field, "listen");
	if (second)
		yh_server_stop(second, 0);
}


static const char *header_of(const char *answer, const char *name);

/*
 * Sends req on fd (none when NULL) and reads one answer into buf
 * (NUL-terminated): up to the end of its body, or until the server closes.
 * Returns the bytes read, or -1 with errno (EAGAIN: no answer at all
 * within the receive timeout).
 */
static ssize_t exchange(int fd, const char *req, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t k = 0;
	int head = req != NULL && strncmp(req, "HEAD ", 5) == 0;

	buf[0] = '\0';
	if (fd < 0 || (req != NULL && write(fd, req, strlen(req)) != (ssize_t)strlen(req)))
		return -1;
	while (got + 1 < n && (k = read(fd, buf + got, n - 1 - got)) > 0) {
		const char *end, *cl;
		got += (size_t)k;
		buf[got] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end == NULL)
			continue;
		cl = header_of(buf, "Content-Length");
		if (head || (cl != NULL && got >= (size_t)(end + 4 - buf) + strtoul(cl, NULL, 10)))
			break;
	}
	return got == 0 && k < 0 ? -1 : (ssize_t)got;
}

/* One request on a connection of its own: exchange() on a fresh connection, closed after. */
static ssize_t ask(const char *req, char *buf, size_t n)
{
	int fd = yh_t_dial(T.port);
	ssize_t got = exchange(fd, req, buf, n);

	if (fd >= 0)
		close(fd);
	return got;
}

/* A header's value in a raw answer (static buffer), or NULL. */
static const char *header_of(const char *answer, const char *name)
{
	static char val[256];
	const char *end = strstr(answer, "\r\n\r\n");
	size_t n = strlen(name);

	for (const char *p = strstr(answer, "\r\n"); p && (!end || p < end); p = strstr(p + 2, "\r\n"))
		if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
			const char *v = p + 3 + n, *e;
			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			snprintf(val, sizeof(val), "%.*s", (int)(e ? e - v : (long)strlen(v)), v);
			return val;
		}
	return NULL;
}

/* HEAD answers as GET does without the body; a 405 names the methods the path has; an unknown method is 501. */
static void test_head_and_allow(void)
{
	char buf[8192], req[512];

	CU_ASSERT(ask("HEAD /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 200 ", 13), 0);
	CU_ASSERT_STRING_EQUAL(strstr(buf, "\r\n\r\n") ? strstr(buf, "\r\n\r\n") : "-", "\r\n\r\n"); /* no body */
	snprintf(req, sizeof(req), "HEAD /api/v1/units HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n"
		"Connection: close\r\n\r\n", yh_t_token("admin"));
	CU_ASSERT(ask(req, buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 200 ", 13), 0);
	CU_ASSERT_PTR_NOT_NULL(header_of(buf, "Content-Length"));
	/* a method the path does not have: 405 with Allow, as JSON */
	CU_ASSERT(ask("DELETE /api/v1/units HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 405 ", 13), 0);
	CU_ASSERT_STRING_EQUAL(header_of(buf, "Allow") ? header_of(buf, "Allow") : "(none)", "GET, HEAD, POST");
	CU_ASSERT_STRING_EQUAL(header_of(buf, "Content-Type") ? header_of(buf, "Content-Type") : "(none)",
		"application/json; charset=utf-8");
	/* a browser's CORS preflight: refused the same way (no cross-origin access is granted) */
	CU_ASSERT(ask("OPTIONS /api/v1/units HTTP/1.1\r\nHost: t\r\nOrigin: http://elsewhere.example\r\n"
		"Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 405 ", 13), 0);
	CU_ASSERT_STRING_EQUAL(header_of(buf, "Allow") ? header_of(buf, "Allow") : "(none)", "GET, HEAD, POST");
	CU_ASSERT_PTR_NULL(header_of(buf, "Access-Control-Allow-Origin"));
	/* a method no server knows: 501, as JSON, wherever it is sent */
	CU_ASSERT(ask("FOO /api/v1/units HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 501 ", 13), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"method FOO is not implemented\""));
	/* HTTP/1.1 without Host: 400 naming the header; HTTP/1.0 needs none */
	CU_ASSERT(ask("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 400 ", 13), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"field\":\"Host\""));
	CU_ASSERT(ask("GET /healthz HTTP/1.0\r\n\r\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 200 ", 13) == 0 || strncmp(buf, "HTTP/1.0 200 ", 13) == 0, 1);
}

/* A client that waits for 100 Continue with a body over the limit gets the 413 instead. */
static void test_expect_oversized(void)
{
	char buf[4096], req[512];

	snprintf(req, sizeof(req), "POST /api/v1/units HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n"
		"Content-Type: application/json\r\nContent-Length: 400000\r\nExpect: 100-continue\r\n\r\n",
		yh_t_token("admin"));
	CU_ASSERT(ask(req, buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 413 ", 13), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"too_large\""));
}

/*
 * Past max_connections a client is told so at once: a 503 JSON error while
 * the reserve lasts, past it a closed connection; never an answer that does
 * not come. Then the daemon serves again.
 */
static void test_connection_limit(void)
{
	enum { LIMIT = 4, MANY = 64 };
	yh_server_opts o;
	yh_server *srv = NULL;
	yh_err err;
	int fds[MANY], n, port, fd, ok = 0;
	char buf[4096];
	ssize_t got;

	yh_server_opts_default(&o);
	o.port = 0;
	o.workers = 1;
	o.conninfo = T.conninfo;
	o.max_conns = LIMIT;
	yh_err_clear(&err);
	CU_ASSERT_EQUAL_FATAL(yh_server_start(&srv, &o, &err), 0);
	port = yh_server_port(srv);
	/* LIMIT connections, each served once and kept open: counted before the next one comes */
	for (n = 0; n < LIMIT; n++) {
		fds[n] = yh_t_dial(port);
		CU_ASSERT(exchange(fds[n], "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", buf, sizeof(buf)) > 0);
		CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 200 ", 13), 0);
	}
	/* one over the limit: 503 with a JSON error, and the connection closes */
	fd = yh_t_dial(port);
	got = exchange(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", buf, sizeof(buf));
	CU_ASSERT(got > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 503 ", 13), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"code\":\"unavailable\""));
	CU_ASSERT_STRING_EQUAL(header_of(buf, "Connection") ? header_of(buf, "Connection") : "(none)", "close");
	close(fd);
	/* the ones within the limit are served */
	CU_ASSERT(exchange(fds[0], "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", buf, sizeof(buf)) > 0);
	CU_ASSERT_EQUAL(strncmp(buf, "HTTP/1.1 200 ", 13), 0);
	/* far over it (past the reserve): closed, not left waiting (EAGAIN would be the receive timeout) */
	for (; n < MANY; n++)
		fds[n] = yh_t_dial(port);
	fd = yh_t_dial(port);
	CU_ASSERT(fd >= 0);
	errno = 0;
	got = exchange(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", buf, sizeof(buf));
	CU_ASSERT(got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ||
		  (got > 0 && strncmp(buf, "HTTP/1.1 503 ", 13) == 0));
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	/* and it serves again once they are gone (the closes reach it asynchronously) */
	for (int i = 0; i < 100 && !ok; i++) {
		fd = yh_t_dial(port);
		got = exchange(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", buf, sizeof(buf));
		ok = got > 0 && strncmp(buf, "HTTP/1.1 200 ", 13) == 0;
		if (fd >= 0)
			close(fd);
		if (!ok)
			usleep(50000);
	}
	CU_ASSERT(ok);
	yh_server_stop(srv, 0);
}

/* A login POSTed with Origin (and Host) as given; returns the raw answer's status line code, or -1. */
static int login_from(const char *host, const char *origin, const char *password, char *buf, size_t n)
{
	char req[1024], body[160];
	int fd;

	snprintf(body, sizeof(body), "{\"username\":\"cw_b\",\"password\":\"%s\"}", password);
	snprintf(req, sizeof(req), "POST /api/v1/session HTTP/1.1\r\nHost: %s\r\n%s%s%sContent-Type: text/plain\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n%s", host, origin ? "Origin: " : "", origin ? origin : "",
		origin ? "\r\n" : "", strlen(body), body);
	fd = yh_t_dial(T.port);
	if (exchange(fd, req, buf, n) <= 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return strncmp(buf, "HTTP/1.1 ", 9) == 0 ? atoi(buf + 9) : -1;
}

/*
 * A page of another site can make the browser POST here without a preflight
 * (a form, fetch with text/plain): it cannot read the answer, but without a
 * check the request ran, and five wrong passwords locked a colleague out.
 */
static void test_foreign_origin(void)
{
	static const char *const foreign[][2] = {
		{ "t", "http://evil.example" },
		{ "t", "null" },                      /* a sandboxed frame, a file:// page */
		{ "t", "http://t.evil.example" },
		{ "t", "http://evil.t" },
		{ "t:8640", "http://t:9000" },        /* another port of the same host */
		{ "t:443", "http://t" },              /* http://t is port 80 */
		{ "[::1]:8640", "http://[::1]:9000" },
	};
	static const char *const same[][2] = {
		{ "t", "http://t" },
		{ "T:8640", "http://t:8640" },
		{ "yinhui.example.gov.cn", "https://yinhui.example.gov.cn" }, /* nginx's $host has no port */
		{ "yinhui.example.gov.cn", "https://yinhui.example.gov.cn:8443" },
		{ "t:443", "https://t" },
		{ "[::1]:8640", "http://[::1]:8640" },
	};
	char buf[8192];
	size_t i;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		CU_ASSERT_EQUAL(login_from(foreign[i][0], foreign[i][1], "wrong-password", buf, sizeof(buf)), 403);
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"field\":\"Origin\""));
		CU_ASSERT_STRING_EQUAL(header_of(buf, "Content-Type") ? header_of(buf, "Content-Type") : "(none)",
			"application/json; charset=utf-8");
	}
	/* none of them counted as a failed login */
	CU_ASSERT_EQUAL(yh_t_count("SELECT 1 FROM yh.staff WHERE username = 'cw_b' AND failed_logins = 0"), 1);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		CU_ASSERT_EQUAL(login_from(same[i][0], same[i][1], YH_T_PASSWORD, buf, sizeof(buf)), 201);
	/* no Origin: not a browser (curl, the CLI) */
	CU_ASSERT_EQUAL(login_from("t", NULL, YH_T_PASSWORD, buf, sizeof(buf)), 201);
}

/* A login with a wrong password for a name nobody has, as nginx forwards it for client real_ip (NULL: none). */
static int login_via_proxy(const char *real_ip, const char *username, const char *password)
{
	char req[1024], body[200], buf[4096];
	int fd, st = -1;

	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
	snprintf(req, sizeof(req), "POST /api/v1/session HTTP/1.1\r\nHost: t\r\n%s%s%sContent-Type: application/json\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n%s", real_ip ? "X-Real-IP: " : "", real_ip ? real_ip : "",
		real_ip ? "\r\n" : "", strlen(body), body);
	fd = yh_t_dial(T.port);
	if (exchange(fd, req, buf, sizeof(buf)) > 0 && strncmp(buf, "HTTP/1.1 ", 9) == 0)
		st = atoi(buf + 9);
	close(fd);
	return st;
}

/*
 * Behind nginx every request comes from 127.0.0.1: the address that failed
 * logins are counted against is the client nginx names, or thirty wrong
 * passwords from anyone would lock every member of staff out.
 */
static void test_client_behind_proxy(void)
{
	int st = 0;

	for (int i = 0; i < 40 && st != 429; i++)
		st = login_via_proxy("203.0.113.7", "nobody-here", "wrong-password");
	CU_ASSERT_EQUAL(st, 429); /* that client is held back */
	CU_ASSERT(yh_t_count("SELECT count(*) FROM yh.login_attempt WHERE address = '203.0.113.7'") >= 30);
	/* the others are not */
	CU_ASSERT_EQUAL(login_via_proxy("2001:db8::8", "cw_b", YH_T_PASSWORD), 201);
	CU_ASSERT_EQUAL(login_via_proxy(NULL, "cw_b", YH_T_PASSWORD), 201);
	/* what is not an address is not believed */
	CU_ASSERT_EQUAL(login_via_proxy("203.0.113.7, 10.0.0.1", "cw_b", YH_T_PASSWORD), 201);
}

/* What a browser is told: never cache, never sniff, never frame, load nothing. */
static void test_browser_headers(void)
{
	char buf[8192];
	int fd = yh_t_dial(T.port);

	CU_ASSERT(exchange(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", buf, sizeof(buf)) > 0);
	close(fd);
	CU_ASSERT_STRING_EQUAL(header_of(buf, "Cache-Control") ? header_of(buf, "Cache-Control") : "(none)", "no-store");
	CU_ASSERT_STRING_EQUAL(header_of(buf, "X-Content-Type-Options") ? header_of(buf, "X-Content-Type-Options") : "(none)",
		"nosniff");
	CU_ASSERT_STRING_EQUAL(header_of(buf, "X-Frame-Options") ? header_of(buf, "X-Frame-Options") : "(none)", "DENY");
	CU_ASSERT_STRING_EQUAL(header_of(buf, "Content-Security-Policy") ? header_of(buf, "Content-Security-Policy") : "(none)",
		"default-src 'none'; frame-ancestors 'none'");
	CU_ASSERT_STRING_EQUAL(header_of(buf, "Referrer-Policy") ? header_of(buf, "Referrer-Policy") : "(none)", "no-referrer");
}

static const yh_t_case cases[] = {
	{ "healthz and readyz", test_healthz },
	{ "login and bearer tokens", test_login_and_auth },
	{ "JSON errors with fields", test_errors },
	{ "body size limit", test_body_limit },
	{ "idempotency keys", test_idempotency },
	{ "metrics", test_metrics },
	{ "reads run at most read_workers at once", test_read_limit },
	{ "password hashes at most limit at once", test_password_hash_limit },
	{ "a port in use is refused", test_port_in_use },
	{ "HEAD, and Allow on a 405", test_head_and_allow },
	{ "a page of another origin changes nothing", test_foreign_origin },
	{ "headers a browser reads", test_browser_headers },
	{ "behind nginx, the client is the one nginx names", test_client_behind_proxy },
	{ "Expect: 100-continue with a body over the limit", test_expect_oversized },
	{ "past the connection limit: 503, then closed, never a hang", test_connection_limit },
	{ NULL, NULL }
};

int main(void)
{
	int rc;

	yh_t_setup("http_core");
	yh_t_server_start();
	rc = yh_t_run("http_core", cases);
	yh_t_teardown();
	return rc;
}
