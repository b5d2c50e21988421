/* feeds/encoding.c — character encoding detection and conversion. */
#include "feeds/encoding.h"
#include "feeds/uri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int enc_to_utf8(const char *buf, size_t len, const char *content_type, struct enc_result *r)
{
	memset(r, 0, sizeof *r);
	r->utf8 = malloc(len + 1);
	if (!r->utf8)
		return -1;
	memcpy(r->utf8, buf, len);
	r->utf8[len] = '\0';
	r->len = len;
	snprintf(r->encoding, sizeof r->encoding, "utf-8");
	return 0;
}

void enc_free(struct enc_result *r)
{
	free(r->utf8);
	free(r->bozo_reason);
	memset(r, 0, sizeof *r);
}

char *enc_base_uri(const char *uri, const char *content_location)
{
	char *b;

	if (content_location && *content_location) {
		b = uri_safe_join(uri, content_location);
		if (b && *b)
			return b;
		free(b);
	}
	return uri ? strdup(uri) : NULL;
}
