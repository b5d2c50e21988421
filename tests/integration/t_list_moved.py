#!/usr/bin/env python3
"""A feed that moved (301) listed under its new URL.  The log says the
feed moved; the administrator puts the new URL in the list, with another
folder and a shorter interval of its own, and reloads.  The row kept the
old listing's category, title and interval for good (only a listing of
the old URL updated them), so the reload neither moved the feed to its
new folder nor polled it on its new interval.  Now the list's values are
the feed's, and the shortened interval pulls its next poll in."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, generated_rss  # noqa: E402

t = Tap()
srv = Server()
srv.put("/new.xml", generated_rss(1, 3), "application/rss+xml")
srv.routes["/old.xml"] = lambda h: h.reply(301, b"", None, {"Location": srv.url("/new.xml")})
OLD, NEW = srv.url("/old.xml"), srv.url("/new.xml")
w = Workdir()
opml = os.path.join(w.dir, "feeds.opml")


def write_list(url, folder, interval):
    with open(opml, "w") as f:
        f.write('<?xml version="1.0"?>\n<opml version="2.0"><body>\n'
                '<outline text="%s"><outline text="Example" interval="%s" xmlUrl="%s"/>'
                '</outline>\n</body></opml>\n' % (folder, interval, url))


def row():
    return w.sql("SELECT url, list_title, category, interval FROM feeds")


with open(w.conf, "w") as f:
    f.write("[daemon]\ndatabase = %s\nfeeds = feeds.opml\n" % w.db)
write_list(OLD, "World", "6h")
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
try:
    t.ok(log.wait_for("cycle: ", 1, deadline=30), "first poll", log.text())
    t.eq(row(), [(NEW, "Example", "World", 6 * 3600)], "moved: polled at the new URL")
    write_list(NEW, "Tech", "10m")
    p.send_signal(signal.SIGHUP)
    t.ok(log.wait_for("reloaded: 1 feeds", 1, deadline=30), "reloaded", log.text())
    t.eq(row(), [(NEW, "Example", "Tech", 600)],
         "listed under its new URL: the list's folder and interval are the feed's")
    nxt = w.sql("SELECT next_poll FROM feeds")[0][0]
    # Pulled in to a random time within the new 10 minutes; polled at
    # once when that came up soon, the next is the interval with its
    # +-10% jitter (docs/tidingsd.8).
    t.ok(nxt <= time.time() + 660, "its next poll is within the new interval",
         nxt - time.time())
    p.send_signal(signal.SIGTERM)
    t.eq(p.wait(timeout=30), 0, "SIGTERM: exit 0")
    log.thread.join(10)
    t.eq(log.count("error:"), 0, "no errors")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()

# Both URLs listed, the old one first: the first listing's values stay.
with open(opml, "w") as f:
    f.write('<?xml version="1.0"?>\n<opml version="2.0"><body>\n'
            '<outline text="A" category="First" xmlUrl="%s"/>\n'
            '<outline text="B" category="Second" xmlUrl="%s"/>\n</body></opml>\n' % (OLD, NEW))
r = w.run_once()
t.eq(r.returncode, 0, "both URLs listed: runs")
t.eq(w.sql("SELECT list_title, category, active FROM feeds"), [("A", "First", 1)],
     "one feed, the first listing's values")

# The new one first: its values stay (the old URL's, listed second,
# replaced them: the list's order decided).
with open(opml, "w") as f:
    f.write('<?xml version="1.0"?>\n<opml version="2.0"><body>\n'
            '<outline text="B" category="Second" interval="2h" xmlUrl="%s"/>\n'
            '<outline text="A" category="First" xmlUrl="%s"/>\n</body></opml>\n' % (NEW, OLD))
r = w.run_once()
t.eq(r.returncode, 0, "both URLs listed, the new one first: runs")
t.eq(w.sql("SELECT list_title, category, interval, active FROM feeds"),
     [("B", "Second", 7200, 1)], "one feed, the first listing's values")
srv.stop()
w.cleanup()
t.done()
