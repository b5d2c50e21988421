/* daemon/rootcheck.c — the refusal to run as root outside systemd. */
#include "daemon/rootcheck.h"

#include <stdio.h>
#include <stdlib.h>

static int set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

int rootcheck_under_systemd(void)
{
	return set("INVOCATION_ID") || set("NOTIFY_SOCKET");
}

int rootcheck(uid_t euid, int under_systemd, int allow_root, char *msg,
              size_t len)
{
	if (euid != 0 || under_systemd || allow_root)
		return 0;
	snprintf(msg, len,
	         "refusing to run as root; run it as the '%s' user"
	         " (runuser -u %s -- tidingsd ...), under systemd"
	         " (systemctl start tidingsd), or pass --allow-root",
	         TIDINGS_USER, TIDINGS_USER);
	return -1;
}
