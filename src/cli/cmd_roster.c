/* Commands of the roster module. */
#include "cli/cli.h"

const yh_cli_cmd yh_cmds_roster[] = {
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
