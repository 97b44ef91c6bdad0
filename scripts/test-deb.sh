#!/usr/bin/env bash
# Tests the Debian package on this machine (part of `make test`, as root): dpkg -i, check the
# files, the conffile and `govif version`, dpkg -r (the conffile stays), dpkg -P (nothing
# stays), dpkg forgets govif. Usage: scripts/test-deb.sh DEB VERSION
#
# It never touches a real govif: it skips when a govif package is known to dpkg or any file
# the package ships already exists. Without root or dpkg it skips. Takes a few seconds.
set -euo pipefail
deb=$1 version=$2
skip() { echo "test-deb: SKIP: $*"; exit 0; }
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "needs root (dpkg -i)"
command -v dpkg >/dev/null || skip "no dpkg"
if dpkg-query -W -f='${Status}' govif 2>/dev/null | grep -qv 'not-installed'; then
	skip "a govif package is known to dpkg on this machine; not touching it"
fi
mapfile -t files < <(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's#^\./#/#' | grep -v '/$')
[ ${#files[@]} -gt 10 ] || fail "the package lists only ${#files[@]} files"
for f in "${files[@]}"; do
	[ ! -e "$f" ] || skip "$f exists already; not overwriting it"
done
# dpkg must always be left clean, whatever fails below.
cleanup() { dpkg -P govif >/dev/null 2>&1 || true; }
trap cleanup EXIT

start=$(date +%s%N)
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
dpkg-query -W -f='${Status}' govif | grep -q 'install ok installed' || fail "not installed after dpkg -i"
for f in /usr/bin/govif /lib/systemd/system/govif.service /etc/govif/govif.conf /usr/share/man/man1/govif.1.gz \
	/usr/share/man/man1/govif-plug.1.gz /usr/share/doc/govif/copyright /usr/share/doc/govif/README.md \
	/usr/share/bash-completion/completions/govif; do
	[ -f "$f" ] || fail "$f not installed"
done
grep -q '^ExecStart=/usr/bin/govif serve --config /etc/govif/govif.conf' /lib/systemd/system/govif.service ||
	fail "the unit does not start /usr/bin/govif"
dpkg-query -W -f='${Conffiles}' govif | grep -q '/etc/govif/govif.conf' || fail "/etc/govif/govif.conf is not a conffile"
got=$(/usr/bin/govif version)
case "$got" in "govif $version ("*) ;; *) fail "govif version printed '$got', want govif $version" ;; esac
/usr/bin/govif object list >/dev/null || fail "the installed govif does not run"
zcat /usr/share/man/man1/govif-plug.1.gz | grep -q -- '--vif' || fail "govif-plug(1) does not document --vif"

dpkg -r govif >/dev/null || fail "dpkg -r govif"
for f in "${files[@]}"; do
	[ "$f" = /etc/govif/govif.conf ] && continue
	[ ! -e "$f" ] || fail "$f left after dpkg -r"
done
[ -f /etc/govif/govif.conf ] || fail "dpkg -r removed the conffile (only purge should)"
dpkg -P govif >/dev/null || fail "dpkg -P govif"
for f in "${files[@]}"; do [ ! -e "$f" ] || fail "$f left after dpkg -P"; done
[ ! -e /etc/govif ] || fail "/etc/govif left after dpkg -P"
[ ! -e /usr/share/doc/govif ] || fail "/usr/share/doc/govif left after dpkg -P"
if dpkg-query -W govif >/dev/null 2>&1 && dpkg-query -W -f='${Status}' govif | grep -qv 'not-installed'; then
	fail "dpkg still knows govif after purge"
fi
trap - EXIT
echo "test-deb: ok: $(basename "$deb"): installed, checked, removed, purged in $((($(date +%s%N) - start) / 1000000)) ms"
