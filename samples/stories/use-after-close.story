# use-after-close: across threads, then within one thread.
create	producer	-	eventfd2\(.*\) += 3([< ]|$)
consume	consumer	-	read\(3[<,].*\) += 8
shut	producer	-	close\(3[<)].*\) += 0
failure	consumer	use-after-close:error:3	read\(3[<,].*= -1 EBADF
pipe	pipes	-	pipe2\(\[3.*, 4
wclose	pipes	-	close\(4[<)].*\) += 0
failure2	pipes	use-after-close:error:4	write\(4[<,].*= -1 EBADF
