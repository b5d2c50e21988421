#!/usr/bin/env python3
"""export-opml writes XML for any feed title the database holds: a feed
whose escaped-HTML title names U+FFFE or U+FFFF by character reference
(stored as that character; it is UTF-8) or holds a byte that is not
UTF-8 exports as U+FFFD there, and the file reads back through
`tidings check` (the daemon's own feed-list loader)."""
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, need_programs, TIDINGS, TIDINGSD  # noqa: E402

t = Tap()
need_programs(t, TIDINGS, TIDINGSD)
srv = Server()
srv.put("/a.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        '<title>Odd &amp;#xFFFE; &amp;#xFFFF; news</title><link>http://odd.example/</link>'
        '<item><title>One</title><link>http://odd.example/1</link><description>x</description>'
        '</item></channel></rss>')
srv.put("/b.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        '<title>Plain</title><link>http://plain.example/</link></channel></rss>')
w = Workdir()
w.write_config([srv.url("/a.xml"), srv.url("/b.xml")])
t.eq(w.run_once().returncode, 0, "the feeds are polled")
t.eq(w.sql("SELECT title FROM feeds WHERE url = ?", (srv.url("/a.xml"),)),
     [("Odd \ufffe \uffff news",)], "the feed's title holds U+FFFE and U+FFFF")
# A title that is not UTF-8 at all, as another program might have left it.
con = sqlite3.connect(w.db)
con.execute("UPDATE feeds SET title = CAST(X'506c61696e20ff21' AS TEXT) WHERE url = ?",
            (srv.url("/b.xml"),))
con.commit()
con.close()

r = subprocess.run([TIDINGS, "-d", w.db, "export-opml"], capture_output=True)
t.eq(r.returncode, 0, "export-opml exits 0")
try:
    root = ET.fromstring(r.stdout)
    texts = sorted(o.get("text") for o in root.iter("outline") if o.get("xmlUrl"))
except ET.ParseError as e:
    texts = str(e)
t.eq(texts, ["Odd \ufffd \ufffd news", "Plain \ufffd!"],
     "the export is well-formed XML, U+FFFD for what XML cannot hold")
opml = os.path.join(w.dir, "export.opml")
with open(opml, "wb") as f:
    f.write(r.stdout)
conf = os.path.join(w.dir, "check.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndatabase = %s\nfeeds = %s\n" % (os.path.join(w.dir, "other.db"), opml))
r = subprocess.run([TIDINGS, "check", "-c", conf], capture_output=True, text=True)
t.eq((r.returncode, r.stderr), (0, ""), "tidings check reads the export back as a feed list")

srv.stop()
w.cleanup()
t.done()
