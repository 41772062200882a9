# stale-close: part 1 graded error (owner fails later), part 2 a hand-off (no finding).
timer	ticker	-	timerfd_create\(.*\) += 3([< ]|$)
arm	ticker	-	timerfd_settime\(3[<,]
tclose	ticker	-	close\(3[<)].*\) += 0
event	events	-	eventfd2\(.*\) += 3([< ]|$)
signal	events	-	write\(3[<,].*\) += 8
staleclose	ticker	stale-close:error:3	close\(3[<)].*\) += 0
failure	events	use-after-close:error:3	write\(3[<,].*= -1 EBADF
listen	main	-	listen\(3[<,]
accept1	acceptor	-	accept4\(.*\) += 6([< ]|$)
serve	handler	-	recvfrom\(6[<,]
close1	handler	-	close\(6[<)].*\) += 0
accept2	acceptor	-	accept4\(.*\) += 6([< ]|$)
handoff	handler	-	close\(6[<)].*\) += 0
