#!/usr/bin/env python3
"""Two items of one publisher under one headline that two of its feeds
brought, neither the same story nor a copy of the other, are two items
the site headed alike, not one event (docs/threads.md, "A series is not
one event"), through the real daemon, over two polls and a restart.

GitHub's release feeds, one a repository: twelve repositories' "v1.0.0"
releases within hours (host github.com) made one thread of twelve,
titled "v1.0.0", keywords "0.0, V1"; their "v0.9.0" releases another,
and four repositories' "Update README.md" commits a third.  A headline
of fewer than 3 words names no article (docs/dedup.md, level 2), so
they were stored apart, and then threaded together by their one
headline.  Within one feed, a second item under a headline hours later
may still be an update of the first and is placed by its words
(t_thread_series.py); so is an aggregator's listing of a publisher's
item."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir  # noqa: E402
import invariants  # noqa: E402

REPOS = 6


def release(repo, rid, tag, body, hour):
    return ("<entry><id>tag:github.com,2008:Repository/%d/%s</id>"
            "<updated>2026-12-01T%02d:00:00Z</updated>"
            '<link rel="alternate" type="text/html" href="https://github.com/%s/releases/tag/%s"/>'
            '<title>%s</title><content type="html">%s</content><author><name>octocat</name></author>'
            "</entry>" % (rid, tag, hour, repo, tag, tag,
                          body.replace("&", "&amp;").replace("<", "&lt;"), ))


def commit(repo, sha, title, hour):
    return ("<entry><id>tag:github.com,2008:Grit::Commit/%s</id>"
            '<link type="text/html" rel="alternate" href="https://github.com/%s/commit/%s"/>'
            "<title>%s</title><updated>2026-12-01T%02d:10:00Z</updated>"
            "<author><name>alice</name></author>"
            '<content type="html">&lt;pre&gt;%s&lt;/pre&gt;</content></entry>'
            % (sha, repo, sha, title, hour, title))


def atom(repo, kind, entries):
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">'
            "<id>tag:github.com,2008:https://github.com/%s/%s</id>"
            '<link type="text/html" rel="alternate" href="https://github.com/%s/%s"/>'
            "<title>%s of %s</title><updated>2026-12-01T09:00:00Z</updated>%s</feed>"
            % (repo, kind, repo, kind, kind, repo, "".join(reversed(entries))))


def notes(repo):
    return ("<h2>What's Changed</h2><ul><li>Bump actions/checkout from 3 to 4 by @dependabot in "
            "https://github.com/%s/pull/12</li></ul><p><strong>Full Changelog</strong>: "
            "https://github.com/%s/compare/v0.9.0...v1.0.0</p>" % (repo, repo))


t = Tap()
srv = Server()
w = Workdir()
urls = []
for i in range(REPOS):
    urls.append(srv.url("/org%d/proj%d/releases.atom" % (i, i)))
    urls.append(srv.url("/team%d/app%d/commits.atom" % (i, i)))
w.write_config(urls, extra="retention = 0\nconcurrency = 1")


def publish(rounds):
    for i in range(REPOS):
        repo = "org%d/proj%d" % (i, i)
        rel = [release(repo, 1000 + i, "v0.9.0", "", 1 + i % 3),
               release(repo, 1000 + i, "v1.0.0", "<p>No content.</p>" if i % 3 == 0 else notes(repo),
                       2 + i % 4)]
        if rounds > 1:
            rel.append(release(repo, 1000 + i, "v1.0.1", "", 6 + i % 2))
        srv.put("/org%d/proj%d/releases.atom" % (i, i), atom(repo, "releases", rel))
        app = "team%d/app%d" % (i, i)
        com = [commit(app, "%040x" % (i * 7 + 1), "Update README.md", 2 + i % 3)]
        if rounds > 1:
            com.append(commit(app, "%040x" % (i * 7 + 2), "Update README.md", 7))
        srv.put("/team%d/app%d/commits.atom" % (i, i), atom(app, "commits", com))


publish(1)
r = w.run_once()
t.eq(r.returncode, 0, "the first run exits 0")
publish(2)
r = w.run_once()
t.eq(r.returncode, 0, "the second run (a restart) exits 0")

rows = w.sql("SELECT title, feed_id, thread_id FROM stories WHERE host = 'github.com'")
t.eq(len(rows), REPOS * 3 + REPOS * 2, "every release and commit stored")
for title in ("v0.9.0", "v1.0.0", "v1.0.1", "Update README.md"):
    feeds = w.sql("SELECT thread_id, count(DISTINCT feed_id) FROM stories"
                  " WHERE host = 'github.com' AND title = ? GROUP BY thread_id"
                  " HAVING count(DISTINCT feed_id) > 1", (title,))
    t.eq(feeds, [], "no thread holds two repositories' \"%s\"" % title)
t.eq(invariants.check(w.db), [], "the threads and stories keep the documented invariants")

srv.stop()
w.cleanup()
t.done()
