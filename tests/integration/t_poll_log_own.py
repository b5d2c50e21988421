#!/usr/bin/env python3
"""The line a poll logs ("N entries, N new (N copies), N updated, N seen in
other feeds") counted under "seen in other feeds" a feed's own stories
found again by their canonical URL: a blog whose CMS moved to another
guid scheme, polled a day after it was first stored, logged "5 seen in
other feeds" with no other feed listed.  Those are said apart now
("5 of its own found by link"), and an article another feed carries is
still seen in other feeds."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc, FAKETIME_LIB, faked_clock  # noqa: E402

t = Tap()
if not FAKETIME_LIB:
    t.skip_all("no libfaketime (apt-get install faketime)")
srv = Server()
w = Workdir()
clock, env = faked_clock(w)
items = [{"title": "Post %d on the harbour tunnel and the budget of %d" % (i, 2020 + i),
          "link": "https://blog.example/post/%d" % i,
          "text": "Post %d says something of its own, number %d." % (i, i)} for i in range(5)]


def run_at(hours, scheme, feeds=("/blog.xml",)):
    for i, it in enumerate(items):
        it["guid"] = "%s-%d" % (scheme, i)
    srv.put("/blog.xml", rss_doc("Blog", "https://blog.example/", items))
    w.write_config([srv.url(f) for f in feeds], extra="log_level = info")
    with open(clock, "w") as f:
        f.write("+%ds\n" % (hours * 3600))
    r = w.run_once(env=env)
    t.eq(r.returncode, 0, "tidingsd --once at +%d h exits 0" % hours)
    return [line for line in r.stderr.splitlines() if srv.url("/blog.xml") + ": " in line
            and " entries, " in line]


lines = run_at(0, "wp")
t.ok(lines and lines[0].endswith("5 entries, 5 new (0 copies), 0 updated, 0 seen in other feeds"),
     "first poll: five new stories", lines)
# A day later the CMS gives every post a guid of another scheme.
lines = run_at(24, "node")
t.ok(lines and lines[0].endswith("5 entries, 0 new (0 copies), 0 updated, 0 seen in other feeds,"
                                 " 5 of its own found by link"),
     "the feed's own posts under new guids are not seen in other feeds", lines)
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 5, "still five stories")

# Another feed with one of the blog's posts: seen in other feeds, as before.
srv.put("/planet.xml", rss_doc("Planet", "https://planet.example/", [
    dict(items[0], guid="planet-0", link="https://blog.example/post/0?utm_source=planet")]))
w.write_config([srv.url("/blog.xml"), srv.url("/planet.xml")], extra="log_level = info")
r = w.run_once(env=env)
said = [line for line in r.stderr.splitlines() if srv.url("/planet.xml") + ": " in line
        and " entries, " in line]
t.ok(said and said[0].endswith("1 entries, 0 new (0 copies), 0 updated, 1 seen in other feeds"),
     "another feed's copy of a post is seen in other feeds", said)
t.eq(w.sql("PRAGMA integrity_check")[0][0], "ok", "integrity_check is ok")

srv.stop()
w.cleanup()
t.done()
