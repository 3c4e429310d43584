/* Routes of the roster module. */
#include "http/routes.h"

const yh_route yh_routes_roster[] = {
	{ NULL, NULL, NULL, 0, NULL }
};
