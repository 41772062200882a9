# leak: the line given for a leak is the call that opened the fd; the fds a
# process leaves open are one note, given with its lowest fd.
child	child	leak:note:3	openat\(.*"/etc/hostname".*\) += 3([< ]|$)
childexit	child	-	exit_group\(
file	cache	leak:note:3	openat\(.*"/etc/hostname".*\) += 3([< ]|$)
udp	cache	-	socket\(.*\) += 4([< ]|$)
ev	cache	-	eventfd2\(.*\) += 5([< ]|$)
evclose	cache	-	close\(5[<)].*\) += 0
exit	main	-	exit_group\(
