/* feeds/parse.h — the XML stage: UTF-8 bytes of a feed document in, the
 * feedparser-shaped value tree out (see feeds/fv.h).  Internal to feeds/. */
#ifndef TIDINGS_PARSE_H
#define TIDINGS_PARSE_H

#include <stddef.h>

#include "feeds/fv.h"

struct parse_opts {
	const char *base;        /* document base URI, or NULL */
	const char *lang;        /* Content-Language, or NULL */
	const char *encoding;    /* what the bytes are (after detection) */
	/* Optional: streams the entries.  Each entry's dict goes to on_entry
	 * as soon as the entry ends (its element closes, the next one opens,
	 * or the document ends) and is freed when on_entry returns; the
	 * tree's "entries" list stays empty.  A document's memory is then
	 * its feed part plus one entry.  on_entry returns 0, or -1 for OOM
	 * (the parse fails). */
	int (*on_entry)(void *arg, struct fv *entry);
	void *on_entry_arg;
	/* the tests' oracle: libxml2 reads the document as it is, without
	 * the text taken out first (feeds/cdata.h) */
	int keep_text;
	/* Optional: the heap block buf lies in, which parse_feed_xml frees
	 * (as soon as it has its own copy of the document, else at the end):
	 * a big document is then not held twice while it is parsed. */
	char *own;
};

/* Parses buf (UTF-8, no BOM, XML declaration already neutralised) into
 * *out: a dict with bozo, bozo_exception, version, namespaces, feed,
 * entries.  Returns 0, or -1 on OOM (*out NULL). */
int parse_feed_xml(const char *buf, size_t len, const struct parse_opts *o,
                   struct fv **out);

#endif
