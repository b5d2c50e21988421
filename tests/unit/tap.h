/* tests/unit/tap.h — the smallest TAP producer: ok(), is_str(), is_int(),
 * then done_testing() prints the plan and returns the exit status. */
#ifndef TIDINGS_TAP_H
#define TIDINGS_TAP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *fmt_name)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, fmt_name);
	if (!cond)
		printf("#   failed at %s:%d\n", file, line);
	fflush(stdout);
	return cond;
}

#define ok(cond, name) tap_ok(!!(cond), __FILE__, __LINE__, (name))

#define is_str(got, want, name) do { \
	const char *g_ = (got), *w_ = (want); \
	int c_ = (g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0); \
	if (!tap_ok(c_, __FILE__, __LINE__, (name))) \
		printf("#   got:  %s%s%s\n#   want: %s%s%s\n", g_ ? "'" : "", g_ ? g_ : "NULL", g_ ? "'" : "", \
		       w_ ? "'" : "", w_ ? w_ : "NULL", w_ ? "'" : ""); \
} while (0)

#define is_int(got, want, name) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!tap_ok(g_ == w_, __FILE__, __LINE__, (name))) \
		printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
} while (0)

/* A fixture file's bytes, NUL-terminated (malloc'd; the caller frees
 * them); *len gets its length when len is not NULL.  NULL when the file
 * cannot be read. */
static inline char *tap_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* Removes a test's SQLite file with its -wal and -shm, then its
 * directory (mkdtemp'd, holding nothing else). */
static inline void tap_remove_db(const char *dir, const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[512];

	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		remove(p);
	}
	remove(dir);
}

/* The next number of a small deterministic generator (xorshift64) for
 * generated inputs: the same seed makes the same inputs on every machine,
 * so a failure can be run again.  *state must not be 0. */
static inline uint64_t tap_xorshift(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* tap_walk(): called with each file's path and bytes (NUL-terminated; the
 * walk frees them after); nonzero stops the walk. */
typedef int tap_file_fn(const char *path, char *buf, size_t len, void *arg);

/* Every regular file under dir, depth first, names in sorted order, those
 * starting with '.' left out, through fn until it says stop; *stop tells
 * the enclosing directories.  Returns how many files fn was given. */
static inline size_t tap_walk_(const char *dir, tap_file_fn *fn, void *arg, int *stop)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t files = 0;

	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if (!*stop && names[i]->d_name[0] != '.' && stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				files += tap_walk_(path, fn, arg, stop);
			} else if (S_ISREG(st.st_mode)) {
				size_t len;
				char *buf = tap_slurp(path, &len);

				if (buf) {
					files++;
					*stop = fn(path, buf, len, arg);
					free(buf);
				}
			}
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return files;
}

static inline size_t tap_walk(const char *dir, tap_file_fn *fn, void *arg)
{
	int stop = 0;

	return tap_walk_(dir, fn, arg, &stop);
}

/* 1 when dir exists; else a failed check when the test needs it, a
 * skipped one when it is optional (../shared beside a developer's clone
 * only), and 0. */
static inline int tap_dir_present(const char *dir, int required)
{
	struct stat st;

	if (stat(dir, &st) == 0)
		return 1;
	if (required)
		tap_ok(0, __FILE__, __LINE__, dir);
	else
		printf("ok %d - # SKIP %s not found\n", ++tap_n, dir);
	return 0;
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
