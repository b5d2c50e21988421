#!/bin/bash
# bench/poll_bench.sh — the poller benchmark: `tidingsd --once` against a
# private nginx on 127.0.0.1 serving generated feeds, for each N: a cold
# cycle (empty database), a changed cycle (gen_feeds --churn: a few feeds
# get new items, the rest answer 304) and an all-304 cycle; newsboat on
# the same corpus in the same run (cold and its all-304 third poll) for the
# N in NEWSBOAT_NS.  Wall, CPU and peak RSS come from the shared kit's
# measure.sh (/usr/bin/time -v + nginx log).  Never a pass/fail test.
#
# Usage: bench/poll_bench.sh            (from the repository root; `make bench-poll`)
# Env:   KIT=../shared/bench   the shared benchmark kit (skips cleanly when absent)
#        NS="1000 10000"       feed counts for tidings
#        NEWSBOAT_NS="1000"    feed counts for newsboat (10,000 would take hours)
#        BASE=/tmp/tidings-pollbench  work files; PORT=8089
#        PER_HOST=64 CONCURRENCY=64   every bench feed is on 127.0.0.1, so the default
#                              per_host = 2 would measure the politeness limit, not the poller
#        CHURN=0.05            fraction of feeds changed before the "changed" cycle
#        TIDINGSD=build/tidingsd
#        LIMIT=2400            seconds one tidings cycle may take before it is stopped
# Output: $BASE/results/results.tsv (the kit's format), then bench/poll_report.py
#         prints the markdown table and writes the plot data.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# ../shared beside the repository (a worktree sits one level deeper).
if [ -z "${KIT:-}" ]; then
	for k in "$ROOT/../shared/bench" "$ROOT/../../shared/bench"; do
		[ -d "$k" ] && { KIT=$k; break; }
	done
fi
KIT=${KIT:-$ROOT/../shared/bench}
if [ ! -x "$KIT/measure.sh" ] || [ ! -f "$KIT/gen_feeds.py" ]; then
	echo "poll_bench: benchmark kit not found at $KIT; skipped" >&2
	exit 0
fi
KIT=$(cd "$KIT" && pwd)
for tool in nginx /usr/bin/time bc; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
		echo "poll_bench: $tool missing (make bench-deps); skipped" >&2; exit 0; }
done
NS=${NS:-1000 10000}
NEWSBOAT_NS=${NEWSBOAT_NS:-1000}
# A peer that is not installed is left out (make bench-deps installs it),
# rather than timed failing at once and reported as infinitely fast.
if [ -n "$NEWSBOAT_NS" ] && ! command -v newsboat >/dev/null; then
	echo "poll_bench: newsboat not installed (make bench-deps); measuring tidings alone" >&2
	NEWSBOAT_NS=
fi
BASE=${BASE:-/tmp/tidings-pollbench}
PORT=${PORT:-8089}
PER_HOST=${PER_HOST:-64}
CONCURRENCY=${CONCURRENCY:-64}
CHURN=${CHURN:-0.05}
TIDINGSD=${TIDINGSD:-$ROOT/build/tidingsd}
LIMIT=${LIMIT:-2400}
# tidingsd refuses to run as root unless told; a bench box may be root-only.
ROOTFLAG=
[ "$(id -u)" = 0 ] && ROOTFLAG=--allow-root
SEED=42
CORPUS=$BASE/corpus
export RESULTS=$BASE/results/results.tsv NGX_RUNDIR=$BASE/nginx-$PORT CORPUS
MAXN=$(echo $NS $NEWSBOAT_NS | tr ' ' '\n' | sort -n | tail -1)
URLBASE=http://127.0.0.1:$PORT

mkdir -p "$BASE/results"
rm -f "$RESULTS" "$BASE/results/rows.tsv" "$BASE/results/stored.tsv"
# A fresh corpus at epoch 0, so that every run starts from the same bytes.
if [ ! -s "$CORPUS/urls.txt" ] || [ "$(wc -l <"$CORPUS/urls.txt")" -lt "$MAXN" ] ||
   [ -e "$CORPUS/.churned" ]; then
	rm -rf "$CORPUS"
	python3 "$KIT/gen_feeds.py" -n "$MAXN" -o "$CORPUS" --seed $SEED --base-url "$URLBASE" >/dev/null
fi
# The binary is copied so that rebuilding during a long run changes nothing.
mkdir -p "$BASE/bin"
cp "$TIDINGSD" "$BASE/bin/tidingsd"
"$KIT/serve.sh" start "$CORPUS" "$PORT" "$NGX_RUNDIR" >/dev/null
trap '"$KIT/serve.sh" stop "$PORT" "$NGX_RUNDIR" >/dev/null' EXIT

for N in $NEWSBOAT_NS; do
	PHASES="cold warm1 warm2" WORK=$BASE/runs/newsboat-$N "$KIT/peer_newsboat.sh" "$N" 4 |
		sed 's/^/newsboat: /'
done

epoch=0
for N in $NS; do
	W=$BASE/runs/tidings-$N
	rm -rf "$W"
	mkdir -p "$W"
	head -n "$N" "$CORPUS/urls.txt" >"$W/urls"
	cat >"$W/tidings.conf" <<EOF
[daemon]
database = $W/tidings.db
feeds = $W/urls
per_host = $PER_HOST
concurrency = $CONCURRENCY
timeout = 60s
log_level = warning
EOF
	for PHASE in cold changed all-304; do
		if [ "$PHASE" = changed ]; then
			epoch=$((epoch + 1))
			touch "$CORPUS/.churned"
			python3 "$KIT/gen_feeds.py" -n "$N" -o "$CORPUS" --seed $SEED --base-url "$URLBASE" \
				--epoch $epoch --churn "$CHURN" --feeds-only >/dev/null
		fi
		NOTE="per_host=$PER_HOST concurrency=$CONCURRENCY" \
			"$KIT/measure.sh" tidings "$N" "$PHASE" -- \
			timeout "$LIMIT" "$BASE/bin/tidingsd" -c "$W/tidings.conf" --once $ROOTFLAG \
				2>"$W/$PHASE.log" |
			sed 's/^/tidings: /' || true
		printf 'tidings\t%s\t%s\t%s\t%s\n' "$N" "$PHASE" \
			"$(sqlite3 "$W/tidings.db" 'SELECT count(*) FROM feeds WHERE last_status IN (200, 304)')" \
			"$(sqlite3 "$W/tidings.db" 'SELECT count(*) FROM stories')" >>"$BASE/results/stored.tsv"
	done
done
python3 "$ROOT/bench/poll_report.py" "$BASE/results" "$ROOT/docs"
