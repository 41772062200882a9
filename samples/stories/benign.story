# benign: landmarks only; no finding of any kind is expected.
probe	main	-	fcntl\(3, F_GETFD\) += -1 EBADF
sweep	main	-	close\(19\) += -1 EBADF
pair	chat	-	socketpair\(
dup2	main	-	dup2\(3[<,].* 4
forkpipe	child	-	write\(4[<,].*"from child
send	main	-	sendmsg\(3[<,].*SCM_RIGHTS
recv	passee	-	recvmsg\(4[<,].*SCM_RIGHTS
mark	execee	-	close_range\(6, 4294967295, CLOSE_RANGE_CLOEXEC\)
exec	execee	-	execve\("\./benign", \["benign", "exec-child"
gone	execee	-	fcntl\(5, F_GETFD\) += -1 EBADF
range	main	-	close_range\(3, 4294967295, 0\)
