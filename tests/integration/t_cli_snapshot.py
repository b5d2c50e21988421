#!/usr/bin/env python3
"""`tidings thread ID` reads the database three times (which thread the id
leads to, its head, its stories) while the daemon may commit between the
reads.  They are one read transaction: what it prints is the thread as
it was at one moment, its head's story count the number of stories
listed.

The moment is made deterministic with the reader's stdout: a pipe of one
page that it fills while it writes the thread's head (a headline longer
than its stdio buffer, so written out before the head's read ends), so it
waits inside its second read while a daemon run stores a copy that joins
the thread; then the pipe is drained."""
import email.utils
import fcntl
import json
import os
import struct
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, TIDINGS, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
if not hasattr(fcntl, "F_SETPIPE_SZ"):
    t.skip_all("no F_SETPIPE_SZ (Linux, Python 3.10)")

# One wire text printed by two publishers: the second is a copy of the
# first and joins its thread (docs/dedup.md).  The headline, about 100 KB,
# is what the reader blocks on.
WIRE = ("Officials in the northern province said on Tuesday that the reservoir dam "
        "would be reinforced after heavy rains raised water levels to a record, "
        "and that residents of three villages downstream had been asked to leave "
        "their homes as a precaution while engineers inspect the structure overnight.")
TITLE = "Dam to be reinforced after record rains: " + " ".join(
    "village%d" % i for i in range(10000))
now = int(time.time())


def feed(host, minutes_ago):
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            '<title>%s</title><link>http://%s/</link><item>'
            '<title>%s</title><link>http://%s/news/dam</link>'
            '<guid isPermaLink="false">dam</guid><pubDate>%s</pubDate>'
            '<description>%s</description></item></channel></rss>'
            % (host, host, TITLE, host,
               email.utils.formatdate(now - minutes_ago * 60, usegmt=True), WIRE))


srv = Server()
srv.put("/a.xml", feed("alpha.example", 30))
srv.put("/b.xml", feed("beta.example", 20))
w = Workdir()
w.write_config([srv.url("/a.xml")])
t.eq(w.run_once().returncode, 0, "the original is stored")
rows = w.sql("SELECT thread_id, length(title) FROM stories")
t.ok(len(rows) == 1 and rows[0][0] and rows[0][1] > 64 * 1024,
     "one story, in a thread, its headline longer than any stdio buffer", rows)
thread = rows[0][0]

rd, wr = os.pipe()
fcntl.fcntl(wr, fcntl.F_SETPIPE_SZ, 4096)
cap = fcntl.fcntl(wr, fcntl.F_GETPIPE_SZ)
p = subprocess.Popen([TIDINGS, "-d", w.db, "thread", str(thread), "--json"], stdout=wr)
os.close(wr)


def waiting():
    return struct.unpack("i", fcntl.ioctl(rd, termios.FIONREAD, b"\0" * 4))[0]


# A full pipe with the head still unwritten: the reader waits inside its
# read of the head (a deadline only against a hang, not a timing check).
end = time.monotonic() + 60
while waiting() < cap and p.poll() is None and time.monotonic() < end:
    time.sleep(0.01)
t.ok(waiting() == cap and p.poll() is None, "the reader waits, writing the thread's head")

w.write_config([srv.url("/a.xml"), srv.url("/b.xml")])
t.eq(w.run_once().returncode, 0, "meanwhile a daemon run stores the copy")
t.eq(w.sql("SELECT story_count FROM threads WHERE id = ?", (thread,)), [(2,)],
     "which joins the thread")

out = b""
while True:
    chunk = os.read(rd, 65536)
    if not chunk:
        break
    out += chunk
os.close(rd)
t.eq(p.wait(timeout=60), 0, "tidings thread exits 0")
try:
    doc = json.loads(out)
except ValueError as e:
    doc = {"error": str(e)}
t.eq((doc.get("id"), doc.get("story_count"), len(doc.get("stories", []))), (thread, 1, 1),
     "the head and the stories are of one moment: one story counted, one listed")
srv.stop()
w.cleanup()
t.done()
