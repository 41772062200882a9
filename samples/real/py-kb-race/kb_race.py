"""kb_race.py - the KB Q155738 race in Python, made to happen every run.

usage: python3 kb_race.py PORT

The bug (thread A, "closer"): its cleanup closes a connection twice, once
through the number (os.close(conn.fileno())) and once through the socket
object (conn.close()).  Between the two, thread B ("server") accepts a
new connection, which gets the freed number; A's second close destroys
B's connection.  B then opens its own log file, which takes the number,
and B's sendall on its connection fails with ENOTSOCK.  threading.Event
objects force that order (A's close 1, B's accept, A's close 2, B's open
and send) - in the wild only timing decides it.

The client connections come from a third thread ("client") of the same
program; all traffic stays on 127.0.0.1.
"""
import os
import socket
import sys
import threading

port = int(sys.argv[1])
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(8)

first_closed = threading.Event()   # A closed the number once
accepted = threading.Event()       # B got the number for its connection
second_closed = threading.Event()  # A closed it again
served = threading.Event()         # B is done
clients = []


def client():
    for _ in range(2):
        c = socket.create_connection(("127.0.0.1", port))
        c.sendall(b"hello\n")
        clients.append(c)
    served.wait()
    for c in clients:
        c.close()


def closer():
    conn, _ = listener.accept()
    conn.recv(64)
    conn.sendall(b"welcome\n")
    os.close(conn.fileno())        # cleanup, first close: by the number
    first_closed.set()
    accepted.wait()
    try:
        conn.close()               # second close: the number is B's now
    except OSError as e:
        print("closer: close failed:", e)
    second_closed.set()


def server():
    first_closed.wait()
    conn, _ = listener.accept()
    conn.recv(64)
    accepted.set()
    second_closed.wait()
    log = open("kb-race-server.log", "a")   # takes the freed number
    try:
        conn.sendall(b"welcome\n")
    except OSError as e:
        log.write("server: send failed: %s\n" % e)
    log.close()
    try:
        conn.close()
    except OSError as e:
        print("server: close failed:", e)
    served.set()


threads = [threading.Thread(target=f, name=f.__name__) for f in (closer, server, client)]
for t in threads:
    t.start()
for t in threads:
    t.join()
listener.close()
