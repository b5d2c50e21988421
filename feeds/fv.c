/* feeds/fv.c — the value tree.  Dicts are small (tens of keys), so lookup
 * is a linear scan in insertion order, which also keeps output order. */
#include "feeds/fv.h"

#include "feeds/strtab.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The keys every feed repeats are interned: no copy per dict item. */
static const char *const common_keys[] = {
	"title", "title_detail", "summary", "summary_detail", "subtitle",
	"subtitle_detail", "rights", "rights_detail", "content", "links", "link",
	"id", "guidislink", "published", "published_parsed", "updated",
	"updated_parsed", "created", "created_parsed", "expired", "expired_parsed",
	"author", "author_detail", "authors", "contributors", "publisher",
	"publisher_detail", "tags", "term", "scheme", "label", "type", "language",
	"base", "value", "src", "href", "rel", "length", "name", "email",
	"generator", "generator_detail", "image", "textinput", "comments", "source",
	"info", "info_detail", "ttl", "docs", "feedburner_origlink", "width",
	"height", "url", "description", "version", "bozo", "bozo_exception",
	"encoding", "namespaces", "feed", "entries", "headers", "media_content",
	"media_thumbnail", "wfw_commentrss", "slash_comments", "dc", "content",
	"", "atom", "media", "itunes",
};
static struct strtab interned;
static pthread_once_t intern_once = PTHREAD_ONCE_INIT;

static void intern_init(void)
{
	for (size_t i = 0; i < sizeof common_keys / sizeof common_keys[0]; i++)
		strtab_add(&interned, common_keys[i], common_keys[i], 0);
}

/* ------------------------------------------------------------ arenas */

struct block {
	struct block *next;
	size_t used, cap;
	max_align_t data[];
};

struct fv_arena {
	struct block *head;
	/* Heap memory hangs off the arena's nodes (a string given with
	 * fv_str_own, a key or item array from malloc, a node from the heap
	 * put into an arena dict): freeing the tree must then visit every
	 * node.  While it is 0, the arena's nodes are freed in one go. */
	size_t heap;
};

/* The arena in use on this thread, set only for the duration of a
 * parse: it keeps fv_* calls free of an allocator argument. */
static __thread struct fv_arena *cur;

/* Blocks of freed arenas are kept for the thread's next parse (up to
 * SPARE_MAX of them, about 1 MB): a parse then writes into memory that is
 * already mapped, where fresh blocks cost a page fault per 4 KB and
 * malloc trims and regrows the heap top around every document. */
#define BLOCK_CAP 60000
#define SPARE_MAX 16
#if defined(__SANITIZE_ADDRESS__)
/* under ASan a block goes back to malloc: a pointer kept into an arena
 * after its reset (fv_arena_reset) is then a use after free it reports */
#define KEEP_SPARES 0
#else
#define KEEP_SPARES 1
#endif
static __thread struct block *spare;
static __thread unsigned nspare;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

/* at thread exit: the key's value is the thread's list of spare blocks
 * (kept equal to `spare` whenever that changes) */
static void spare_drop(void *head)
{
	struct block *b, *n;

	for (b = head; b; b = n) {
		n = b->next;
		free(b);
	}
}

static void spare_init(void)
{
	if (pthread_key_create(&spare_key, spare_drop) != 0)
		spare_key = (pthread_key_t)-1;
}

struct fv_arena *fv_arena_new(void)
{
	return calloc(1, sizeof(struct fv_arena));
}

void fv_arena_use(struct fv_arena *a)
{
	cur = a;
}

struct fv_arena *fv_arena_current(void)
{
	return cur;
}

/* Gives a's blocks back (to the thread's spares, or free) */
static void release_blocks(struct fv_arena *a)
{
	struct block *b, *n;
	int kept = 0;

	pthread_once(&spare_once, spare_init);
	for (b = a->head; b; b = n) {
		n = b->next;
		if (KEEP_SPARES && b->cap == BLOCK_CAP && nspare < SPARE_MAX &&
		    spare_key != (pthread_key_t)-1) {
			b->next = spare;
			spare = b;
			nspare++;
			kept = 1;
		} else {
			free(b);
		}
	}
	/* the key's value follows the list, so spare_drop sees it all */
	if (kept && pthread_setspecific(spare_key, spare) != 0) {
		spare_drop(spare);
		spare = NULL;
		nspare = 0;
	}
	a->head = NULL;
	a->heap = 0;
}

void fv_arena_free(struct fv_arena *a)
{
	if (!a)
		return;
	release_blocks(a);
	free(a);
}

void fv_arena_reset(struct fv_arena *a)
{
	if (a)
		release_blocks(a);
}

static void *arena_alloc_in(struct fv_arena *a, size_t size, size_t align)
{
	struct block *b = a->head;

	/* align is a power of two: masks, not divisions (this runs for
	 * every node and string) */
	size = (size + align - 1) & ~(align - 1);
	if (b)
		b->used = (b->used + align - 1) & ~(align - 1);
	if (!b || b->used + size > b->cap) {
		size_t cap = size > BLOCK_CAP ? size : BLOCK_CAP;

		if (cap == BLOCK_CAP && spare) {
			b = spare;
			spare = b->next;
			nspare--;
			/* b is the arena's now: the exit hook must not see it
			 * (cannot fail: the key's slot exists since the
			 * blocks were kept) */
			(void)pthread_setspecific(spare_key, spare);
		} else {
			b = malloc(sizeof *b + cap);
			if (!b)
				return NULL;
		}
		b->cap = cap;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	b->used += size;
	return (char *)b->data + b->used - size;
}

static void *arena_alloc(size_t size)
{
	return arena_alloc_in(cur, size, sizeof(max_align_t));
}

void *fv_arena_alloc(struct fv_arena *a, size_t size, size_t align)
{
	return arena_alloc_in(a, size ? size : 1, align ? align : 1);
}

/* a node (plus `extra` bytes after it) from the arena or the heap */
static struct fv *node_alloc(size_t extra)
{
	struct fv *v = cur ? arena_alloc(sizeof *v + extra) : malloc(sizeof *v + extra);

	if (v) {
		memset(v, 0, sizeof *v);
		v->in_arena = cur != NULL;
		v->owns = cur;
	}
	return v;
}

struct fv *fv_new(enum fv_type t)
{
	struct fv *v = node_alloc(0);

	if (v)
		v->type = t;
	return v;
}

/* A string node and its text are one allocation: the text lives right
 * after the node (v->s == (char *)(v + 1)). */
struct fv *fv_strn(const char *s, size_t n)
{
	struct fv *v = node_alloc(n + 1);

	if (!v)
		return NULL;
	v->type = FV_STR;
	v->s = (char *)(v + 1);
	memcpy(v->s, s, n);
	v->s[n] = '\0';
	return v;
}

static int embedded(const struct fv *v)
{
	return v->s == (const char *)(v + 1);
}

char *fv_take_str(struct fv *v)
{
	char *s;

	if (!v || v->type != FV_STR || !v->s)
		return NULL;
	s = embedded(v) || v->s_borrowed ? strdup(v->s) : v->s;
	if (!embedded(v) && !v->s_borrowed)
		v->s = NULL;
	v->type = FV_NULL;
	return s;
}

struct fv *fv_str(const char *s)
{
	if (!s)
		s = "";
	return fv_strn(s, strlen(s));
}

struct fv *fv_str_own(char *s)
{
	struct fv *v;

	if (!s)
		return NULL;
	v = fv_new(FV_STR);
	if (!v) {
		free(s);
		return NULL;
	}
	v->s = s;
	if (v->in_arena)
		v->owns->heap++;
	return v;
}

struct fv *fv_str_ref(const char *s)
{
	struct fv *v = fv_new(FV_STR);

	if (v) {
		v->s = (char *)s;
		v->s_borrowed = 1;
	}
	return v;
}

struct fv *fv_int(int64_t i)
{
	struct fv *v = fv_new(FV_INT);

	if (v)
		v->i = i;
	return v;
}

struct fv *fv_num(double d)
{
	struct fv *v = fv_new(FV_NUM);

	if (v)
		v->d = d;
	return v;
}

struct fv *fv_time(int64_t t)
{
	struct fv *v = fv_new(FV_TIME);

	if (v)
		v->i = t;
	return v;
}

void fv_free(struct fv *v)
{
	/* the root of an arena with no heap memory on its nodes: only what
	 * is not in the arena needs a visit */
	int shallow = v && !v->in_arena && v->owns && !v->owns->heap;

	if (!v)
		return;
	/* a node of an arena none of whose nodes has anything from the
	 * heap: all of its subtree is the arena's (feed.c drops an entry's
	 * arena after every entry: no walk over its nodes first) */
	if (v->in_arena && !v->owns->heap)
		return;
	for (size_t k = 0; k < v->n; k++) {
		struct fv *c = v->items[k].val;

		if (!v->items[k].key_static)
			free(v->items[k].key);
		if (shallow && c && c->in_arena && c->owns == v->owns)
			continue;
		fv_free(c);
	}
	if (v->items && !v->items_in_arena)
		free(v->items);
	if (v->type == FV_DICT)
		free(v->idx);
	else if (v->s && !embedded(v) && !v->s_borrowed)
		free(v->s);
	if (v->owns && !v->in_arena)
		fv_arena_free(v->owns);
	if (!v->in_arena)
		free(v);
}

/* c (a node in an arena) gets something that is not from its arena */
static void note_heap(struct fv *c)
{
	if (c->in_arena)
		c->owns->heap++;
}

/* FNV-1a, the table's hash; *len gets strlen(s) on the way */
static unsigned key_hash_len(const char *s, size_t *len)
{
	unsigned h = 2166136261u;
	const char *p;

	for (p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	*len = (size_t)(p - s);
	return h;
}

static unsigned key_hash(const char *s)
{
	size_t n;

	return key_hash_len(s, &n);
}

/* h: key_hash(key), n: its length */
static const char *intern(const char *key, size_t n, unsigned h)
{
	const struct strtab_slot *sl;

	pthread_once(&intern_once, intern_init);
	sl = strtab_get_h(&interned, key, n, h);
	return sl ? sl->ptr : NULL;
}

/* A dict is searched item by item while it is small, which is nearly
 * always and cheapest.  From IDX_MIN keys on it gets an open-addressing
 * index of its item positions: a hostile feed with 100,000 distinct
 * element names made one dict of 100,000 keys, and the scans took 9 s. */
#define IDX_MIN 64

struct fv_index {
	uint32_t mask;     /* slots - 1 (a power of two, at least 2 n) */
	uint32_t slot[];   /* item position + 1; 0: empty */
};

static int same_key(const struct fv_item *it, const char *key, unsigned h)
{
	return it->hash == h && (it->key == key || strcmp(it->key, key) == 0);
}

static void idx_put(struct fv_index *x, unsigned h, uint32_t pos)
{
	uint32_t i = h & x->mask;

	while (x->slot[i])
		i = (i + 1) & x->mask;
	x->slot[i] = pos + 1;
}

/* (Re)builds d's index for d->n items and room to grow; without memory
 * the dict is simply searched item by item. */
static void idx_build(struct fv *d)
{
	uint32_t slots = 64;

	while (slots < 4 * (uint64_t)d->n)
		slots *= 2;
	free(d->idx);
	d->idx = calloc(1, sizeof *d->idx + slots * sizeof d->idx->slot[0]);
	if (!d->idx)
		return;
	note_heap(d);
	d->idx->mask = slots - 1;
	for (uint32_t k = 0; k < d->n; k++)
		idx_put(d->idx, d->items[k].hash, k);
}

/* Item d->n - 1 was just appended. */
static void idx_added(struct fv *d)
{
	if (d->n < IDX_MIN)
		return;
	if (!d->idx || 2 * (uint64_t)d->n > d->idx->mask + 1)
		idx_build(d);
	else
		idx_put(d->idx, d->items[d->n - 1].hash, d->n - 1);
}

/* Out of line: the common, small dicts keep the short loop below inlined. */
static __attribute__((noinline)) struct fv_item *find_idx(const struct fv *d, const char *key,
                                                          unsigned h)
{
	for (uint32_t i = h & d->idx->mask; d->idx->slot[i]; i = (i + 1) & d->idx->mask) {
		struct fv_item *it = &d->items[d->idx->slot[i] - 1];

		if (same_key(it, key, h))
			return it;
	}
	return NULL;
}

/* Inlined into find and fv_set, as it was before it had an index to ask. */
static inline __attribute__((always_inline)) struct fv_item *find_h(const struct fv *d,
                                                                   const char *key, unsigned h)
{
	if (!d || d->type != FV_DICT)
		return NULL;
	if (d->idx)
		return find_idx(d, key, h);
	for (size_t k = 0; k < d->n; k++)
		if (same_key(&d->items[k], key, h))
			return &d->items[k];
	return NULL;
}

static struct fv_item *find(const struct fv *d, const char *key)
{
	return find_h(d, key, key_hash(key));
}

struct fv *fv_get(const struct fv *d, const char *key)
{
	struct fv_item *it = find(d, key);

	return it ? it->val : NULL;
}

const char *fv_get_str(const struct fv *d, const char *key)
{
	struct fv *v = fv_get(d, key);

	return v && v->type == FV_STR ? v->s : NULL;
}

/* The arena a node's items and keys come from while an arena is in use:
 * the node's own (a tree may be built in several arenas, see
 * fv_arena_reset), else the one in use. */
static struct fv_arena *home(const struct fv *c)
{
	return c->owns ? c->owns : cur;
}

/* val (from another arena) copied into c's arena for c to keep: a node
 * never points into another arena, which its owner may reset first
 * (feed.c resets an entry's arena once the entry is converted, while
 * the feed dict that an entry's element wrote to lives on).  The
 * original is left to its arena. */
static struct fv *adopt(struct fv *c, struct fv *val)
{
	struct fv_arena *was = cur;
	struct fv *v;

	cur = c->owns;
	v = fv_copy(val);
	cur = was;
	fv_free(val);
	return v;
}

static int foreign(const struct fv *c, const struct fv *val)
{
	return val->in_arena && c->owns && val->owns != c->owns;
}

/* Appends; returns the value stored (val, or its copy).  On OOM returns
 * NULL and val is freed (the key is the caller's). */
static struct fv *append(struct fv *c, char *key, unsigned h, int key_static, struct fv *val)
{
	if (foreign(c, val) && !(val = adopt(c, val)))
		return NULL;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		struct fv_item *it;

		if (cur && (c->items_in_arena || !c->items)) {
			it = arena_alloc_in(home(c), cap * sizeof *it, sizeof(max_align_t));
			if (!it)
				goto oom;
			if (c->n)
				memcpy(it, c->items, c->n * sizeof *it);
			c->items_in_arena = 1;
		} else if (c->items_in_arena) {
			/* an arena array growing after the arena went out of use */
			it = malloc(cap * sizeof *it);
			if (!it)
				goto oom;
			memcpy(it, c->items, c->n * sizeof *it);
			c->items_in_arena = 0;
			note_heap(c);
		} else {
			if (!c->items)
				note_heap(c);
			it = realloc(c->items, cap * sizeof *it);
			if (!it)
				goto oom;
		}
		c->items = it;
		c->cap = cap;
	}
	c->items[c->n].key = key;
	c->items[c->n].hash = h;
	c->items[c->n].key_static = key_static;
	c->items[c->n].val = val;
	c->n++;
	if (c->type == FV_DICT)
		idx_added(c);
	if ((key && !key_static) || !val->in_arena || val->owns != c->owns)
		note_heap(c);
	return val;
oom:
	fv_free(val);
	return NULL;
}

struct fv *fv_set(struct fv *d, const char *key, struct fv *val)
{
	struct fv_item *it;
	char *k;
	unsigned h;
	size_t kn;

	if (!val)
		return NULL;
	if (!d || d->type != FV_DICT) {
		fv_free(val);
		return NULL;
	}
	h = key_hash_len(key, &kn);
	it = find_h(d, key, h);
	if (it) {
		if (foreign(d, val) && !(val = adopt(d, val)))
			return NULL;
		fv_free(it->val);
		it->val = val;
		if (!val->in_arena || val->owns != d->owns)
			note_heap(d);
		return val;
	}
	{
		const char *ik = intern(key, kn, h);

		int st = ik != NULL;

		if (ik) {
			k = (char *)ik;
		} else if (cur) {
			size_t kl = kn + 1;

			k = arena_alloc_in(home(d), kl, 1);
			if (k)
				memcpy(k, key, kl);
			st = 1;     /* the arena owns it */
		} else {
			k = strdup(key);
		}
		if (!k) {
			fv_free(val);
			return NULL;
		}
		val = append(d, k, h, st, val);
		if (!val && !st)
			free(k);
	}
	return val;
}

void fv_set_str(struct fv *d, const char *key, const char *s)
{
	fv_set(d, key, fv_str(s));
}

void fv_del(struct fv *d, const char *key)
{
	struct fv_item *it = find(d, key);
	size_t k;

	if (!it)
		return;
	k = (size_t)(it - d->items);
	if (!it->key_static)
		free(it->key);
	fv_free(it->val);
	memmove(d->items + k, d->items + k + 1, (d->n - k - 1) * sizeof *it);
	d->n--;
	if (d->idx && d->n >= IDX_MIN) {
		idx_build(d);   /* the positions after k moved */
	} else if (d->idx) {
		free(d->idx);
		d->idx = NULL;
	}
}

struct fv *fv_dict(struct fv *d, const char *key)
{
	struct fv *v = fv_get(d, key);

	if (v && v->type == FV_DICT)
		return v;
	return fv_set(d, key, fv_new(FV_DICT));
}

struct fv *fv_list(struct fv *d, const char *key)
{
	struct fv *v = fv_get(d, key);

	if (v && v->type == FV_LIST)
		return v;
	return fv_set(d, key, fv_new(FV_LIST));
}

struct fv *fv_push(struct fv *l, struct fv *val)
{
	if (!val)
		return NULL;
	if (!l || l->type != FV_LIST) {
		fv_free(val);
		return NULL;
	}
	return append(l, NULL, 0, 0, val);
}

struct fv *fv_last(const struct fv *l)
{
	return l && l->n ? l->items[l->n - 1].val : NULL;
}

struct fv *fv_copy(const struct fv *v)
{
	struct fv *c;

	if (!v)
		return NULL;
	c = fv_new(v->type);
	if (!c)
		return NULL;
	c->i = v->i;
	c->d = v->d;
	if (v->type == FV_STR) {
		fv_free(c);
		return fv_str(v->s);
	}
	for (size_t k = 0; k < v->n; k++) {
		char *key = NULL, *vk = v->items[k].key;
		struct fv *val = fv_copy(v->items[k].val);
		int st = v->items[k].key_static;

		if (!val)
			goto fail;
		if (st && vk && c->owns != v->owns && !intern(vk, strlen(vk), v->items[k].hash)) {
			/* the key belongs to v's arena, not c's */
			if (cur) {
				size_t kl = strlen(vk) + 1;

				if ((key = arena_alloc_in(home(c), kl, 1)))
					memcpy(key, vk, kl);
			} else {
				st = 0;
				key = strdup(vk);
			}
			if (!key) {
				fv_free(val);
				goto fail;
			}
		} else if (vk && !st && !(key = strdup(vk))) {
			fv_free(val);
			goto fail;
		} else if (st) {
			key = vk;
		}
		if (!append(c, key, v->items[k].hash, st, val)) {
			if (!st)
				free(key);
			goto fail;
		}
	}
	return c;
fail:
	fv_free(c);
	return NULL;
}
