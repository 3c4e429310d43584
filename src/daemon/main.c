/* yinhuid - the HTTP JSON API daemon. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yinhui/config.h"
#include "yinhui/db.h"
#include "yinhui/log.h"
#include "yinhui/migrate.h"
#include "yinhui/server.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: yinhuid [--listen ADDR:PORT] [--workers N] [--log-level LEVEL]\n"
		"\n"
		"Serves the Yinhui HTTP JSON API (default 127.0.0.1:8640) on the configured\n"
		"database, or on the embedded cluster when none is configured.\n"
		"Refuses to start while schema migrations are pending (run: yinhui db migrate).\n"
		"\n"
		"  --listen ADDR:PORT   address to listen on (port 0 = any free port)\n"
		"  --workers N          database connections, i.e. requests in flight (default 32)\n"
		"  --log-level LEVEL    debug, info, warn, error\n"
		"  --version            print the version\n"
		"\n"
		"example: yinhuid --listen 0.0.0.0:8640 --workers 48\n");
}

static int parse_listen(const char *s, char *addr, size_t n, int *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p;

	if (colon == NULL || (size_t)(colon - s) >= n)
		return -1;
	p = strtol(colon + 1, &end, 10);
	if (*end != '\0' || p < 0 || p > 65535 || end == colon + 1)
		return -1;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	if (addr[0] == '[' && addr[strlen(addr) - 1] == ']') {
		memmove(addr, addr + 1, strlen(addr));
		addr[strlen(addr) - 1] = '\0';
	}
	*port = (int)p;
	return 0;
}

static int level_of(const char *s)
{
	if (s == NULL)
		return YH_LOG_INFO;
	if (strcmp(s, "debug") == 0)
		return YH_LOG_DEBUG;
	if (strcmp(s, "warn") == 0)
		return YH_LOG_WARN;
	if (strcmp(s, "error") == 0)
		return YH_LOG_ERROR;
	return YH_LOG_INFO;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	yh_config *cfg = NULL;
	yh_server *srv = NULL;
	yh_server_opts so;
	yh_db *db = NULL;
	yh_err err;
	char conninfo[2048], addr[128];
	int c, embedded = 0, pending = 0, port, sig, rc = 1;
	sigset_t set;

	yh_err_clear(&err);
	if (yh_config_load(&cfg, &err) != 0) {
		fprintf(stderr, "yinhuid: %s\n", err.msg);
		return 2;
	}
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			yh_config_set_flag(cfg, "listen", optarg, &err);
			break;
		case 'w':
			yh_config_set_flag(cfg, "workers", optarg, &err);
			break;
		case 'L':
			yh_config_set_flag(cfg, "log_level", optarg, &err);
			break;
		case 'V':
			printf("yinhuid %s\n", YH_VERSION);
			yh_config_free(cfg);
			return 0;
		case 'h':
			usage(stdout);
			yh_config_free(cfg);
			return 0;
		default:
			usage(stderr);
			yh_config_free(cfg);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		goto done;
	}
	yh_log_set_level(level_of(yh_config_get(cfg, "log_level")));
	yh_server_opts_default(&so);
	if (parse_listen(yh_config_get(cfg, "listen"), addr, sizeof(addr), &port) != 0) {
		fprintf(stderr, "yinhuid: listen: expected ADDR:PORT, got %s\n", yh_config_get(cfg, "listen"));
		rc = 2;
		goto done;
	}
	so.listen_addr = addr;
	so.port = port;
	so.workers = yh_config_get_int(cfg, "workers", 32);
	so.max_body = (size_t)yh_config_get_int(cfg, "max_body", 1 << 20);
	so.max_conns = (unsigned)yh_config_get_int(cfg, "max_connections", 1024);
	so.timeout_s = (unsigned)yh_config_get_int(cfg, "timeout", 30);
	if (so.workers < 1 || so.workers > 512 || so.max_body < 1024) {
		fprintf(stderr, "yinhuid: workers must be 1..512 and max_body at least 1024\n");
		rc = 2;
		goto done;
	}
	if (yh_config_conninfo(cfg, conninfo, sizeof(conninfo), &embedded, &err) != 0 ||
	    yh_db_open(&db, conninfo, "yinhuid", &err) != 0) {
		fprintf(stderr, "yinhuid: %s\n", err.msg);
		rc = 7;
		goto done;
	}
	if (yh_migrate_status(db, yh_migrate_dir(), &pending, &err) != 0) {
		fprintf(stderr, "yinhuid: %s\n", err.msg);
		rc = err.code == YH_EUNAVAILABLE ? 7 : 6;
		goto done;
	}
	if (pending > 0) {
		fprintf(stderr, "yinhuid: %d schema migration(s) pending; run 'yinhui db migrate' first\n", pending);
		rc = 7;
		goto done;
	}
	yh_db_close(db);
	db = NULL;
	so.conninfo = conninfo;
	/* block before threads start so that only sigwait below sees them */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (yh_server_start(&srv, &so, &err) != 0) {
		fprintf(stderr, "yinhuid: %s\n", err.msg);
		rc = 7;
		goto done;
	}
	yh_log_info("yinhuid %s listening on %s:%d with %d database workers%s", YH_VERSION, addr,
		yh_server_port(srv), so.workers, embedded ? " (embedded database)" : "");
	printf("listening on http://%s:%d\n", addr, yh_server_port(srv));
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			continue;
		break;
	}
	yh_log_info("signal %d: finishing in-flight requests", sig);
	yh_server_stop(srv, 10);
	yh_log_info("stopped");
	rc = 0;
done:
	yh_db_close(db);
	yh_config_free(cfg);
	return rc;
}
