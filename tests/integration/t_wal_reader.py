#!/usr/bin/env python3
"""A reader that keeps one read transaction open for a whole cycle (a
report left running, a shell inside BEGIN): SQLite cannot copy past the
snapshot it reads, so the -wal grows with what the daemon writes
meanwhile; the reader still sees its snapshot and the daemon stores
everything.  Once the reader ends, the WAL starts over: a second cycle
as large as the first does not grow the file further (it keeps its
largest size until the daemon stops), and the daemon's stop empties it."""
import os
import signal
import struct
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, StderrLog, serve_generated  # noqa: E402

N, ITEMS = 80, 40
t = Tap()
srv = Server()
urls = serve_generated(srv, 2 * N, ITEMS)
w = Workdir()
w.write_config(urls[:1])
t.eq(w.run_once().returncode, 0, "a database with one feed")
wal = w.db + "-wal"

reader = sqlite3.connect("file:%s?mode=ro" % w.db, uri=True, isolation_level=None, timeout=10)
reader.execute("BEGIN")
held = reader.execute("SELECT count(*) FROM stories").fetchone()[0]

w.write_config(urls[:N + 1], extra="concurrency = 8\nper_host = 8\n")
p = w.start(stderr=subprocess.PIPE)
log = StderrLog(p)
t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM feeds WHERE last_fetch IS NOT NULL")[0][0]
              == N + 1, deadline=120), "the first cycle ends", log.text())
t.eq(reader.execute("SELECT count(*) FROM stories").fetchone()[0], held,
     "the reader still sees its snapshot")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], (N + 1) * ITEMS,
     "the daemon stored everything meanwhile")


def wal_seq():
    """The WAL header's checkpoint sequence: one more at each restart."""
    with open(wal, "rb") as f:
        return struct.unpack(">I", f.read(16)[12:16])[0]


seq = wal_seq()
peak = os.path.getsize(wal)
t.ok(peak > 8 << 20, "the -wal grew while the reader held it (%d bytes)" % peak)
reader.execute("COMMIT")
reader.close()

# As much again, through a reload that adds N new feeds.
w.write_config(urls, extra="concurrency = 8\nper_host = 8\n")
p.send_signal(signal.SIGHUP)
t.ok(log.wait(lambda s: w.sql("SELECT count(*) FROM feeds WHERE last_fetch IS NOT NULL")[0][0]
              == 2 * N, deadline=120), "a second cycle as large", log.text())
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], (2 * N) * ITEMS, "stored too")
second = os.path.getsize(wal)
t.ok(wal_seq() > seq, "the WAL started over")
# Without a restart it would grow by the second cycle's writes, as much
# again.
t.ok(second <= peak + (1 << 20), "the -wal did not grow with the second cycle: %d bytes, %d"
     " at the end of the first" % (second, peak))
p.send_signal(signal.SIGTERM)
t.eq(p.wait(timeout=60), 0, "SIGTERM: exit 0")
log.thread.join(10)
t.eq(os.path.getsize(wal), 0, "the stop empties the -wal")
t.eq(w.sql("PRAGMA quick_check"), [("ok",)], "the database is intact")
t.eq(log.count("error:") + log.count("warning:"), 0, "nothing to warn about", )
w.cleanup()
srv.stop()
t.done()
