// server.go - a Go net/http server; the runtime moves goroutines, and so
// the calls on one fd, between OS threads at will.
//
// usage: server PORT
//
// Each request: append the request line to a log file (os.OpenFile,
// Write, Close), read a static file (os.ReadFile), answer.  A request for
// /quit starts a graceful Shutdown; main returns and the process exits 0.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
)

func main() {
	if err := os.WriteFile("static.txt", []byte("hello from go\n"), 0644); err != nil {
		panic(err)
	}
	srv := &http.Server{Addr: "127.0.0.1:" + os.Args[1]}
	quit := make(chan struct{})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.OpenFile("go-http.log", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0644)
		if err == nil {
			fmt.Fprintf(f, "%s %s\n", r.Method, r.URL.Path)
			f.Close()
		}
		body, _ := os.ReadFile("static.txt")
		w.Header().Set("Connection", "close")
		w.Write(body)
		if r.URL.Path == "/quit" {
			close(quit)
		}
	})
	done := make(chan struct{})
	go func() {
		<-quit
		srv.Shutdown(context.Background())
		close(done)
	}()
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		panic(err)
	}
	<-done
}
