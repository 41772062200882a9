// PoolServer.java - a Java thread-pool server: the main thread accepts on a
// ServerSocket and hands each Socket to a fixed ExecutorService.
//
// usage: java PoolServer PORT WORKERS
//
// Each request: read the request line, append it to the worker's own log
// file (Files.write with APPEND: open, write, close), read a static file
// (Files.readAllBytes), write the reply, close the socket.  A request for
// /quit closes the ServerSocket; accept throws, the pool drains and main
// returns (exit 0).  Correct program.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.concurrent.*;

public class PoolServer {
    static ServerSocket listener;

    static void handle(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String first = in.readLine();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) { }
            Path log = Paths.get("java-pool-" + Thread.currentThread().getName() + ".log");
            Files.write(log, (first + "\n").getBytes(StandardCharsets.US_ASCII),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            byte[] body = Files.readAllBytes(Paths.get("static.txt"));
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.0 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            if (first != null && first.startsWith("GET /quit ")) {
                listener.close();
            }
        } catch (IOException e) {
            System.err.println("request failed: " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int workers = Integer.parseInt(args[1]);
        Files.write(Paths.get("static.txt"), "hello from java\n".getBytes(StandardCharsets.US_ASCII));
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        listener = new ServerSocket(port, 128, InetAddress.getByName("127.0.0.1"));
        try {
            while (true) {
                Socket s = listener.accept();
                pool.submit(() -> handle(s));
            }
        } catch (SocketException closed) {
            // /quit closed the listener
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
    }
}
