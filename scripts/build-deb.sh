#!/usr/bin/env bash
# Builds the Debian package: scripts/build-deb.sh VERSION BINARY OUTDIR (as `make deb` calls it).
# Contents: /usr/bin/govif, the systemd unit (contrib/systemd/govif.service, ExecStart pointed
# at /usr/bin/govif), /etc/govif/govif.conf (a conffile), man pages and bash completion
# generated from the command tree, README/docs/LICENSE under /usr/share/doc/govif.
# Maintainer scripts: contrib/debian/. Prints the path of the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1 bin=$2 out=$3
debversion=${version//-/+}
arch=$(dpkg --print-architecture)
stage=$(mktemp -d "${TMPDIR:-/tmp}/govif-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/govif
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/govif" \
	"$root/usr/share/doc/govif/docs" "$root/usr/share/man/man1" "$root/usr/share/bash-completion/completions"
install -m 0755 "$bin" "$root/usr/bin/govif"
sed 's#/usr/local/bin/govif#/usr/bin/govif#g; /^# Install:/,/^#            systemctl/d' contrib/systemd/govif.service >"$root/lib/systemd/system/govif.service"
chmod 0644 "$root/lib/systemd/system/govif.service"
install -m 0640 contrib/systemd/govif.conf "$root/etc/govif/govif.conf"
install -m 0644 README.md "$root/usr/share/doc/govif/README.md"
install -m 0644 docs/*.md "$root/usr/share/doc/govif/docs/"
install -m 0644 contrib/debian/copyright "$root/usr/share/doc/govif/copyright"
"$bin" man --dir "$root/usr/share/man/man1"
gzip -9n "$root"/usr/share/man/man1/*.1
"$bin" completion bash >"$root/usr/share/bash-completion/completions/govif"
chmod 0644 "$root/usr/share/bash-completion/completions/govif"
for s in postinst prerm postrm; do install -m 0755 "contrib/debian/$s" "$root/DEBIAN/$s"; done
echo /etc/govif/govif.conf >"$root/DEBIAN/conffiles"
(cd "$root" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -print0 | sed -z 's#^\./##' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed "s/@VERSION@/$debversion/; s/@ARCH@/$arch/; s/@SIZE@/$size/" contrib/debian/control.in >"$root/DEBIAN/control"
mkdir -p "$out"
deb="$out/govif_${debversion}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
