/* Every route table, in one place. A module adds its table here. */
#include "http/routes.h"

const yh_route *const yh_route_tables[] = {
	yh_routes_core,
	NULL
};
