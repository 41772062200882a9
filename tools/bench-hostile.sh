#!/bin/sh
# tools/bench-hostile.sh - make bench's part for hostile input: what bombs,
# XML attacks, giant lines and million-scale state cost (the same cases
# are asserted with generous bounds by tests/checks/hostile_*.sh).
: "${HT:?}"
sh "$(dirname "$0")/../tests/hostile/bench.sh" "$HT"
