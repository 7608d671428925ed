package io.multiarch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
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
 * named after the identity's digest: another directory, environment or jar finds another server, or none. Left out:
 * the variable {@code _} (the shell sets it to the command it starts, {@code setsid} for the server) and the
 * {@code -Dmultiarch.…} properties of a client's command line (its wrapper's own).
 *
 * <p>The text holds the environment's values (credentials among them): it goes only over the socket, never into a
 * file, an argument or a log.
 */
record ServerIdentity(String text) {

    /** The main classes of a client and of a server: their JVM command lines are the same up to these. */
    static final Set<String> MAIN_CLASSES = Set.of(Client.class.getName(), Server.class.getName());

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
        new TreeMap<>(System.getenv()).forEach((k, v) -> {
            if (!k.equals("_")) {
                s.append("env ").append(k).append('=').append(v).append('\u0000');
            }
        });
        return new ServerIdentity(s.toString());
    }

    /** The socket of the server with this identity, under {@code dir}. */
    Path socket(Path dir) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return dir.resolve("server-" + HexFormat.of().formatHex(d, 0, 12) + ".sock");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What differs from {@code other}, named without any value (an environment variable's could be a secret). */
    String difference(ServerIdentity other) {
        List<String> mine = List.of(text.split("[\n\u0000]"));
        List<String> theirs = List.of(other.text.split("[\n\u0000]"));
        List<String> names = new ArrayList<>();
        for (String line : mine) {
            if (!theirs.contains(line)) {
                int eq = line.indexOf('=');
                names.add(eq < 0 ? line : line.substring(0, eq));
            }
        }
        for (String line : theirs) {
            if (!mine.contains(line)) {
                int eq = line.indexOf('=');
                String name = eq < 0 ? line : line.substring(0, eq);
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    /**
     * The directory of the servers' sockets: {@code $XDG_RUNTIME_DIR/multiarch}, or {@code multiarch/servers} in the
     * cache directory; created readable and writable by this user only. Empty when it cannot be made so, or when a
     * socket's path there would be longer than a Unix socket's may be.
     */
    static Optional<Path> socketDir(Map<String, String> env) {
        String runtime = env.getOrDefault("XDG_RUNTIME_DIR", "");
        String cache = env.getOrDefault("XDG_CACHE_HOME", "");
        Path dir = !runtime.isEmpty() ? Path.of(runtime, "multiarch")
                : (cache.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache)).resolve("multiarch").resolve("servers");
        if (!dir.isAbsolute() || dir.toString().length() > 60) { // "/server-" + 24 + ".sock": under the 107 bytes of sun_path
            return Optional.empty();
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
            // only a directory of this user's that nobody else can enter: anyone who could reach a socket could run builds
            // with this user's environment and credentials
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            if (!owner.equals(System.getProperty("user.name")) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    || perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                return Optional.empty();
            }
            return Optional.of(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The JVM's command line up to its main class: executable, options, class path. */
    private static List<String> jvmCommandLine() {
        List<String> all = new ArrayList<>();
        try {
            for (String arg : Files.readString(Path.of("/proc/self/cmdline")).split("\u0000")) {
                if (MAIN_CLASSES.contains(arg)) {
                    break;
                }
                if (!arg.startsWith("-Dmultiarch.")) {
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
                    lines.add(line.replace('\t', ' ').replaceFirst(":", "="));
                }
            }
        } catch (IOException e) {
            lines.add("status=(unreadable)");
        }
        return lines;
    }
}
