package io.multiarch.binfmt;

import io.multiarch.platform.Platform;

import io.multiarch.process.FileAccess;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The binfmt_misc registrations of one kernel, read from its {@code binfmt_misc} directory (normally
 * {@code /proc/sys/fs/binfmt_misc}), and which of them would run a given platform's binaries.
 */
public record BinfmtTable(boolean mounted, boolean globallyEnabled, List<BinfmtEntry> entries) implements Serializable {

    public static final String KERNEL = "/proc/sys/fs/binfmt_misc";

    /**
     * The binfmt_misc directory that governs a docker daemon reached at {@code dockerHost} (a DOCKER_HOST value):
     * this machine's kernel for a local daemon (unset, empty or {@code unix://}), else the empty string: a remote
     * daemon's kernel cannot be read from here, so its emulators are not checked.
     */
    public static String dirForDaemon(String dockerHost) {
        return dockerHost == null || dockerHost.isEmpty() || dockerHost.startsWith("unix://") ? KERNEL : "";
    }

    public BinfmtTable {
        entries = List.copyOf(entries);
    }

    /** Reads a binfmt_misc directory; an unmounted one (no {@code register} file) gives an empty table. */
    public static BinfmtTable read(FileAccess files, String dir) throws IOException, InterruptedException {
        if (!files.exists(dir + "/register")) {
            return new BinfmtTable(false, false, List.of());
        }
        boolean enabled = !files.exists(dir + "/status") || files.read(dir + "/status").strip().equals("enabled");
        List<BinfmtEntry> list = new ArrayList<>();
        for (String name : files.list(dir)) {
            if (name.equals("register") || name.equals("status")) {
                continue;
            }
            BinfmtEntry.parse(name, files.read(dir + "/" + name)).ifPresent(list::add);
        }
        return new BinfmtTable(true, enabled, list);
    }

    /**
     * The entry the kernel would pick for this platform's executables: the first enabled match, else the first
     * match (disabled), else empty.
     */
    public Optional<BinfmtEntry> entryFor(Platform platform) {
        byte[] header = platform.elf().header();
        List<BinfmtEntry> matching = entries.stream().filter(e -> e.matches(header)).toList();
        return matching.stream().filter(BinfmtEntry::enabled).findFirst().or(() -> matching.stream().findFirst());
    }
}
