#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# deps.sh - installs what sysrec needs to build, test and benchmark on Debian 12.
#
#   tests/deps.sh            all of it: make deps, make check
#   tests/deps.sh --analyze  what the analyzer-only build needs: make deps NO_BPF=1
#
# The arm64 packages (the aarch64 analyzer of tests/build/arm64.sh) come from
# Debian's multiarch: the arm64 architecture is added to dpkg first.
set -e
analyze="make gcc libc6-dev libzstd-dev libsqlite3-dev"
pkgs="$analyze clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev sqlite3 zstd
pkg-config strace linux-perf bpftrace
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libzstd-dev:arm64 libsqlite3-dev:arm64
libncurses-dev tmux protobuf-compiler python3-protobuf chromium nodejs python3
libcurl4-openssl-dev clickhouse-server clickhouse-client"
# npm fetches the chart library of sysrec report (docs/BUILDING.md): it comes
# with NodeSource's nodejs, and is a package of its own in Debian's
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
case ${1:-} in
--analyze) pkgs=$analyze ;;
"") ;;
*) echo "usage: tests/deps.sh [--analyze]" >&2; exit 2 ;;
esac
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
case $missing in
*:arm64*)
	dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 ;;
esac
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
