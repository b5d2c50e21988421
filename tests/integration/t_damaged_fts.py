#!/usr/bin/env python3
"""A damaged search index: a page of stories_fts' tables overwritten with
garbage (an SD card's flipped bits, a torn write on cheap storage), built
here with Workdir.damage().

The daemon stored the first 1,023 new stories and then nothing more, ever.
The 1,024th waiting story made the commit index them inside the
transaction that stored them; the index's damaged page (SQLITE_CORRUPT, or
"vtable constructor failed: stories_fts") failed that COMMIT, and every
later one, since the stories were still waiting: every poll "database
error ... database disk image is malformed".  Now the stories are stored
without the index, the log says it is damaged and where to read how to
make it again, and the README's way to do that (FTS5's own 'rebuild'
fails on the damaged pages) gives an index that holds every story."""
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Tap, Server, Workdir, StderrLog, ROOT, TIDINGS, TIDINGSD,  # noqa: E402
                     generated_rss, need_programs, serve_generated)

DOC_DB = "/var/lib/tidings/tidings.db"
t = Tap()
need_programs(t, TIDINGSD, TIDINGS)
if not shutil.which("sqlite3"):
    t.skip_all("no sqlite3 shell")


def stderr_errors(r):
    return [line for line in r.stderr.splitlines() if line.startswith(("error", "crit"))]


# The README's shell block that makes the index again.
with open(os.path.join(ROOT, "README.md")) as f:
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", f.read(), re.S)
              if "stories_fts" in b and "rebuild" in b]
t.eq(len(blocks), 1, "the README shows how to make the search index again")

FEEDS, FIRST, LATER = 12, 10, 110     # 1,200 new stories: over one batch of 1,024
srv = Server()
for table, seed in (("stories_fts_data", 1), ("stories_fts_idx", 2)):
    urls = serve_generated(srv, FEEDS, FIRST)
    w = Workdir()
    w.write_config(urls)
    t.eq(w.run_once().returncode, 0, "%s: the daemon fills a database" % table)
    w.damage(table, seed)
    t.ok(w.fts_ok() is not True, "%s: the search index is damaged" % table)

    # The items stored before edited too (a headline corrected): the first
    # response to update a story in the damaged index was refused at every
    # run ("database error ... will retry"), its feed never stored by --once.
    for k in range(FEEDS):
        srv.put("/gen/%d.xml" % k, generated_rss(k, LATER).replace("<title>Item ", "<title>Edited "))
    r = w.run_once()
    t.eq(r.returncode, 0, "%s: the next run ends normally" % table)
    t.eq(w.sql("SELECT count(*) FROM stories")[0][0], FEEDS * LATER,
         "%s: every new story is stored" % table)
    t.eq([e for e in stderr_errors(r) if "database error" in e], [],
         "%s: no response is refused" % table)
    t.eq(w.sql("SELECT count(*) FROM stories WHERE title LIKE 'Edited %'")[0][0], FEEDS * LATER,
         "%s: every edit is stored, of the stories stored before too" % table)
    said = [e for e in stderr_errors(r) if "the search index (stories_fts) is damaged" in e]
    t.ok(said and "README" in said[0],
         "%s: the log says the index is damaged and where to read what to do" % table,
         r.stderr[-1500:])
    t.eq([e for e in stderr_errors(r) if "indexing new stories" in e], [],
         "%s: said once, not again at each retry of the index" % table)
    t.eq(w.sql("SELECT count(*) FROM feeds WHERE last_error IS NOT NULL")[0][0], 0,
         "%s: no feed shows an error" % table)

    # Made again as the README says, with the daemon stopped.
    rr = subprocess.run(["bash", "-e", "-c", blocks[0].replace(DOC_DB, w.db)],
                        capture_output=True, text=True, timeout=120)
    t.ok(rr.returncode == 0 and not rr.stderr, "%s: the README's repair runs" % table, rr.stderr)
    t.ok(w.fts_ok() is True, "%s: the index is whole again" % table, w.fts_ok())
    t.eq(w.sql("SELECT count(*) FROM stories_fts")[0][0], FEEDS * LATER,
         "%s: and holds every story" % table)
    t.eq(w.sql("SELECT sum(value = (SELECT max(id) FROM stories)) FROM meta"
               " WHERE key = 'fts_upto'")[0][0], 1, "%s: its watermark is the last story" % table)
    last = w.sql("SELECT title FROM stories ORDER BY id DESC LIMIT 1")[0][0]
    word = last.split(": ")[1].split()[0]
    s = subprocess.run([TIDINGS, "-d", w.db, "search", word], capture_output=True, text=True,
                       timeout=60)
    t.ok(s.returncode == 0 and last[:30] in s.stdout,
         "%s: `tidings search` finds a story stored while it was damaged" % table,
         s.stdout + s.stderr)

    for k in range(FEEDS):
        srv.put("/gen/%d.xml" % k, generated_rss(k, LATER + 5))
    r = w.run_once()
    t.eq(stderr_errors(r), [], "%s: the next run has no error" % table)
    t.eq(w.sql("SELECT count(*) FROM stories_fts")[0][0], FEEDS * (LATER + 5),
         "%s: and indexes its stories" % table)
    t.ok(w.fts_ok() is True, "%s: the index stays whole" % table)
    w.cleanup()

# The README's repair run while the daemon runs (it says to stop it first,
# but nothing keeps one from it): the daemon's watermark, from before,
# indexed the stories it had stored meanwhile a second time, and the index
# was malformed again.
urls = serve_generated(srv, FEEDS, FIRST, prefix="/live")
w = Workdir()
w.write_config(urls)
t.eq(w.run_once().returncode, 0, "live: the daemon fills a database")
w.damage("stories_fts_data", 1)
for k in range(FEEDS):
    srv.put("/live/%d.xml" % k, generated_rss(k, FIRST + 20))
con = __import__("sqlite3").connect(w.db)
con.execute("UPDATE feeds SET next_poll = 0")
con.commit()
con.close()
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait_for("the search index (stories_fts) is damaged"), "live: the daemon says it is damaged",
     log.text()[-1500:])
rr = subprocess.run(["bash", "-e", "-c", blocks[0].replace(DOC_DB, w.db)],
                    capture_output=True, text=True, timeout=120)
t.ok(rr.returncode == 0 and w.fts_ok() is True, "live: the README's repair runs", rr.stderr)
srv.put("/live/new.xml", generated_rss(FEEDS, 5))       # a new feed: stories to index
with open(w.feeds, "a") as f:
    f.write(srv.url("/live/new.xml") + "\n")
p.send_signal(signal.SIGHUP)
t.ok(log.wait_for("takes new stories again"), "live: the daemon indexes again", log.text()[-1500:])
p.send_signal(signal.SIGTERM)
t.eq(p.wait(60), 0, "live: the daemon stops")
t.ok(w.fts_ok() is True, "live: the index stays whole", w.fts_ok())
w.cleanup()
srv.stop()
t.done()
