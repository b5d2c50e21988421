#!/bin/bash
# bench/ingest_alt.sh — issue 5's stages timed against each other on a
# host whose speed drifts: ingest_bench fills a database to 10k, 100k and
# 1M stories once, then each round times 10,000 new stories at every
# stage in turn, in a fresh process on a copy of that stage's database
# (written back to disk first: the copy's writeback would otherwise be
# timed).  Prints every round and the medians, and the 1M/10k ratio.
#
# Usage: bench/ingest_alt.sh [ROUNDS]   (`make bench-ingest-alt`)
# Env:   INGEST_BENCH=build/bench/ingest_bench  DIR=/tmp/tidings-bench/alt
#        STAGES="10000 100000 1000000"  INGEST_CLUSTER=off (ingest_bench's)
set -euo pipefail
ROUNDS=${1:-4}
BIN=${INGEST_BENCH:-build/bench/ingest_bench}
DIR=${DIR:-/tmp/tidings-bench/alt}
STAGES=${STAGES:-10000 100000 1000000}

# One database per stage, 50 stories past it (ingest_bench times at
# least one feed of 50), kept for the next run of the same binary, texts
# and INGEST_CLUSTER: each of those fills its own, and another build's
# (1.8 GB each) go.  A stage is kept once its fill completed.
sum="$(cksum < "$BIN" | cut -d' ' -f1)"
key="$sum-${BENCH_TEXT:-real}-${INGEST_CLUSTER:-on}"
mkdir -p "$DIR"
for old in "$DIR"/*/; do
	case "$old" in
	"$DIR/$sum-"*) ;;
	*) [ -d "$old" ] && rm -rf "$old" ;;
	esac
done
DIR="$DIR/$key"
mkdir -p "$DIR"
for n in $STAGES; do
	if [ ! -f "$DIR/stage$n.db" ]; then
		rm -f "$DIR/fill.db"*
		INGEST_MEASURE=50 "$BIN" "$DIR/fill.db" "$n" > /dev/null
		if [ ! -f "$DIR/fill.db" ]; then
			echo "ingest_alt: $BIN made no database for stage $n" >&2
			exit 1
		fi
		for f in "$DIR"/fill.db*; do
			mv "$f" "$DIR/stage$n.db${f#"$DIR"/fill.db}"
		done
	fi
done

results="$DIR/rounds.tsv"
: > "$results"
printf '%-6s %-9s %12s %16s\n' round stage stories/s "store us/story"
for r in $(seq 1 "$ROUNDS"); do
	for n in $STAGES; do
		rm -f "$DIR/run.db"*
		cp "$DIR/stage$n.db" "$DIR/run.db"
		sync
		line=$(INGEST_FIRST=$((n + 50)) INGEST_MEASURE=10000 "$BIN" "$DIR/run.db" 0 |
		       awk '$1 == "0" { print $2, $5 }')
		if [ -z "$line" ]; then
			echo "ingest_alt: $BIN printed no timing for stage $n (see its errors above)" >&2
			exit 1
		fi
		set -- $line
		printf '%-6s %-9s %12s %16s\n' "$r" "$n" "$1" "$2"
		printf '%s\t%s\t%s\t%s\n' "$r" "$n" "$1" "$2" >> "$results"
	done
done
rm -f "$DIR/run.db"*
python3 - "$results" <<'EOF'
import statistics, sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
stages = sorted({int(r[1]) for r in rows})
med = {}
for s in stages:
    us = [float(r[3]) for r in rows if int(r[1]) == s]
    rate = [float(r[2]) for r in rows if int(r[1]) == s]
    med[s] = statistics.median(us)
    print('stage %-9d median %6.1f us/story on the storing thread, %6.0f stories/s' %
          (s, med[s], statistics.median(rate)))
lo, hi = stages[0], stages[-1]
print('%d over %d: %.2fx (issue 5: within 1.5x)' % (hi, lo, med[hi] / med[lo]))
EOF
