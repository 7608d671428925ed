package io.multiarch.platform;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An OCI platform that this project builds for: {@code os/architecture[/variant]}, normalised.
 * Only the ten {@link #SUPPORTED} targets exist as values; {@link #parse(String)} maps common aliases
 * ({@code aarch64}, {@code x86_64}, {@code armhf}, {@code arm64/v8}, …) onto them and refuses
 * anything else with a message that names the value and lists what is accepted.
 */
public final class Platform implements Serializable, Comparable<Platform> {
    private static final long serialVersionUID = 1L;

    public static final Platform AMD64 = new Platform("amd64", "", Elf.X86_64, 1);
    public static final Platform I386 = new Platform("386", "", Elf.I386, 1);
    public static final Platform ARM64 = new Platform("arm64", "", Elf.AARCH64, 3);
    public static final Platform ARM_V7 = new Platform("arm", "v7", Elf.ARMHF, 2);
    public static final Platform ARM_V6 = new Platform("arm", "v6", Elf.ARMEL, 2);
    public static final Platform PPC64LE = new Platform("ppc64le", "", Elf.PPC64LE, 5);
    public static final Platform S390X = new Platform("s390x", "", Elf.S390X, 7);
    public static final Platform MIPS64 = new Platform("mips64", "", Elf.MIPS64, 7);
    public static final Platform MIPS64LE = new Platform("mips64le", "", Elf.MIPS64LE, 6);
    public static final Platform RISCV64 = new Platform("riscv64", "", Elf.RISCV64, 6);

    /** The ten targets, in the order the docs list them. */
    public static final List<Platform> SUPPORTED = List.of(
            AMD64, I386, ARM64, ARM_V7, ARM_V6, PPC64LE, S390X, MIPS64, MIPS64LE, RISCV64);

    private static final Map<String, Platform> ALIASES = Map.ofEntries(
            Map.entry("amd64", AMD64), Map.entry("x86_64", AMD64), Map.entry("x86-64", AMD64),
            Map.entry("x64", AMD64), Map.entry("amd64/v1", AMD64),
            Map.entry("386", I386), Map.entry("i386", I386), Map.entry("i686", I386),
            Map.entry("x86", I386),
            Map.entry("arm64", ARM64), Map.entry("aarch64", ARM64), Map.entry("arm64/v8", ARM64),
            Map.entry("arm/v7", ARM_V7), Map.entry("armhf", ARM_V7), Map.entry("armv7", ARM_V7),
            Map.entry("armv7l", ARM_V7), Map.entry("arm", ARM_V7),
            Map.entry("arm/v6", ARM_V6), Map.entry("armel", ARM_V6), Map.entry("armv6", ARM_V6),
            Map.entry("armv6l", ARM_V6),
            Map.entry("ppc64le", PPC64LE), Map.entry("ppc64el", PPC64LE),
            Map.entry("s390x", S390X),
            Map.entry("mips64", MIPS64),
            Map.entry("mips64le", MIPS64LE), Map.entry("mips64el", MIPS64LE),
            Map.entry("riscv64", RISCV64));

    private final String architecture;
    private final String variant;
    private final Elf elf;
    private final int emulationCost;

    private Platform(String architecture, String variant, Elf elf, int emulationCost) {
        this.architecture = architecture;
        this.variant = variant;
        this.elf = elf;
        this.emulationCost = emulationCost;
    }

    /**
     * Parses {@code linux/arm/v7}, {@code arm/v7}, {@code aarch64}, {@code linux/x86_64} and the like.
     *
     * @throws IllegalArgumentException naming the value and listing the accepted platforms
     */
    public static Platform parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a platform is empty; accepted: " + acceptedList());
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("linux/")) {
            v = v.substring("linux/".length());
        }
        Platform p = ALIASES.get(v);
        if (p == null) {
            throw new IllegalArgumentException("unsupported platform '" + printable(value)
                    + "'; accepted: " + acceptedList()
                    + " (aliases such as x86_64, aarch64, armhf, armel, ppc64el, mips64el also work)");
        }
        return p;
    }

    /** Parses the {@code os}, {@code architecture} and {@code variant} fields of an OCI descriptor. */
    public static Optional<Platform> fromOci(String os, String architecture, String variant) {
        if (!"linux".equals(os) || architecture == null) {
            return Optional.empty();
        }
        String key = variant == null || variant.isEmpty() ? architecture : architecture + "/" + variant;
        Platform p = ALIASES.get(key);
        if (p == null && "arm64".equals(architecture)) {
            p = ARM64;
        }
        if (p == null && "arm".equals(architecture) && (variant == null || variant.isEmpty())) {
            p = ARM_V7;
        }
        return Optional.ofNullable(p).filter(x -> x.architecture.equals(architecture));
    }

    /** The accepted platform names, comma separated, for messages. */
    public static String acceptedList() {
        return SUPPORTED.stream().map(Platform::toString).collect(Collectors.joining(", "));
    }

    static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        value.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return value.length() > 80 ? sb + "…" : sb.toString();
    }

    public String os() {
        return "linux";
    }

    public String architecture() {
        return architecture;
    }

    /** The variant ({@code v7}, {@code v6}), or the empty string. */
    public String variant() {
        return variant;
    }

    /** What the ELF header of a binary for this platform carries: the basis of binfmt matching. */
    public Elf elf() {
        return elf;
    }

    /**
     * A rough relative cost of running this platform under QEMU on x86_64 (measured ratios in
     * docs/architecture.md); the scheduler starts the costliest emulated platforms first.
     */
    public int emulationCost() {
        return emulationCost;
    }

    /** A name usable in tags, file names and container names: {@code linux-arm-v7}. */
    public String slug() {
        return toString().replace('/', '-');
    }

    @Override
    public String toString() {
        return variant.isEmpty() ? "linux/" + architecture : "linux/" + architecture + "/" + variant;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Platform p && p.architecture.equals(architecture) && p.variant.equals(variant);
    }

    @Override
    public int hashCode() {
        return Objects.hash(architecture, variant);
    }

    @Override
    public int compareTo(Platform o) {
        return Comparator.comparingInt((Platform p) -> SUPPORTED.indexOf(p)).compare(this, o);
    }

    private Object readResolve() {
        return parse(toString());
    }

    /**
     * The ELF identification of a platform's binaries: class (32/64-bit), byte order, machine, and for
     * 32-bit ARM the float ABI (armhf sets {@code EF_ARM_ABI_FLOAT_HARD}).
     */
    public enum Elf {
        X86_64(2, 1, 62, 0), I386(1, 1, 3, 0), AARCH64(2, 1, 183, 0),
        ARMHF(1, 1, 40, 0x400), ARMEL(1, 1, 40, 0x200), PPC64LE(2, 1, 21, 0),
        S390X(2, 2, 22, 0), MIPS64(2, 2, 8, 0), MIPS64LE(2, 1, 8, 0), RISCV64(2, 1, 243, 0);

        private final int elfClass;
        private final int data;
        private final int machine;
        private final int armFloatFlag;

        Elf(int elfClass, int data, int machine, int armFloatFlag) {
            this.elfClass = elfClass;
            this.data = data;
            this.machine = machine;
            this.armFloatFlag = armFloatFlag;
        }

        /** 1 = 32-bit, 2 = 64-bit. */
        public int elfClass() {
            return elfClass;
        }

        /** 1 = little endian, 2 = big endian. */
        public int data() {
            return data;
        }

        public int machine() {
            return machine;
        }

        /** For 32-bit ARM, the float-ABI bit of {@code e_flags} (0x400 hard, 0x200 soft); else 0. */
        public int armFloatFlag() {
            return armFloatFlag;
        }

        /**
         * The first 20 bytes of an executable's ELF header for this platform, {@code ET_EXEC}: what
         * binfmt_misc magic/mask registrations are matched against.
         */
        public byte[] header() {
            byte[] h = new byte[20];
            h[0] = 0x7f;
            h[1] = 'E';
            h[2] = 'L';
            h[3] = 'F';
            h[4] = (byte) elfClass;
            h[5] = (byte) data;
            h[6] = 1; // EI_VERSION
            boolean little = data == 1;
            put16(h, 16, 2, little); // e_type = ET_EXEC
            put16(h, 18, machine, little);
            return h;
        }

        private static void put16(byte[] b, int at, int v, boolean little) {
            b[at + (little ? 0 : 1)] = (byte) (v & 0xff);
            b[at + (little ? 1 : 0)] = (byte) ((v >> 8) & 0xff);
        }
    }
}
