#!/usr/bin/env bash
# Install what building and testing newsconv needs on Debian 12, and
# nothing when it is all there already.  Run as root (or with sudo).
set -euo pipefail

packages=(
	gcc libc6-dev meson ninja-build pkg-config
	libyaml-dev libxml2-dev libicu-dev liblzma-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libzip-dev libcurl4-openssl-dev zlib1g-dev libssl-dev
	python3 cmark cmark-gfm epubcheck default-jdk-headless
	nodejs npm ca-certificates
	slurm-wlm munge
	chromium
	# tests/cli/test_valgrind.py, the cache fsync check in tests/fetch/test_fixes.py
	valgrind strace
	# tests/cli/test_manpage.py: groff lints the man page, man -l renders it, zsh -n
	# and bash -n parse the completions
	groff-base man-db zsh bash
	# tests/cli/test_daily.py: systemd-analyze verify on the daily paper's units
	systemd
)
# Extra tools for bench/ only: the peers we measure against.
if [ "${1:-}" = "--bench" ]; then
	packages+=(pandoc python3-html2text python3-feedparser python3-readability wget time hyperfine bc)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from elsewhere than Debian (they do on some images).
if command -v node >/dev/null && command -v npx >/dev/null; then
	missing=("${missing[@]/nodejs/}")
	missing=("${missing[@]/npm/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# warcio (npm) is the independent WARC parser the tests compare against.
npm_dir="${NC_NPM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/newsconv-test/npm}"
if [ ! -x "$npm_dir/node_modules/.bin/warcio" ]; then
	echo "deps: installing warcio from npm into $npm_dir"
	mkdir -p "$npm_dir"
	npm install --silent --no-audit --no-fund --prefix "$npm_dir" warcio@2 >/dev/null
fi
# Ace by DAISY checks EPUB accessibility (tests/epub/test_ace.py) in
# Debian's chromium: --ignore-scripts keeps puppeteer from downloading a
# browser of its own.
if [ ! -d "$npm_dir/node_modules/@daisy/ace-core" ]; then
	echo "deps: installing @daisy/ace-cli from npm into $npm_dir"
	mkdir -p "$npm_dir"
	npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$npm_dir" @daisy/ace-cli@1 >/dev/null
fi
# ReplayWeb.page (tests/warc/test_replay.py) replays a WACZ in chromium,
# driven by puppeteer-core.  Only the package's prebuilt ui.js and sw.js
# are served, so it is unpacked with `npm pack` instead of installed:
# installing would pull its build and Electron dependencies for nothing.
if [ ! -f "$npm_dir/replaywebpage/package/sw.js" ]; then
	echo "deps: unpacking replaywebpage from npm into $npm_dir/replaywebpage"
	mkdir -p "$npm_dir/replaywebpage"
	(cd "$npm_dir/replaywebpage" && npm pack --silent replaywebpage@2.5.3 >/dev/null &&
		tar -xzf replaywebpage-2.5.3.tgz && rm -f replaywebpage-2.5.3.tgz)
fi
if [ ! -d "$npm_dir/node_modules/puppeteer-core" ]; then
	echo "deps: installing puppeteer-core from npm into $npm_dir"
	mkdir -p "$npm_dir"
	npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$npm_dir" puppeteer-core@24 >/dev/null
fi
