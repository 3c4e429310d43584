/*
 * connhog - exhausts a PostgreSQL server's connection limit for scripts/chaos:
 * opens connections until the server refuses more (and keeps trying for
 * FILL_S seconds, to win the slots other clients free), holds them until
 * SIGTERM or HOLD_S seconds, then closes them all.
 *
 *   connhog CONNINFO MAX FILL_S HOLD_S
 *
 * Prints "held N" once filled and "released N" at the end.
 */
#define _DEFAULT_SOURCE
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t done;

static void on_term(int sig)
{
	(void)sig;
	done = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	PGconn **conns;
	int max, held = 0;
	double fill_until, hold_until;

	if (argc != 5) {
		fprintf(stderr, "usage: connhog CONNINFO MAX FILL_S HOLD_S\n");
		return 2;
	}
	max = atoi(argv[2]);
	if (max < 1 || max > 10000)
		return 2;
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	conns = calloc((size_t)max, sizeof(*conns));
	fill_until = now_s() + atof(argv[3]);
	while (!done && held < max && now_s() < fill_until) {
		PGconn *c = PQconnectdb(argv[1]);
		if (PQstatus(c) == CONNECTION_OK) {
			conns[held++] = c;
			continue;
		}
		PQfinish(c);
		usleep(2000);
	}
	printf("held %d\n", held);
	fflush(stdout);
	hold_until = now_s() + atof(argv[4]);
	while (!done && now_s() < hold_until)
		usleep(50000);
	for (int i = 0; i < held; i++)
		PQfinish(conns[i]);
	printf("released %d\n", held);
	free(conns);
	return 0;
}
