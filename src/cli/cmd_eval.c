/* Commands of the eval module. */
#include "cli/cli.h"

const yh_cli_cmd yh_cmds_eval[] = {
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
