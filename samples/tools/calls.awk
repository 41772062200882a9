# calls.awk - lists the calls of one strace capture, one per line, with a
# split call (<unfinished ...> + <... X resumed>) joined back into one:
#     START-LINE <TAB> END-LINE <TAB> TID <TAB> CALL TEXT
# Used by story.awk to find the key events of a sample; it is a checking
# aid for the samples, not a parser for handletrail.
#
#   awk -f calls.awk FILE FILE        (the file twice: pass 1 finds the
#                                      leader's TID for unprefixed lines)
#   awk -v tid=N -f calls.awk FILE    (-ff per-TID file: no prefix)
# Handles -f/-o prefixes "N ", "N<comm> ", stderr "[pid N] " and no prefix,
# strace-log-merge output, "strace: ..." lines (also spliced mid-line),
# -k stack lines and -e write dump lines.

function prefix_tid(s,    m) {
	if (match(s, /^\[pid +[0-9]+\] /)) {
		m = substr(s, 1, RLENGTH)
		gsub(/[^0-9]/, "", m)
		return m
	}
	if (match(s, /^[0-9]+[ <]/)) {
		m = substr(s, 1, RLENGTH - 1)
		return m
	}
	return ""
}

# Pass 1 (only when the file is given twice): the smallest TID seen in a
# prefix is the leader, which prints unprefixed while it is alone.
tid == "" && FNR == NR {
	t = prefix_tid($0)
	if (t != "" && (leader == "" || t + 0 < leader + 0))
		leader = t
	next
}

{
	line = $0
	start = FNR
	if (line ~ /^strace: / || line ~ /^ > / || line ~ /^ \| /)
		next
	if (carry != "") {		# rest of a line cut by "strace: ..."
		line = carry line
		start = carry_line
		carry = ""
	}
	if (match(line, /strace: Process [0-9]+ (attached|detached)$/)) {
		carry = substr(line, 1, RSTART - 1)
		carry_line = start
		next
	}
	t = tid
	if (t == "")
		t = prefix_tid(line)
	if (t == "")
		t = leader
	if (line ~ / <unfinished \.\.\.>$/) {
		sub(/ <unfinished \.\.\.>$/, "", line)
		pend[t] = line
		pend_line[t] = start
		next
	}
	if (match(line, /<\.\.\. [a-z0-9_]+ resumed>/) && (t in pend)) {
		rest = substr(line, RSTART + RLENGTH)
		out[pend_line[t]] = pend_line[t] "\t" start "\t" t "\t" \
			pend[t] rest
		delete pend[t]
		next
	}
	out[start] = start "\t" start "\t" t "\t" line
}

END {
	for (t in pend)		# never resumed (killed, end of trace)
		out[pend_line[t]] = pend_line[t] "\t-\t" t "\t" pend[t]
	for (i = 1; i <= FNR; i++)
		if (i in out)
			print out[i]
}
