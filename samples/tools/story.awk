# story.awk - finds the key events of a sample's story in a capture and
# checks them: each event must come after the one before it (by start
# line), the same actor must always be the same TID and different actors
# different TIDs.  Prints one line per event:
#     LABEL <TAB> START <TAB> END <TAB> TID <TAB> ACTOR <TAB> FINDING
# and exits 1 (with the reason on stderr) when the story is not there.
#
#   awk -f calls.awk T T | awk -f story.awk STORYFILE -
# STORYFILE lines (tab-separated; # comments):
#     LABEL  ACTOR  FINDING  REGEX  [spans:LABEL2]
# FINDING is "-" or KIND:SEVERITY:FD; REGEX (ERE) is matched against the
# joined call text; spans:LABEL2 requires this call to be still running
# when LABEL2 starts (its END line is after LABEL2's START line).

BEGIN { FS = "\t" }

FNR == NR {
	if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/)
		next
	n++
	label[n] = $1; actor[n] = $2; finding[n] = $3; re[n] = $4
	spans[n] = $5
	next
}

{
	ncalls++
	c_start[ncalls] = $1; c_end[ncalls] = $2; c_tid[ncalls] = $3
	c_text[ncalls] = $4
}

END {
	pos = 0
	for (i = 1; i <= n; i++) {
		hit = 0
		for (j = 1; j <= ncalls; j++) {
			if (c_start[j] + 0 <= pos)
				continue
			if (c_text[j] !~ re[i])
				continue
			t = c_tid[j]
			if ((actor[i] in tid_of) && tid_of[actor[i]] != t)
				continue
			if (!(actor[i] in tid_of) && (t in actor_of))
				continue
			hit = j
			break
		}
		if (!hit) {
			printf "story: event %s (%s: %s) not found after " \
			       "line %d\n", label[i], actor[i], re[i], pos \
			       > "/dev/stderr"
			exit 1
		}
		tid_of[actor[i]] = c_tid[hit]
		actor_of[c_tid[hit]] = actor[i]
		at[label[i]] = hit
		pos = c_start[hit]
		row[i] = label[i] "\t" c_start[hit] "\t" c_end[hit] "\t" \
			 c_tid[hit] "\t" actor[i] "\t" finding[i]
	}
	for (i = 1; i <= n; i++) {
		if (spans[i] == "")
			continue
		other = spans[i]
		sub(/^spans:/, "", other)
		j = at[label[i]]
		if (!(other in at) || c_end[j] == "-" ||
		    c_end[j] + 0 <= c_start[at[other]] + 0) {
			printf "story: %s does not span %s\n", label[i], other \
			       > "/dev/stderr"
			exit 1
		}
	}
	for (i = 1; i <= n; i++)
		print row[i]
}
