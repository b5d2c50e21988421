/* feeds/entities.h — lookup of HTML named character references (&eacute;
 * ...), for documents that use them without declaring them. */
#ifndef TIDINGS_ENTITIES_H
#define TIDINGS_ENTITIES_H

#include <stddef.h>

/* The code point of the entity `name` (without & and ;), or -1.  With
 * html4_only, only the HTML 4 names count (feedparser's table). */
int entity_lookup(const char *name, int html4_only);
int entity_lookup_n(const char *name, size_t n, int html4_only);

#endif
