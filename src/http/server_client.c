/*
 * server_client.c - who a request comes from: the client's address (behind
 * the nginx of deploy/, the one nginx names), the request id it is logged
 * under, and whether a page of another origin sent it (server.c asks these
 * of every request).
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"
#include "http/server_internal.h"
#include "yinhui/util.h"

void yh_srv_client_address(yh_req *r, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	const char *real_ip;
	struct in6_addr a6;
	int loopback = 0;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET) {
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->address, sizeof(r->address));
			loopback = (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
		} else if (sa->sa_family == AF_INET6) {
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->address, sizeof(r->address));
			loopback = IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
		}
	}
	/*
	 * Behind the nginx of deploy/ every request comes from loopback: the
	 * client is the one nginx names in X-Real-IP. Without it, failed logins
	 * from anyone counted against 127.0.0.1, and thirty of them locked every
	 * member of staff out. Believed only from a loopback peer, and only when
	 * it is an address.
	 */
	real_ip = loopback ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Real-IP") : NULL;
	if (real_ip && (inet_pton(AF_INET, real_ip, &a6) == 1 || inet_pton(AF_INET6, real_ip, &a6) == 1) &&
	    strlen(real_ip) < sizeof(r->address))
		snprintf(r->address, sizeof(r->address), "%s", real_ip);
}

void yh_srv_request_id(yh_req *r)
{
	const char *client_rid;

	/* accept a caller's request id only when it is a plain token we can log safely */
	client_rid = yh_req_header(r, "X-Request-Id");
	if (client_rid && strlen(client_rid) <= 36 && strspn(client_rid,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(client_rid) &&
	    *client_rid)
		snprintf(r->request_id, sizeof(r->request_id), "%s", client_rid);
	else
		yh_uuid_new(r->request_id);
}

/* The length of the host in "host", "host:port" or "[v6]:port"; *port points past the colon, or is NULL. */
static size_t host_part(const char *hp, const char **port)
{
	const char *end;

	*port = NULL;
	if (*hp == '[') {
		end = strchr(hp, ']');
		if (end == NULL)
			return strlen(hp);
		if (end[1] == ':')
			*port = end + 2;
		return (size_t)(end + 1 - hp);
	}
	end = strrchr(hp, ':');
	if (end == NULL)
		return strlen(hp);
	*port = end + 1;
	return (size_t)(end - hp);
}

/*
 * Is r a change sent by a page of another origin? A browser names the page's
 * origin in Origin on every POST, PUT, PATCH and DELETE. A page of any site
 * may send a "simple" cross-origin POST (a form, or fetch with text/plain)
 * without a preflight: it cannot read the answer, but the request still runs,
 * and a login with a wrong password still counts towards the account's
 * lock-out. Only a page served from the host the request went to may change
 * anything. Host without a port (nginx's $host) is compared by name alone.
 * Clients that are not browsers (curl, the CLI) send no Origin.
 */
int yh_srv_foreign_origin(const yh_req *r, const char *host)
{
	const char *origin = yh_req_header(r, "Origin"), *o, *oport, *hport;
	size_t on, hn;

	if (origin == NULL || (strcmp(r->method, "POST") != 0 && strcmp(r->method, "PUT") != 0 &&
				      strcmp(r->method, "PATCH") != 0 && strcmp(r->method, "DELETE") != 0))
		return 0;
	o = strstr(origin, "://");
	if (o == NULL || host == NULL) /* "null": a sandboxed frame, a file or data: page */
		return 1;
	o += 3;
	on = host_part(o, &oport);
	hn = host_part(host, &hport);
	if (on == 0 || on != hn || strncasecmp(o, host, on) != 0)
		return 1;
	if (hport == NULL)
		return 0;
	if (oport == NULL)
		oport = strncasecmp(origin, "https:", 6) == 0 ? "443" : "80";
	return strcmp(oport, hport) != 0;
}
