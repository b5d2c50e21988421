#!/bin/sh
# tests/integration/t_check.sh — `tidings check` through the real binary:
# exit status, the "FILE: ok, N feeds" line on stdout, the first error on
# stderr.  Run from the top of the tree; TIDINGS_BUILD is build/.
B=${TIDINGS_BUILD:-$(pwd)/build}
T=$B/tidings
D=tests/data/config
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0

check() { # name, then a shell condition
	n=$((n + 1)); name=$1; shift
	if eval "$*"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fail=1; fi
}

"$T" check -c config/dev.conf >"$tmp/out" 2>"$tmp/err"; rc=$?
check "dev.conf: exit 0" '[ $rc -eq 0 ]'
check "dev.conf: ok line" '[ "$(cat "$tmp/out")" = "config/dev.conf: ok, 30 feeds" ]'
check "dev.conf: nothing on stderr" '[ ! -s "$tmp/err" ]'

"$T" check -c $D/unknown_key.conf >"$tmp/out" 2>"$tmp/err"; rc=$?
check "unknown key: exit 1" '[ $rc -eq 1 ]'
check "unknown key: message on stderr" \
	'[ "$(cat "$tmp/err")" = "$D/unknown_key.conf:3: unknown key '"'frobnicate'"' in [daemon]" ]'
check "unknown key: nothing on stdout" '[ ! -s "$tmp/out" ]'

"$T" check -c $D/bad_feeds.conf >"$tmp/out" 2>"$tmp/err"; rc=$?
check "bad feed list: exit 1" '[ $rc -eq 1 ]'
check "bad feed list: names the list and line" 'grep -q "^$D/lists/ftp.txt:3: unsupported URL" "$tmp/err"'

# A feed-list error quotes the URL; its password is masked, as in the
# daemon's log.
printf '[daemon]\nfeeds = %s/%s\n' "$(pwd)" "$D/lists/secret_ftp.txt" >"$tmp/secret.conf"
"$T" check -c "$tmp/secret.conf" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "password in a bad URL: exit 1" '[ $rc -eq 1 ]'
check "password in a bad URL: masked" \
	'grep -q "secret_ftp.txt:2: unsupported URL .ftp://reader:\*\*\*@files.example/feed.xml" "$tmp/err" && ! grep -q s3cret "$tmp/err"'

# Also a password holding a '/' (not written %2F), which ends the authority
# where the masking looked for it: the whole password was shown, and its
# first part was called the port.
printf '[daemon]\nfeeds = %s/%s\n' "$(pwd)" "$D/lists/slash_password.txt" >"$tmp/slash.conf"
"$T" check -c "$tmp/slash.conf" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "password with a slash in a bad URL: exit 1" '[ $rc -eq 1 ]'
check "password with a slash in a bad URL: masked, the slash named" \
	'grep -q "slash_password.txt:2: bad URL .https://reader:\*\*\*@priv.example/feed.xml. (port is not a number from 1 to 65535, or a password holds ./., .?. or .#.: write them %2F, %3F, %23)" "$tmp/err" && ! grep -q "pass/word" "$tmp/err"'

"$T" check -c "$tmp/missing.conf" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "missing file: exit 1" '[ $rc -eq 1 ]'
check "missing file: message" \
	'[ "$(cat "$tmp/err")" = "$tmp/missing.conf:0: cannot open: No such file or directory" ]'

# An OPML list not in the encoding it declares: libxml2 would print its
# own lines on stderr; the one line there is ours, naming the file.
printf '[daemon]\nfeeds = %s/%s\n' "$(pwd)" "$D/lists/bad_encoding.opml" >"$tmp/enc.conf"
"$T" check -c "$tmp/enc.conf" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "OPML in the wrong encoding: exit 1" '[ $rc -eq 1 ]'
check "OPML in the wrong encoding: one line on stderr, ours" \
	'[ "$(cat "$tmp/err")" = "$(pwd)/$D/lists/bad_encoding.opml:0: malformed OPML: not in the encoding it declares (ISO-2022-JP): input conversion failed due to input error, bytes 0xFF 0xFF 0x22 0x2F" ]'

# A config file elsewhere with a relative plain-text list beside it.
printf 'https://a.example/rss\nhttps://b.example/atom\n' >"$tmp/list.txt"
printf '[daemon]\nfeeds = list.txt\n' >"$tmp/t.conf"
(cd / && "$T" check -c "$tmp/t.conf") >"$tmp/out" 2>&1; rc=$?
check "relative feeds resolved beside the config" \
	'[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$tmp/t.conf: ok, 2 feeds" ]'

"$T" check --help >"$tmp/out" 2>&1; rc=$?
check "--help: exit 0 and usage" '[ $rc -eq 0 ] && grep -q "^usage: tidings check" "$tmp/out"'
"$T" check --bogus >"$tmp/out" 2>&1; rc=$?
check "unknown option: exit 1" '[ $rc -eq 1 ]'

echo "1..$n"
exit $fail
