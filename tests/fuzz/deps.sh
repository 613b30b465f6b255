#!/bin/sh
# Packages the fuzz build needs beyond tools/deps.sh: clang 14 with its
# libFuzzer/ASan/UBSan runtimes (Debian 12).
set -e
pkgs="clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends $missing
