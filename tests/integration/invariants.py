"""tests/integration/invariants.py — what docs/schema.md, docs/threads.md and
docs/dedup.md promise about a database's threads and stories, checked with
SQL on the file itself (read-only), whatever stream made it.

    problems = invariants.check(db)          # [] when every promise holds
    problems = invariants.check(db, pruned=True, cut=now - retention)

check() returns one line per broken promise (at most a few examples each),
so a test can do t.eq(invariants.check(w.db), [], "...").  `pruned`: the
database has been through retention, which recounts a thread's stories and
publishers but leaves its times and title as they were (docs/schema.md,
"Retention"), and deletes a thread left without stories only once it is
older than `cut`.  `threads`: False when stories may have been stored with
`[threads] enabled = no` (their thread_id is NULL).

Snapshot(db) and Snapshot.since(older) check what only two looks at one
database over time can: `seq` and ids only grow, every row that changed
took a new seq, and a story keeps its first feed, first_seen and
event_time."""
import re
import sqlite3

WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
ZONES = {"am", "pm", "gmt", "utc", "est", "edt", "pst", "pdt", "cst", "cdt", "bst", "cet"}


def _connect(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5)
    con.row_factory = None
    return con


def _rows(con, sql, params=()):
    return [tuple(r) for r in con.execute(sql, params).fetchall()]


def check(db, threads=True, pruned=False, cut=None, limit=3, dup_times=False):
    con = _connect(db)
    out = []

    def bad(name, rows):
        if rows:
            out.append("%s: %d, e.g. %r" % (name, len(rows), rows[:limit]))

    try:
        # --- stories -> threads (threads.md "Merges": stories.thread_id
        # always names a live thread)
        if threads:
            bad("story without a thread",
                _rows(con, "SELECT id FROM stories WHERE thread_id IS NULL"))
        bad("story in a missing thread",
            _rows(con, "SELECT s.id, s.thread_id FROM stories s WHERE s.thread_id IS NOT NULL"
                       " AND NOT EXISTS (SELECT 1 FROM threads t WHERE t.id = s.thread_id)"))
        bad("story in a merged thread",
            _rows(con, "SELECT s.id, s.thread_id, t.merged_into FROM stories s"
                       " JOIN threads t ON t.id = s.thread_id WHERE t.merged_into IS NOT NULL"))

        # --- merged_into: a chain that ends at a live thread
        merged = dict(_rows(con, "SELECT id, merged_into FROM threads"))
        broken = []
        for tid, into in merged.items():
            seen = {tid}
            cur = into
            while cur is not None:
                if cur in seen:
                    broken.append((tid, "cycle"))
                    break
                if cur not in merged:
                    broken.append((tid, "leads to missing thread %d" % cur))
                    break
                seen.add(cur)
                cur = merged[cur]
        bad("merged_into chain not ending at a live thread", broken)

        # --- counts (threads.md "Titles, keywords, counts"; schema.md)
        truth = {r[0]: r[1:] for r in _rows(
            con, "SELECT thread_id, count(*), count(DISTINCT host), min(event_time),"
                 " max(event_time) FROM stories WHERE thread_id IS NOT NULL GROUP BY thread_id")}
        live = _rows(con, "SELECT id, story_count, source_count, first_seen, last_updated,"
                          " title, title_story_id FROM threads WHERE merged_into IS NULL")
        counts, sources, times, order, empty = [], [], [], [], []
        for tid, n, src, first, last, _title, _tsid in live:
            n2, src2, first2, last2 = truth.get(tid, (0, 0, None, None))
            if n != n2:
                counts.append((tid, n, n2))
            if src != src2:
                sources.append((tid, src, src2))
            if first is not None and last is not None and first > last:
                order.append((tid, first, last))
            if n2 == 0:
                # retention deletes an emptied thread only once older than the cut
                if not (pruned and (cut is None or (last is not None and last >= cut))):
                    empty.append((tid, n, last))
                continue
            if pruned:
                # recounted by retention, times kept: they cover what is left
                ok = (first is None or first <= first2) and (last is None or last >= last2)
            else:
                ok = (first, last) == (first2, last2)
            if not ok:
                times.append((tid, (first, last), (first2, last2)))
        bad("live thread story_count != its stories", counts)
        bad("live thread source_count != distinct hosts of its stories", sources)
        bad("live thread first_seen > last_updated", order)
        bad("live thread first_seen/last_updated != its stories' times", times)
        bad("live thread without stories", empty)

        # --- titles: the headline of one of its own stories
        bad("live thread titled by a story not in it",
            _rows(con, "SELECT t.id, t.title_story_id, s.thread_id FROM threads t"
                       " JOIN stories s ON s.id = t.title_story_id"
                       " WHERE t.merged_into IS NULL AND s.thread_id IS NOT t.id"))
        if not pruned:
            bad("live thread titled by a missing story",
                _rows(con, "SELECT t.id, t.title_story_id FROM threads t"
                           " WHERE t.merged_into IS NULL AND NOT EXISTS"
                           " (SELECT 1 FROM stories s WHERE s.id = t.title_story_id)"))
        bad("live thread title != its title story's headline",
            _rows(con, "SELECT t.id, t.title, s.title FROM threads t"
                       " JOIN stories s ON s.id = t.title_story_id"
                       " WHERE t.merged_into IS NULL AND s.thread_id = t.id"
                       " AND t.title IS NOT s.title"))
        bad("live thread untitled though a story of it has a headline",
            _rows(con, "SELECT t.id FROM threads t WHERE t.merged_into IS NULL"
                       " AND t.title IS NULL AND EXISTS (SELECT 1 FROM stories s"
                       " WHERE s.thread_id = t.id AND s.title IS NOT NULL)"))

        # --- keywords (schema.md: never a weekday, time of day or zone, a
        # day of the month or a number of one or two digits)
        kwbad = []
        for tid, kw in _rows(con, "SELECT id, keywords FROM threads WHERE merged_into IS NULL"
                                  " AND keywords IS NOT NULL"):
            for k in kw.split(", "):
                lk = k.lower()
                if (lk in WEEKDAYS or lk in ZONES or re.fullmatch(r"\d{1,2}", k)
                        or re.fullmatch(r"\d{1,2}(st|nd|rd|th)", lk)):
                    kwbad.append((tid, k))
        bad("forbidden keyword", kwbad)

        # --- near-duplicates (dedup.md level 3)
        bad("duplicate_of names a missing story",
            _rows(con, "SELECT s.id, s.duplicate_of FROM stories s WHERE s.duplicate_of IS NOT NULL"
                       " AND NOT EXISTS (SELECT 1 FROM stories o WHERE o.id = s.duplicate_of)"))
        bad("duplicate_of names the story itself",
            _rows(con, "SELECT id FROM stories WHERE duplicate_of = id"))
        bad("duplicate_of names a story stored after it",
            _rows(con, "SELECT id, duplicate_of FROM stories WHERE duplicate_of > id"))
        bad("duplicate_of names a copy (a chain), not the earliest",
            _rows(con, "SELECT s.id, s.duplicate_of, o.duplicate_of FROM stories s"
                       " JOIN stories o ON o.id = s.duplicate_of WHERE o.duplicate_of IS NOT NULL"))
        bad("copy not in the thread of the story it copies",
            _rows(con, "SELECT s.id, s.thread_id, o.id, o.thread_id FROM stories s"
                       " JOIN stories o ON o.id = s.duplicate_of"
                       " WHERE o.thread_id IS NOT NULL AND s.thread_id IS NOT o.thread_id"
                       + ("" if threads else " AND s.thread_id IS NOT NULL")))
        # "the earlier story this one copies": by the order stories came
        # in; one that came later with an earlier date copies the first
        # (only looked at on request)
        if dup_times:
            bad("copy of a later story",
                _rows(con, "SELECT s.id, s.event_time, o.id, o.event_time FROM stories s"
                           " JOIN stories o ON o.id = s.duplicate_of"
                           " WHERE o.event_time > s.event_time"))

        # --- stories' own columns
        # (event_time is published, else updated, else first_seen as the
        # story was stored; an update that redates it keeps its event_time)
        bad("event_time more than 10 minutes after first_seen",
            _rows(con, "SELECT id, event_time, first_seen FROM stories"
                       " WHERE event_time > first_seen + 600"))
        bad("story without its own story_feeds row",
            _rows(con, "SELECT s.id FROM stories s WHERE NOT EXISTS (SELECT 1 FROM story_feeds f"
                       " WHERE f.story_id = s.id AND f.feed_id = s.feed_id AND f.ident = s.ident)"))
        bad("story_feeds row of a missing story",
            _rows(con, "SELECT f.story_id FROM story_feeds f WHERE NOT EXISTS"
                       " (SELECT 1 FROM stories s WHERE s.id = f.story_id)"))

        # --- "An unknown value is NULL, never an empty string, never 0
        # for a time" (schema.md, "Basics")
        blank = []
        for tab, texts, times in (
                ("stories", ("guid", "link", "canonical_url", "title", "author", "summary",
                             "content", "image", "tags", "lang", "host"),
                 ("published", "updated", "first_seen", "event_time")),
                ("feeds", ("title", "site_url", "category", "list_title", "etag",
                           "last_modified", "last_error", "previous_url"),
                 ("added", "last_fetch", "last_success", "failing_since", "next_poll",
                  "retry_after")),
                ("threads", ("title", "keywords"), ("first_seen", "last_updated"))):
            for col in texts:
                blank += [(tab, col, r[0]) for r in _rows(
                    con, "SELECT id FROM %s WHERE %s = ''" % (tab, col))]
            for col in times:
                blank += [(tab, col, r[0]) for r in _rows(
                    con, "SELECT id FROM %s WHERE %s = 0" % (tab, col))]
        bad("empty string or time 0 for an unknown value", blank)

        # --- feeds (schema.md "feeds": next_poll is NULL once it is gone)
        bad("gone feed with a next poll",
            _rows(con, "SELECT id, next_poll FROM feeds WHERE gone = 1 AND next_poll IS NOT NULL"))

        # --- seq (schema.md "Following what is new")
        mseq = _rows(con, "SELECT value FROM meta WHERE key = 'seq'")
        mseq = int(mseq[0][0]) if mseq else None
        top = _rows(con, "SELECT max((SELECT max(seq) FROM stories), (SELECT max(seq) FROM threads))")[0][0]
        if mseq is not None and top is not None and top > mseq:
            out.append("meta.seq %d below a row's seq %d" % (mseq, top))
        bad("row without seq",
            _rows(con, "SELECT 'story', id FROM stories WHERE seq IS NULL"
                       " UNION ALL SELECT 'thread', id FROM threads WHERE seq IS NULL"))
        # --- ids (AUTOINCREMENT)
        for tab in ("stories", "threads"):
            r = _rows(con, "SELECT (SELECT max(id) FROM %s),"
                           " (SELECT seq FROM sqlite_sequence WHERE name = ?)" % tab, (tab,))[0]
            if r[0] is not None and (r[1] is None or r[1] < r[0]):
                out.append("%s: max id %r above sqlite_sequence %r" % (tab, r[0], r[1]))
    finally:
        con.close()
    return out


class Snapshot:
    """Every story's and thread's row as it is now, with meta.seq."""

    def __init__(self, db):
        con = _connect(db)
        try:
            self.stories = {r[0]: r[1:] for r in _rows(
                con, "SELECT id, seq, thread_id, duplicate_of, title, summary, content_hash"
                     " FROM stories")}
            self.threads = {r[0]: r[1:] for r in _rows(
                con, "SELECT id, seq, title, title_story_id, keywords, first_seen,"
                     " last_updated, story_count, source_count, merged_into FROM threads")}
            m = _rows(con, "SELECT value FROM meta WHERE key = 'seq'")
            self.seq = int(m[0][0]) if m else 0
            # what a story keeps for good: its first feed, first_seen and
            # event_time (schema.md, "stories")
            self.kept = {r[0]: r[1:] for r in _rows(
                con, "SELECT id, feed_id, first_seen, event_time FROM stories")}
            self.max_story = max(self.stories, default=0)
            self.max_thread = max(self.threads, default=0)
        finally:
            con.close()

    def since(self, old, limit=3):
        """What broke between `old` (an earlier Snapshot) and this one."""
        out = []

        def bad(name, rows):
            if rows:
                out.append("%s: %d, e.g. %r" % (name, len(rows), rows[:limit]))

        if self.seq < old.seq:
            out.append("meta.seq went back: %d -> %d" % (old.seq, self.seq))
        for kind, new, prev, top in (("story", self.stories, old.stories, old.max_story),
                                     ("thread", self.threads, old.threads, old.max_thread)):
            back, unmarked, reused = [], [], []
            for i, row in new.items():
                was = prev.get(i)
                if was is None:
                    if i <= top:
                        reused.append(i)        # an id handed out again
                    elif row[0] <= old.seq:
                        unmarked.append((i, "new", row[0], old.seq))
                    continue
                if row[0] < was[0]:
                    back.append((i, was[0], row[0]))
                elif row[1:] != was[1:] and row[0] == was[0]:
                    unmarked.append((i, was[1:], row[1:]))
            bad("%s seq went back" % kind, back)
            bad("%s changed without a new seq" % kind, unmarked)
            bad("%s id reused" % kind, reused)
        bad("story's feed_id, first_seen or event_time changed",
            [(i, old.kept[i], row) for i, row in self.kept.items()
             if i in old.kept and old.kept[i] != row])
        # a merged thread stays merged (its id leads to a survivor for good)
        revived = [i for i, row in self.threads.items()
                   if i in old.threads and old.threads[i][-1] is not None and row[-1] is None]
        bad("merged thread live again", revived)
        return out
