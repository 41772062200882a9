# clean-threadpool: landmarks only; no finding of warning/error expected.
listen	main	-	listen\(3[<,]
shutdown	main	-	shutdown\(3[<,]
done	main	-	write\(1[<,].*"server: done
