#!/usr/bin/env python3
"""A desk's label heading a headline ("UPDATE 2-", "REFILE-UPDATE 3-",
"EXCLUSIVE-", "CORRECTED-") is no keyword of its thread (docs/threads.md,
"Titles, keywords, counts"), through the real daemon.

One wire's story in five versions, as Reuters files them: the first
headline, then "UPDATE 1-", "UPDATE 2-", "UPDATE 3-" and
"REFILE-UPDATE 3-" over it.  The label is written in capitals, so it
counts as a name (an acronym) and weighs more than the headline's
words: `threads.keywords` started with "UPDATE" (and "REFILE" came
next).  The labels stay in the clusterer's vector (threads.md, session
21); they only leave the keywords.  Where the word is the story's
("Apple releases iOS 7.1 update", "EXCLUSIVE-Apple's iOS update fixes
the flaw") it is a keyword as before."""
import email.utils
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, Workdir, rss_doc  # noqa: E402

T0 = 1793491200
P = ["LONDON, Nov 1 (Reuters) - Oil prices jumped more than 4% on Sunday after OPEC and its allies "
     "agreed to deepen output cuts by a further 1 million barrels per day from January.",
     "Brent crude futures rose $3.40 to $84.10 a barrel by 1015 GMT, while U.S. West Texas "
     "Intermediate crude gained $3.15 to $79.60.",
     "Saudi Arabia's energy minister said the group would do whatever is necessary to support "
     "the market, according to delegates at the meeting in Vienna.",
     "Analysts at Goldman Sachs raised their forecast for the first quarter, citing tighter "
     "supplies and strong demand from China and India.",
     "Shares of oil majors rose in early trade, with BP and Shell up more than 2% in London."]
TITLES = ["Oil jumps as OPEC+ agrees deeper output cuts",
          "UPDATE 1-Oil jumps as OPEC+ agrees deeper output cuts",
          "UPDATE 2-Oil jumps over 4% as OPEC+ agrees deeper output cuts",
          "UPDATE 3-Oil surges as OPEC+ deepens cuts; Goldman raises forecast",
          "REFILE-UPDATE 3-Oil surges as OPEC+ deepens cuts; Goldman raises forecast"]
IOS = [("tech.example", "Apple releases iOS 7.1 update",
        "Apple on Monday released the iOS 7.1 update for iPhone and iPad, with CarPlay and a faster interface."),
       ("gadgets.example", "iOS 7.1 update now available",
        "The iOS 7.1 update brings CarPlay, Siri changes and fixes for iPhone and iPad."),
       ("wire.example", "EXCLUSIVE-Apple's iOS 7.1 update fixes CarPlay flaw",
        "Apple's iOS 7.1 update fixes a CarPlay flaw found in the iPhone beta, sources said.")]


def date(k):
    return email.utils.formatdate(T0 + k * 3600, usegmt=True)


t = Tap()
srv = Server()
# Two databases: the wire's story alone (as an agency's feed is), and
# the iOS stories, whose "update" would make the word common in the
# first one's IDF.
w = Workdir()
w.write_config([srv.url("/reuters.xml")], extra="retention = 0")
items = []
for k, title in enumerate(TITLES):
    items.insert(0, {"guid": "r-%d" % k, "title": title, "link": "https://www.reuters.com/markets/oil-%d" % k,
                     "text": " ".join(P[:k + 1]), "date": date(k)})
    srv.put("/reuters.xml", rss_doc("Reuters", "https://www.reuters.com/", items))
    r = w.run_once()
    if r.returncode:
        t.ok(False, "round %d: the run exits 0" % k, r.stderr[-2000:])
        break
w2 = Workdir()
w2.write_config([srv.url("/%s.xml" % h) for h, _, _ in IOS], extra="retention = 0\nconcurrency = 1")
for i, (host, ititle, text) in enumerate(IOS):
    srv.put("/%s.xml" % host, rss_doc(host, "https://%s/" % host,
                                      [{"guid": "i-%d" % i, "title": ititle, "text": text,
                                        "link": "https://%s/ios" % host, "date": date(i)}]))
r = w2.run_once()
t.eq(r.returncode, 0, "the iOS run exits 0")

oil = w.sql("SELECT DISTINCT t.story_count, t.keywords FROM stories s JOIN threads t ON t.id = s.thread_id"
            " WHERE s.host = 'reuters.com'")
t.eq([n for n, _ in oil], [5], "the five versions are one thread")
kw = oil[0][1].split(", ") if oil and oil[0][1] else []
t.ok(kw and not {"UPDATE", "REFILE", "Update", "Refile", "update", "refile"} & set(kw),
     "no desk's label among its keywords", kw)
t.ok("OPEC" in kw or "Oil" in kw or "oil" in kw, "... which name the story", kw)
ios = w2.sql("SELECT DISTINCT t.story_count, t.keywords FROM stories s JOIN threads t ON t.id = s.thread_id"
            " WHERE s.link LIKE '%/ios'")
t.eq([n for n, _ in ios], [3], "the three iOS stories are one thread")
ikw = ios[0][1].split(", ") if ios and ios[0][1] else []
t.ok("update" in ikw, "where \"update\" is the story's word it is a keyword", ikw)
t.ok("EXCLUSIVE" not in ikw and "Exclusive" not in ikw, "... and the label heading one is not", ikw)

srv.stop()
w.cleanup()
w2.cleanup()
t.done()
