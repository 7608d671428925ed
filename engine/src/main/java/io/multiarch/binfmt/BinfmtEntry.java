package io.multiarch.binfmt;

import java.io.Serializable;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One binfmt_misc registration as the kernel shows it in {@code /proc/sys/fs/binfmt_misc/NAME}: whether it is
 * enabled, its interpreter, flags, and for magic-type entries the offset, magic and mask it matches.
 */
public record BinfmtEntry(String name, boolean enabled, String interpreter, String flags, int offset,
                          byte[] magic, byte[] mask) implements Serializable {

    public BinfmtEntry {
        magic = magic.clone();
        mask = mask.clone();
    }

    @Override
    public byte[] magic() {
        return magic.clone();
    }

    @Override
    public byte[] mask() {
        return mask.clone();
    }

    /**
     * Parses the kernel's text for one entry.
     *
     * @return empty for extension-type entries, which never match ELF binaries
     */
    public static Optional<BinfmtEntry> parse(String name, String text) {
        boolean enabled = false;
        String interpreter = "";
        String flags = "";
        int offset = 0;
        byte[] magic = null;
        byte[] mask = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.equals("enabled")) {
                enabled = true;
            } else if (line.startsWith("interpreter ")) {
                interpreter = line.substring("interpreter ".length()).strip();
            } else if (line.startsWith("flags:")) {
                flags = line.substring("flags:".length()).strip();
            } else if (line.startsWith("offset ")) {
                offset = Integer.parseInt(line.substring("offset ".length()).strip());
            } else if (line.startsWith("magic ")) {
                magic = HexFormat.of().parseHex(line.substring("magic ".length()).strip());
            } else if (line.startsWith("mask ")) {
                mask = HexFormat.of().parseHex(line.substring("mask ".length()).strip());
            }
        }
        if (magic == null) {
            return Optional.empty();
        }
        if (mask == null) {
            mask = new byte[magic.length];
            java.util.Arrays.fill(mask, (byte) 0xff);
        }
        return Optional.of(new BinfmtEntry(name, enabled, interpreter, flags, offset, magic, mask));
    }

    /** Whether the kernel would hand a binary that starts with {@code header} to this entry's interpreter. */
    public boolean matches(byte[] header) {
        if (offset + magic.length > header.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            int m = i < mask.length ? mask[i] : 0xff;
            if ((header[offset + i] & m) != (magic[i] & m)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The F (fix binary) flag: the kernel opens the interpreter when the entry is registered, so it works inside
     * containers whose file system lacks it. Without F, emulation inside a build container fails.
     */
    public boolean fixBinary() {
        return flags.contains("F");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinfmtEntry e && e.name.equals(name) && e.enabled == enabled
                && e.interpreter.equals(interpreter) && e.flags.equals(flags) && e.offset == offset
                && java.util.Arrays.equals(e.magic, magic) && java.util.Arrays.equals(e.mask, mask);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
