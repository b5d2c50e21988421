/* daemon/ckpt.h — checkpoints the database's write-ahead log on a thread
 * of its own, so that the thread that commits never does.
 *
 * Why: SQLite's automatic checkpoint runs inside the COMMIT that crosses
 * its threshold: it copies ~4 MiB of pages into the database file and
 * syncs it, on the event loop, while responses wait.  A cold poll of
 * 1,000 feeds crosses it about forty times.  Here the writer's WAL hook
 * only counts pages and wakes this thread, which runs a PASSIVE checkpoint
 * on its own connection: it takes no lock a writer or reader needs and
 * stops short of frames a reader still uses, exactly like the automatic
 * one, so the WAL stays as bounded as before.
 *
 * Threads: ckpt_kick() is called by the writer (from its WAL hook); every
 * other function by the thread that owns the checkpointer. */
#ifndef TIDINGS_CKPT_H
#define TIDINGS_CKPT_H

struct ckpt;

/* Opens `path` a second time and starts the thread.  `pages` is the WAL
 * size (in pages) that asks for a checkpoint.  Returns 0, or -1 with the
 * reason in err. */
int ckpt_start(const char *path, int pages, struct ckpt **out, char *err, unsigned errlen);

/* The writer committed and the WAL holds `pages` pages: wakes the thread
 * when that is past the threshold.  Never blocks on SQLite. */
void ckpt_kick(struct ckpt *c, int pages);

/* Checkpoints run, and how many of them failed with an error other than
 * SQLITE_BUSY (last_rc: the last such SQLite code, 0 when none).  The
 * thread does not log (the log is the loop's); its owner does. */
void ckpt_stats(struct ckpt *c, unsigned long *done, unsigned long *failed, int *last_rc);

/* Stops the thread (a checkpoint under way finishes first), closes its
 * connection and frees.  NULL is a no-op. */
void ckpt_stop(struct ckpt *c);

#endif
