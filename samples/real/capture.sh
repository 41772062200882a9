#!/bin/bash
# samples/real/capture.sh - rebuilds the programs of samples/real/ and
# recaptures every one of them under strace, RUNS times each (races differ
# between runs), into samples/real/PROGRAM/PROGRAM.runN.txt.xz.
#
# Usage: bash samples/real/capture.sh [PROGRAM...]    (default: all)
#        RUNS=1 bash samples/real/capture.sh c-pool    (one run only)
#
# Every capture is made with exactly
#
#   strace -f -ttt -T -yy -o /tmp/ht-real/PROGRAM.runN.txt COMMAND
#
# (COMMAND per program below and in README.md), run in the scratch
# directory /tmp/ht-real/PROGRAM with a small fixed environment
# (env -i PATH=/usr/sbin:/usr/bin:/bin HOME=/tmp LC_ALL=C TZ=UTC), stdin on
# /dev/null and no inherited fd above 2, then compressed with xz -9.
# Servers listen on 127.0.0.1 only; the load comes from load/load.c (or
# redis-benchmark), runs outside strace, is bounded in count, and the
# server then exits by itself (a /quit request, nginx's SIGQUIT, redis's
# SHUTDOWN).  Needs root or ptrace rights, gcc, strace, xz, python3.11,
# node, go, javac/java 17, nginx, redis-server/redis-benchmark/redis-cli.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=/tmp/ht-real
runs=${RUNS:-3}
STRACE="strace -f -ttt -T -yy -o"
PY=/usr/bin/python3.11

die() { echo "capture: $*" >&2; exit 1; }

# fds the caller left open would show up in every tracee: close them.
for fd in $(ls /proc/$$/fd); do
	case $fd in 0|1|2) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
done

# traced NAME RUN COMMAND...: starts COMMAND under strace in the
# background, in $work/NAME; sets $tracer to strace's pid and $raw to the
# capture file.
traced() {
	local name=$1 run=$2
	shift 2
	raw=$work/$name.run$run.txt
	rm -f "$raw"
	(cd "$work/$name" && exec env -i PATH=/usr/sbin:/usr/bin:/bin HOME=/tmp \
		LC_ALL=C TZ=UTC $STRACE "$raw" "$@" \
		</dev/null >>"$work/$name.out" 2>&1) &
	tracer=$!
}

# finish NAME SECONDS: waits up to SECONDS for the traced program (and so
# strace) to exit by itself; if it does not, ends it by pid and says so.
finish() {
	local name=$1 i
	for i in $(seq 1 $(($2 * 10))); do
		kill -0 "$tracer" 2>/dev/null || { wait "$tracer"; return 0; }
		sleep 0.1
	done
	echo "capture: $name did not exit by itself; ending it" >&2
	pkill -P "$tracer" 2>/dev/null
	sleep 1
	kill "$tracer" 2>/dev/null
	wait "$tracer"
	return 1
}

# keep NAME RUN: compresses the finished capture into samples/real/NAME/
keep() {
	local dest=$here/$1/$1.run$2.txt.xz
	xz -9 -c "$raw" >"$dest" || die "xz $dest"
	printf '%-28s %6d lines %8d bytes xz\n' "$1.run$2" \
		"$(wc -l <"$raw")" "$(wc -c <"$dest")"
}

# load PORT REQUESTS CONCURRENCY PATHS [QUIT]: the HTTP load (untraced)
load() { "$work/load" "$@" >>"$work/load.out" 2>&1; }

# quit_until_gone NAME PORT: asks for /quit until the server is gone (the
# buggy twin may lose a /quit request to its own double close).
quit_until_gone() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$tracer" 2>/dev/null || return 0
		"$work/load" "$2" 0 1 / /quit >>"$work/load.out" 2>&1
		sleep 0.5
	done
}

build() {
	mkdir -p "$work"
	gcc -std=c11 -Wall -Wextra -O2 -pthread -o "$work/load" "$here/load/load.c" || die "load.c"
	gcc -std=c11 -Wall -Wextra -O2 -pthread -o "$work/pool" "$here/c-pool/pool.c" || die "pool.c"
	gcc -std=c11 -Wall -Wextra -O2 -pthread -I"$here/include" -o "$work/forkexec" \
		"$here/fork-exec-threads/forkexec.c" || die "forkexec.c"
	gcc -std=c11 -Wall -Wextra -O2 -pthread -I"$here/include" -o "$work/spawn" \
		"$here/posix-spawn-threads/spawn.c" || die "spawn.c"
	(cd "$work" && env GOCACHE=$work/gocache GOTOOLCHAIN=local GO111MODULE=off \
		go build -o "$work/goserver" "$here/go-http/server.go") || die "server.go"
	javac -d "$work" "$here/java-pool/PoolServer.java" || die "PoolServer.java"
	# scripts run from the scratch directory, so that the captures name
	# /tmp/ht-real paths only
	cp "$here/node-http/server.js" "$work/server.js"
	cp "$here/py-threadpool/server.py" "$work/pool_server.py"
	cp "$here/py-asyncio/server.py" "$work/asyncio_server.py"
	cp "$here/py-kb-race/kb_race.py" "$work/kb_race.py"
	cp "$here/bash-procsubst/pipeline.sh" "$work/pipeline.sh"
}

# fresh NAME: an empty scratch directory for one capture
fresh() { rm -rf "${work:?}/$1"; mkdir -p "$work/$1"; }

cap_c-pool() {		# run port
	fresh c-pool
	traced c-pool "$1" "$work/pool" "$2" 4
	load "$2" 200 6 / /quit
	finish c-pool 30 && keep c-pool "$1"
}

cap_c-pool-double-close() {
	fresh c-pool-double-close
	traced c-pool-double-close "$1" "$work/pool" "$2" 4 double-close
	load "$2" 200 6 /,/,/,/,/,/,/,/,/,/bad /quit
	quit_until_gone c-pool-double-close "$2"
	finish c-pool-double-close 30 && keep c-pool-double-close "$1"
}

cap_node-http() {
	fresh node-http
	traced node-http "$1" node "$work/server.js" "$2"
	load "$2" 120 8 / /quit
	finish node-http 30 && keep node-http "$1"
}

cap_py-threadpool() {
	fresh py-threadpool
	traced py-threadpool "$1" $PY "$work/pool_server.py" "$2" 4
	load "$2" 80 6 / /quit
	finish py-threadpool 30 && keep py-threadpool "$1"
}

cap_py-asyncio() {
	fresh py-asyncio
	traced py-asyncio "$1" $PY "$work/asyncio_server.py" "$2"
	load "$2" 50 6 / /quit
	finish py-asyncio 30 && keep py-asyncio "$1"
}

cap_py-kb-race() {
	fresh py-kb-race
	traced py-kb-race "$1" $PY "$work/kb_race.py" "$2"
	finish py-kb-race 30 && keep py-kb-race "$1"
}

cap_go-http() {
	fresh go-http
	traced go-http "$1" "$work/goserver" "$2"
	load "$2" 200 8 / /quit
	finish go-http 30 && keep go-http "$1"
}

cap_java-pool() {
	fresh java-pool
	traced java-pool "$1" java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m \
		-cp "$work" PoolServer "$2" 4
	load "$2" 200 6 / /quit
	finish java-pool 60 && keep java-pool "$1"
}

cap_nginx() {
	local d=$work/nginx i
	fresh nginx
	mkdir -p "$d/www"
	echo "hello from nginx" >"$d/www/index.html"
	sed -e "s|@DIR@|$d|g" -e "s|@PORT@|$2|g" "$here/nginx/nginx.conf.in" >"$d/nginx.conf"
	traced nginx "$1" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log"
	load "$2" 600 6 /,/index.html,/missing
	for i in $(seq 1 50); do [ -s "$d/nginx.pid" ] && break; sleep 0.1; done
	kill -QUIT "$(cat "$d/nginx.pid")"	# graceful stop of master + workers
	finish nginx 30 && keep nginx "$1"
}

cap_redis() {
	local i
	fresh redis
	traced redis "$1" redis-server --port "$2" --bind 127.0.0.1 \
		--io-threads 2 --io-threads-do-reads yes --save "" --appendonly no \
		--dir "$work/redis" --logfile "$work/redis/redis.log" --daemonize no
	for i in $(seq 1 100); do
		redis-cli -p "$2" ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	redis-benchmark -h 127.0.0.1 -p "$2" -n 2000 -c 20 -t set,get -q \
		>>"$work/load.out" 2>&1
	redis-cli -p "$2" shutdown nosave >/dev/null 2>&1
	finish redis 30 && keep redis "$1"
}

cap_bash-procsubst() {
	fresh bash-procsubst
	traced bash-procsubst "$1" bash "$work/pipeline.sh"
	finish bash-procsubst 60 && keep bash-procsubst "$1"
}

cap_fork-exec-threads() {
	fresh fork-exec-threads
	traced fork-exec-threads "$1" "$work/forkexec" 2 30
	finish fork-exec-threads 60 && keep fork-exec-threads "$1"
}

cap_posix-spawn-threads() {
	fresh posix-spawn-threads
	traced posix-spawn-threads "$1" "$work/spawn" 2 15
	finish posix-spawn-threads 60 && keep posix-spawn-threads "$1"
}

all="c-pool c-pool-double-close node-http py-threadpool py-asyncio py-kb-race
go-http java-pool nginx redis bash-procsubst fork-exec-threads posix-spawn-threads"

for tool in strace gcc xz $PY node go javac java nginx redis-server \
	    redis-benchmark redis-cli; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done
[ $# -gt 0 ] || set -- $all
build
port=18100
for name in "$@"; do
	case " $(echo $all) " in *" $name "*) ;; *) die "unknown program $name" ;; esac
	for run in $(seq 1 "$runs"); do
		port=$((port + 1))
		"cap_$name" "$run" "$port"
	done
done

# the versions the captures were made with
{
	echo "strace: $(strace -V | head -1)"
	echo "kernel: $(uname -r) ($(uname -m))"
	echo "glibc: $(ldd --version | head -1)"
	echo "gcc: $(gcc --version | head -1)"
	echo "python: $($PY -V 2>&1)"
	echo "node: $(node --version)"
	echo "go: $(go version)"
	echo "java: $(java -version 2>&1 | sed -n 2p)"
	echo "nginx: $(nginx -v 2>&1)"
	echo "redis: $(redis-server --version)"
	echo "bash: $(bash --version | head -1)"
} >"$work/versions.txt"
cmp -s "$work/versions.txt" "$here/versions.txt" ||
	cp "$work/versions.txt" "$here/versions.txt"
