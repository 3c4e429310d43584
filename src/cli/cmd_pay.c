/* Commands of the pay module. */
#include "cli/cli.h"

const yh_cli_cmd yh_cmds_pay[] = {
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};
