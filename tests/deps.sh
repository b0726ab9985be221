#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# deps.sh - installs what sysrec needs to build, test and benchmark on Debian 12.
set -e
pkgs="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
libsqlite3-dev sqlite3 zstd pkg-config strace linux-perf bpftrace"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "sysrec: deps:$missing are missing; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
