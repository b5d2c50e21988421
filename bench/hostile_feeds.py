#!/usr/bin/env python3
"""bench/hostile_feeds.py DIR — writes documents that cost a careless XML
feed parser minutes, for `parse_bench DIR 1 --each` (make bench-parse):

  crowded-xml.xml    an <item> with 100,000 attributes (1 MB): libxml2 2.9
                     checks each against the ones before it
  crowded-html.xml   an escaped HTML <p> with 200,000 attributes in a
                     description (5 MB), for the sanitiser
  dtd-defaults.xml   <!ATTLIST item> declaring 20,000 defaulted attributes,
                     applied (and checked pairwise) on every <item>
  deep-html.xml      200,000 nested <div>s in a description
  entity-text.xml    500,000 &amp;amp; in a description
  elements.xml       100,000 distinct unknown elements in the channel (one
                     dict of 100,000 keys)
  categories.xml     5,200 items of 64 distinct categories each (repeats
                     are dropped by comparing with the ones before)
  ns-scope.xml       62,500 namespace declarations on 250 nested elements,
                     then 200,000 prefixed elements: libxml2 looks each
                     prefix up through every declaration in scope

Each must parse (or be refused) in well under a second."""
import html
import os
import sys


def rss(items, before="", chan=""):
    return ('<?xml version="1.0"?>\n%s<rss version="2.0"><channel><title>hostile</title>%s%s'
            "</channel></rss>\n" % (before, chan, "".join(items)))


def item(n, desc="d", attrs=""):
    return ("<item%s><title>t%d</title><link>http://example.com/%d</link>"
            "<description>%s</description></item>" % (attrs, n, n, desc))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/parser-hostile"
    os.makedirs(out, exist_ok=True)
    docs = {
        "crowded-xml.xml": rss([item(1, attrs=" " + " ".join('a%d=""' % i for i in range(100000)))]),
        "crowded-html.xml": rss([item(1, html.escape("<p " + " ".join('a%d="%d"' % (i, i) for i in range(200000)) + ">x</p>"))]),
        "dtd-defaults.xml": rss([item(i) for i in range(2)],
                                "<!DOCTYPE rss [<!ATTLIST item %s>]>\n" %
                                " ".join('a%d CDATA "x"' % i for i in range(20000))),
        "deep-html.xml": rss([item(1, html.escape("<div>" * 200000 + "x" + "</div>" * 200000))]),
        "entity-text.xml": rss([item(1, "&amp;amp;" * 500000)]),
        "elements.xml": rss([item(1)], chan="".join("<x%d>v</x%d>" % (i, i) for i in range(100000))),
        "categories.xml": rss(["<item><title>t%d</title>%s</item>" %
                               (j, "".join("<category>c%d</category>" % i for i in range(64)))
                               for j in range(5200)]),
        "ns-scope.xml": rss([item(1)], chan="".join(
            "<x%d %s>" % (d, " ".join('xmlns:p%d_%d="u%d"' % (d, k, k) for k in range(250)))
            for d in range(250)) + "<p0_0:a/>" * 200000 + "".join("</x%d>" % d for d in reversed(range(250)))),
    }
    for name, text in docs.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
