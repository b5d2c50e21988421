/* tests/unit/test_log_redact.c — log_redact(): the password of a URL's
 * userinfo never reaches the log or a listing; everything else does, as
 * written. */
#include <string.h>

#include "daemon/log.h"
#include "tests/unit/tap.h"

static const char *red(const char *s, size_t n)
{
	static char buf[256];

	return log_redact(buf, n, s);
}

int main(void)
{
	is_str(red("http://alice:s3cret@example.com/feed.xml: 3 entries", 256),
	       "http://alice:***@example.com/feed.xml: 3 entries", "the password is masked");
	is_str(red("https://a:b@x/ moved permanently to https://a:c@y/z", 256),
	       "https://a:***@x/ moved permanently to https://a:***@y/z", "every URL in a line");
	is_str(red("http://u:p@ss@host:8080?q", 256), "http://u:***@host:8080?q",
	       "a password holding '@' is masked whole");
	is_str(red("http://alice@example.com/", 256), "http://alice@example.com/",
	       "a user name alone is kept");
	is_str(red("http://example.com/a:b@c", 256), "http://example.com/a:b@c",
	       "':' and '@' in the path are not userinfo");
	is_str(red("http://example.com?x=a:b@c", 256), "http://example.com?x=a:b@c",
	       "nor in the query");
	is_str(red("file:///etc/passwd and ://", 256), "file:///etc/passwd and ://",
	       "no authority, nothing to mask");
	is_str(red("http://u:pw@h/", 12), "http://u:**", "cut to the buffer, still masked");
	ok(log_has_password("https://reader:s3cret@example.com/feed.xml"),
	   "log_has_password: a URL with one");
	ok(!log_has_password("https://reader@example.com/feed.xml") &&
	   !log_has_password("http://example.com/a:b@c") && !log_has_password("") &&
	   !log_has_password(NULL), "and none where log_redact masks nothing");
	return done_testing();
}
