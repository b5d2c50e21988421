#!/bin/sh
# tests/integration/t_install.sh — `make install` into a scratch DESTDIR:
# the exact file list, substituted paths, an edited configuration kept on
# reinstall and on uninstall, and nothing else left after uninstall.
# Prints TAP.  Run from the top of the tree (it calls make there).
top=$(pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
D=$tmp/root
n=0 fail=0

check() { # name, then a shell condition
	n=$((n + 1)); name=$1; shift
	if eval "$*"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fail=1; fi
}
files() { (cd "$D" && find . \( -type f -o -type l \) | sort); }
# `make install PREFIX=/usr` relinks the programs (the paths compiled in
# change).  In the tree's build/ those are the programs every other test
# runs: under `prove -j` the tests beside this one failed to run them while
# they were rewritten ("Permission denied: build/tidingsd"), and those that
# ran in between ran ones compiled for /etc.  So the installs here build in
# a copy of build/'s objects (only the two that hold the paths are compiled
# again), and build/ is left as it was.  Under the usual umask too: under
# 077 the programs came out 0700.
mkdir -p "$tmp/build"
for f in obj libtidings.a paths.stamp tidings tidingsd; do
	[ -e "$top/build/$f" ] && cp -a "$top/build/$f" "$tmp/build/"
done
mk() { (umask 022 && make -C "$top" --no-print-directory B="$tmp/build" "$@") >>"$tmp/make.log" 2>&1; }

cat >"$tmp/want" <<'LIST'
./etc/tidings/feeds.opml
./etc/tidings/tidings.conf
./usr/bin/tidings
./usr/bin/tidingsd
./usr/lib/systemd/system/tidingsd.service
./usr/lib/sysusers.d/tidings.conf
./usr/lib/tmpfiles.d/tidings.conf
./usr/share/man/man1/tidings.1
./usr/share/man/man5/tidings.conf.5
./usr/share/man/man8/tidingsd.8
LIST

mk install PREFIX=/usr DESTDIR="$D"; rc=$?
check "make install PREFIX=/usr exits 0" '[ $rc -eq 0 ]'
files >"$tmp/got"
check "installed file list" 'cmp -s "$tmp/want" "$tmp/got"'
[ $fail -eq 0 ] || diff "$tmp/want" "$tmp/got" | sed 's/^/# /'
check "binaries executable" '[ -x "$D/usr/bin/tidingsd" ] && [ -x "$D/usr/bin/tidings" ]'
check "unit runs /usr/bin/tidingsd on /etc/tidings/tidings.conf" \
	'grep -qx "ExecStart=/usr/bin/tidingsd -c /etc/tidings/tidings.conf" \
		"$D/usr/lib/systemd/system/tidingsd.service"'
check "no placeholder left" '! grep -q "@[A-Z]*@" "$D/usr/lib/systemd/system/tidingsd.service" \
	"$D/usr/lib/sysusers.d/tidings.conf" "$D/usr/lib/tmpfiles.d/tidings.conf"'
check "installed manual pages as shipped under PREFIX=/usr" \
	'cmp -s docs/tidings.1 "$D/usr/share/man/man1/tidings.1" &&
	 cmp -s docs/tidings.conf.5 "$D/usr/share/man/man5/tidings.conf.5" &&
	 cmp -s docs/tidingsd.8 "$D/usr/share/man/man8/tidingsd.8"'
check "shipped configuration installed unchanged" \
	'cmp -s config/tidings.conf "$D/etc/tidings/tidings.conf"'
# The programs look for the configuration where it was installed, also
# when build/ was made before with another PREFIX (`make run`, then `sudo
# make install PREFIX=/usr` as the README says): tidings(1)'s default
# database and `tidings check` without -c go by it.
check "installed programs read /etc/tidings/tidings.conf" \
	'"$D/usr/bin/tidings" check --help | grep -q "default /etc/tidings/tidings.conf)" &&
	 "$D/usr/bin/tidingsd" --help | grep -q "default: /etc/tidings/tidings.conf$"'
check "installed tidings check accepts the installed configuration" \
	'[ "$("$D/usr/bin/tidings" check -c "$D/etc/tidings/tidings.conf")" = \
	   "$D/etc/tidings/tidings.conf: ok, $(grep -c xmlUrl config/feeds.opml) feeds" ]'

# An administrator edits the configuration; a reinstall must keep it.
printf '\n[daemon]\ninterval = 30m\n' >>"$D/etc/tidings/tidings.conf"
cp "$D/etc/tidings/tidings.conf" "$tmp/edited"
mk install PREFIX=/usr DESTDIR="$D"; rc=$?
check "reinstall exits 0" '[ $rc -eq 0 ]'
check "reinstall keeps the edited tidings.conf" 'cmp -s "$tmp/edited" "$D/etc/tidings/tidings.conf"'
check "reinstall puts the shipped one beside it" \
	'cmp -s config/tidings.conf "$D/etc/tidings/tidings.conf.dist"'
check "reinstall leaves the unedited feeds.opml alone" \
	'[ ! -e "$D/etc/tidings/feeds.opml.dist" ]'

mk uninstall PREFIX=/usr DESTDIR="$D"; rc=$?
check "make uninstall exits 0" '[ $rc -eq 0 ]'
check "uninstall leaves only the edited configuration" \
	'[ "$(files)" = "./etc/tidings/tidings.conf" ]'
check "edited configuration intact" 'cmp -s "$tmp/edited" "$D/etc/tidings/tidings.conf"'

# PREFIX=/usr/local: configuration under /usr/local/etc, unit follows.
rm -rf "$D"
mk install PREFIX=/usr/local DESTDIR="$D"; rc=$?
check "install PREFIX=/usr/local" '[ $rc -eq 0 ] && [ -f "$D/usr/local/etc/tidings/tidings.conf" ] &&
	grep -qx "ExecStart=/usr/local/bin/tidingsd -c /usr/local/etc/tidings/tidings.conf" \
		"$D/usr/local/lib/systemd/system/tidingsd.service"'
check "installed programs read /usr/local/etc/tidings/tidings.conf" \
	'"$D/usr/local/bin/tidings" check --help | grep -q "default /usr/local/etc/tidings/tidings.conf)"'
# The manual pages name the configuration the installed programs read.
check "installed manual pages name /usr/local/etc/tidings" \
	'(for m in man1/tidings.1 man5/tidings.conf.5 man8/tidingsd.8; do
	   grep -q "/usr/local/etc/tidings/tidings.conf" "$D/usr/local/share/man/$m" &&
	   ! sed "s|/usr/local/etc/tidings/||g" "$D/usr/local/share/man/$m" | grep -q /etc/tidings/ || exit 1
	 done)'
mk uninstall PREFIX=/usr/local DESTDIR="$D"; rc=$?
check "uninstall PREFIX=/usr/local leaves no file" '[ $rc -eq 0 ] && [ -z "$(files)" ]'

[ $fail -eq 0 ] || sed 's/^/# /' "$tmp/make.log"
echo "1..$n"
exit $fail
