#!/usr/bin/env python3
"""stories.author is plain text (docs/schema.md).  arXiv's RSS 1.0 feeds
write each paper's byline as HTML, every author a link to the arXiv's
author search (<dc:creator> &lt;a href="..."&gt;Jane Doe&lt;/a&gt;, ...),
and a blog's CMS may wrap its author in a link inside CDATA: the stored
author was that markup, tags and addresses, for a reader to show as
text.  It is the text of the markup now; a name whose "<" is no tag
("Team <3 Cats", "a < b & c") is kept as written."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, Server, stored  # noqa: E402

t = Tap()
srv = Server()

RDF = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://arxiv.org/"><title>cs.CL updates on arXiv.org</title>
<link>http://arxiv.org/</link><description>cs.CL updates</description>
<items><rdf:Seq><rdf:li rdf:resource="http://arxiv.org/abs/2611.00123"/></rdf:Seq></items></channel>
<item rdf:about="http://arxiv.org/abs/2611.00123">
<title>Sparse Attention for Long Documents. (arXiv:2611.00123v1 [cs.CL])</title>
<link>http://arxiv.org/abs/2611.00123</link>
<description>&lt;p&gt;We propose a sparse attention scheme for long documents.&lt;/p&gt;</description>
<dc:creator> &lt;a href="http://arxiv.org/find/cs/1/au:+Doe_J/0/1/0/all/0/1"&gt;Jane Doe&lt;/a&gt;, &lt;a href="http://arxiv.org/find/cs/1/au:+Roe_J/0/1/0/all/0/1"&gt;John Roe&lt;/a&gt;</dc:creator>
</item></rdf:RDF>
"""
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Harbour Blog</title><link>https://blog.harbour.example/</link>
<item><title>The new ferry timetable</title><link>https://blog.harbour.example/ferry</link>
<description>Boats every twenty minutes.</description>
<dc:creator><![CDATA[<a href="https://blog.harbour.example/author/jo">Jo Bloggs</a>]]></dc:creator></item>
<item><title>Cat cafe opens on the quay</title><link>https://blog.harbour.example/cats</link>
<description>Coffee with cats.</description><dc:creator>Team &lt;3 Cats</dc:creator></item>
<item><title>Sums for the harbour budget</title><link>https://blog.harbour.example/sums</link>
<description>Where the money goes.</description><dc:creator>a &lt; b &amp; c</dc:creator></item>
</channel></rss>
"""

w = stored(t, srv, {"/arxiv.xml": (RDF, "application/rdf+xml"),
                    "/blog.xml": (RSS, "application/rss+xml")})
t.eq(w.sql("SELECT author FROM stories WHERE link = 'http://arxiv.org/abs/2611.00123'"),
     [("Jane Doe, John Roe",)], "arXiv's byline of links is its authors' names")
t.eq(w.sql("SELECT author FROM stories WHERE link LIKE '%/ferry'"), [("Jo Bloggs",)],
     "an author wrapped in a link is its name")
t.eq(sorted(w.sql("SELECT author FROM stories WHERE link LIKE '%/cats' OR link LIKE '%/sums'")),
     [("Team <3 Cats",), ("a < b & c",)], "a name whose '<' is no tag is kept")

srv.stop()
w.cleanup()
t.done()
