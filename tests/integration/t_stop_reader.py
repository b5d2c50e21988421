#!/usr/bin/env python3
"""The daemon stops while another program has the database open (a
dashboard's connection, idle between its queries): the -wal it leaves is
empty and checkpointed all the same (docs/schema.md, "Basics"), so that
tidings.db alone holds every story.  SQLite checkpoints and empties the
WAL only when it closes the last connection, and the reader's made the
daemon's not the last: every commit since the last checkpoint stayed in
the -wal alone.  A reader inside a read transaction at the stop keeps its
snapshot, and the daemon exits as usual."""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Tap, Server, Workdir, StderrLog, serve_generated,  # noqa: E402
                     generated_rss, need_programs, TIDINGSD)

N_FEEDS, N_ITEMS = 6, 20
t = Tap()
need_programs(t, TIDINGSD)
srv = Server()
urls = serve_generated(srv, N_FEEDS, N_ITEMS)
w = Workdir()
wal = w.db + "-wal"


def file_alone():
    """The stories a copy of tidings.db alone holds (no -wal beside it)."""
    copy = os.path.join(w.dir, "copy.db")
    for f in (copy, copy + "-wal", copy + "-shm"):
        if os.path.exists(f):
            os.unlink(f)
    shutil.copy(w.db, copy)
    con = sqlite3.connect(copy)
    try:
        return con.execute("SELECT count(*) FROM stories").fetchone()[0]
    finally:
        con.close()


class Reader:
    """Another program with the database open: a process of its own (a
    close of any descriptor of a file drops all of a process's locks on it,
    so this one's copies of tidings.db would end the reader's).  It runs
    the statements it is sent, one a line, on one connection and answers
    each with its first column; between them it is idle, in no
    transaction unless sent BEGIN."""

    def __init__(self, db):
        self.p = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
            import sqlite3, sys
            con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=5,
                                  isolation_level=None)
            for line in sys.stdin:
                row = con.execute(line).fetchone()
                print(row[0] if row else "", flush=True)
            """), db], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, sql):
        self.p.stdin.write(sql + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def close(self):
        self.p.stdin.close()
        return self.p.wait(timeout=60)


w.write_config(urls[:1])
t.eq(w.run_once().returncode, 0, "a first feed is stored")
COUNT = "SELECT count(*) FROM stories"
reader = Reader(w.db)
t.eq(reader(COUNT), str(N_ITEMS), "a reader opens the database and keeps it open")

# --once: the stop at the end of the run.
w.write_config(urls[:3])
t.eq(w.run_once().returncode, 0, "tidingsd --once stores two feeds more")
t.eq(os.path.getsize(wal), 0, "its stop emptied the -wal although the reader has the database open")
t.eq(file_alone(), 3 * N_ITEMS, "tidings.db alone holds every story")

# The service's stop: SIGTERM to the running daemon.
w.write_config(urls)
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM feeds WHERE last_fetch IS NOT NULL")[0][0]
              == N_FEEDS), "the daemon polls the rest", log.text())
p.send_signal(signal.SIGTERM)
t.eq(p.wait(timeout=60), 0, "SIGTERM: exit 0")
log.thread.join(10)
t.eq(os.path.getsize(wal), 0, "the stop emptied the -wal")
t.eq(file_alone(), N_FEEDS * N_ITEMS, "tidings.db alone holds every story")
t.eq(reader(COUNT), str(N_FEEDS * N_ITEMS), "the reader, open throughout, reads them all")

# A reader inside a read transaction at the stop keeps what it reads.
srv.put("/gen/extra.xml", generated_rss(N_FEEDS, N_ITEMS))
w.write_config(urls + [srv.url("/gen/extra.xml")])
reader("BEGIN")
held = reader(COUNT)
r = w.run_once()
t.eq(r.returncode, 0, "a run that ends while a reader is inside a read transaction exits 0")
t.eq(reader(COUNT), held, "the reader still reads its snapshot")
reader("COMMIT")
t.eq(reader(COUNT), str((N_FEEDS + 1) * N_ITEMS), "and, its transaction over, everything stored")
t.eq(reader.close(), 0, "the reader saw no error")
t.eq(w.sql("PRAGMA quick_check"), [("ok",)], "the database is intact")
srv.stop()
w.cleanup()
t.done()
