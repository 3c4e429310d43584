/* Every route table, in one place. A module adds its table here. */
#include "http/routes.h"

const yh_route *const yh_route_tables[] = {
	yh_routes_core,
	yh_routes_roster,
	yh_routes_case,
	yh_routes_pay,
	yh_routes_eval,
	NULL
};
