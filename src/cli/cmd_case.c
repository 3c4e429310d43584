/* Commands of the case module. */
#include "cli/cli.h"

const yh_cli_cmd yh_cmds_case[] = {
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
