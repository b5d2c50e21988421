/* config/internal.h — helpers shared by config.c and feedlist.c only;
 * nothing outside config/ includes this. */
#ifndef TIDINGS_CONFIG_INTERNAL_H
#define TIDINGS_CONFIG_INTERNAL_H

#include <stddef.h>

/* Reads a whole regular file of at most `max` bytes into a NUL-terminated
 * buffer the caller frees; *lenp gets its length.  On error returns NULL
 * with "cannot open: REASON" (or "cannot read: ...", "file too large ...")
 * in err. */
char *config_slurp(const char *path, size_t max, size_t *lenp, char *err,
                   size_t errlen);

#endif
