/* feeds/cdata.h — escaped text handed to libxml2 as CDATA sections, which
 * it reads in one piece instead of character by character (feeds/parse.c
 * runs it before the parse).  Internal to feeds/. */
#ifndef TIDINGS_FEEDS_CDATA_H
#define TIDINGS_FEEDS_CDATA_H

#include <stddef.h>

/* Rewrites the element content of buf (UTF-8, starting with the
 * declaration enc_to_utf8() puts in front) so that each run of text with
 * predefined or character references, or non-ASCII characters, is one
 * CDATA section holding the same characters: "&lt;p&gt;café" becomes
 * "<![CDATA[<p>café]]>".  libxml2 then hands the parser's callbacks the
 * same text (in fewer pieces) and reports the same errors on the same
 * lines, because only what it would read without an error is rewritten:
 * the scan stops at the first construct it does not check completely.
 * Returns 1 with *out (malloc'd, the caller frees it) and *outlen when
 * something was rewritten, 0 when nothing was, -1 when out of memory. */
int cdata_rewrite(const char *buf, size_t len, char **out, size_t *outlen);

#endif
