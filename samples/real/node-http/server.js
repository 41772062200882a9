// server.js - a Node http server that does its file work with fs/promises
// (libuv's thread pool opens, writes and closes the files on whichever pool
// thread is free, while the main thread owns the sockets).
//
// usage: node server.js PORT
//
// Each request: append the request line to a log file (open, write,
// close through a FileHandle), read a static file with readFile, answer,
// and the connection is closed (HTTP/1.0).  A request for /quit closes
// the server; the process exits 0 when the last handle is gone.
'use strict';
const http = require('http');
const fsp = require('fs/promises');
const fs = require('fs');

const port = Number(process.argv[2]);
fs.writeFileSync('static.txt', 'hello from node\n');

const server = http.createServer(async (req, res) => {
  const log = await fsp.open('node-http.log', 'a');
  await log.write(`${req.method} ${req.url}\n`);
  await log.close();
  const body = await fsp.readFile('static.txt');
  res.writeHead(200, { 'Content-Length': body.length, Connection: 'close' });
  res.end(body);
  if (req.url === '/quit') server.close();
});
server.listen(port, '127.0.0.1');
