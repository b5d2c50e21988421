#!/usr/bin/env python3
"""An allocation that fails while the configuration or the feed list is
loaded is a load error, "FILE:LINE: out of memory", like any other: the
loaders aborted ("configuration is loaded at start-up: no way on"), but
a reload (SIGHUP) runs them too, and a daemon that was running fine was
killed by one under memory pressure (systemd restarted it, losing what
was in flight and the clustering state since its last save).  Now the
reload is refused and the running configuration kept; at start-up, and
in `tidings check`, the error is said and the exit status is 1.

strdup() and strndup() are replaced (LD_PRELOAD) by ones that fail for
a string holding a marker, and realloc() by one that fails for a block
whose text starts with it, so that only the copies of these lists' and
this configuration's marked text fail:

- url: a URL of a plain-text list (its copy, and its key's);
- title: an OPML outline's text (its copy without the blanks around);
- path: the configuration's `feeds` path;
- xml: libxml2's copy of an OPML attribute's value, which it grows
  (said "malformed OPML: Memory allocation failed": nothing to mend in
  the file)."""
import os
import signal
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, preload_shim, \
    generated_rss, TIDINGS  # noqa: E402

SHIM = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_realloc(void *, size_t);

/* A copy of a string holding MARK fails as out of memory. */
static char *copy(const char *s, size_t n)
{
	char *p;

	if (memmem(s, n, "OOMMARK", 7)) {
		errno = ENOMEM;
		return NULL;
	}
	if (!(p = __libc_malloc(n + 1)))
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *strdup(const char *s)
{
	return copy(s, strlen(s));
}

char *strndup(const char *s, size_t n)
{
	return copy(s, strnlen(s, n));
}

/* Growing a block whose text starts with MARK fails as out of memory. */
void *realloc(void *p, size_t n)
{
	if (p && malloc_usable_size(p) > 7 && !strncmp(p, "OOMMARK", 7)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}
"""

t = Tap()
lib, shim_dir = preload_shim(t, SHIM, "failing strdup() shim", allocator=True)
env = dict(os.environ, LD_PRELOAD=lib)
srv = Server()
for name in ("a", "b", "c"):
    srv.put("/%s.xml" % name, generated_rss(ord(name), 2), "application/rss+xml")
A, B, C, MARKED = srv.url("/a.xml"), srv.url("/b.xml"), srv.url("/c.xml"), srv.url("/OOMMARK.xml")
w = Workdir()
text_list = os.path.join(w.dir, "feeds.txt")
opml_list = os.path.join(w.dir, "feeds.opml")
xml_list = os.path.join(w.dir, "refs.opml")
for path, title in ((opml_list, "B OOMMARK"), (xml_list, "OOMMARK" + " a &amp; b" * 40)):
    with open(path, "w") as f:
        f.write('<?xml version="1.0"?>\n<opml version="2.0"><head><title>t</title></head>'
                '<body>\n<outline text="A" xmlUrl="%s"/>\n<outline text="News">\n'
                '  <outline text="%s" xmlUrl="%s"/>\n</outline>\n</body></opml>\n'
                % (A, title, B))


def configure(feeds, urls=None):
    """The configuration naming `feeds` (on its line 3), and the plain
    list with `urls` (from its line 2)."""
    if urls is not None:
        with open(text_list, "w") as f:
            f.write("# feeds\n" + "".join(u + "\n" for u in urls))
    with open(w.conf, "w") as f:
        f.write("[daemon]\ndatabase = %s\nfeeds = %s\n" % (w.db, feeds))


# name: (the feeds path, the plain list, the error)
CASES = {
    "url": (text_list, [A, MARKED], "%s:3: out of memory" % text_list),
    "title": (opml_list, None, "%s:5: out of memory" % opml_list),
    "xml": (xml_list, None, "%s:5: out of memory" % xml_list),
    "path": (os.path.join(w.dir, "OOMMARK", "feeds.txt"), [A], "%s:3: feeds: out of memory"
             % w.conf),
}
try:
    # At start-up, and in `tidings check`: the error, exit status 1.
    for name, (feeds, urls, error) in sorted(CASES.items()):
        configure(feeds, urls)
        r = w.run_once(env=env)
        t.eq(r.returncode, 1, "%s: tidingsd exits 1" % name)
        t.ok(error in r.stderr, "%s: and says %s" % (name, error), r.stderr)
        r = subprocess.run([TIDINGS, "check", "-c", w.conf], capture_output=True, text=True,
                           env=env)
        t.eq((r.returncode, r.stderr), (1, error + "\n"), "%s: tidings check says so" % name)
    t.ok(not os.path.exists(w.db), "no database made")

    # A reload: refused, the daemon runs on with its feeds.
    configure(text_list, [A])
    p = w.start(env=env, stderr=subprocess.PIPE)
    log = StderrLog(p)
    try:
        t.ok(log.wait_for(" feeds, database ", 1, deadline=30), "started", log.text())
        t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM stories") == [(2,)], deadline=30),
             "the feed is polled", log.text())
        for n, (name, (feeds, urls, error)) in enumerate(sorted(CASES.items()), 1):
            configure(feeds, urls)
            p.send_signal(signal.SIGHUP)
            t.ok(log.wait_for("reload refused; the running configuration is kept", n,
                              deadline=30), "%s: the reload is refused" % name, log.text())
            t.ok(log.count(error) == 1, "%s: saying %s" % (name, error), log.text())
            t.ok(p.poll() is None, "%s: the daemon runs on" % name)
        t.eq(w.sql("SELECT list_url, active FROM feeds"), [(A, 1)],
             "the database lists the old feed alone")
        # Memory back: the next reload takes the new list.
        configure(text_list, [A, C])
        p.send_signal(signal.SIGHUP)
        t.ok(log.wait_for("reloaded: 2 feeds", 1, deadline=30), "then a reload is done",
             log.text())
        t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM stories") == [(4,)], deadline=30),
             "and the new feed polled", log.text())
        t.eq(w.sql("SELECT list_url, active FROM feeds ORDER BY id"), [(A, 1), (C, 1)],
             "beside the old one")
        t.eq(log.stop(p), 0, "SIGTERM: exit 0")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
finally:
    srv.stop()
    w.cleanup()
    shutil.rmtree(shim_dir)
t.done()
