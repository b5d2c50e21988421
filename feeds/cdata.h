/* feeds/cdata.h — the text of a feed document read before libxml2 reads
 * it, which then sees one short CDATA section in its place (feeds/parse.c
 * runs it before the parse).  Internal to feeds/. */
#ifndef TIDINGS_FEEDS_CDATA_H
#define TIDINGS_FEEDS_CDATA_H

#include <stddef.h>
#include <stdint.h>

/* What every piece of text taken out is replaced by: one CDATA section,
 * "<![CDATA[x" + as many newlines as the piece held + "]]>" (so that
 * libxml2 counts the same lines), which libxml2 hands to the parser's
 * cdataBlock callback in one call or, past a piece of the input, several
 * (see on_cdata() in parse.c). */
#define CDATA_MARK_OPEN "<![CDATA[x"
#define CDATA_MARK_CLOSE "]]>"

/* (documents are under 2 GiB: 32 bits each, 16 bytes a piece, which
 * can be one for every 60 bytes of a document) */
struct cdata_piece {
	uint32_t at;        /* where its mark is in doc */
	uint32_t off, len;  /* its characters: text + off, len bytes */
	uint32_t lines;     /* the newlines in its mark */
};

struct cdata_doc {
	char *doc;          /* what libxml2 is to read */
	size_t len;
	char *text;         /* the pieces' characters, back to back */
	struct cdata_piece *pieces;     /* in document order */
	size_t n, cap;
	/* the scan read the whole document: every '&' is a reference that
	 * prescan_fix_ampersands() leaves alone, and no tag is one that
	 * prescan_crowded() refuses, so neither needs to run */
	int clean;
};

/* Takes out of buf (UTF-8, starting with the declaration enc_to_utf8()
 * puts in front) each run of element content that holds a reference or a
 * non-ASCII character, and each CDATA section, with its characters as
 * libxml2 would hand them to the parser ("&lt;p&gt;café" gives
 * "<p>café"), and puts a mark in its place.  The parser then takes
 * the i-th cdataBlock callback for pieces[i] (see on_cdata() in parse.c);
 * libxml2 reports the same errors on the same lines, because only what
 * it would read without an error is taken: the scan stops at the first
 * construct it does not check completely, and the rest of the document
 * is left as it is (all of it from 1 GiB on).  Returns 1 with *d filled (cdata_free() releases it)
 * when something was taken, 0 when nothing was (only d->clean is set),
 * -1 when out of memory. */
int cdata_rewrite(const char *buf, size_t len, struct cdata_doc *d);
void cdata_free(struct cdata_doc *d);

#endif
