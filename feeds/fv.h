/* feeds/fv.h — a small value tree (string, integer, time, dict, list) in
 * the shape of feedparser's result.  The parser builds one per document;
 * `tidings parse --json` prints it and feed.c derives struct feed from it.
 * Ownership: a dict/list owns its items, an item owns its key and value;
 * fv_free() releases a whole subtree. */
#ifndef TIDINGS_FV_H
#define TIDINGS_FV_H

#include <stddef.h>
#include <stdint.h>

enum fv_type { FV_NULL, FV_STR, FV_INT, FV_BOOL, FV_TIME, FV_MSEC, FV_NUM, FV_DICT, FV_LIST };

struct fv;
struct fv_arena;

struct fv_item {
	char *key;      /* NULL in lists */
	unsigned hash;  /* of key: lookups compare this before the string */
	int key_static; /* key is a string literal (interned), not owned */
	struct fv *val;
};

struct fv {
	/* laid out small (48 bytes): a tree has tens of thousands of them */
	unsigned char type;       /* enum fv_type */
	unsigned char in_arena, items_in_arena; /* freed with their arena */
	unsigned char s_borrowed; /* s belongs to another node (fv_str_ref) */
	uint32_t n, cap;          /* FV_DICT, FV_LIST: items used, allocated */
	union {
		char *s;                /* FV_STR */
		struct fv_index *idx;   /* FV_DICT of many keys: a hash index of
		                           its items (fv.c), or NULL */
	};
	union {
		int64_t i;  /* FV_INT, FV_BOOL, FV_TIME (Unix seconds UTC),
		               FV_MSEC (a duration in milliseconds) */
		double d;   /* FV_NUM */
	};
	struct fv_item *items;    /* FV_DICT, FV_LIST */
	struct fv_arena *owns;  /* a root (not in_arena): the arena it owns and
	                           its subtree lives in; a node in an arena:
	                           that arena (not owned) */
};

/* Arenas: while an arena is in use on the calling thread, every node,
 * text and item array the fv_* functions create comes from it, and
 * fv_free() leaves them alone; freeing the root that owns the arena
 * releases it in one go.  The parser builds each document's tree this
 * way (a tree is tens of thousands of small allocations). */
struct fv_arena *fv_arena_new(void);
void fv_arena_use(struct fv_arena *a);     /* NULL: back to malloc */
struct fv_arena *fv_arena_current(void);   /* the one in use, or NULL */
void fv_arena_free(struct fv_arena *a);
/* Empties a for reuse: its nodes are gone (fv_free them first when they
 * hold heap memory).  A tree may span arenas: a dict's items, keys and
 * the values put into it always live in the dict's own arena (a value
 * from another arena is copied), so resetting one arena (a document's
 * current entry) leaves no pointer into it from the others. */
void fv_arena_reset(struct fv_arena *a);
/* size bytes from arena a (align: a power of two up to max_align_t),
 * whether or not it is in use; NULL on OOM */
void *fv_arena_alloc(struct fv_arena *a, size_t size, size_t align);

struct fv *fv_new(enum fv_type t);
struct fv *fv_str(const char *s);           /* copies s; NULL -> "" */
struct fv *fv_strn(const char *s, size_t n);
struct fv *fv_str_own(char *s);             /* takes s */
/* A string node that points at s without owning or copying it: one copy
 * of a text shared by two nodes of one tree (s must outlive the node,
 * e.g. the text of another node in the same arena). */
struct fv *fv_str_ref(const char *s);
struct fv *fv_int(int64_t i);
struct fv *fv_time(int64_t t);
struct fv *fv_num(double d);
void fv_free(struct fv *v);

/* Dicts: fv_set replaces an existing key (freeing the old value) and takes
 * ownership of val; it returns val (NULL when val was NULL / on OOM). */
struct fv *fv_get(const struct fv *d, const char *key);
const char *fv_get_str(const struct fv *d, const char *key); /* or NULL */
struct fv *fv_set(struct fv *d, const char *key, struct fv *val);
void fv_set_str(struct fv *d, const char *key, const char *s);
void fv_del(struct fv *d, const char *key);
struct fv *fv_dict(struct fv *d, const char *key);  /* get or add a dict */
struct fv *fv_list(struct fv *d, const char *key);  /* get or add a list */

/* Lists: takes ownership of val, returns it. */
struct fv *fv_push(struct fv *l, struct fv *val);
struct fv *fv_last(const struct fv *l);     /* or NULL */
struct fv *fv_copy(const struct fv *v);

/* Moves the text out of a string node (which becomes FV_NULL); the
 * caller owns the result.  NULL when v is not a string. */
char *fv_take_str(struct fv *v);

#endif
