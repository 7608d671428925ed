package io.multiarch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a run may depend on besides its arguments, as this process has it: the working directory, every
 * environment variable, the user and groups and umask, the JVM (its executable, options and class path, as on its
 * command line) and the jar's file. The resident {@link Server} serves a {@link Client} only when the client's identity
 * is exactly the server's own, so that a served run sees what a run of the client's own JVM would see: relative paths
 * resolve against the same directory, and every process it starts gets the same environment. The server's socket is
 * named after a hash of the identity: another directory, environment or jar finds another server, or none (two
 * identities of one hash would only find a server that refuses them). Left out: the variable {@code _} (the shell
 * sets it to the command it starts, {@code setsid} for the server) and the options the wrapper gives a client only
 * ({@link #CLIENT_ONLY}).
 *
 * <p>The client computes its identity before anything else, on every start: this path loads no security provider
 * (no message digest), starts no lambda and no stream, and looks up no user name.
 *
 * <p>The text holds the environment's values (credentials among them): it goes only over the socket, never into a
 * file, an argument or a log.
 */
record ServerIdentity(String text) {

    /** The main classes of a client and of a server: their JVM command lines are the same up to these. */
    static final Set<String> MAIN_CLASSES = Set.of(Client.class.getName(), Server.class.getName());

    /**
     * The JVM options of a client's command line that a server's lacks (bin/multiarch): its wrapper's properties
     * ({@code -Dmultiarch.…}), and the archive mapped at its own address (a shorter start).
     */
    static final Set<String> CLIENT_ONLY = Set.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");

    /** This process's identity. */
    static ServerIdentity ofThisProcess() {
        StringBuilder s = new StringBuilder();
        s.append("cwd=").append(System.getProperty("user.dir")).append('\n');
        s.append("jvm=").append(String.join("\u0000", jvmCommandLine())).append('\n');
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            s.append("classpath=").append(entry).append(' ').append(fileKey(Path.of(entry))).append('\n');
        }
        for (String line : procStatus()) {
            s.append(line).append('\n');
        }
        // "_" is set by the shell to the path of the command it started: java for a client, setsid for a server
        for (Map.Entry<String, String> e : new TreeMap<>(System.getenv()).entrySet()) {
            if (!e.getKey().equals("_")) {
                s.append("env ").append(e.getKey()).append('=').append(e.getValue()).append('\u0000');
            }
        }
        return new ServerIdentity(s.toString());
    }

    /** The socket of the server with this identity, under {@code dir}: named after the text's 64-bit FNV-1a hash. */
    Path socket(Path dir) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        String hex = Long.toHexString(h);
        return dir.resolve("server-" + "0".repeat(16 - hex.length()) + hex + ".sock");
    }

    /** What differs from {@code other}, named without any value (an environment variable's could be a secret). */
    String difference(ServerIdentity other) {
        List<String> mine = List.of(text.split("[\n\u0000]"));
        List<String> theirs = List.of(other.text.split("[\n\u0000]"));
        List<String> names = new ArrayList<>();
        for (String line : mine) {
            if (!theirs.contains(line)) {
                names.add(name(line));
            }
        }
        for (String line : theirs) {
            if (!mine.contains(line) && !names.contains(name(line))) {
                names.add(name(line));
            }
        }
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    private static String name(String line) {
        int eq = line.indexOf('=');
        return eq < 0 ? line : line.substring(0, eq);
    }

    /**
     * The directory of the servers' sockets: {@code $XDG_RUNTIME_DIR/multiarch}, or {@code multiarch/servers} in the
     * cache directory; created readable and writable by this user only. Empty when it is not a directory of this
     * user's that nobody else may enter (anyone who could reach a socket could run builds with this user's environment
     * and credentials), or when a socket's path there would be longer than a Unix socket's may be.
     */
    static Optional<Path> socketDir(Map<String, String> env) {
        return socketDir(env, true);
    }

    /**
     * As {@link #socketDir(Map)}, creating the directory only when {@code create}: a server never does, so that one
     * started after its directory was removed (a test's, a cleaned cache) does not make it again and stay.
     */
    static Optional<Path> socketDir(Map<String, String> env, boolean create) {
        String runtime = env.getOrDefault("XDG_RUNTIME_DIR", "");
        String cache = env.getOrDefault("XDG_CACHE_HOME", "");
        Path dir = !runtime.isEmpty() ? Path.of(runtime, "multiarch")
                : (cache.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache)).resolve("multiarch").resolve("servers");
        if (!dir.isAbsolute() || dir.toString().length() > 70) { // + "/server-" + 16 + ".sock": under sun_path's 107 bytes
            return Optional.empty();
        }
        try {
            if (create && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
            }
            Map<String, Object> a = Files.readAttributes(dir, "unix:uid,mode,isDirectory", LinkOption.NOFOLLOW_LINKS);
            boolean mine = a.get("uid").equals(effectiveUid());
            boolean closed = ((Integer) a.get("mode") & 077) == 0;
            return mine && closed && Boolean.TRUE.equals(a.get("isDirectory")) ? Optional.of(dir) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** This process's effective user id, from {@code /proc/self/status}; -1 when unknown. */
    private static int effectiveUid() {
        for (String line : procStatus()) {
            if (line.startsWith("Uid=")) {
                String[] ids = line.substring(4).split(" ");
                return ids.length > 1 ? Integer.parseInt(ids[1]) : -1;
            }
        }
        return -1;
    }

    /** The JVM's command line up to its main class (executable, options, class path), without the client's own options. */
    private static List<String> jvmCommandLine() {
        List<String> all = new ArrayList<>();
        try {
            for (String arg : Files.readString(Path.of("/proc/self/cmdline")).split("\u0000")) {
                if (MAIN_CLASSES.contains(arg)) {
                    break;
                }
                if (!arg.startsWith("-Dmultiarch.") && !CLIENT_ONLY.contains(arg)) {
                    all.add(arg);
                }
            }
        } catch (IOException e) {
            all.add("(unreadable: " + e.getMessage() + ")");
        }
        all.add("java.home=" + System.getProperty("java.home"));
        return all;
    }

    /** The file as a file (device and inode, size, modification time): a jar rebuilt in place is another. */
    private static String fileKey(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.fileKey() + " " + a.size() + " " + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /** The user, its groups and its umask, as the kernel says (a server started before a change of groups differs). */
    private static List<String> procStatus() {
        List<String> lines = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:") || line.startsWith("Gid:") || line.startsWith("Groups:") || line.startsWith("Umask:")) {
                    int colon = line.indexOf(':');
                    lines.add(line.substring(0, colon) + "=" + line.substring(colon + 1).replace('\t', ' ').strip());
                }
            }
        } catch (IOException e) {
            lines.add("status=(unreadable)");
        }
        return lines;
    }
}
