#!/bin/bash
# samples/capture.sh - builds the sample programs (samples/src/) and
# regenerates every capture in samples/strace/, checking each one against
# its story (samples/stories/) and re-running it until the story is there;
# then rewrites the oracle (samples/expected.tsv and the table in
# samples/README.md) with samples/oracle.sh.
#
# Usage: bash samples/capture.sh [NAME...]     (default: every capture)
# Needs: strace, gcc, make, gzip, xz, zstd; ptrace rights (root is fine).
# Programs run in /tmp/ht-samples with a tiny fixed environment, stdin and
# stdout on /dev/null and no inherited fds above 2, so the captures hold
# nothing from the machine beyond kernel/libc paths and the hostname file.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/strace
work=/tmp/ht-samples
tries=5

die() { echo "capture: $*" >&2; exit 1; }

# fds the caller left open would show up in every tracee (and in the
# closefrom sweep of "benign"): close everything above 2.
for fd in $(ls /proc/$$/fd); do
	case $fd in 0|1|2) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
done

for tool in strace strace-log-merge gcc make gzip xz zstd; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done

run() {
	env -i PATH=/usr/bin:/bin HOME=/tmp LC_ALL=C TZ=UTC "$@" \
		</dev/null >/dev/null
}

flags_of() {
	case $1 in
	f-tt-T-yy)	echo "-f -tt -T -yy" ;;
	f-yy)		echo "-f -yy" ;;
	ff-tt-y)	echo "-ff -tt -y" ;;
	stderr-f-ttt-T-y) echo "-f -ttt -T -y" ;;
	f-r-T-y)	echo "-f -r -T -y" ;;
	f-k-y)		echo "-f -k -y" ;;
	n-ns-Xverbose-desc-net)
		echo "-f -n --timestamps=format:unix,precision:ns -X verbose" \
		     "-e trace=%desc,%network -yy" ;;
	f-Y-y)		echo "-f -Y -y" ;;
	*)		die "unknown flag set $1" ;;
	esac
}

# story_ok NAME FILE: the key events of NAME's story are in FILE.
story_ok() {
	local story=$here/stories/$1.story
	[ -f "$story" ] || return 0
	awk -f "$here/tools/calls.awk" "$2" "$2" |
		awk -f "$here/tools/story.awk" "$story" - >/dev/null
}

# capture NAME FLAGSET COMMAND...: one capture, retried until its story
# holds.  -ff sets write NAME.FLAGSET.<TID> plus NAME.FLAGSET.merged.txt.
capture() {
	local name=$1 set=$2 base file try flags
	shift 2
	base=$out/$name.$set
	flags=$(flags_of "$set")
	for try in $(seq 1 $tries); do
		case $set in
		ff-*)
			rm -f "$base".[0-9]* "$base.merged.txt"
			run strace $flags -o "$base" "$@"
			strace-log-merge "$base" >"$base.merged.txt"
			file=$base.merged.txt ;;
		stderr-*)
			# the tracee's fd 2 is this file: keep its path neutral
			run strace $flags "$@" 2>"$work/$name.$set.txt"
			mv "$work/$name.$set.txt" "$base.txt"
			file=$base.txt ;;
		*)
			run strace $flags -o "$base.txt" "$@"
			file=$base.txt ;;
		esac
		if story_ok "$name" "$file"; then
			echo "capture: $name.$set ok (try $try)"
			return 0
		fi
		echo "capture: $name.$set: story not there, again" >&2
	done
	die "$name.$set: story still wrong after $tries tries"
}

want() {
	[ ${#names[@]} -eq 0 ] && return 0
	local w
	for w in "${names[@]}"; do [ "$w" = "$1" ] && return 0; done
	return 1
}

names=("$@")
mkdir -p "$out"
rm -rf "$work"
mkdir -p "$work"
cp "$here"/src/*.c "$here"/src/*.h "$here"/src/Makefile "$work"/
make -s -C "$work" >/dev/null
cd "$work"

if want kb-socket; then
	for set in f-tt-T-yy ff-tt-y stderr-f-ttt-T-y f-r-T-y f-k-y \
		   n-ns-Xverbose-desc-net f-Y-y f-yy; do
		capture kb-socket $set ./kb-socket
	done
	# the tool reads compressed input: three copies of the main capture
	gzip -9 -n -c "$out/kb-socket.f-tt-T-yy.txt" \
		>"$out/kb-socket.f-tt-T-yy.txt.gz"
	xz -9 -c "$out/kb-socket.f-tt-T-yy.txt" \
		>"$out/kb-socket.f-tt-T-yy.txt.xz"
	zstd -q -19 -c "$out/kb-socket.f-tt-T-yy.txt" \
		>"$out/kb-socket.f-tt-T-yy.txt.zst"
fi
if want kb-socket-ebadf; then
	for set in f-tt-T-yy stderr-f-ttt-T-y f-yy; do
		capture kb-socket-ebadf $set ./kb-socket ebadf
	done
fi
if want double-close; then
	for set in f-tt-T-yy stderr-f-ttt-T-y f-Y-y f-yy; do
		capture double-close $set ./double-close
	done
fi
if want stale-close; then
	for set in f-tt-T-yy ff-tt-y f-Y-y f-k-y; do
		capture stale-close $set ./stale-close
	done
fi
if want stale-use; then
	for set in f-tt-T-yy f-r-T-y f-k-y n-ns-Xverbose-desc-net; do
		capture stale-use $set ./stale-use
	done
fi
if want use-after-close; then
	for set in f-tt-T-yy stderr-f-ttt-T-y ff-tt-y; do
		capture use-after-close $set ./use-after-close
	done
fi
if want close-while-in-use; then
	for set in f-tt-T-yy f-r-T-y n-ns-Xverbose-desc-net f-yy; do
		capture close-while-in-use $set ./close-while-in-use
	done
fi
if want leak; then
	for set in f-tt-T-yy ff-tt-y f-Y-y; do
		capture leak $set ./leak
	done
fi
if want benign; then
	for set in f-tt-T-yy stderr-f-ttt-T-y ff-tt-y f-Y-y f-yy; do
		capture benign $set ./benign
	done
fi
if want clean-threadpool; then
	capture clean-threadpool f-tt-T-yy ./threadpool
	! grep -qE 'EBADF|ENOTSOCK' "$out/clean-threadpool.f-tt-T-yy.txt" ||
		die "clean-threadpool: EBADF/ENOTSOCK in a clean capture"
fi
if want clean-make-j2; then
	# a parallel build of the sample programs themselves: make, gcc, cc1,
	# as, collect2, ld, two jobs at a time
	mkdir -p "$work/build"
	cp "$here"/src/*.c "$here"/src/*.h "$here"/src/Makefile "$work/build"/
	cd "$work/build"
	rm -f "$out/clean-make-j2.f-tt-T-yy.txt.xz"
	capture clean-make-j2 f-tt-T-yy make -j2
	cd "$work"
	f=$out/clean-make-j2.f-tt-T-yy.txt
	if [ "$(stat -c %s "$f")" -gt 3000000 ]; then
		xz -9 -f "$f"	# leaves only the .xz
	fi
fi

{
	echo "strace: $(strace -V | head -1)"
	echo "kernel: $(uname -sr) $(uname -m)"
	echo "libc:   $(ldd --version | head -1)"
	echo "gcc:    $(gcc --version | head -1)"
	echo "make:   $(make --version | head -1)"
} >"$out/versions.txt"

sh "$here/oracle.sh"
