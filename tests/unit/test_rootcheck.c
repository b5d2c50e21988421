/* tests/unit/test_rootcheck.c — who may run tidingsd: root only under
 * systemd or with --allow-root; the refusal names the user and override. */
#include <stdlib.h>
#include <string.h>

#include "daemon/rootcheck.h"
#include "tap.h"

int main(void)
{
	char msg[256] = "";

	ok(rootcheck(1000, 0, 0, msg, sizeof msg) == 0, "an ordinary user runs");
	ok(rootcheck(0, 1, 0, msg, sizeof msg) == 0, "root under systemd runs");
	ok(rootcheck(0, 0, 1, msg, sizeof msg) == 0, "root with --allow-root runs");
	ok(rootcheck(0, 0, 0, msg, sizeof msg) < 0, "root outside systemd is refused");
	ok(strstr(msg, "'" TIDINGS_USER "' user") != NULL, "the message names the user");
	ok(strstr(msg, "--allow-root") != NULL, "and the override");

	unsetenv("INVOCATION_ID");
	unsetenv("NOTIFY_SOCKET");
	ok(!rootcheck_under_systemd(), "no systemd variables: not under systemd");
	setenv("INVOCATION_ID", "", 1);
	ok(!rootcheck_under_systemd(), "an empty INVOCATION_ID does not count");
	setenv("INVOCATION_ID", "4f0c", 1);
	ok(rootcheck_under_systemd(), "INVOCATION_ID: under systemd");
	unsetenv("INVOCATION_ID");
	setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
	ok(rootcheck_under_systemd(), "NOTIFY_SOCKET: under systemd");
	return done_testing();
}
