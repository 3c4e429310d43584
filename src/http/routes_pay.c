/* Routes of the pay module. */
#include "http/routes.h"

const yh_route yh_routes_pay[] = {
	{ NULL, NULL, NULL, 0, NULL }
};
