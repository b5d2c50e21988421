#!/bin/sh
# tests/integration/t_service.sh — the service files as systemd and mandoc
# see them: the unit's sandbox exposure (systemd-analyze security, at most
# 2.0), systemd-analyze verify, the hardening issue 7 asks for, the
# sysusers/tmpfiles snippets applied to a scratch root, and mandoc lint of
# the man pages.  Prints TAP.  Run from the top of the tree.
B=${TIDINGS_BUILD:-$(pwd)/build}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0

ok()   { n=$((n + 1)); echo "ok $n - $1"; }
nok()  { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /' "$@"; }

subst() { # file sbindir -> stdout
	sed -e "s|@SBINDIR@|$2|g" -e "s|@BINDIR@|$2|g" -e 's|@SYSCONFDIR@|/etc|g' \
	    -e 's|@LOCALSTATEDIR@|/var/lib|g' "$1"
}

# ---- the unit ---------------------------------------------------------------
mkdir -p "$tmp/unit" "$tmp/verify"
subst systemd/tidingsd.service /usr/bin >"$tmp/unit/tidingsd.service"

if grep -q '@[A-Z]*@' "$tmp/unit/tidingsd.service"; then
	nok "every placeholder of the unit is substituted"
else
	ok "every placeholder of the unit is substituted"
fi

missing=
for d in Type=notify ExecReload= WatchdogSec= Restart=on-failure 'RestartPreventExitStatus=1 2' \
	StateDirectory=tidings ConfigurationDirectory=tidings User= \
	ProtectSystem=strict ProtectHome= PrivateTmp=yes PrivateDevices=yes \
	NoNewPrivileges=yes ProtectKernelTunables=yes ProtectKernelModules=yes \
	ProtectKernelLogs=yes ProtectControlGroups=yes ProtectClock=yes \
	ProtectHostname=yes 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
	RestrictNamespaces=yes RestrictRealtime=yes RestrictSUIDSGID=yes \
	LockPersonality=yes MemoryDenyWriteExecute=yes \
	SystemCallFilter=@system-service SystemCallArchitectures=native \
	CapabilityBoundingSet= UMask=0027; do
	grep -q "^$d" "$tmp/unit/tidingsd.service" || missing="$missing $d"
done
if [ -z "$missing" ]; then ok "unit has the hardening of issue 7"
else nok "unit has the hardening of issue 7 (missing:$missing)"; fi

# ProtectSystem=strict: the daemon writes in its StateDirectory= only.  A
# `database =` elsewhere (tidings.conf(5)'s example puts it in /srv/news)
# stops the service at exit 2, "Read-only file system", and the manual
# pages must say what makes another directory writable.
if ! grep -q '^ProtectSystem=strict' "$tmp/unit/tidingsd.service" ||
   { grep -q 'ReadWritePaths=' docs/tidingsd.8 && grep -q 'ReadWritePaths=' docs/tidings.conf.5; }; then
	ok "the manual pages say how the sandboxed service writes a database elsewhere"
else
	nok "the manual pages say how the sandboxed service writes a database elsewhere"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze security --offline=yes "$tmp/unit/tidingsd.service" \
		>"$tmp/security" 2>&1
	level=$(sed -n 's/.*Overall exposure level for tidingsd.service: \([0-9.]*\).*/\1/p' \
		"$tmp/security")
	if [ -n "$level" ] && awk "BEGIN { exit !($level <= 2.0) }"; then
		ok "systemd-analyze security: exposure $level <= 2.0"
	else
		nok "systemd-analyze security: exposure '${level:-?}' <= 2.0"
		diag "$tmp/security"
	fi

	# verify wants the executable to exist and the Documentation= pages
	# to be found by man(1): point both at this tree.  An unknown key is
	# only a warning with exit 0, so any output at all fails.
	subst systemd/tidingsd.service "$B" >"$tmp/verify/tidingsd.service"
	for s in 1 5 8; do mkdir -p "$tmp/man/man$s"; done
	cp docs/tidings.1 "$tmp/man/man1/"
	cp docs/tidings.conf.5 "$tmp/man/man5/"
	cp docs/tidingsd.8 "$tmp/man/man8/"
	manopt=
	command -v man >/dev/null 2>&1 || manopt=--man=no
	if [ ! -x "$B/tidingsd" ]; then
		skip "systemd-analyze verify" "no $B/tidingsd (run make first)"
	elif MANPATH="$tmp/man" systemd-analyze verify $manopt \
		"$tmp/verify/tidingsd.service" >"$tmp/verify.out" 2>&1 &&
	     ! grep -v 'is marked world-inaccessible\|is marked executable' \
		"$tmp/verify.out" | grep -q .; then
		ok "systemd-analyze verify${manopt:+ $manopt}"
	else
		nok "systemd-analyze verify${manopt:+ $manopt}"
		diag "$tmp/verify.out"
	fi
else
	skip "systemd-analyze security" "systemd-analyze not installed"
	skip "systemd-analyze verify" "systemd-analyze not installed"
fi

# ---- sysusers.d and tmpfiles.d, applied to a scratch root ---------------------
mkdir -p "$tmp/root/etc"
subst systemd/tidings.sysusers /usr/bin >"$tmp/sysusers.conf"
subst systemd/tidings.tmpfiles /usr/bin >"$tmp/tmpfiles.conf"
if ! command -v systemd-sysusers >/dev/null 2>&1; then
	skip "sysusers creates the tidings user and group" "systemd-sysusers not installed"
	skip "tmpfiles creates a group-readable state directory" "systemd-tmpfiles not installed"
else
	if systemd-sysusers --root="$tmp/root" "$tmp/sysusers.conf" >"$tmp/su.out" 2>&1 &&
	   grep -q '^tidings:x:[0-9]*:[0-9]*:.*:/var/lib/tidings:' "$tmp/root/etc/passwd" &&
	   grep -q '^tidings:' "$tmp/root/etc/group"; then
		ok "sysusers creates the tidings user and group"
	else
		nok "sysusers creates the tidings user and group"
		diag "$tmp/su.out"
	fi
	if systemd-tmpfiles --create --root="$tmp/root" "$tmp/tmpfiles.conf" \
		>"$tmp/tf.out" 2>&1 &&
	   [ "$(stat -c %a "$tmp/root/var/lib/tidings")" = 750 ] &&
	   [ "$(stat -c %g "$tmp/root/var/lib/tidings")" = \
	     "$(sed -n 's/^tidings:x:\([0-9]*\):.*/\1/p' "$tmp/root/etc/group")" ]; then
		ok "tmpfiles creates a group-readable state directory"
	else
		nok "tmpfiles creates a group-readable state directory"
		diag "$tmp/tf.out"
	fi
fi

# ---- man pages -------------------------------------------------------------------
for page in docs/tidingsd.8 docs/tidings.1 docs/tidings.conf.5; do
	if ! command -v mandoc >/dev/null 2>&1; then
		skip "mandoc -T lint $page" "mandoc not installed"
	elif mandoc -T lint -W error "$page" >"$tmp/lint" 2>&1; then
		ok "mandoc -T lint -W error $page"
	else
		nok "mandoc -T lint -W error $page"
		diag "$tmp/lint"
	fi
done

echo "1..$n"
exit $fail
