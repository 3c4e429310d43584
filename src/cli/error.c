/* Error -> exit status, in one place. The table is in the README too. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

int yh_cli_exit_code(int code)
{
	switch (code) {
	case YH_OK: return 0;
	case YH_EUSAGE: return 2;
	case YH_EINVAL: return 3;
	case YH_EBADREQ: return 3;
	case YH_ETOOBIG: return 3;
	case YH_ENOTFOUND: return 4;
	case YH_EFORBIDDEN: return 5;
	case YH_EUNAUTH: return 5;
	case YH_ELIMIT: return 5;
	case YH_ECONFLICT: return 6;
	case YH_EUNAVAILABLE: return 7;
	default: return 1;
	}
}

void yh_cli_report(const yh_err *err)
{
	/* the prefix in bold red on a terminal, plain otherwise (yh_cli_colour) */
	const char *prefix = yh_cli_colour(STDERR_FILENO) ? "\033[1;31myinhui:\033[0m" : "yinhui:";

	if (err->field[0])
		fprintf(stderr, "%s %s: %s\n", prefix, err->field, err->msg);
	else
		fprintf(stderr, "%s %s\n", prefix, err->msg[0] ? err->msg : yh_code_name(err->code));
}
