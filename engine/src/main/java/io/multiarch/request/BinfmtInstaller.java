package io.multiarch.request;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * How missing emulators are registered under {@link BinfmtMode#INSTALL}: with the host's own static QEMU
 * emulators ({@code update-binfmts} from Debian's qemu-user-static and binfmt-support), or by running an
 * installer image such as tonistiigi/binfmt privileged, pinned by digest so that what runs privileged on an
 * agent is exactly what the admin chose.
 */
public record BinfmtInstaller(Kind kind, String image) implements Serializable {
    private static final Pattern PINNED = Pattern.compile("[^@\\s]+@sha256:[a-f0-9]{64}");

    public enum Kind { HOST, IMAGE }

    public static final BinfmtInstaller HOST = new BinfmtInstaller(Kind.HOST, "");

    /** {@code host}, or an image reference pinned by digest ({@code name@sha256:…}). */
    public static BinfmtInstaller parse(String value) {
        if (value == null || value.isBlank() || value.equals("host")) {
            return HOST;
        }
        if (!PINNED.matcher(value).matches()) {
            throw new IllegalArgumentException("the binfmt installer image must be pinned by digest "
                    + "(name@sha256:<64 hex>), or be 'host' for the host's qemu-user-static");
        }
        ImageName.parse(value.substring(0, value.indexOf('@')));
        return new BinfmtInstaller(Kind.IMAGE, value);
    }

    @Override
    public String toString() {
        return kind == Kind.HOST ? "host" : image;
    }
}
