#!/usr/bin/env python3
"""Makes tests/data/db/vN.db: a database written by the tidings of schema
version N, with data in it, for the migration test (t_migrate.py).

    TIDINGS_BUILD=DIR_WITH_OLD_tidingsd python3 tests/data/db/make_db.py OUT.db

It serves the spine feeds (RSS 2.0, Atom 1.0, RSS 1.0) and a second RSS
feed carrying two of the same articles (story_feeds rows across feeds) and
a wire copy of one under another publisher's URL (a near-duplicate), runs
`tidingsd --once` twice, then VACUUMs the file into OUT.db.  v1.db was
made with the tidings of commit 0df15a3 (schema version 1), v2.db with that
of commit fca3d69 (schema version 2), v3.db with that of commit cc11374
(schema version 3), v4.db with that of commit b9f08fc (schema version 4),
v5.db with that of commit e2fc0ce (schema version 5), v6.db with that of
commit 83524e3 (schema version 6), v7.db with that of commit ed4116b
(schema version 7)."""
import os
import shutil
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))
from harness import Server, Workdir, read  # noqa: E402

MIRROR = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Mirror</title><link>https://mirror.example/</link>
<item><title>Port strike ends after nine days of talks</title>
<link>https://gazette.example/world/port-strike-ends?utm_source=mirror</link>
<guid>mirror-1</guid><pubDate>Sat, 07 Nov 2026 09:00:00 GMT</pubDate>
<description>The strike at the port ended on Saturday after nine days of talks between the union and the operators.</description></item>
<item><title>Ferry timetable changes for the winter season</title>
<link>https://gazette.example/world/ferry-winter</link>
<guid>mirror-2</guid><pubDate>Sat, 07 Nov 2026 10:20:00 GMT</pubDate>
<description>Winter ferry timetables start next week.</description></item>
<item><title>Harbour cranes return to work as strike ends</title>
<link>https://copies.example/2026/11/07/cranes</link>
<guid>mirror-3</guid><pubDate>Sat, 07 Nov 2026 11:00:00 GMT</pubDate>
<description>%s</description></item>
</channel></rss>"""


def main():
    out = sys.argv[1]
    srv = Server()
    srv.put("/rss20.xml", read("spine/rss20.xml"), "application/rss+xml")
    srv.put("/atom.xml", read("spine/atom10.xml"), "application/atom+xml")
    srv.put("/rss10.xml", read("spine/rss10.xml"), "application/rdf+xml")
    wire = read("dedup/wire_original.txt").decode().strip()
    srv.put("/mirror.xml", (MIRROR % wire).encode(), "application/rss+xml")
    srv.put("/wire.xml", (MIRROR.replace("mirror-", "wire-").replace("copies.example", "wire.example")
                          % wire).encode(), "application/rss+xml")
    w = Workdir(prefix="tidings-mkdb-")
    w.write_config([srv.url(p) for p in ("/rss20.xml", "/atom.xml", "/rss10.xml",
                                          "/mirror.xml", "/wire.xml")])
    for _ in range(2):
        r = w.run_once()
        if r.returncode != 0:
            sys.exit("tidingsd --once failed: " + r.stderr)
    con = sqlite3.connect(w.db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if os.path.exists(out):
        os.unlink(out)
    con.execute("VACUUM INTO ?", (out,))
    con.close()
    w.cleanup()
    srv.stop()
    print("wrote", out)


if __name__ == "__main__":
    main()
