/* feeds/encoding.h — from the bytes on the wire to UTF-8: BOM, XML
 * declaration and HTTP charset, in the order feedparser applies them. */
#ifndef TIDINGS_ENCODING_H
#define TIDINGS_ENCODING_H

#include <stddef.h>

struct enc_result {
	char *utf8;          /* the document as UTF-8, inside mem */
	char *mem;           /* owned */
	size_t len;
	char encoding[48];   /* what it was read as, feedparser's spelling */
	int bozo;
	char *bozo_reason;   /* owned */
};

/* Decodes buf; never fails on bad input (marks bozo).  -1 on OOM. */
int enc_to_utf8(const char *buf, size_t len, const char *content_type, struct enc_result *r);
void enc_free(struct enc_result *r);

/* The base URI of the document: the Content-Location resolved against the
 * document URI when it is safe, else the document URI.  Owned, or NULL. */
char *enc_base_uri(const char *uri, const char *content_location);

#endif
