#!/usr/bin/env python3
"""Hostile feeds, end to end: what a feed's author can get into the
database that other programs display.  stories.content must be inert HTML
once a browser parses it (no script, no event handler, no javascript: or
data: URL however spelt, no SVG animation of an href, no comment that a
browser ends early or inside <noscript>); stories.link only http(s); and a
password in a feed URL (http://user:password@host/feed) must not leak into
the log, into the stories' links and content (relative links are resolved
against the feed's URL) or into `tidings feeds`."""
import base64
import html
import html.parser
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, TIDINGS, need_programs, TIDINGSD  # noqa: E402

SECRET = "s3cretPW"

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Hostile</title><link>javascript:alert(0)</link><description>d</description>
<item><title>decimal reference</title><link>http://127.0.0.1/1</link><guid isPermaLink="false">h1</guid>
<content:encoded><![CDATA[<p>one</p><a href="&#106;avascript:alert(1)">j</a>
<a href="javascript&colon;alert(2)">k</a><a href="java&Tab;script:alert(3)">t</a>
<img src="&#x6A;avascript:alert(4)"><video poster="javascript:alert(5)"></video>]]></content:encoded></item>
<item><title>double escaped</title><link>http://127.0.0.1/2</link><guid isPermaLink="false">h2</guid>
<description>&lt;a href="&amp;amp;#106;avascript:alert(6)"&gt;dbl&lt;/a&gt;</description></item>
<item><title>comments</title><link>http://127.0.0.1/3</link><guid isPermaLink="false">h3</guid>
<content:encoded><![CDATA[<p>c</p><!--><img src=x onerror=alert(7)>-->
<!-- x --!><img src=x onerror=alert(8)>-->
<noscript><!-- </noscript><img src=x onerror=alert(9)> --></noscript>]]></content:encoded></item>
<item><title>svg</title><link>http://127.0.0.1/4</link><guid isPermaLink="false">h4</guid>
<content:encoded><![CDATA[<svg><a xlink:href="javascript:alert(10)"><text>x</text></a></svg>
<svg><a><animate attributeName="href" values="javascript:alert(11)"/><text>y</text></a></svg>
<svg><a><animate attributeName="&#104;ref" values="javascript:alert(16)"/><text>z</text></a></svg>
<svg><a><set attributeName="xlink&colon;href" to="javascript:alert(17)"/><text>w</text></a></svg>
<math><maction actiontype="statusline" xlink:href="javascript:alert(12)">m</maction></math>
<a href="http://127.0.0.1/" ping="javascript:alert(18)">p</a><command icon="javascript:alert(19)">]]></content:encoded></item>
<item><title>javascript link</title><link>javascript:alert(13)</link><guid isPermaLink="false">h5</guid><description>a</description></item>
<item><title>data link</title><link>data:text/html,alert(14)</link><guid isPermaLink="false">h6</guid><description>b</description></item>
<item><title>file link</title><link>file:///etc/passwd</link><guid isPermaLink="false">h7</guid><description>c</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Private</title><id>urn:p</id>
<updated>2026-01-01T00:00:00Z</updated><link href="/"/>
<entry><title>relative</title><id>urn:p:1</id><updated>2026-01-01T00:00:00Z</updated>
<link href="story/1"/><summary>s</summary>
<content type="html">&lt;a href="other"&gt;o&lt;/a&gt;&lt;img src="pic.png"&gt;</content></entry>
<entry><title>text</title><id>urn:p:2</id><updated>2026-01-01T00:00:00Z</updated>
<link href="story/2"/>
<content type="text">&lt;img src=x onerror=alert(15)&gt; 1 &lt; 2</content></entry>
</feed>"""

URL_ATTRS = {"href", "src", "poster", "cite", "background", "lowsrc", "dynsrc",
             "action", "formaction", "longdesc", "usemap", "xlink:href", "data",
             "ping", "icon", "vrml", "altimg"}


class Active(html.parser.HTMLParser):
    """Collects what a browser would run or follow: Python's parser
    decodes attribute values the way a browser does."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append("%s %s=" % (tag, name))
            if name in URL_ATTRS:
                url = re.sub(r"[\t\n\r]", "", value).strip("\x00\x01\x02\x03 \f")
                scheme = url.split(":", 1)[0].lower() if ":" in url else ""
                if scheme in ("javascript", "vbscript", "data") and not (
                        tag == "img" and url.lower().startswith("data:image/")):
                    self.found.append("%s %s=%s" % (tag, name, value))
            if name == "attributename" and value.strip().lower().endswith("href"):
                self.found.append("%s animates %s" % (tag, value))
        if tag in ("script", "iframe", "object", "embed", "base", "meta", "form"):
            self.found.append("<%s>" % tag)

    def handle_comment(self, data):
        if "<" in data or ">" in data:
            self.found.append("comment with markup: %r" % data)


def active(content):
    p = Active()
    p.feed(content or "")
    p.close()
    return p.found


t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
srv = Server()
srv.put("/hostile.xml", RSS, "application/rss+xml")
srv.put("/private.xml", ATOM, "application/atom+xml")
private = srv.url("/private.xml").replace("http://", "http://reader:%s@" % SECRET)
# A feed with credentials that redirects to another host: the password
# goes to the host it was given for, never to the one redirected to.
auth_seen = {}


def moving(h):
    auth_seen["moving"] = h.headers.get("Authorization")
    h.send_response(302)
    h.send_header("Location", "http://localhost:%d/landed.xml" % srv.server_address[1])
    h.send_header("Content-Length", "0")
    h.end_headers()


def landed(h):
    auth_seen["landed"] = h.headers.get("Authorization")
    h.reply(200, ATOM.replace("urn:p", "urn:q").encode(), "application/atom+xml")


srv.routes["/moving.xml"] = moving
srv.routes["/landed.xml"] = landed
moving_url = srv.url("/moving.xml").replace("http://", "http://reader:%s@" % SECRET)
w = Workdir()
w.write_config([srv.url("/hostile.xml"), private, moving_url])
r = w.run_once()
t.eq(r.returncode, 0, "one cycle over the hostile feeds exits 0")

rows = w.sql("SELECT guid, title, link, canonical_url, summary, content FROM stories")
t.eq(len(rows), 11, "every item stored")
for guid, title, link, canon, summary, content in rows:
    t.eq(active(content), [], "%s: stored content is inert in a browser" % guid)
    t.ok(link is None or re.match(r"https?://", link), "%s: link is http(s) or none" % guid, link)
by_guid = {row[0]: row for row in rows}
t.eq(by_guid["urn:p:2"][4:], ("<img src=x onerror=alert(15)> 1 < 2",
                             "&lt;img src=x onerror=alert(15)&gt; 1 &lt; 2"),
     "text content: plain in summary, escaped in content")
t.ok("<p>one</p>" in by_guid["h1"][5] and "j</a>" in by_guid["h1"][5],
     "the harmless rest of the content is kept", by_guid["h1"][5])
# An item with only content:encoded: its summary is the content's text
# (docs/schema.md: plain text), not the content's markup.
t.eq(by_guid["h1"][4], "one\nj kt", "content only: the summary is its plain text")
t.eq(by_guid["h3"][4], "c", "content only, with comments: the summary is its plain text")
t.eq([by_guid[g][2] for g in ("h5", "h6", "h7")], [None, None, None],
     "javascript:, data: and file: links are not stored")
t.eq(w.sql("SELECT site_url FROM feeds WHERE url = ?", (srv.url("/hostile.xml"),)), [(None,)],
     "nor a javascript: site link for the feed")

# The password: not in the log, the stories, or what `tidings feeds` shows.
t.ok(SECRET not in r.stderr, "the log does not carry the feed's password", r.stderr)
t.ok("reader:***@" in r.stderr, "the log names the feed with its password masked", r.stderr)
dump = repr(w.sql("SELECT * FROM stories"))
t.ok(SECRET not in dump, "relative links resolve without the feed's credentials", dump)
rel = w.sql("SELECT link, content FROM stories WHERE guid = 'urn:p:1'")
t.ok(rel and rel[0][0] == srv.url("/story/1"), "a relative link still resolves to its host",
     rel)
t.ok(auth_seen.get("moving", "").startswith("Basic "),
     "the feed's own host gets its credentials", auth_seen)
t.ok("landed" in auth_seen and auth_seen["landed"] is None,
     "a host redirected to does not", auth_seen)
env = dict(os.environ, NO_COLOR="1")
for args in (["feeds"], ["feeds", "--json"], ["stories", "--json"]):
    p = subprocess.run([TIDINGS, "-d", w.db] + args, capture_output=True, text=True, env=env)
    t.ok(p.returncode == 0 and SECRET not in p.stdout,
         "tidings %s does not show the password" % " ".join(args), p.stdout[-500:])
p = subprocess.run([TIDINGS, "-d", w.db, "feeds", "--json"], capture_output=True, text=True)
urls = [f["url"] for f in json.loads(p.stdout)] if p.returncode == 0 else []
t.ok(private.replace(SECRET, "***") in urls, "feeds --json names the feed, password masked", urls)
# The database keeps the URL as configured: the daemon needs it to poll.
t.ok(private in [u for (u,) in w.sql("SELECT url FROM feeds")],
     "feeds.url keeps the credentials the daemon polls with")

# A feed with credentials that moves for good (301) on its own host: the
# new URL is stored with the credentials that fetched it, so the next run
# polls it as this one did (it was stored without them: 401 ever after).
# Moved to another host, it goes there without them, as curl sent none.
AUTH = "Basic " + base64.b64encode(("reader:" + SECRET).encode()).decode()
auth_polls = []


def guarded(name, body=None, to=None):
    def route(h):
        auth_polls.append((name, h.headers.get("Authorization") == AUTH))
        if to is None and body is None:
            return h.reply(200, ATOM.replace("urn:p", "urn:" + name).encode(),
                           "application/atom+xml")
        if h.headers.get("Authorization") != AUTH:
            return h.reply(401, b"who are you", "text/plain",
                           {"WWW-Authenticate": 'Basic realm="feeds"'})
        if to is not None:
            return h.reply(301, b"", "text/plain", {"Location": to})
        h.reply(200, body, "application/atom+xml")
    return route


port = srv.server_address[1]
srv.routes["/auth/old.xml"] = guarded("old", to=srv.url("/auth/new.xml"))
srv.routes["/auth/new.xml"] = guarded("new", body=ATOM.replace("urn:p", "urn:n").encode())
srv.routes["/auth/away.xml"] = guarded("away", to="http://localhost:%d/auth/open.xml" % port)
srv.routes["/auth/open.xml"] = guarded("open")
old_url = srv.url("/auth/old.xml").replace("http://", "http://reader:%s@" % SECRET)
away_url = srv.url("/auth/away.xml").replace("http://", "http://reader:%s@" % SECRET)
w2 = Workdir()
w2.write_config([old_url, away_url])
r1 = w2.run_once()
r2 = w2.run_once()
t.ok(r1.returncode == 0 and r2.returncode == 0, "two cycles over the moving private feeds exit 0",
     r1.stderr + r2.stderr)
rows = dict(w2.sql("SELECT previous_url, url FROM feeds"))
t.eq(rows.get(old_url), srv.url("/auth/new.xml").replace("http://", "http://reader:%s@" % SECRET),
     "301 on the feed's own host: the new URL keeps the feed's credentials")
t.eq(rows.get(away_url), "http://localhost:%d/auth/open.xml" % port,
     "301 to another host: the new URL has none")
health = w2.sql("SELECT url, last_status, last_error FROM feeds ORDER BY id")
t.ok([(s, e) for _, s, e in health] == [(200, None), (200, None)],
     "both moved feeds still answer on the next run", health)
t.ok([ok for name, ok in auth_polls if name == "new"] == [True, True],
     "the new URL got the credentials on both runs", auth_polls)
t.ok([ok for name, ok in auth_polls if name == "open"] == [False, False],
     "the other host never did", auth_polls)
t.ok(SECRET not in r1.stderr + r2.stderr, "the move's log line masks the password",
     r1.stderr + r2.stderr)
w2.cleanup()

# A private site's page listed instead of its feed: the feed the page
# names on the same host is polled with the page's credentials (it was
# followed without them, and refused with 401 for good).
def guarded_page(h):
    auth_polls.append(("page", h.headers.get("Authorization") == AUTH))
    if h.headers.get("Authorization") != AUTH:
        return h.reply(401, b"who are you", "text/plain",
                       {"WWW-Authenticate": 'Basic realm="feeds"'})
    h.reply(200, b'<html><head><link rel="alternate" type="application/atom+xml"'
            b' href="/auth/site.xml"></head><body>Members</body></html>', "text/html")


srv.routes["/auth/site/"] = guarded_page
srv.routes["/auth/site.xml"] = guarded("site", body=ATOM.replace("urn:p", "urn:s").encode())
page_url = srv.url("/auth/site/").replace("http://", "http://reader:%s@" % SECRET)
w3 = Workdir()
w3.write_config([page_url])
r = w3.run_once()
t.eq(r.returncode, 0, "a private page listed for its feed: the run exits 0")
t.eq(w3.sql("SELECT url, last_status, last_error FROM feeds"),
     [(srv.url("/auth/site.xml").replace("http://", "http://reader:%s@" % SECRET), 200, None)],
     "the feed the page names is polled with the page's credentials, and answers")
t.ok(w3.sql("SELECT count(*) FROM stories")[0][0] > 0, "its entries are stored")
t.ok(SECRET not in r.stderr, "the log masks the password", r.stderr)
w3.cleanup()

srv.stop()
w.cleanup()
t.done()
