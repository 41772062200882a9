# stale-use: part 1 fails with ENOTSOCK, part 2 succeeds into the wrong
# file (a file for a file: not told from a hand-off, so no finding).
sink	receiver	-	bind\(3[<,]
udp	sender	-	socket\(.*\) += 4([< ]|$)
send1	sender	-	sendto\(4[<,].*\) += 5
uclose	sender	-	close\(4[<)].*\) += 0
reuse	config	-	openat\(.*"/etc/hostname".*\) += 4([< ]|$)
stale1	sender	stale-use:error:4	sendto\(4[<,].*= -1 ENOTSOCK
log	logger	-	openat\(.*"stale-use\.log".*\) += 3([< ]|$)
logw	logger	-	write\(3[<,].*"logger: first
rotate	rotator	-	close\(3[<)].*\) += 0
db	db	-	openat\(.*"stale-use\.db".*\) += 3([< ]|$)
stale2	logger	-	write\(3[<,].*"logger: late.*\) += 22
