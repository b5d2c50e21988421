# tidings — build, test, install.  See README.md.
#
#   make            build build/tidingsd and build/tidings
#   make deps       install the missing Debian packages listed in DEB_PKGS
#   make run        deps + build + run the daemon on config/dev.conf
#   make test       deps + build + every test (unit, unit under ASan+UBSan,
#                   integration, conformance, fuzz smoke, service checks)
#   make bench      benchmarks (never pass/fail)
#   make install    PREFIX, DESTDIR, SYSCONFDIR, SYSTEMDUNITDIR honoured

VERSION     := 0.1.0
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
SYSCONFDIR  ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
LOCALSTATEDIR ?= /var/lib

# Every Debian package the build, the tests and `make run` need.  `make deps`
# installs the ones that are missing and nothing else.  ca-certificates: the
# system's CAs for https feeds; nginx-light and openssl: t_http2.py's
# private HTTP/2 + TLS server and its throwaway CA; faketime: t_time.py's
# system clock jumps under the running daemon.
DEB_PKGS := build-essential pkg-config clang libclang-rt-14-dev \
            libcurl4-openssl-dev libxml2-dev libev-dev libsqlite3-dev \
            libinih-dev libstemmer-dev libsystemd-dev libutf8proc-dev libidn2-dev \
            zlib1g-dev libdeflate-dev libbrotli-dev libzstd-dev \
            sqlite3 python3 perl systemd mandoc libxml2-utils \
            ca-certificates nginx-light openssl faketime
# Only `make bench` needs these (peers and plots).
BENCH_PKGS := nginx-light newsboat python3-feedparser gnuplot-nox time

PKGS    := libcurl libxml-2.0 sqlite3 inih libsystemd libutf8proc \
           zlib libdeflate libbrotlidec libzstd libidn2
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS_ALL = -pthread -D_GNU_SOURCE -DTIDINGS_VERSION='"$(VERSION)"' \
           -DTIDINGS_SYSCONFDIR='"$(SYSCONFDIR)"' \
           -DTIDINGS_STATEDIR='"$(LOCALSTATEDIR)/tidings"' \
           -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lev -lstemmer -lm -pthread
# The unit tests also compress (test_decode makes br bodies to undo).
TEST_LDLIBS = $(shell pkg-config --libs libbrotlienc 2>/dev/null)

B := build
# `make V=1` shows the full commands.
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
say = $(if $(filter 1,$(V)),,@printf '  %-6s %s\n' $(1) $(2);)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined

# Modules: every .c under feeds/, config/ and daemon/ is part of the library
# except the programs' main files.  Adding a module is adding a file.
PROG_SRC := daemon/tidingsd.c daemon/tidings.c
LIB_SRC  := $(sort $(wildcard feeds/*.c) $(wildcard config/*.c) \
            $(filter-out $(PROG_SRC), $(wildcard daemon/*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ     := $(LIB_SRC:%.c=$(B)/obj/%.o)
LIB_OBJ_SAN := $(LIB_SRC:%.c=$(B)/san/%.o)
# ThreadSanitizer: the daemon parses on worker threads (daemon/workq.c).
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
LIB_OBJ_TSAN := $(LIB_SRC:%.c=$(B)/tsan/%.o)
UNIT_BIN     := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
UNIT_BIN_SAN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests-san/%)

.PHONY: all deps bench-deps run test unit unit-san integration integration-san integration-tsan conformance \
        fuzz fuzz-smoke fuzz-decode fuzz-ingest fuzz-config fuzz-text service-check bench install uninstall clean
.DELETE_ON_ERROR:
.SECONDARY:

all: $(B)/tidingsd $(B)/tidings

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC-SAN,$<)$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(WARN) -O1 -g $(SAN_FLAGS) -MMD -MP -c $< -o $@

$(B)/tsan/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC-TSAN,$<)$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(WARN) -O1 -g $(TSAN_FLAGS) -MMD -MP -c $< -o $@

$(B)/libtidings-tsan.a: $(LIB_OBJ_TSAN)
	@rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $^

$(B)/tsanbin/%: $(B)/tsan/daemon/%.o $(B)/libtidings-tsan.a
	@mkdir -p $(@D)
	$(call say,LD-TSAN,$@)$(CC) -g $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(B)/tests-tsan/%: $(B)/tsan/tests/unit/%.o $(B)/libtidings-tsan.a
	@mkdir -p $(@D)
	$(call say,LD-TSAN,$@)$(CC) -g $(TSAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(B)/libtidings.a: $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $^

$(B)/libtidings-san.a: $(LIB_OBJ_SAN)
	@rm -f $@
	$(call say,AR,$@)$(AR) rcs $@ $^

$(B)/tidingsd: $(B)/obj/daemon/tidingsd.o $(B)/libtidings.a
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(B)/tidings: $(B)/obj/daemon/tidings.o $(B)/libtidings.a
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(B)/libtidings.a
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL) $(TEST_LDLIBS)

# The programs themselves under ASan+UBSan, for integration-san.
$(B)/sanbin/%: $(B)/san/daemon/%.o $(B)/libtidings-san.a
	@mkdir -p $(@D)
	$(call say,LD-SAN,$@)$(CC) -g $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(B)/tests-san/%: $(B)/san/tests/unit/%.o $(B)/libtidings-san.a
	@mkdir -p $(@D)
	$(call say,LD-SAN,$@)$(CC) -g $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL) $(TEST_LDLIBS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# The installation paths compiled in (config/config.c: the default
# configuration and feed list; daemon/cli.c: the state directory) are no
# file's content, so a change of PREFIX, SYSCONFDIR or LOCALSTATEDIR alone
# rebuilt nothing: `make run`, then `make install PREFIX=/usr` installed
# programs that look in /usr/local/etc.  This stamp holds them and changes
# only when they do; the objects that use them depend on it.
PATHS_STAMP := $(B)/paths.stamp
PATHS_NOW := $(SYSCONFDIR) $(LOCALSTATEDIR)
PATH_USERS := config/config daemon/cli tests/unit/test_config
$(foreach d,obj san tsan fuzzobj,$(PATH_USERS:%=$(B)/$(d)/%.o)): $(PATHS_STAMP)
$(PATHS_STAMP): FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = '$(PATHS_NOW)' ] || echo '$(PATHS_NOW)' > $@
.PHONY: FORCE
FORCE:

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	  done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "make deps: installing missing Debian packages:" $$missing; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "make deps: not root; run: sudo apt-get install" $$missing >&2; exit 1; fi; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends $$missing

bench-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(BENCH_PKGS)"

# `make run` is often run as root (make deps needs it); the daemon refuses
# root unless told, so say so for this development run only.
run: deps all
	$(B)/tidingsd -c config/dev.conf $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# Each unit test is a program printing TAP; integration tests are
# executables (Python 3, shell) printing TAP.  prove runs them all.
# A unit test that hangs (a broken invariant can loop: a ring-shaped
# chain that no longer closes) fails after UNIT_TIMEOUT seconds instead of
# holding CI; the slowest takes under 10 s under ASan.
UNIT_TIMEOUT ?= 300
UNIT_EXEC := --exec 'timeout $(UNIT_TIMEOUT)'
# Tests two at a time (unit, unit-san, integration-san, integration):
# most of an integration test is waiting on a daemon's poll or a server's
# delay (its CPU is half its wall time), and the 161 integration files one
# at a time took 386 s of make test's ten minutes on CI's two cores.
# Each test has its own temporary directory, ports and daemon.
TEST_JOBS ?= 2
unit: $(UNIT_BIN)
	prove -j$(TEST_JOBS) -f $(UNIT_EXEC) $(UNIT_BIN)

unit-san: $(UNIT_BIN_SAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  prove -j$(TEST_JOBS) -f $(UNIT_EXEC) $(UNIT_BIN_SAN)

# The end-to-end tests that drive the whole pipeline (fetch, parse, dedup,
# threads, store, retention, faults) again with sanitized binaries: any
# memory error or leak makes the daemon exit non-zero and the test fail.
SAN_INTEGRATION := t_spine t_dedup t_threads t_threads_off t_thread_update t_retention t_faults t_sched t_cli \
                   t_usage t_time t_discover t_images
integration-san: $(B)/sanbin/tidingsd $(B)/sanbin/tidings
	ASAN_OPTIONS=detect_leaks=1 TIDINGS_BUILD=$(CURDIR)/$(B)/sanbin \
	  prove -j$(TEST_JOBS) -f --exec '' $(SAN_INTEGRATION:%=tests/integration/%.py)

# The same pipeline under ThreadSanitizer: feeds are parsed on worker
# threads while the loop stores (a data race fails the test: TSan exits 66).
TSAN_INTEGRATION := t_spine t_dedup
TSAN_UNIT := test_workq test_ckpt test_store_wal
integration-tsan: $(B)/tsanbin/tidingsd $(B)/tsanbin/tidings $(TSAN_UNIT:%=$(B)/tests-tsan/%)
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 prove -f $(UNIT_EXEC) $(TSAN_UNIT:%=$(B)/tests-tsan/%)
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 TIDINGS_BUILD=$(CURDIR)/$(B)/tsanbin \
	  prove -f --exec '' $(TSAN_INTEGRATION:%=tests/integration/%.py)

integration: all
	TIDINGS_BUILD=$(CURDIR)/$(B) prove -j$(TEST_JOBS) -f --exec '' $(sort $(wildcard tests/integration/t_*))

# Everything make test runs, built first in one make with a job per core:
# the steps below then run the tests only (CI has two cores, and make
# test's builds, one job at a time, were most of its ten minutes).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
TEST_BUILDS = all $(UNIT_BIN) $(UNIT_BIN_SAN) $(B)/sanbin/tidingsd $(B)/sanbin/tidings \
  $(B)/tsanbin/tidingsd $(B)/tsanbin/tidings $(TSAN_UNIT:%=$(B)/tests-tsan/%) \
  $(B)/fuzz_feed $(B)/fuzz_decode $(B)/fuzz_ingest $(B)/fuzz_config $(B)/fuzz_text

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(TEST_BUILDS)
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-san
	@$(MAKE) --no-print-directory conformance
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory integration-san
	@$(MAKE) --no-print-directory integration-tsan
	@$(MAKE) --no-print-directory integration

clean:
	rm -rf $(B)

# ---- install ---------------------------------------------------------------
# Files under systemd/ carry @SBINDIR@-style placeholders, replaced here.
# The configuration and the feed list are never overwritten: an installed
# file that differs from the shipped one is kept and the shipped one put
# beside it as FILE.dist; uninstall removes them only when unedited.
CONFDIR := $(DESTDIR)$(SYSCONFDIR)/tidings
CONF_FILES := tidings.conf feeds.opml
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' \
            -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
            -e 's|@LOCALSTATEDIR@|$(LOCALSTATEDIR)|g'
# The manual pages name the configuration where PREFIX=/usr puts it
# (/etc/tidings); installed, they name where this installation's programs
# look for it (/usr/local/etc/tidings by default).
MANSUBST = sed -e 's|/etc/tidings/|$(SYSCONFDIR)/tidings/|g'

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(CONFDIR) \
	  $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/tidingsd $(DESTDIR)$(SBINDIR)/tidingsd
	install -m 0755 $(B)/tidings $(DESTDIR)$(BINDIR)/tidings
	@for f in $(CONF_FILES); do \
	  if [ ! -e $(CONFDIR)/$$f ]; then \
	    echo "install -m 0644 config/$$f $(CONFDIR)/$$f"; \
	    install -m 0644 config/$$f $(CONFDIR)/$$f || exit 1; \
	  elif cmp -s config/$$f $(CONFDIR)/$$f; then :; \
	  else \
	    echo "make install: keeping edited $(CONFDIR)/$$f; shipped version in $$f.dist"; \
	    install -m 0644 config/$$f $(CONFDIR)/$$f.dist || exit 1; \
	  fi; \
	done
	$(SUBST) systemd/tidingsd.service > $(DESTDIR)$(SYSTEMDUNITDIR)/tidingsd.service
	$(SUBST) systemd/tidings.sysusers > $(DESTDIR)$(SYSUSERSDIR)/tidings.conf
	$(SUBST) systemd/tidings.tmpfiles > $(DESTDIR)$(TMPFILESDIR)/tidings.conf
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/tidingsd.service \
	  $(DESTDIR)$(SYSUSERSDIR)/tidings.conf $(DESTDIR)$(TMPFILESDIR)/tidings.conf
	$(MANSUBST) docs/tidings.1 > $(DESTDIR)$(MANDIR)/man1/tidings.1
	$(MANSUBST) docs/tidings.conf.5 > $(DESTDIR)$(MANDIR)/man5/tidings.conf.5
	$(MANSUBST) docs/tidingsd.8 > $(DESTDIR)$(MANDIR)/man8/tidingsd.8
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/tidings.1 $(DESTDIR)$(MANDIR)/man5/tidings.conf.5 \
	  $(DESTDIR)$(MANDIR)/man8/tidingsd.8

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/tidingsd $(DESTDIR)$(BINDIR)/tidings \
	  $(DESTDIR)$(SYSTEMDUNITDIR)/tidingsd.service \
	  $(DESTDIR)$(SYSUSERSDIR)/tidings.conf $(DESTDIR)$(TMPFILESDIR)/tidings.conf \
	  $(DESTDIR)$(MANDIR)/man1/tidings.1 $(DESTDIR)$(MANDIR)/man5/tidings.conf.5 \
	  $(DESTDIR)$(MANDIR)/man8/tidingsd.8
	@for f in $(CONF_FILES); do \
	  rm -f $(CONFDIR)/$$f.dist; \
	  if cmp -s config/$$f $(CONFDIR)/$$f; then rm -f $(CONFDIR)/$$f; \
	  elif [ -e $(CONFDIR)/$$f ]; then echo "make uninstall: keeping edited $(CONFDIR)/$$f"; fi; \
	done
	-@rmdir $(CONFDIR) 2>/dev/null || true

# The unit's sandbox score, systemd-analyze verify and the man pages' lint;
# also part of `make integration`.
service-check: all
	TIDINGS_BUILD=$(CURDIR)/$(B) prove -f --exec '' tests/integration/t_service.sh

# Offline replay of the labelled sets in ../shared/data through the clusterer
# (skips when the data is absent): B-cubed and pairwise F1 per set.
$(B)/bench/%: $(B)/obj/bench/%.o $(B)/libtidings.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

.PRECIOUS: $(B)/obj/bench/%.o
.PHONY: cluster-offline cluster-bench
cluster-offline: $(B)/bench/cluster_offline
	python3 bench/cluster_replay.py --bin $(B)/bench/cluster_offline

# Ingest rate as the database grows: the daemon's default (parse + dedup
# + cluster + insert), then with [threads] enabled = no (parse + dedup +
# insert: issue 5's measure; the clustering step alone is cluster-bench).
.PHONY: bench-ingest
INGEST_STAGES ?= 10000 100000 1000000
bench-ingest: $(B)/bench/ingest_bench
	@mkdir -p /tmp/tidings-bench && rm -f /tmp/tidings-bench/ingest.db*
	$(B)/bench/ingest_bench /tmp/tidings-bench/ingest.db $(INGEST_STAGES)
	@rm -f /tmp/tidings-bench/ingest.db*
	INGEST_CLUSTER=off $(B)/bench/ingest_bench /tmp/tidings-bench/ingest.db $(INGEST_STAGES)

# The same stages timed against each other, ALT_ROUNDS rounds, each stage
# in a fresh process on a copy of its database (bench/ingest_alt.sh): the
# 1M/10k ratio of issue 5 on a host whose speed drifts within a run.
.PHONY: bench-ingest-alt
ALT_ROUNDS ?= 4
bench-ingest-alt: $(B)/bench/ingest_bench
	INGEST_BENCH=$(B)/bench/ingest_bench bench/ingest_alt.sh $(ALT_ROUNDS)
	INGEST_CLUSTER=off INGEST_BENCH=$(B)/bench/ingest_bench bench/ingest_alt.sh $(ALT_ROUNDS)

# Dedup building blocks: fingerprint + near-duplicate index throughput.
.PHONY: bench-dedup
bench-dedup: $(B)/bench/dedup_bench
	$(B)/bench/dedup_bench

$(B)/bench/dedup_bench: $(B)/obj/bench/dedup_bench.o $(B)/libtidings.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# ---- feed parser: conformance and fuzzing (feeds/, see docs/conformance.md)
# `conformance` scores `tidings parse --json` against the Universal Feed
# Parser corpus in ../shared (skipped when absent) and fails below 97% of
# the cases outside wellformed/sanitize and illformed/chardet.
SHARED_DIR ?= ../shared
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 1800
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FEEDS_SRC  := $(sort $(wildcard feeds/*.c))

conformance: $(B)/tidings
	@if [ ! -f $(SHARED_DIR)/tools/score_feedparser.py ] || [ ! -d $(SHARED_DIR)/corpora/feedparser ]; then \
	  echo "conformance: skipped ($(SHARED_DIR) not found)"; exit 0; fi; \
	python3 $(SHARED_DIR)/tools/score_feedparser.py --corpus $(SHARED_DIR)/corpora/feedparser \
	  --jobs 2 --results $(B)/conformance.tsv \
	  --cmd '$(B)/tidings parse --json --base-uri {uri} --content-type {content_type} {header_args} {file}'; \
	python3 -c 'import sys; rows=[l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]; \
	  core=[r for r in rows if not r[0].startswith(("wellformed/sanitize/","illformed/chardet/"))]; \
	  ok=sum(r[1]=="PASS" for r in core); san=[r for r in rows if r[0].startswith("wellformed/sanitize/")]; \
	  print("conformance: %d/%d = %.1f%% outside sanitize and chardet (need 97%%); sanitize %d/%d" % \
	    (ok, len(core), 100.0*ok/len(core), sum(r[1]=="PASS" for r in san), len(san))); \
	  sys.exit(0 if ok >= 0.97*len(core) else 1)' $(B)/conformance.tsv

$(B)/fuzz_feed: tests/fuzz/fuzz_feed.c tests/unit/feed_same.h tests/unit/fv_same.h $(FEEDS_SRC) \
  $(wildcard feeds/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_feed.c $(FEEDS_SRC) \
	  $(shell pkg-config --libs libxml-2.0)

$(B)/fuzz_decode: tests/fuzz/fuzz_decode.c daemon/decode.c daemon/decode.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_decode.c daemon/decode.c \
	  $(shell pkg-config --libs zlib libdeflate libbrotlidec libzstd)

# The targets past the parser link the whole library, built once with the
# fuzzer's instrumentation in build/fuzzobj.
LIB_OBJ_FUZZ := $(LIB_SRC:%.c=$(B)/fuzzobj/%.o)
$(B)/fuzzobj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC-FUZZ,$<)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz_ingest: tests/fuzz/fuzz_ingest.c tests/unit/thread_oracle.h $(LIB_OBJ_FUZZ)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS_ALL)

$(B)/fuzz_config: tests/fuzz/fuzz_config.c $(LIB_OBJ_FUZZ)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -o $@ $^ $(LDLIBS_ALL)

$(B)/fuzz_text: tests/fuzz/fuzz_text.c $(LIB_OBJ_FUZZ)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -o $@ $^ $(LDLIBS_ALL)

# Each target's corpus grows in $(FUZZ_WORK) (build/, but for the smoke
# runs below), seeded from the files its rule names.  The feed parser's,
# fuzz-corpus, from tests/data/feeds: each file as it is (its first byte
# then taken for the HTTP context) and behind a context byte of 0 (the
# whole document parsed, no context).
fuzz: $(B)/fuzz_feed
	@mkdir -p $(FUZZ_WORK)/fuzz-corpus
	cp -n $(shell find tests/data/feeds -type f) $(FUZZ_WORK)/fuzz-corpus/ 2>/dev/null || true
	@for f in $(shell find tests/data/feeds -type f); do \
	  { printf '\000'; cat $$f; } > $(FUZZ_WORK)/fuzz-corpus/ctx0-$$(basename $$f); done
	$(B)/fuzz_feed -max_total_time=$(FUZZ_TIME) $(FUZZ_SEED_FLAG) -max_len=65536 -timeout=10 \
	  -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix=$(B)/ $(FUZZ_WORK)/fuzz-corpus

# FUZZ_SEED fixes libFuzzer's random seed.  make test's smoke runs use
# seed 1: from the same seeds a run then makes the same inputs, so a run
# that passed here cannot fail on CI by drawing new ones (a slower machine
# makes a prefix of them).  Finding new bugs is `make fuzz*`'s job, with a
# fresh seed each run.
FUZZ_SEED_FLAG = $(if $(FUZZ_SEED),-seed=$(FUZZ_SEED))
FUZZ_WORK ?= $(B)

# The smoke runs start each time from the seeds alone, in corpora of their
# own: the corpora `make fuzz*` grew (thousands of inputs after an hour)
# would make them other inputs than CI's, and libFuzzer reads a whole
# corpus before its time limit starts (minutes, once it is large).
fuzz-smoke:
	@rm -rf $(B)/fuzz-smoke
	@$(MAKE) --no-print-directory fuzz FUZZ_TIME=45 FUZZ_SEED=1 FUZZ_WORK=$(B)/fuzz-smoke
	@$(MAKE) --no-print-directory fuzz-decode FUZZ_TIME=15 FUZZ_SEED=1 FUZZ_WORK=$(B)/fuzz-smoke
	@$(MAKE) --no-print-directory fuzz-ingest FUZZ_TIME=15 FUZZ_SEED=1 FUZZ_WORK=$(B)/fuzz-smoke
	@$(MAKE) --no-print-directory fuzz-config FUZZ_TIME=10 FUZZ_SEED=1 FUZZ_WORK=$(B)/fuzz-smoke
	@$(MAKE) --no-print-directory fuzz-text FUZZ_TIME=5 FUZZ_SEED=1 FUZZ_WORK=$(B)/fuzz-smoke

# The content decoder (daemon/decode.c), seeded with a feed in each coding
# (tests/fuzz/decode_seeds.py writes them; the first byte picks the coding).
fuzz-decode: $(B)/fuzz_decode
	@mkdir -p $(FUZZ_WORK)/fuzz-decode-corpus
	python3 tests/fuzz/decode_seeds.py $(FUZZ_WORK)/fuzz-decode-corpus tests/data/feeds
	$(B)/fuzz_decode -max_total_time=$(FUZZ_TIME) $(FUZZ_SEED_FLAG) -max_len=65536 -timeout=10 \
	  -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix=$(B)/ $(FUZZ_WORK)/fuzz-decode-corpus

# Past the parser: a hostile feed through the whole ingest pipeline into a
# real database (tests/fuzz/fuzz_ingest.c), seeded from tests/data/feeds
# and tests/fuzz/ingest_seeds (the first byte: HTTP context and passes).
fuzz-ingest: $(B)/fuzz_ingest
	@mkdir -p $(FUZZ_WORK)/fuzz-ingest-corpus
	cp -n $(shell find tests/data/feeds tests/fuzz/ingest_seeds -type f) $(FUZZ_WORK)/fuzz-ingest-corpus/ 2>/dev/null || true
	$(B)/fuzz_ingest -max_total_time=$(FUZZ_TIME) $(FUZZ_SEED_FLAG) -max_len=65536 -timeout=10 \
	  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(B)/ $(FUZZ_WORK)/fuzz-ingest-corpus

# The configuration and the feed list (tests/fuzz/fuzz_config.c; the first
# byte's bit 0 picks the feed list), seeded from config/ and
# tests/fuzz/config_seeds.  stdin is /dev/null: a ca_file of /dev/stdin
# would wait for it.
fuzz-config: $(B)/fuzz_config
	@mkdir -p $(FUZZ_WORK)/fuzz-config-corpus
	cp -n tests/fuzz/config_seeds/* $(FUZZ_WORK)/fuzz-config-corpus/
	@for f in config/*.conf; do { printf '\000'; cat $$f; } > $(FUZZ_WORK)/fuzz-config-corpus/seed-$$(basename $$f); done
	@{ printf '\001'; cat config/feeds.opml; } > $(FUZZ_WORK)/fuzz-config-corpus/seed-feeds.opml
	$(B)/fuzz_config -max_total_time=$(FUZZ_TIME) $(FUZZ_SEED_FLAG) -max_len=16384 -timeout=10 \
	  -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix=$(B)/ $(FUZZ_WORK)/fuzz-config-corpus </dev/null

# The tokenizer, the fingerprints and the canonical URL on any bytes
# (tests/fuzz/fuzz_text.c; the first byte picks the language), seeded with
# tests/fuzz/text_seeds.
fuzz-text: $(B)/fuzz_text
	@mkdir -p $(FUZZ_WORK)/fuzz-text-corpus
	cp -n tests/fuzz/text_seeds/* $(FUZZ_WORK)/fuzz-text-corpus/
	$(B)/fuzz_text -max_total_time=$(FUZZ_TIME) $(FUZZ_SEED_FLAG) -max_len=8192 -timeout=10 \
	  -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix=$(B)/ $(FUZZ_WORK)/fuzz-text-corpus

# Parser throughput beside raw libxml2 (see docs/benchmarks.md).
.PHONY: bench-parse
BENCH_CORPUS ?= /tmp/parser-corpus
$(B)/parse_bench: bench/parse_bench.c $(B)/libtidings.a
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) -o $@ $< $(B)/libtidings.a $(LDLIBS_ALL)

bench-parse: $(B)/parse_bench
	@[ -d $(BENCH_CORPUS)/feeds ] || python3 $(SHARED_DIR)/bench/gen_feeds.py -n 300 -o $(BENCH_CORPUS) >/dev/null
	$(B)/parse_bench $(BENCH_CORPUS)/feeds 5
	$(B)/parse_bench $(BENCH_CORPUS)/feeds 5 --sax
	@cd $(BENCH_CORPUS)/feeds && /usr/bin/time -f "xmllint --stream: %e s wall, %U s CPU" \
	  sh -c 'ls | xargs xmllint --noout --stream' 
	@python3 bench/hostile_feeds.py $(BENCH_CORPUS)/hostile
	$(B)/parse_bench $(BENCH_CORPUS)/hostile 1 --each

# The poller against a private nginx on 127.0.0.1: tidingsd --once cold,
# changed and all-304 on 1,000 and 10,000 generated feeds, newsboat beside
# it at 1,000 (skips when ../shared/bench is absent).  Table and plot:
# docs/benchmarks.md, docs/poller-vs-newsboat.png.
.PHONY: bench-poll
bench-poll: bench-deps all
	bench/poll_bench.sh

# Clustering throughput (synthetic stream, ~50k stories in the window) and
# start-up restore of 100k stories; then the same stream with the window
# held at ~10k, the 10k stage's own, so that only the history grows
# (docs/threads.md, session 25).
cluster-bench: $(B)/bench/cluster_bench
	$(B)/bench/cluster_bench 1000000 50000 100000
	$(B)/bench/cluster_bench 1000000 10000 0

# Start-up restore for real: ingest_new() on a database whose window holds
# 100k stories (filled once through the pipeline), best of 3.
.PHONY: bench-restore
bench-restore: $(B)/bench/restore_bench
	@mkdir -p /tmp/tidings-bench && rm -f /tmp/tidings-bench/restore.db*
	$(B)/bench/restore_bench /tmp/tidings-bench/restore.db 100000

# The labelled sets of ../shared/data replayed through the real daemon
# (feeds per publisher on a local server, tidingsd --once per round):
# B-cubed and pairwise F1 per set (skips when the data is absent).
# See docs/threads.md.
.PHONY: cluster-eval
cluster-eval: all
	python3 bench/cluster_eval.py --set both --build $(CURDIR)/$(B)

# A long-running daemon's memory: one tidingsd fed new feeds through
# SIGHUP for 200 rounds (200,000 stories); its RSS every 10 rounds and the
# growth after round 10 (docs/benchmarks.md, "Long run").
.PHONY: bench-soak
bench-soak: all
	python3 bench/soak_bench.py --build $(CURDIR)/$(B)

# The floor under issues 4 and 5: what libcurl, libdeflate, libxml2 and
# SQLite with FTS5 alone cost for the cold 1,000-feed cycle (the corpus of
# ../shared/bench/gen_feeds.py --seed 42 from a private nginx on
# FLOOR_PORT) and for bench-ingest's 10k stage, stage by stage, CPU s and
# µs a story (docs/benchmarks.md, "The floor").  The poll part skips when
# ../shared/bench is absent.
.PHONY: bench-floor
FLOOR_CORPUS ?= /tmp/pb/corpus
FLOOR_PORT ?= 8097
FLOOR_DIR ?= /tmp/tidings-bench/floor
bench-floor: $(B)/bench/floor_bench $(B)/parse_bench
	@mkdir -p $(FLOOR_DIR)
	$(B)/bench/floor_bench ingest $(FLOOR_DIR) 3
	@if [ ! -x $(SHARED_DIR)/bench/serve.sh ]; then \
	  echo "bench-floor: poll part skipped ($(SHARED_DIR)/bench not found)"; exit 0; fi; \
	[ -f $(FLOOR_CORPUS)/urls.txt ] || python3 $(SHARED_DIR)/bench/gen_feeds.py -n 1000 \
	  -o $(FLOOR_CORPUS) --seed 42 --base-url http://127.0.0.1:8091 >/dev/null || exit 1; \
	sed 's#^http://127.0.0.1:[0-9]*/#http://127.0.0.1:$(FLOOR_PORT)/#' $(FLOOR_CORPUS)/urls.txt \
	  > $(FLOOR_DIR)/urls.txt; \
	$(SHARED_DIR)/bench/serve.sh start $(FLOOR_CORPUS) $(FLOOR_PORT) $(FLOOR_DIR)/nginx || exit 1; \
	m=$$(cat $(FLOOR_DIR)/nginx/nginx.pid); \
	FLOOR_NGINX_PIDS="$$m $$(pgrep -P $$m | tr '\n' ' ')" \
	  $(B)/bench/floor_bench poll $(FLOOR_DIR)/urls.txt $(FLOOR_DIR) 3; rc=$$?; \
	$(SHARED_DIR)/bench/serve.sh stop $(FLOOR_PORT) $(FLOOR_DIR)/nginx; \
	$(B)/parse_bench $(FLOOR_CORPUS)/feeds 3 --sax; exit $$rc

# Every benchmark, in one run (long: the 10,000-feed poller cycles take a
# good while).  Figures, never pass/fail: docs/benchmarks.md.
bench: bench-deps all
	@$(MAKE) --no-print-directory bench-parse
	@$(MAKE) --no-print-directory bench-dedup
	@$(MAKE) --no-print-directory cluster-bench
	@$(MAKE) --no-print-directory bench-restore
	@$(MAKE) --no-print-directory bench-ingest
	@$(MAKE) --no-print-directory bench-ingest-alt
	@$(MAKE) --no-print-directory bench-floor
	@$(MAKE) --no-print-directory cluster-eval
	@$(MAKE) --no-print-directory bench-poll
	@$(MAKE) --no-print-directory bench-soak
