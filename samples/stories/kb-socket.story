# kb-socket: the KB Q155738 story, ENOTSOCK ending.
# LABEL	ACTOR	FINDING	REGEX	[spans:LABEL]
handle	launcher	-	pidfd_open\(.*\) += 5([< ]|$)
closehandle	launcher	-	close\(5[<)].*\) += 0
accept	server	-	accept4\(.*\) += 5([< ]|$)
greet	server	-	sendto\(5[<,].*"welcome
staleclose	launcher	stale-close:error:5	close\(5[<)].*\) += 0
reuse	logger	-	openat\(.*"kb-socket\.log".*\) += 5([< ]|$)
staleuse	server	stale-use:error:5	sendto\(5[<,].*"bye.*= -1 ENOTSOCK
