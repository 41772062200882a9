#!/bin/bash
# pipeline.sh - everyday bash: pipelines, process substitution (<(...) and
# >(...)), a while-read loop fed by a pipeline, here-strings and a
# subshell, in a bounded loop.  Run in an empty scratch directory.
set -eu
seq 1 400 | sort -R --random-source=<(yes) >numbers.txt
for round in 1 2 3; do
	diff <(sort -n numbers.txt | head -50) <(seq 1 50) >/dev/null
	sort -n numbers.txt | tee >(wc -l >count.$round) | awk '$1 % 7 == 0' >sevens.$round
	paste <(head -5 sevens.$round) <(tail -5 sevens.$round) >pairs.$round
	total=0
	while read -r a b; do
		total=$((total + a + b))
	done < <(cat pairs.$round)
	grep -c . <<<"$total" >/dev/null
	(cd /tmp && ls >/dev/null)
done
wait
cat count.* pairs.* | wc -l
