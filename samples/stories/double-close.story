# double-close: one thread twice; then two threads on one pipe end.
open	loader	-	openat\(.*"/etc/hostname".*\) += 3([< ]|$)
close	loader	-	close\(3[<)].*\) += 0
again	loader	double-close:warning:3	close\(3[<)].*= -1 EBADF
pipe	main	-	pipe2\(\[3.*, 4
notify	notifier	-	write\(4[<,]
wclose	notifier	-	close\(4[<)].*\) += 0
wagain	main	double-close:warning:4	close\(4[<)].*= -1 EBADF
