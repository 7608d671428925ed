package io.multiarch.request;

/** What the run may do about QEMU emulators: check them, register missing ones (and how), or leave them alone. */
public record BinfmtPolicy(BinfmtMode mode, BinfmtInstaller installer) {
}
