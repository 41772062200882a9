# close-while-in-use: the read must still be running when main closes.
pipe	main	-	pipe2\(\[3.*, 4
blocked	reader	-	read\(3[<,].*\) += 1	spans:close
close	main	close-while-in-use:warning:3	close\(3[<)].*\) += 0
wake	main	-	write\(4[<,].*"x"
