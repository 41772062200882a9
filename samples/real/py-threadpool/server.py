"""server.py - a thread-pool HTTP server the way Python programs write one:
the main thread accepts, a concurrent.futures.ThreadPoolExecutor serves.

usage: python3 server.py PORT WORKERS

Each request: recv the request, append one line to the worker's own log
file (open/write/close), read a small static file, sendall the reply,
close the connection.  A request for /quit stops the accept loop (the
handler shuts the listening socket down), the pool drains and the process
exits 0.  Correct program: no fd is used after its close.
"""
import os
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

port, workers = int(sys.argv[1]), int(sys.argv[2])
here = os.getcwd()
with open("static.txt", "w") as f:
    f.write("hello from the pool\n")


def handle(conn):
    with conn:
        req = conn.recv(2048)
        first = req.split(b"\r\n", 1)[0]
        name = threading.current_thread().name.replace("/", "_")
        with open(os.path.join(here, "py-pool-%s.log" % name), "ab") as log:
            log.write(first + b"\n")
        with open("static.txt", "rb") as f:
            body = f.read()
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        if first.startswith(b"GET /quit "):
            listener.shutdown(socket.SHUT_RDWR)


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(128)
with ThreadPoolExecutor(max_workers=workers) as pool:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            break
        pool.submit(handle, conn)
listener.close()
