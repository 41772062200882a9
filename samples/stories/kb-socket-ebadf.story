# kb-socket ebadf: the KB Q155738 story, nobody reuses the number: EBADF.
handle	launcher	-	pidfd_open\(.*\) += 5([< ]|$)
closehandle	launcher	-	close\(5[<)].*\) += 0
accept	server	-	accept4\(.*\) += 5([< ]|$)
greet	server	-	sendto\(5[<,].*"welcome
staleclose	launcher	stale-close:error:5	close\(5[<)].*\) += 0
failure	server	use-after-close:error:5	sendto\(5[<,].*"bye.*= -1 EBADF
