package io.multiarch.binfmt;

import io.multiarch.platform.Platform;

import java.io.Serializable;

/**
 * Whether a machine can run one platform's binaries, and if not, exactly what is missing and how to fix it.
 *
 * @param state   the verdict
 * @param entry   the binfmt_misc entry involved, or the empty string
 * @param message for anything but NATIVE and READY: what is wrong and the command that fixes it
 */
public record EmulatorStatus(Platform platform, State state, String entry, String message) implements Serializable {

    public enum State {
        /** The CPU runs it without emulation. */
        NATIVE,
        /** An enabled registration with the F flag. */
        READY,
        /** binfmt_misc is not mounted or globally disabled. */
        UNAVAILABLE,
        /** No registration matches the platform's binaries. */
        MISSING,
        /** A registration exists but is disabled: left alone, since somebody turned it off. */
        DISABLED,
        /** Registered without the F flag: the interpreter would be looked up inside the build container. */
        NOT_FIXED
    }

    public boolean runnable() {
        return state == State.NATIVE || state == State.READY;
    }

    public boolean emulated() {
        return state != State.NATIVE;
    }
}
