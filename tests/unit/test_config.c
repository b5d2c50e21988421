/* tests/unit/test_config.c — the configuration loader and the feed list:
 * every accepted and refused input under tests/data/config/ with the exact
 * message, the value parsers, the defaults, and the shipped files
 * (config/tidings.conf documents the real defaults, config/dev.conf and
 * config/feeds.opml load).  Run from the top of the tree. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <iconv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "config/config.h"
#include "config/internal.h"
#include "tap.h"

#define D "tests/data/config/"
#define L D "lists/"

static char err[1024];

#define STDERR_CAPTURE "build/test_config.stderr"

/* Points stderr at STDERR_CAPTURE, emptied; returns the old stderr. */
static int stderr_capture(void)
{
	int fd = open(STDERR_CAPTURE, O_RDWR | O_CREAT | O_TRUNC, 0644), saved;

	fflush(stderr);
	if (fd < 0 || (saved = dup(2)) < 0 || dup2(fd, 2) < 0)
		abort();
	close(fd);
	return saved;
}

/* Puts stderr back; returns how many bytes were written to it meanwhile. */
static long stderr_restore(int saved)
{
	struct stat st;

	fflush(stderr);
	if (fstat(2, &st) < 0 || dup2(saved, 2) < 0)
		abort();
	close(saved);
	return (long)st.st_size;
}

/* Loads a file that must be refused and checks the whole message. */
static void conf_bad(const char *file, const char *want)
{
	struct config c;
	char name[256];
	int r;

	err[0] = '\0';
	r = config_load(file, &c, err, sizeof err);
	snprintf(name, sizeof name, "%s refused", file);
	is_int(r, -1, name);
	snprintf(name, sizeof name, "%s message", file);
	is_str(err, want, name);
	/* the contract: on error the struct holds the defaults */
	snprintf(name, sizeof name, "%s leaves defaults", file);
	ok(c.interval == 900 && c.concurrency == 32 && c.path == NULL, name);
	config_free(&c);
}

static void list_bad(const char *file, const char *want)
{
	struct feedlist fl;
	char name[256];
	long printed;
	int r;

	err[0] = '\0';
	/* Every word of the refusal is in err: the daemon logs it with the
	 * file and line, and nothing else may reach stderr (libxml2 prints
	 * some errors itself unless told otherwise).  While the loader runs,
	 * stderr is STDERR_CAPTURE, where a sanitizer's report would be too. */
	int saved = stderr_capture();
	r = feedlist_load(file, &fl, err, sizeof err);
	printed = stderr_restore(saved);
	snprintf(name, sizeof name, "%s refused", file);
	is_int(r, -1, name);
	snprintf(name, sizeof name, "%s message", file);
	is_str(err, want, name);
	snprintf(name, sizeof name, "%s: nothing printed besides the message", file);
	is_int(printed, 0, name);
	snprintf(name, sizeof name, "%s leaves an empty list", file);
	ok(fl.n == 0 && fl.items == NULL, name);
	feedlist_free(&fl);
}

static void test_parsers(void)
{
	char buf[32];

	is_int(config_parse_duration("15m"), 900, "15m");
	is_int(config_parse_duration("90"), 90, "bare number is seconds");
	is_int(config_parse_duration("0"), 0, "0");
	is_int(config_parse_duration("30s"), 30, "30s");
	is_int(config_parse_duration("24h"), 86400, "24h");
	is_int(config_parse_duration("7d"), 604800, "7d");
	is_int(config_parse_duration("2w"), 1209600, "2w");
	is_int(config_parse_duration("1h30m"), 5400, "1h30m");
	is_int(config_parse_duration(""), -1, "empty duration");
	is_int(config_parse_duration("15x"), -1, "unknown unit");
	is_int(config_parse_duration("m"), -1, "unit without number");
	is_int(config_parse_duration("-5m"), -1, "negative");
	is_int(config_parse_duration("1.5h"), -1, "fraction");
	is_int(config_parse_duration("15 m"), -1, "blank inside");
	is_int(config_parse_duration("1m30"), -1, "bare number after a unit");
	is_int(config_parse_duration("0m30"), -1, "bare number after a unit of 0");
	is_int(config_parse_duration("0h0m45"), -1, "bare number after units of 0");
	is_int(config_parse_duration("0m30s"), 30, "a unit of 0, then another");
	is_int(config_parse_duration("15M"), -1, "units are lower case");
	is_int(config_parse_duration("99999999999999999999s"), -1, "overflow");
	is_int(config_parse_duration("9999999999999999w"), -1, "overflow by unit");

	is_int(config_parse_size("8M"), 8388608, "8M");
	is_int(config_parse_size("8MB"), 8388608, "8MB");
	is_int(config_parse_size("512"), 512, "bare bytes");
	is_int(config_parse_size("512B"), 512, "512B");
	is_int(config_parse_size("1k"), 1024, "1k");
	is_int(config_parse_size("1G"), 1073741824, "1G");
	is_int(config_parse_size(""), -1, "empty size");
	is_int(config_parse_size("8Q"), -1, "unknown unit");
	is_int(config_parse_size("M"), -1, "unit alone");
	is_int(config_parse_size("1.5M"), -1, "fraction");
	is_int(config_parse_size("8MBB"), -1, "trailing junk");
	is_int(config_parse_size("99999999999G"), -1, "overflow");

	config_format_duration(900, buf, sizeof buf);
	is_str(buf, "15m", "format 900");
	config_format_duration(259200, buf, sizeof buf);
	is_str(buf, "3d", "format 3 days");
	config_format_duration(90, buf, sizeof buf);
	is_str(buf, "90s", "format 90");
	config_format_duration(0, buf, sizeof buf);
	is_str(buf, "0s", "format 0");
	config_format_size(8388608, buf, sizeof buf);
	is_str(buf, "8M", "format 8M");
	config_format_size(1000, buf, sizeof buf);
	is_str(buf, "1000", "format 1000");
	is_str(config_log_level_name(LOG_LVL_WARNING), "warning", "level name");
	ok(config_log_level_name(2) == NULL, "no name for level 2");
}

static void test_defaults(void)
{
	struct config c;

	unsetenv("STATE_DIRECTORY");
	config_defaults(&c);
	is_str(c.database, "./tidings.db", "database default without STATE_DIRECTORY");
	is_str(c.feeds, TIDINGS_SYSCONFDIR "/tidings/feeds.opml", "feeds default");
	ok(c.path == NULL, "defaults have no path");
	is_int(c.interval, 900, "interval 15m");
	is_int(c.min_interval, 300, "min_interval 5m");
	is_int(c.max_interval, 86400, "max_interval 24h");
	is_int(c.give_up_after, 7 * 86400, "give_up_after 7d");
	is_int(c.concurrency, 32, "concurrency 32");
	is_int(c.per_host, 2, "per_host 2");
	is_int(c.timeout, 30, "timeout 30s");
	is_int(c.connect_timeout, 10, "connect_timeout 10s");
	is_int(c.max_size, 8 << 20, "max_size 8M");
	is_int(c.max_items, 10000, "max_items 10000");
	is_str(c.user_agent, "tidings/" TIDINGS_VERSION " (+https://github.com/tidings/tidings)",
	       "user_agent");
	ok(c.ca_file == NULL, "ca_file unset: the system's CAs only");
	is_int(c.log_level, LOG_LVL_INFO, "log_level info");
	is_int(c.retention, 90 * 86400, "retention 90d");
	is_int(c.threads.window, 72 * 3600, "cluster_window 72h");
	ok(c.threads.join_threshold == 0.19 && c.threads.merge_threshold == 0.32, "thresholds");
	ok(c.threads.title_weight == 2.0 && c.threads.entity_weight == 1.0, "weights");
	ok(c.threads.time_decay == 24.0, "time_decay");
	is_int(c.threads.simhash_distance, 3, "simhash_distance");
	config_free(&c);

	setenv("STATE_DIRECTORY", "/var/lib/tidings", 1);
	config_defaults(&c);
	is_str(c.database, "/var/lib/tidings/tidings.db", "database in STATE_DIRECTORY");
	config_free(&c);
	setenv("STATE_DIRECTORY", "/var/lib/tidings:/var/lib/other", 1);
	config_defaults(&c);
	is_str(c.database, "/var/lib/tidings/tidings.db", "first of several STATE_DIRECTORY");
	config_free(&c);
	setenv("STATE_DIRECTORY", "", 1);
	config_defaults(&c);
	is_str(c.database, "./tidings.db", "empty STATE_DIRECTORY is unset");
	config_free(&c);
	unsetenv("STATE_DIRECTORY");

	is_str(config_default_path(), TIDINGS_SYSCONFDIR "/tidings/tidings.conf", "default path");
}

static void test_good_configs(void)
{
	struct config c;

	is_int(config_load(D "full.conf", &c, err, sizeof err), 0, "full.conf loads");
	is_str(c.path, D "full.conf", "path recorded");
	is_str(c.database, "/var/tmp/t.db", "absolute database kept");
	is_str(c.feeds, D "lists/feeds.txt", "relative feeds beside the file");
	is_int(c.interval, 5400, "interval 1h30m");
	is_int(c.min_interval, 600, "min_interval");
	is_int(c.max_interval, 2 * 86400, "max_interval");
	is_int(c.give_up_after, 0, "give_up_after 0");
	is_int(c.concurrency, 8, "concurrency");
	is_int(c.per_host, 1, "per_host");
	is_int(c.timeout, 60, "timeout");
	is_int(c.connect_timeout, 5, "connect_timeout");
	is_int(c.max_size, 512 * 1024, "max_size");
	is_str(c.user_agent, "test agent/1.0 (+http://example.org/)", "user_agent with blanks");
	is_int(c.log_level, LOG_LVL_DEBUG, "log_level");
	is_int(c.retention, 0, "retention 0");
	is_int(c.threads.enabled, 0, "enabled = Off");
	is_int(c.threads.window, 2 * 86400, "cluster_window");
	ok(c.threads.join_threshold == 0.25, "join_threshold");
	ok(c.threads.merge_threshold == 0.75, "merge_threshold");
	ok(c.threads.title_weight == 3.0, "title_weight");
	ok(c.threads.entity_weight == 0.5, "entity_weight");
	ok(c.threads.time_decay == 12.5, "time_decay");
	is_int(c.threads.simhash_distance, 0, "simhash_distance");
	is_int(c.threads.max_terms, 64, "max_terms");
	is_int(c.threads.store_terms, 24, "store_terms");
	ok(c.threads.young_names == 0.0, "young_names 0: off");
	ok(c.threads.when_clash == 0.5, "when_clash");
	ok(c.threads.merge_names == 0.55, "a [threads] key not in the file keeps its default");
	config_free(&c);

	is_int(config_load(D "empty.conf", &c, err, sizeof err), 0, "empty file is all defaults");
	is_int(c.interval, 900, "empty: interval default");
	is_str(c.feeds, D "feeds.opml", "empty: feeds default is beside the file");
	config_free(&c);

	is_int(config_load(D "layout.conf", &c, err, sizeof err), 0,
	       "BOM, CRLF, comments, indentation");
	is_int(c.interval, 1200, "layout: indented key with inline comment");
	is_int(c.concurrency, 4, "layout: key=value without blanks");
	is_int(c.threads.simhash_distance, 2, "layout: second section");
	config_free(&c);

	is_int(config_load(D "section_comment.conf", &c, err, sizeof err), 0,
	       "a ';' comment after a section header");
	is_int(c.threads.enabled, 0, "section_comment: the key after it is read");
	config_free(&c);

	is_int(config_load(D "reopen.conf", &c, err, sizeof err), 0, "a section may be reopened");
	is_int(c.per_host, 3, "reopen: key of the reopened section");
	config_free(&c);

	is_int(config_load(D "relative.conf", &c, err, sizeof err), 0, "relative.conf loads");
	is_str(c.database, D "state/t.db", "relative database beside the file");
	config_free(&c);

	/* a bare number of an hour or more is someone counting in seconds */
	is_int(config_load(D "bare_retention_long.conf", &c, err, sizeof err), 0,
	       "bare_retention_long.conf loads");
	is_int(c.retention, 90 * 86400, "a bare retention of 90 days' seconds");
	is_int(c.give_up_after, 0, "a bare give_up_after 0 is off");
	config_free(&c);

	is_int(config_load(D "ca_file.conf", &c, err, sizeof err), 0, "ca_file.conf loads");
	is_str(c.ca_file, D "ca/test-ca.pem", "relative ca_file beside the file");
	config_free(&c);
}

static void test_bad_configs(void)
{
	conf_bad(D "nope.conf", D "nope.conf:0: cannot open: No such file or directory");
	conf_bad(D "lists", D "lists:0: cannot open: Is a directory");
	conf_bad(D "unknown_section.conf", D "unknown_section.conf:4: unknown section [deamon]");
	conf_bad(D "unknown_key.conf", D "unknown_key.conf:3: unknown key 'frobnicate' in [daemon]");
	conf_bad(D "wrong_section_key.conf",
	         D "wrong_section_key.conf:2: unknown key 'interval' in [threads]");
	conf_bad(D "outside.conf", D "outside.conf:2: key 'interval' outside of any section");
	conf_bad(D "bad_duration.conf", D "bad_duration.conf:2: interval: bad duration '15x' "
	         "(use a number with s, m, h, d or w)");
	conf_bad(D "bad_duration_bare.conf", D "bad_duration_bare.conf:3: interval: 15 is out "
	         "of range (1m to 1w)");
	conf_bad(D "bad_duration_zero_unit.conf", D "bad_duration_zero_unit.conf:2: timeout: "
	         "bad duration '0m45' (use a number with s, m, h, d or w)");
	/* inih reads a section header up to its ']' and drops the rest:
	 * the key written after it was silently not set. */
	conf_bad(D "section_text.conf", D "section_text.conf:3: text after [threads]: "
	         "'enabled = no' (a section header is alone on its line)");
	conf_bad(D "empty_duration.conf", D "empty_duration.conf:2: timeout: bad duration '' "
	         "(use a number with s, m, h, d or w)");
	conf_bad(D "bad_size.conf", D "bad_size.conf:2: max_size: bad size '8Q' "
	         "(use a number with K, M or G)");
	conf_bad(D "bad_int.conf", D "bad_int.conf:2: concurrency: bad integer 'many'");
	conf_bad(D "range_int.conf", D "range_int.conf:2: concurrency: 0 is out of range (1 to 1024)");
	conf_bad(D "range_duration.conf",
	         D "range_duration.conf:2: interval: 10s is out of range (1m to 1w)");
	conf_bad(D "range_size.conf", D "range_size.conf:2: max_size: 2G is out of range (1K to 1G)");
	conf_bad(D "bad_bool.conf", D "bad_bool.conf:2: enabled: 'maybe' is neither yes nor no");
	conf_bad(D "bad_double.conf", D "bad_double.conf:2: join_threshold: bad number 'high'");
	conf_bad(D "range_threads_int.conf",
	         D "range_threads_int.conf:2: max_terms: 300 is out of range (8 to 256)");
	conf_bad(D "range_double.conf",
	         D "range_double.conf:2: join_threshold: 1.5 is out of range (0 to 1)");
	conf_bad(D "bad_level.conf", D "bad_level.conf:2: log_level: unknown level 'verbose' "
	         "(use err, warning, notice, info or debug)");
	conf_bad(D "duplicate.conf",
	         D "duplicate.conf:4: duplicate key 'interval' (first set on line 2)");
	conf_bad(D "syntax.conf",
	         D "syntax.conf:3: syntax error (expected [section] or key = value)");
	conf_bad(D "unclosed.conf",
	         D "unclosed.conf:1: syntax error (expected [section] or key = value)");
	conf_bad(D "order_interval.conf",
	         D "order_interval.conf:2: min_interval (1h) is greater than interval (15m)");
	conf_bad(D "order_timeout.conf",
	         D "order_timeout.conf:3: connect_timeout (1m) is greater than timeout (30s)");
	conf_bad(D "empty_path.conf", D "empty_path.conf:2: database: empty value");
	/* SQLite made "/var/lib/tidings/" a file of that name, unlocked */
	conf_bad(D "database_slash.conf", D "database_slash.conf:2: database: "
	         "'/var/lib/tidings/' names a directory; give the database file's name "
	         "(tidings.db in it, say)");
	/* a bare number is seconds: `retention = 30` deleted every story
	 * older than 30 s */
	conf_bad(D "bare_retention.conf", D "bare_retention.conf:3: retention: a bare 30 is "
	         "30 seconds; write the unit meant: 30d, 30h or 30m (or 30s if seconds)");
	conf_bad(D "bare_give_up.conf", D "bare_give_up.conf:2: give_up_after: a bare 14 is "
	         "14 seconds; write the unit meant: 14d, 14h or 14m (or 14s if seconds)");
	conf_bad(D "database_dir.conf", D "database_dir.conf:3: database: 'lists' names a "
	         "directory; give the database file's name (tidings.db in it, say)");
	conf_bad(D "bad_ca_missing.conf", D "bad_ca_missing.conf:3: ca_file: " D "ca/missing.pem: "
	         "cannot open: No such file or directory");
	conf_bad(D "bad_ca_not_pem.conf", D "bad_ca_not_pem.conf:2: ca_file: " D "lists/plain.txt: "
	         "no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)");
	/* OpenSSL refuses the whole file for one bad block: every https
	 * feed failed, public CAs' too, after the file was taken here */
	conf_bad(D "bad_ca_cut.conf", D "bad_ca_cut.conf:3: ca_file: " D "ca/cut-short.pem: "
	         "the certificate on line 13 is cut short (no -----END CERTIFICATE-----)");
	/* and one cut short with a whole one pasted after it: OpenSSL
	 * reads on into the next one and refuses the file just the same */
	conf_bad(D "bad_ca_cut_middle.conf", D "bad_ca_cut_middle.conf:3: ca_file: "
	         D "ca/cut-middle.pem: the certificate on line 2 is cut short "
	         "(no -----END CERTIFICATE----- before the next block)");
	conf_bad(D "long_line.conf", D "long_line.conf:2: line too long (more than 199 characters)");
	/* sent as it was, the CR split the User-Agent header in two */
	conf_bad(D "bad_user_agent_cr.conf", D "bad_user_agent_cr.conf:3: user_agent: control "
	         "character 0x0d in the value (it would break the request's header)");
}

static void test_good_lists(void)
{
	struct feedlist fl;
	const struct feedlist_item *it;

	is_int(feedlist_load(L "nested.opml", &fl, err, sizeof err), 0, "nested.opml loads");
	is_int(fl.n, 6, "nested: 6 feeds (one duplicate dropped)");
	if (fl.n == 6) {
		it = &fl.items[0];
		is_str(it->url, "https://alpha.example/world.xml", "nested: first url");
		is_str(it->title, "Alpha World", "nested: text");
		is_str(it->category, "News/World", "nested: folders joined");
		is_int(it->interval, 0, "nested: no interval");
		it = &fl.items[1];
		is_str(it->url, "http://beta.example/rss?x=1&y=2", "nested: entity in URL decoded");
		is_str(it->title, "Beta only title", "nested: title when no text");
		is_int(it->interval, 1800, "nested: interval attribute");
		it = &fl.items[2];
		is_str(it->category, "/Science,/Tech", "nested: category attribute wins");
		it = &fl.items[3];
		is_str(it->url, "https://top.example/atom", "nested: top-level feed");
		ok(it->category == NULL, "nested: top-level feed has no category");
		is_str(fl.items[4].url, "https://child.example/rss", "nested: outline inside a feed");
		is_str(fl.items[5].url, "https://alpha.example/World.xml",
		       "nested: path case matters, host case does not");
	}
	feedlist_free(&fl);

	is_int(feedlist_load(L "v1.opml", &fl, err, sizeof err), 0, "OPML 1.0 in Latin-1 loads");
	is_int(fl.n, 2, "v1: 2 feeds");
	if (fl.n == 2)
		is_str(fl.items[0].title, "Caf\xc3\xa9 news", "v1: title as UTF-8");
	feedlist_free(&fl);

	/* A fragment never reaches the server: "u#latest" is the feed "u". */
	is_int(feedlist_load(L "utf8.txt", &fl, err, sizeof err), 0, "utf8.txt loads");
	is_int(fl.n, 2, "utf8: URLs with characters in UTF-8 are feeds");
	if (fl.n == 2)
		is_str(fl.items[1].url, "https://news.example/actualit\xc3\xa9s.xml", "utf8: as written");
	feedlist_free(&fl);

	is_int(feedlist_load(L "fragments.txt", &fl, err, sizeof err), 0, "fragments.txt loads");
	is_int(fl.n, 2, "fragments: a URL and the same with a #fragment are one feed");
	if (fl.n == 2) {
		is_str(fl.items[0].url, "https://f.example/feed.xml", "fragments: the first kept");
		is_str(fl.items[1].url, "https://f.example/other.xml#x",
		       "fragments: written as listed");
	}
	feedlist_free(&fl);

	/* The same request written otherwise is one feed: "https://h:443/f"
	 * and "https://h/f" were polled twice, each its own feed. */
	is_int(feedlist_load(L "spellings.txt", &fl, err, sizeof err), 0, "spellings.txt loads");
	is_int(fl.n, 6, "spellings: a default or empty port, or no path, is the same feed");
	if (fl.n == 6) {
		is_str(fl.items[0].url, "https://s.example/feed.xml", "spellings: the first kept");
		is_str(fl.items[1].url, "http://s.example:80/feed.xml", "spellings: http is another");
		is_str(fl.items[2].url, "https://s.example", "spellings: no path, as written");
		is_str(fl.items[3].url, "https://s.example:443?x=1", "spellings: a query");
		is_str(fl.items[4].url, "http://s.example:443/feed.xml",
		       "spellings: https's port on http is another");
		is_str(fl.items[5].url, "https://[::1]:443/f", "spellings: an IPv6 literal");
	}
	feedlist_free(&fl);

	/* An IPv6 address written otherwise (zeros, case, leading zeros) is
	 * the same host: "[2001:db8::7]" and "[2001:db8:0:0:0:0:0:7]" were
	 * two feeds polling one URL, and a respelled list entry a new row. */
	is_int(feedlist_load(L "ipv6.txt", &fl, err, sizeof err), 0, "ipv6.txt loads");
	is_int(fl.n, 5, "ipv6: each address one feed however written, each zone id its own");
	if (fl.n == 5) {
		is_str(fl.items[0].url, "http://[2001:db8::7]/feed.xml", "ipv6: the first kept");
		is_str(fl.items[1].url, "http://[::ffff:192.0.2.7]/feed.xml",
		       "ipv6: an IPv4-mapped address, as written");
		is_str(fl.items[2].url, "http://[fe80::1%25eth0]:8080/feed.xml", "ipv6: a zone id");
		is_str(fl.items[3].url, "http://[fe80::1%25eth1]:8080/feed.xml",
		       "ipv6: another zone id is another host");
		is_str(fl.items[4].url, "http://user:pw@[0::7]/feed.xml",
		       "ipv6: after a user and password too");
	}
	feedlist_free(&fl);
	{
		char *a = feedlist_url_key("HTTP://[2001:0DB8:0:0::7]:80#x"),
		     *b = feedlist_url_key("http://[2001:db8::7]/");

		is_str(a, b, "ipv6: the key of an address in another spelling");
		free(a);
		free(b);
	}

	/* Ports: after an IPv6 literal, empty (the scheme's), with a password. */
	is_int(feedlist_load(L "ports.txt", &fl, err, sizeof err), 0, "ports.txt loads");
	is_int(fl.n, 4, "ports: all four listed");
	feedlist_free(&fl);

	/* A password is case-sensitive: only the host around it is not. */
	is_int(feedlist_load(L "credentials.txt", &fl, err, sizeof err), 0, "credentials.txt loads");
	is_int(fl.n, 2, "credentials: passwords differing in case are two feeds, host case is not");
	if (fl.n == 2) {
		is_str(fl.items[0].url, "https://reader:Secret@priv.example/feed.xml",
		       "credentials: the first");
		is_str(fl.items[1].url, "https://reader:secret@priv.example/feed.xml",
		       "credentials: the other password");
	}
	feedlist_free(&fl);

	/* No-break and other Unicode spaces around a URL, and a byte order
	 * mark before one, are blanks: one was kept as part of the URL
	 * (polled with "%C2%A0" at its end), the other refused the URL as
	 * "unsupported" with the mark invisible in the message. */
	is_int(feedlist_load(L "unicode_blanks.txt", &fl, err, sizeof err), 0,
	       "unicode_blanks.txt loads");
	is_int(fl.n, 3, "unicode blanks: 3 feeds");
	if (fl.n == 3) {
		is_str(fl.items[0].url, "https://one.example/feed.xml", "unicode blanks: no-break space after");
		is_str(fl.items[1].url, "https://two.example/rss", "unicode blanks: byte order mark before");
		is_str(fl.items[2].url, "https://three.example/atom",
		       "unicode blanks: ideographic space before, zero width space after");
	}
	feedlist_free(&fl);
	is_int(feedlist_load(L "unicode_blanks.opml", &fl, err, sizeof err), 0,
	       "unicode_blanks.opml loads");
	if (fl.n == 1) {
		is_str(fl.items[0].url, "https://four.example/feed", "unicode blanks: OPML xmlUrl");
		is_str(fl.items[0].title, "Pasted", "unicode blanks: OPML text");
	} else {
		ok(0, "unicode blanks: OPML one feed");
	}
	feedlist_free(&fl);

	is_int(feedlist_load(L "plain.txt", &fl, err, sizeof err), 0, "plain.txt loads");
	is_int(fl.n, 3, "plain: 3 feeds");
	if (fl.n == 3) {
		is_str(fl.items[0].url, "https://one.example/feed.xml", "plain: first");
		is_str(fl.items[1].url, "http://two.example/rss", "plain: trailing comment cut");
		is_str(fl.items[2].url, "https://three.example/page#fragment",
		       "plain: #fragment kept, CR dropped");
		ok(fl.items[0].title == NULL && fl.items[0].category == NULL,
		   "plain: no title or category");
	}
	feedlist_free(&fl);
}

static void test_bad_lists(void)
{
	list_bad(L "missing.opml", L "missing.opml:0: cannot open: No such file or directory");
	list_bad(L "empty.txt", L "empty.txt:0: empty feed list");
	list_bad(L "blank.txt", L "blank.txt:0: empty feed list");
	list_bad(L "empty.opml", L "empty.opml:0: empty feed list");
	list_bad(L "ftp.txt",
	         L "ftp.txt:3: unsupported URL 'ftp://files.example/feed.xml' (only http and https)");
	list_bad(L "two_urls.txt", L "two_urls.txt:2: expected one URL a line, got "
	         "'https://a.example/rss https://b.example/rss'");
	list_bad(L "no_host.txt", L "no_host.txt:2: bad URL 'http:///no-host' (no host)");
	list_bad(L "no_host_userinfo.txt", L "no_host_userinfo.txt:3: bad URL "
	         "'https://reader:***@/private.xml' (no host)");
	/* A password is masked in the message itself, also one holding a
	 * '/' or a blank, which end the authority where the log's masking
	 * looks for it (and a '/' made its first part "the port"). */
	list_bad(L "slash_password.txt", L "slash_password.txt:2: bad URL "
	         "'https://reader:***@priv.example/feed.xml' (port is not a number from 1 to 65535,"
	         " or a password holds '/', '?' or '#': write them %2F, %3F, %23)");
	list_bad(L "blank_password.txt", L "blank_password.txt:2: expected one URL a line, got "
	         "'https://reader:***@priv.example/feed.xml'");
	list_bad(L "no_host_port.txt", L "no_host_port.txt:1: bad URL 'http://:8080/rss' (no host)");
	list_bad(L "bad_port.txt", L "bad_port.txt:2: bad URL 'https://news.example:80x/rss' "
	         "(port is not a number from 1 to 65535)");
	list_bad(L "bad_port_range.txt", L "bad_port_range.txt:1: bad URL "
	         "'http://news.example:65536/rss' (port is not a number from 1 to 65535)");
	/* Brackets holding no IPv6 address: accepted, the feed failed at
	 * every poll with libcurl's "URL using bad/illegal format". */
	list_bad(L "bad_ipv6.txt", L "bad_ipv6.txt:4: bad URL 'http://[192.0.2.7]:8080/feed.xml'"
	         " (no IPv6 address between '[' and ']')");
	list_bad(L "bad_ipv6_typo.opml", L "bad_ipv6_typo.opml:4: bad URL "
	         "'http://[2001:db8:::7]/feed.xml' (no IPv6 address between '[' and ']')");
	list_bad(L "malformed.opml", L "malformed.opml:6: malformed OPML: "
	         "Opening and ending tag mismatch: outline line 5 and body");
	/* Errors of the declared encoding: libxml2 raises them without the
	 * parser, so they have no line (the input is converted ahead of the
	 * parser), and its own messages may span two lines. */
	list_bad(L "bad_encoding.opml", L "bad_encoding.opml:0: malformed OPML: not in the encoding it declares "
	         "(ISO-2022-JP): input conversion failed due to input error, bytes 0xFF 0xFF 0x22 0x2F");
	list_bad(L "latin1.opml", L "latin1.opml:3: malformed OPML: "
	         "Input is not proper UTF-8, indicate encoding ! Bytes: 0xE9 0x22 0x20 0x78");
	/* a plain-text list saved in Latin-1: its bytes went into the
	 * database's text as they were */
	list_bad(L "latin1.txt", L "latin1.txt:2: bad URL 'http://news.example/actualit?s.xml' "
	         "(not UTF-8: byte 0xE9; save the list as UTF-8, or write the byte %E9)");
	list_bad(L "not_opml.xml", L "not_opml.xml:2: not OPML (root element is <rss>)");
	list_bad(L "no_body.opml", L "no_body.opml:2: OPML without <body>");
	list_bad(L "entity.opml", L "entity.opml:3: entity declarations are not accepted");
	list_bad(L "bad_interval.opml", L "bad_interval.opml:4: interval: bad duration 'often' "
	         "(use a number with s, m, h, d or w)");
	list_bad(L "range_interval.opml",
	         L "range_interval.opml:3: interval: 10s is out of range (1m to 30d)");
	list_bad(L "file_url.opml",
	         L "file_url.opml:4: unsupported URL 'file:///etc/passwd' (only http and https)");
	list_bad(L "empty_xmlurl.opml", L "empty_xmlurl.opml:3: outline with an empty xmlUrl");
	list_bad(L "nbsp_inside.txt", L "nbsp_inside.txt:2: bad URL "
	         "'https://a.example/my\xc2\xa0""feed.xml' (Unicode space U+00A0)");
	/* An outline over several lines, as tidings.conf(5)'s example writes
	 * them: the line it starts on, not the one its start tag ends on. */
	list_bad(L "multiline.opml",
	         L "multiline.opml:8: interval: 30s is out of range (1m to 30d)");
	list_bad(L "multiline_url.opml", L "multiline_url.opml:4: unsupported URL "
	         "'ftp://files.example/feed.xml' (only http and https)");
}

/* Writes the UTF-8 text as a file in the encoding `to` of iconv(3)
 * ("UTF-16" writes a byte order mark, "UTF-16LE" and "UTF-16BE" none),
 * after the bytes of bom; returns path. */
static const char *write_converted(const char *path, const char *bom, const char *to,
                                   const char *text)
{
	char out[4096], *in = (char *)text, *o = out;
	size_t inleft = strlen(text), outleft = sizeof out;
	iconv_t cd = iconv_open(to, "UTF-8");
	FILE *f = fopen(path, "wb");

	if (cd == (iconv_t)-1 || !f || iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1)
		abort();
	iconv_close(cd);
	fputs(bom, f);
	fwrite(out, 1, (size_t)(o - out), f);
	fclose(f);
	return path;
}

/* OPML in UTF-16, as the XML declaration may name it (Windows tools save
 * "Unicode" text as UTF-16 with a byte order mark): it was refused as a
 * binary file with a mark, and without one it was read with the entity
 * declarations the file is refused for, defined and substituted (the
 * check looked for the ASCII bytes of "<!ENTITY"). */
static void test_utf16_lists(void)
{
	static const char opml[] =
		"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
		"<opml version=\"2.0\"><body>\n"
		"<outline text=\"Caf\xc3\xa9\"><outline text=\"K\xc3\xb6ln &amp; mehr\""
		" xmlUrl=\"https://k\xc3\xb6ln.example/feed\"/></outline>\n"
		"</body></opml>\n";
	static const char entity[] =
		"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
		"<!DOCTYPE opml [\n"
		"<!ENTITY u \"https://internal.example/feed\">\n"
		"]>\n"
		"<opml version=\"2.0\"><body>\n"
		"<outline text=\"a\" xmlUrl=\"&u;\"/>\n"
		"</body></opml>\n";
	static const char *const bom[] = { "UTF-16LE", "\xff\xfe", "UTF-16BE", "\xfe\xff" };
	struct feedlist fl;
	char name[96];

	for (int i = 0; i < 2; i++) {
		const char *f = write_converted("build/test_config.utf16.opml", bom[2 * i + 1],
		                                bom[2 * i], opml);

		snprintf(name, sizeof name, "%s OPML with a byte order mark loads", bom[2 * i]);
		is_int(feedlist_load(f, &fl, err, sizeof err), 0, name);
		if (fl.n == 1) {
			is_str(fl.items[0].url, "https://k\xc3\xb6ln.example/feed", "UTF-16: url");
			is_str(fl.items[0].title, "K\xc3\xb6ln & mehr", "UTF-16: title as UTF-8");
			is_str(fl.items[0].category, "Caf\xc3\xa9", "UTF-16: folder as UTF-8");
		} else {
			ok(0, "UTF-16: one feed");
		}
		feedlist_free(&fl);
	}
	list_bad(write_converted("build/test_config.entity16.opml", "", "UTF-16LE", entity),
	         "build/test_config.entity16.opml:3: entity declarations are not accepted");
	list_bad(write_converted("build/test_config.entity16.opml", "\xfe\xff", "UTF-16BE", entity),
	         "build/test_config.entity16.opml:3: entity declarations are not accepted");
	list_bad(write_converted("build/test_config.utf16.txt", "\xff\xfe", "UTF-16LE",
	                         "https://a.example/feed\n"),
	         "build/test_config.utf16.txt:0: a plain text feed list in UTF-16 (save it as UTF-8)");
	remove("build/test_config.utf16.opml");
	remove("build/test_config.entity16.opml");
	remove("build/test_config.utf16.txt");
}

/* Every key of the table is documented in the shipped tidings.conf as
 * "#key = DEFAULT"; uncommenting all of them must give the defaults. */
static void test_shipped_conf(void)
{
	const char *src = "config/tidings.conf", *tmp = "build/test_config.uncommented.conf";
	FILE *in = fopen(src, "r"), *out = fopen(tmp, "w");
	struct config def, c;
	char line[512], a[256], b[256];
	const struct config_key *k;
	size_t nk;

	ok(in && out, "shipped tidings.conf readable");
	if (!in || !out) {
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		return;
	}
	k = config_keys(&nk);
	while (fgets(line, sizeof line, in)) {
		int is_key = 0;

		for (size_t i = 0; i < nk; i++) {
			size_t n = strlen(k[i].name);

			if (line[0] == '#' && strncmp(line + 1, k[i].name, n) == 0 &&
			    strncmp(line + 1 + n, " = ", 3) == 0)
				is_key = 1;
		}
		/* The ca_file example names a file that need not exist (its
		 * default is no file at all).  user_agent's VERSION is the
		 * version once uncommented, so it is compared too. */
		if (is_key && strncmp(line, "#ca_file", 8) != 0)
			fputs(line + 1, out);
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);

	in = fopen(src, "r");
	for (size_t i = 0; i < nk; i++) {
		char want[128];
		int found = 0;

		snprintf(want, sizeof want, "#%s = ", k[i].name);
		rewind(in);
		while (fgets(line, sizeof line, in))
			if (strncmp(line, want, strlen(want)) == 0)
				found = 1;
		snprintf(line, sizeof line, "tidings.conf documents %s", k[i].name);
		ok(found, line);
	}
	fclose(in);

	config_defaults(&def);
	is_int(config_load(tmp, &c, err, sizeof err), 0, "uncommented tidings.conf loads");
	for (size_t i = 0; i < nk; i++) {
		if (k[i].type == CONF_PATH)
			continue;
		config_format_value(&def, &k[i], a, sizeof a);
		config_format_value(&c, &k[i], b, sizeof b);
		snprintf(line, sizeof line, "tidings.conf default of %s", k[i].name);
		is_str(b, a, line);
	}
	is_str(c.feeds, "build/feeds.opml", "feeds = feeds.opml is beside the file");
	is_str(c.database, "/var/lib/tidings/tidings.db", "documented database");
	config_free(&c);
	config_free(&def);
	remove(tmp);
}

static void test_shipped_dev(void)
{
	struct config c;
	struct feedlist fl;
	size_t with_cat = 0;

	is_int(config_load("config/dev.conf", &c, err, sizeof err), 0, "config/dev.conf loads");
	is_str(c.database, "config/../tidings.db", "dev: database is ./tidings.db");
	is_str(c.feeds, "config/feeds.opml", "dev: feeds is config/feeds.opml");
	is_int(feedlist_load(c.feeds, &fl, err, sizeof err), 0, "config/feeds.opml loads");
	ok(fl.n >= 20 && fl.n <= 30, "starter list has 20 to 30 feeds");
	for (size_t i = 0; i < fl.n; i++)
		with_cat += fl.items[i].category != NULL && fl.items[i].title != NULL;
	is_int(with_cat, fl.n, "every starter feed has a title and a folder");
	feedlist_free(&fl);
	config_free(&c);
}

/* One bound of a key as the man page writes it ("1m", "1K", "0.1"), in
 * the key's own unit; -1 when it does not read as one. */
static double man_bound(const struct config_key *k, const char *s)
{
	char *end;
	double d;

	if (k->type == CONF_DURATION)
		return (double)config_parse_duration(s);
	if (k->type == CONF_SIZE)
		return (double)config_parse_size(s);
	d = strtod(s, &end);
	return end != s && !*end ? d : -1;
}

/* The key's range as its block states it, "Range LO to HI." or, within
 * a sentence, ", from LO to HI," (the thresholds); 0 when neither is
 * there, -1 when one is there and is not the table's. */
static int man_range_matches(const struct config_key *k, const char *line)
{
	char lo[32], hi[32];
	double want_lo = k->type == CONF_DOUBLE ? k->dmin : (double)k->min;
	double want_hi = k->type == CONF_DOUBLE ? k->dmax : (double)k->max;

	if (sscanf(line, "Range %31s to %31[^.\n].", lo, hi) != 2) {
		const char *p = strstr(line, ", from ");

		if (!p || sscanf(p, ", from %31s to %31[^,\n],", lo, hi) != 2)
			return 0;
	}
	return man_bound(k, lo) == want_lo && man_bound(k, hi) == want_hi ? 1 : -1;
}

/* Every key of the table is described in docs/tidings.conf.5 as
 * ".It Cm NAME Ns = Ns Ar TYPE" followed, before the next ".It", by
 * ".Ql DEFAULT ." (paths and user_agent are described in words) and, for
 * a key with bounds, its range as the table has it. */
static void test_man_page(void)
{
	static const char *const type_names[] = {
		[CONF_PATH] = "path", [CONF_STRING] = "string",
		[CONF_DURATION] = "duration", [CONF_SIZE] = "size",
		[CONF_INT] = "integer", [CONF_DOUBLE] = "number",
		[CONF_LOGLEVEL] = "level", [CONF_BOOL] = "boolean",
	};
	FILE *f = fopen("docs/tidings.conf.5", "r");
	const struct config_key *k;
	struct config def;
	size_t nk;
	char line[512], head[128], want[160], val[128], name[320];

	ok(f != NULL, "docs/tidings.conf.5 readable");
	if (!f)
		return;
	k = config_keys(&nk);
	config_defaults(&def);
	for (size_t i = 0; i < nk; i++) {
		int found = 0, has_default = 0, range = 0;
		int bounded = k[i].type == CONF_DURATION || k[i].type == CONF_SIZE ||
		              k[i].type == CONF_INT || k[i].type == CONF_DOUBLE;

		snprintf(head, sizeof head, ".It Cm %s Ns = Ns Ar %s\n", k[i].name,
		         type_names[k[i].type]);
		config_format_value(&def, &k[i], val, sizeof val);
		snprintf(want, sizeof want, ".Ql %s .\n", val);
		rewind(f);
		while (fgets(line, sizeof line, f)) {
			if (strcmp(line, head) == 0) {
				found = 1;
				continue;
			}
			if (found && strncmp(line, ".It ", 4) == 0)
				break;
			if (found && strcmp(line, want) == 0)
				has_default = 1;
			if (found && bounded && range == 0)
				range = man_range_matches(&k[i], line);
			/* "24h" and "1d" are the same default */
			if (found && k[i].type == CONF_DURATION && strncmp(line, ".Ql ", 4) == 0) {
				char *sp = strchr(line + 4, ' ');

				if (sp)
					*sp = '\0';
				if (config_parse_duration(line + 4) ==
				    *(const int64_t *)((const char *)&def + k[i].offset))
					has_default = 1;
			}
		}
		snprintf(name, sizeof name, "man page describes %s as %s", k[i].name,
		         type_names[k[i].type]);
		ok(found, name);
		if (bounded) {
			char lo[32], hi[32];

			if (k[i].type == CONF_DOUBLE) {
				snprintf(lo, sizeof lo, "%g", k[i].dmin);
				snprintf(hi, sizeof hi, "%g", k[i].dmax);
			} else {
				config_format_bound(&k[i], k[i].min, lo, sizeof lo);
				config_format_bound(&k[i], k[i].max, hi, sizeof hi);
			}
			snprintf(name, sizeof name, "man page gives the range of %s (%s to %s)",
			         k[i].name, lo, hi);
			ok(range == 1, name);
		}
		if (k[i].type == CONF_PATH || strcmp(k[i].name, "user_agent") == 0)
			continue;
		snprintf(name, sizeof name, "man page gives the default of %s (%s)",
		         k[i].name, val);
		ok(has_default, name);
	}
	config_free(&def);
	fclose(f);
}

/* config_slurp reads files of any size up to its bound: empty, exactly
 * the bound, one byte over, and a file far smaller than a large bound. */
static void test_slurp(void)
{
	char dir[] = "/tmp/tidings-slurp-XXXXXX", path[64], why[128], *b;
	size_t len = 99;
	FILE *f;

	if (!mkdtemp(dir)) {
		ok(0, "slurp: temp dir");
		return;
	}
	snprintf(path, sizeof path, "%s/f", dir);
	f = fopen(path, "w");
	fclose(f);
	b = config_slurp(path, 100, &len, why, sizeof why);
	ok(b && len == 0 && b[0] == '\0', "slurp: empty file");
	free(b);
	f = fopen(path, "w");
	for (int i = 0; i < 10000; i++)
		fputc('a' + i % 26, f);
	fclose(f);
	b = config_slurp(path, 10000, &len, why, sizeof why);
	ok(b && len == 10000 && b[9999] == 'a' + 9999 % 26 && b[10000] == '\0',
	   "slurp: a file of exactly the bound");
	free(b);
	b = config_slurp(path, 9999, &len, why, sizeof why);
	ok(!b && strstr(why, "file too large"), "slurp: one byte over the bound");
	free(b);
	b = config_slurp(path, (size_t)64 << 20, &len, why, sizeof why);
	ok(b && len == 10000, "slurp: a large bound reads the file");
	free(b);
	b = config_slurp(dir, 100, &len, why, sizeof why);
	ok(!b && strstr(why, "cannot open"), "slurp: a directory");
	unlink(path);

	/* A pipe has no size: the buffer grows from its first guess as the
	 * bytes come (the regular files above never need to grow it). */
	if (mkfifo(path, 0600) == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			FILE *w = fopen(path, "w");
			for (int i = 0; w && i < 100000; i++)
				fputc('a' + i % 26, w);
			_exit(w && fclose(w) == 0 ? 0 : 1);
		}
		b = config_slurp(path, 200000, &len, why, sizeof why);
		int st = -1;
		waitpid(pid, &st, 0);
		ok(b && len == 100000 && b[99999] == 'a' + 99999 % 26 && b[100000] == '\0',
		   "slurp: a pipe longer than the first guess is read whole");
		free(b);
		pid = fork();
		if (pid == 0) {
			FILE *w = fopen(path, "w");
			for (int i = 0; w && i < 100000; i++)
				fputc('a', w);
			fclose(w);
			_exit(0);
		}
		b = config_slurp(path, 50000, &len, why, sizeof why);
		waitpid(pid, &st, 0);
		ok(!b && strstr(why, "file too large"), "slurp: a pipe over the bound is refused");
		free(b);
		unlink(path);
	} else {
		ok(0, "slurp: mkfifo");
	}
	rmdir(dir);
}

int main(void)
{
	size_t nk;
	const struct config_key *k = config_keys(&nk);
	char buf[64], name[96];
	struct config def;

	test_parsers();
	test_defaults();
	test_good_configs();
	test_bad_configs();
	test_good_lists();
	test_bad_lists();
	test_utf16_lists();
	test_shipped_conf();
	test_shipped_dev();
	test_man_page();
	test_slurp();

	/* the table and the formatter agree for every key; ca_file alone
	 * has no value by default */
	config_defaults(&def);
	for (size_t i = 0; i < nk; i++) {
		snprintf(name, sizeof name, "format %s", k[i].name);
		ok(config_format_value(&def, &k[i], buf, sizeof buf) == 0 &&
		   (buf[0] || strcmp(k[i].name, "ca_file") == 0), name);
	}
	config_free(&def);
	return done_testing();
}
