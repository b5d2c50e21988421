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
	/* RFC 3986 allows ' in userinfo; libcurl sends " < > as written
	 * too, and password generators use all four. */
	is_str(red("http://reader:it's@127.0.0.1:8080/feed.xml: HTTP 404 Not Found", 256),
	       "http://reader:***@127.0.0.1:8080/feed.xml: HTTP 404 Not Found",
	       "a password holding ' is masked");
	is_str(red("got 'https://r:a\"b<c>d@host/f' here", 256), "got 'https://r:***@host/f' here",
	       "one holding \" < > too, in a quoted URL");
	ok(log_has_password("https://reader:it's@example.com/feed.xml") &&
	   log_has_password("https://reader:x<y>z@example.com/") &&
	   log_has_password("https://reader:a\"b@example.com/"),
	   "log_has_password: those count as passwords (the readable-file warning)");
	is_str(red("'http://example.com' and 'me:x@y'", 256), "'http://example.com' and 'me:x@y'",
	       "a quoted URL without userinfo before other text stays as written");
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
