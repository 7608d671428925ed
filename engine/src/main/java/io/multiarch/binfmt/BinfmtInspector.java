package io.multiarch.binfmt;

import io.multiarch.platform.Platform;

import java.util.Set;

/** Judges, from a kernel's binfmt_misc table and its native platforms, whether each platform can run. */
public final class BinfmtInspector {

    private BinfmtInspector() {
    }

    public static EmulatorStatus inspect(Platform platform, Set<Platform> nativePlatforms, BinfmtTable table) {
        if (nativePlatforms.contains(platform)) {
            return new EmulatorStatus(platform, EmulatorStatus.State.NATIVE, "", "");
        }
        if (!table.mounted()) {
            return new EmulatorStatus(platform, EmulatorStatus.State.UNAVAILABLE, "",
                    "binfmt_misc is not mounted, so " + platform + " cannot be emulated; mount it with "
                            + "'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc' and register QEMU "
                            + "(apt-get install qemu-user-static binfmt-support)");
        }
        if (!table.globallyEnabled()) {
            return new EmulatorStatus(platform, EmulatorStatus.State.UNAVAILABLE, "",
                    "binfmt_misc is disabled on this machine (/proc/sys/fs/binfmt_misc/status is 'disabled'); "
                            + "an administrator enables it with 'echo 1 > /proc/sys/fs/binfmt_misc/status'");
        }
        return table.entryFor(platform).map(e -> judge(platform, e)).orElseGet(() ->
                new EmulatorStatus(platform, EmulatorStatus.State.MISSING, "",
                        "no QEMU emulator for " + platform + " is registered in binfmt_misc"
                                + (platform.equals(Platform.I386) ? " and this kernel does not run 386 binaries itself "
                                + "(32-bit emulation off); Debian ships qemu-i386-static but no qemu-i386 entry on amd64: "
                                + "register one with flags PF (scripts/toolchain.sh does)" : "")
                                + "; install it (binfmt: INSTALL, or on the agent: apt-get install qemu-user-static "
                                + "binfmt-support, then 'update-binfmts --enable " + hostEntryName(platform) + "')"));
    }

    private static EmulatorStatus judge(Platform platform, BinfmtEntry e) {
        String path = BinfmtTable.KERNEL + "/" + e.name();
        if (!e.enabled()) {
            return new EmulatorStatus(platform, EmulatorStatus.State.DISABLED, e.name(),
                    "the binfmt_misc entry '" + e.name() + "' for " + platform + " is registered but disabled; "
                            + "it is left as it is. Enable it with 'echo 1 > " + path + "'");
        }
        if (!e.fixBinary()) {
            return new EmulatorStatus(platform, EmulatorStatus.State.NOT_FIXED, e.name(),
                    "the binfmt_misc entry '" + e.name() + "' for " + platform + " lacks the F flag (flags: '"
                            + e.flags() + "'), so " + e.interpreter() + " is looked up inside each container, where it "
                            + "is missing; re-register it with the F flag (e.g. qemu-user-static's entries, or "
                            + "tonistiigi/binfmt)");
        }
        return new EmulatorStatus(platform, EmulatorStatus.State.READY, e.name(), "");
    }

    /** The name Debian's qemu-user-static gives this platform's entry (used by {@code update-binfmts}). */
    public static String hostEntryName(Platform platform) {
        return switch (platform.architecture()) {
            case "amd64" -> "qemu-x86_64";
            case "386" -> "qemu-i386";
            case "arm64" -> "qemu-aarch64";
            case "arm" -> "qemu-arm";
            case "mips64le" -> "qemu-mips64el";
            default -> "qemu-" + platform.architecture();
        };
    }

    /** The name the tonistiigi/binfmt installer takes for this platform ({@code --install arm64,riscv64}). */
    public static String installerName(Platform platform) {
        return platform.architecture();
    }
}
