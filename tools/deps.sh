#!/bin/sh
# tools/deps.sh - installs the Debian packages handletrail needs when they
# are missing (as root), or names them.  "build": compile; "test": tests.
set -u
what=${1:-build}
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
have_pc libxml-2.0 || need="$need libxml2-dev"
have_pc libpcre2-8 || need="$need libpcre2-dev"
have_pc zlib || need="$need zlib1g-dev"
have_pc liblzma || need="$need liblzma-dev"
have_pc libzstd || need="$need libzstd-dev"
if [ "$what" = test ]; then
	for p in strace python3-jsonschema parallel libxml2-utils xz-utils zstd chromium clang libclang-rt-14-dev valgrind; do
		have_pkg "$p" || need="$need $p"
	done
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q $need >/tmp/handletrail-apt.log 2>&1; then
		apt-get update -q >>/tmp/handletrail-apt.log 2>&1
		apt-get install -y -q $need >>/tmp/handletrail-apt.log 2>&1 || {
			echo "deps: apt-get install$need failed; see /tmp/handletrail-apt.log" >&2
			[ "$what" = build ] && exit 1
			exit 0
		}
	fi
	exit 0
fi
echo "deps: missing Debian packages:$need" >&2
echo "deps: install them with: sudo apt-get install$need" >&2
[ "$what" = build ] && exit 1
exit 0
