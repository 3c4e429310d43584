/* Routes of the case module. */
#include "http/routes.h"

const yh_route yh_routes_case[] = {
	{ NULL, NULL, NULL, 0, NULL }
};
