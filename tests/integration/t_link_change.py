#!/usr/bin/env python3
"""An item whose link changes (a draft URL replaced by the final one, same
guid) is updated in place, and its canonical URL follows its link: the
same article in another feed under the new link is that story (level 2),
not a second one."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

TEXT = ("The regional council approved the new harbour expansion plan on Monday "
        "after a long debate about costs and the environmental impact on the bay.")
t = Tap()
srv = Server()
w = Workdir()


def one(link, text):
    return rss_doc("One", "https://one.example/", [
        {"guid": "g1", "title": "Harbour plan approved", "link": link, "text": text}])


srv.put("/one.xml", one("https://one.example/news/draft-123", TEXT))
srv.put("/two.xml", rss_doc("Two", "https://two.example/", []))
w.write_config([srv.url("/one.xml"), srv.url("/two.xml")])
t.eq(w.run_once().returncode, 0, "first run exits 0")
srv.put("/one.xml", one("https://one.example/news/harbour-plan-approved", TEXT + " Updated."))
t.eq(w.run_once().returncode, 0, "second run exits 0")
t.eq(w.sql("SELECT link, canonical_url FROM stories"),
     [("https://one.example/news/harbour-plan-approved",
       "https://one.example/news/harbour-plan-approved")],
     "the updated story's canonical URL is its new link's")

srv.put("/two.xml", rss_doc("Two", "https://two.example/", [
    {"guid": "t1", "title": "Council approves harbour plan",
     "link": "https://one.example/news/harbour-plan-approved?utm_source=two",
     "text": "The council said yes."}]))
t.eq(w.run_once().returncode, 0, "third run exits 0")
t.eq(w.sql("SELECT count(*) FROM stories")[0][0], 1, "the other feed's item is the same story")
t.eq(w.sql("SELECT count(*) FROM story_feeds")[0][0], 2, "seen in both feeds")

srv.stop()
w.cleanup()
t.done()
