#!/bin/sh
# tools/golden.sh - (re)writes the golden text-report cases of the strace
# samples: tests/cases/text-NAME/{cmd,expected,exit}, one per capture.
# Read the diff (git diff tests/cases) before committing new goldens: a
# golden is only as good as the review of what it expects.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
HT=${HT:-./handletrail}
gen() {  # name, arguments...
	name=$1; shift
	d=tests/cases/text-$name
	mkdir -p "$d"
	printf '"$HT" --color never %s\n' "$*" >"$d/cmd"
	set +e
	"$HT" --color never "$@" >"$d/expected"
	echo $? >"$d/exit"
	set -e
}
for f in samples/strace/*.txt samples/strace/*.txt.gz \
	 tests/data/strace/race.*.txt tests/data/strace/fork.*.txt \
	 tests/data/strace/zoo.*.txt tests/data/strace/thread-execve.*.txt \
	 tests/data/strace/symptoms.*.txt; do
	[ -f "$f" ] || continue
	case $f in *versions.txt) continue ;; esac
	gen "$(basename "$f")" "$f"
done
# the -ff per-thread files: every x.<tid> of one run as one capture
for set in $(ls samples/strace | sed -n 's/^\(.*\.ff-[^.]*\)\.[0-9][0-9]*$/\1/p' | sort -u); do
	gen "$set" $(ls samples/strace/"$set".[0-9]* | sort)
done
gen race.ff-tt-y $(ls tests/data/strace/race.ff-tt-y.[0-9]* | sort)
