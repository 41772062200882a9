#!/bin/sh
# tests/hostile/make-bombs.sh DIR - makes the decompression bombs in DIR
# (used by tests/checks/hostile_compressed.sh and tests/hostile/bench.sh):
# a real capture (strace/base.txt) then 10 GB of zeros in a few MB, as
# concatenated gzip members, zstd frames and xz streams, which every
# decoder must accept -- the capture up front gets a bomb past format
# detection into the line reader, where it does its damage; 4 GB of
# newlines; a 2 GB gzip -1 bomb whose ~230:1 ratio stays below the ratio
# guard; and 1 GB of zeros alone.
set -eu
W=$1
S=$(cd "$(dirname "$0")" && pwd)/strace
mkdir -p "$W"
gzip -9 -c "$S/base.txt" >"$W/bomb.gz"
zstd -q -c "$S/base.txt" >"$W/bomb.zst"
xz -c "$S/base.txt" >"$W/bomb.xz"
cp "$W/bomb.gz" "$W/bomb-lines.gz"
cp "$W/bomb.gz" "$W/bomb-lowratio.gz"
rep() { i=0; while [ $i -lt "$1" ]; do cat "$2"; i=$((i + 1)); done; }
head -c 104857600 /dev/zero | gzip -9 >"$W/z100m.gz"
rep 100 "$W/z100m.gz" >>"$W/bomb.gz"
head -c 1073741824 /dev/zero | zstd -q -1 -c >"$W/zeros.zst"
rep 10 "$W/zeros.zst" >>"$W/bomb.zst"
head -c 104857600 /dev/zero | xz -0 -T1 -c >"$W/z100m.xz"
rep 100 "$W/z100m.xz" >>"$W/bomb.xz"
head -c 268435456 /dev/zero | tr '\0' '\n' | gzip -9 >"$W/nl256m.gz"
rep 16 "$W/nl256m.gz" >>"$W/bomb-lines.gz"
head -c 104857600 /dev/zero | gzip -1 >"$W/z100m-1.gz"
rep 20 "$W/z100m-1.gz" >>"$W/bomb-lowratio.gz"
rm -f "$W/z100m.gz" "$W/z100m.xz" "$W/nl256m.gz" "$W/z100m-1.gz"
