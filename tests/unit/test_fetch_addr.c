/* tests/unit/test_fetch_addr.c — fetch_addr_is_local(): the addresses a
 * transfer that has left this machine may not come back to (a redirect
 * or a web page on another host naming 127.0.0.1 or 169.254.169.254). */
#include <stdio.h>

#include "daemon/fetch.h"
#include "tests/unit/tap.h"

int main(void)
{
	static const char *local[] = {
		"127.0.0.1", "127.1.2.3", "0.0.0.0", "169.254.169.254", "169.254.0.1",
		"::1", "::", "fe80::1", "febf::ffff", "::ffff:127.0.0.1",
		"::ffff:169.254.169.254", "::ffff:0.0.0.0",
	};
	static const char *remote[] = {
		"192.0.2.2", "10.0.0.1", "192.168.1.1", "169.253.255.255", "169.255.0.1",
		"128.0.0.1", "1.0.0.0", "::2", "fec0::1", "fe7f::1", "2001:db8::1",
		"::ffff:192.0.2.1", "64:ff9b::7f00:1", "", "localhost", "127.0.0.1:80",
	};

	char name[96];

	for (size_t i = 0; i < sizeof local / sizeof *local; i++) {
		snprintf(name, sizeof name, "%s is this machine's or its link's", local[i]);
		ok(fetch_addr_is_local(local[i]), name);
	}
	for (size_t i = 0; i < sizeof remote / sizeof *remote; i++) {
		snprintf(name, sizeof name, "'%s' is not", remote[i]);
		ok(!fetch_addr_is_local(remote[i]), name);
	}
	return done_testing();
}
