#!/bin/sh
# tools/deps.sh - installs the Debian packages handletrail needs when they
# are missing (as root), or names them.  "build": compiler and libraries;
# "test": what `make check` uses on top; "fuzz": clang and its libFuzzer
# runtime for `make fuzz`.  Works on a fresh container whose apt
# lists are empty: it fetches them first.
set -u
what=${1:-build}
cc=${CC:-cc}
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
add() { case " $need " in *" $1 "*) ;; *) need="$need $1";; esac; }

command -v "$cc" >/dev/null 2>&1 || { add gcc; add libc6-dev; }
# the C library headers (a bare gcc does not pull them in everywhere)
if command -v dpkg-query >/dev/null 2>&1 && ! have_pkg libc6-dev; then
	add libc6-dev
fi
command -v pkg-config >/dev/null 2>&1 || add pkg-config
have_pc libxml-2.0 || add libxml2-dev
have_pc libpcre2-8 || add libpcre2-dev
have_pc zlib || add zlib1g-dev
have_pc liblzma || add liblzma-dev
have_pc libzstd || add libzstd-dev
if [ "$what" = test ]; then
	# groff: the man page check; python3-jsonschema: JSON/SARIF schema
	# checks (brings python3); strace: real captures; parallel: batch
	# sharding; libxml2-utils/xz-utils/zstd: input checks; chromium:
	# the HTML report in a browser; valgrind: memory check; 7zip: the
	# real .etl archives of ../shared/etw-real/ (zip and 7z).
	for p in groff-base strace python3-jsonschema parallel libxml2-utils \
		 xz-utils zstd chromium valgrind 7zip; do
		have_pkg "$p" || add "$p"
	done
fi
if [ "$what" = fuzz ]; then
	for p in clang libclang-rt-14-dev; do
		have_pkg "$p" || add "$p"
	done
fi
[ -z "$need" ] && exit 0

why() {
	case " $need " in *" chromium "*)
		echo "deps: chromium is large (about 100 MB download, 350 MB" \
		     "installed): it runs the HTML report test (check/html_browser)" >&2;;
	esac
	case " $need " in *" clang "*)
		echo "deps: clang is large (about 60 MB download): it builds" \
		     "the libFuzzer targets" >&2;;
	esac
}

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	log=/tmp/handletrail-apt.log
	echo "deps: installing$need ($what)" >&2
	why
	# a fresh image ships with empty package lists: fetch them first
	if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
		echo "deps: apt package lists are empty: apt-get update" >&2
		apt-get update -q >"$log" 2>&1 ||
			echo "deps: apt-get update failed; see $log" >&2
	fi
	if ! apt-get install -y -q $need >>"$log" 2>&1; then
		apt-get update -q >>"$log" 2>&1
		apt-get install -y -q $need >>"$log" 2>&1 || {
			echo "deps: apt-get install$need failed; see $log" >&2
			tail -3 "$log" >&2
			[ "$what" = test ] || exit 1
			exit 0
		}
	fi
	echo "deps: installed$need" >&2
	exit 0
fi
echo "deps: missing Debian packages:$need" >&2
why
echo "deps: install them with: sudo apt-get install$need" >&2
[ "$what" = test ] || exit 1
exit 0
