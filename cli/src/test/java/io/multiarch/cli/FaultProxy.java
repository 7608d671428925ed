package io.multiarch.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A fault-injecting HTTP proxy in front of a registry of the test's own, on 127.0.0.1: every request goes through
 * unchanged (as {@code Connection: close}, so that each request is one connection), except those a rule picks,
 * which get a 500, no answer at all (the connection hangs open), or a dropped connection. Bytes that are not an
 * HTTP request (the TLS hello a daemon tries first) are passed through as they are. Requests are logged.
 */
final class FaultProxy implements AutoCloseable {
    enum Fault { ERROR_500, HANG, DROP }

    private record Rule(String method, Pattern path, int occurrence, Fault fault, AtomicInteger seen) {
    }

    private final ServerSocket server;
    private final int backendPort;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    FaultProxy(int backendPort) throws IOException {
        this.backendPort = backendPort;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "fault-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String host() {
        return "127.0.0.1:" + port();
    }

    /** The {@code occurrence}-th request (1-based) of {@code method} whose path matches {@code pathRegex} gets {@code fault}. */
    FaultProxy inject(String method, String pathRegex, int occurrence, Fault fault) {
        rules.add(new Rule(method, Pattern.compile(pathRegex), occurrence, fault, new AtomicInteger()));
        return this;
    }

    void clearFaults() {
        rules.clear();
    }

    /** {@code METHOD PATH -> what happened}, in order. */
    List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread t = new Thread(() -> handle(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int sp1 = text.indexOf(' ');
            int sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
            boolean http = sp1 > 0 && sp2 > sp1 && text.endsWith("\r\n\r\n") && text.substring(0, sp1).matches("[A-Z]+");
            if (!http) {
                pipe(client, head);
                return;
            }
            String method = text.substring(0, sp1);
            String path = text.substring(sp1 + 1, sp2);
            Fault fault = null;
            for (Rule r : rules) {
                if (r.method().equals(method) && r.path().matcher(path).find() && r.seen().incrementAndGet() == r.occurrence()) {
                    fault = r.fault();
                    break;
                }
            }
            log.add(method + " " + path + " -> " + (fault == null ? "passed" : fault));
            if (fault == null) {
                pipe(client, rewrite(text).getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            skipBody(in, text);
            switch (fault) {
                case ERROR_500 -> {
                    byte[] body = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"fault injected by the test\"}]}"
                            .getBytes(StandardCharsets.UTF_8);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                }
                case DROP -> client.setSoLinger(true, 0); // closed with a reset when this block ends
                case HANG -> {
                    while (!server.isClosed() && !client.isClosed()) {
                        Thread.sleep(200);
                    }
                }
            }
        } catch (IOException e) {
            // a side went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request head with {@code Connection: close}: one request per connection, so every request is seen. */
    private static String rewrite(String head) {
        StringBuilder sb = new StringBuilder();
        String[] lines = head.split("\r\n");
        sb.append(lines[0]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String lower = lines[i].toLowerCase(Locale.ROOT);
            if (lines[i].isEmpty() || lower.startsWith("connection:") || lower.startsWith("keep-alive:")
                    || lower.startsWith("proxy-connection:")) {
                continue;
            }
            sb.append(lines[i]).append("\r\n");
        }
        return sb.append("Connection: close\r\n\r\n").toString();
    }

    /** Forwards {@code first} to the registry, then both directions, until the registry closes. */
    private void pipe(Socket client, byte[] first) throws IOException {
        try (Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            backend.getOutputStream().write(first);
            Thread up = new Thread(() -> copy(client, backend), "fault-proxy-up");
            up.setDaemon(true);
            up.start();
            copy(backend, client);
        }
    }

    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // closed
        }
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                long n = Long.parseLong(line.substring(15).strip());
                in.skipNBytes(n);
            }
        }
    }

    /** Up to the end of the request head, or what came before the stream paused if it is not HTTP. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (head.size() < 64 * 1024) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            if (head.size() == 1 && (b < 'A' || b > 'Z')) {
                break; // not HTTP (a TLS hello): pass it on as it is
            }
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                break;
            }
        }
        return head.toByteArray();
    }
}
