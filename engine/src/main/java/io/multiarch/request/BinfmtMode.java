package io.multiarch.request;

/**
 * What the engine does about QEMU emulators registered through binfmt_misc, for platforms the machine cannot
 * run natively. Registrations that exist are never reset or overwritten, whatever the mode.
 */
public enum BinfmtMode {
    /** No check: a missing emulator shows up as the build failing with "exec format error". */
    OFF,
    /** Check every emulated platform; fail those whose emulator is missing, disabled or lacks the F flag. */
    VERIFY,
    /** As VERIFY, but register missing emulators first, with the configured installer. */
    INSTALL
}
