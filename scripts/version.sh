#!/usr/bin/env bash
# Prints govif's version for stamping at build time (Makefile VERSION): from `git describe`
# when a release tag vX.Y.Z is reachable, else the VERSION file plus the commit
# (0.1.0+git.<12 hex>[.dirty]); the VERSION file alone outside a git checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
if v=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
	echo "${v#v}"
	exit 0
fi
base=$(tr -d ' \n' <VERSION)
if rev=$(git rev-parse --short=12 HEAD 2>/dev/null); then
	if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		rev="$rev.dirty"
	fi
	echo "$base+git.$rev"
else
	echo "$base"
fi
