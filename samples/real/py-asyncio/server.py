"""server.py - an asyncio HTTP server, file work pushed to the default
executor (what aiofiles and asyncio.to_thread do).

usage: python3 server.py PORT

Each request: read the request line, append it to a log file and read a
static file in the loop's thread pool (open/write/close happen on
whichever executor thread runs them), write the reply, close the
connection.  A request for /quit closes the server; asyncio.run returns
and the process exits 0.  Correct program.
"""
import asyncio
import os
import sys

port = int(sys.argv[1])
with open("static.txt", "w") as f:
    f.write("hello from asyncio\n")


def append_log(line):
    with open("py-asyncio.log", "ab") as log:
        log.write(line + b"\n")


def read_static():
    with open("static.txt", "rb") as f:
        return f.read()


async def main():
    done = asyncio.Event()

    async def handle(reader, writer):
        req = await reader.readuntil(b"\r\n\r\n")
        first = req.split(b"\r\n", 1)[0]
        await asyncio.to_thread(append_log, first)
        body = await asyncio.get_running_loop().run_in_executor(None, read_static)
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        if first.startswith(b"GET /quit "):
            done.set()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await done.wait()


asyncio.run(main())
