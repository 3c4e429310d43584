/* Routes of the eval module. */
#include "http/routes.h"

const yh_route yh_routes_eval[] = {
	{ NULL, NULL, NULL, 0, NULL }
};
