#!/usr/bin/env python3
"""export-opml writes XML for any feed title the database holds: a feed
whose escaped-HTML title names U+FFFE or U+FFFF by character reference
(stored as that character; it is UTF-8) or holds a byte that is not
UTF-8 exports as U+FFFD there, and the file reads back through
`tidings check` (the daemon's own feed-list loader); a folder name of any
length, or with blanks around a '/', reads back whole."""
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

# A folder name of over 1 KiB: it was cut at 1,023 bytes, here inside a
# character, and the export read back as another category.
w2 = Workdir()
folder = "-".join(["\u00c4rger"] * 300)
w2.feeds = os.path.join(w2.dir, "feeds.opml")
with open(w2.feeds, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head/><body>'
            '<outline text="%s"><outline text="Sub"><outline text="Plain" xmlUrl="%s"/>'
            '</outline></outline></body></opml>' % (folder, srv.url("/b.xml")))
with open(w2.conf, "w") as f:
    f.write("[daemon]\ndatabase = %s\nfeeds = %s\n" % (w2.db, w2.feeds))
t.eq(w2.run_once().returncode, 0, "a feed filed under a folder of %d bytes is polled"
     % len(folder.encode()))
r = subprocess.run([TIDINGS, "-d", w2.db, "export-opml"], capture_output=True)
w3 = Workdir()
with open(w3.feeds, "wb") as f:
    f.write(r.stdout)
with open(w3.conf, "w") as f:
    f.write("[daemon]\ndatabase = %s\nfeeds = %s\n" % (w3.db, w3.feeds))
t.eq(w3.run_once().returncode, 0, "its export serves as a feed list")
got = w3.sql("SELECT category FROM feeds")
t.ok(got == w2.sql("SELECT category FROM feeds") == [(folder + "/Sub",)],
     "and reads back to the same long category",
     "got %r bytes" % [len(c.encode()) if c else None for (c,) in got])
w2.cleanup()
w3.cleanup()

# A folder named "Science / Tech" (and such a category attribute): the
# export nested it as folders "Science " and " Tech", whose names the
# list's reader trims, and the category read back as "Science/Tech".
w4 = Workdir()
w4.feeds = os.path.join(w4.dir, "feeds.opml")
with open(w4.feeds, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head/><body>'
            '<outline text="News"><outline text="Science / Tech">'
            '<outline text="Odd" xmlUrl="%s"/></outline></outline>'
            '<outline text="Plain" category="Music /Rock" xmlUrl="%s"/>'
            '</body></opml>' % (srv.url("/a.xml"), srv.url("/b.xml")))
with open(w4.conf, "w") as f:
    f.write("[daemon]\ndatabase = %s\nfeeds = %s\n" % (w4.db, w4.feeds))
t.eq(w4.run_once().returncode, 0, "feeds filed under folders with blanks around a '/' are polled")
q = "SELECT url, category FROM feeds ORDER BY url"
t.eq(w4.sql(q), [(srv.url("/a.xml"), "News/Science / Tech"), (srv.url("/b.xml"), "Music /Rock")],
     "their categories as the list gives them")
r = subprocess.run([TIDINGS, "-d", w4.db, "export-opml"], capture_output=True)
w5 = Workdir()
with open(w5.feeds, "wb") as f:
    f.write(r.stdout)
with open(w5.conf, "w") as f:
    f.write("[daemon]\ndatabase = %s\nfeeds = %s\n" % (w5.db, w5.feeds))
t.eq(w5.run_once().returncode, 0, "their export serves as a feed list")
t.eq(w5.sql(q), w4.sql(q), "and reads back to the same categories")
w4.cleanup()
w5.cleanup()

srv.stop()
w.cleanup()
t.done()
