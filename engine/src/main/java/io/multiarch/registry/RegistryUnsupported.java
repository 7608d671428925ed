package io.multiarch.registry;

import java.io.IOException;

/**
 * {@link HttpRegistry} cannot speak to this registry the way the docker CLI would (a TLS or connection failure, an
 * authentication scheme or credential form it does not implement): ask {@link ImagetoolsRegistry} instead.
 */
public final class RegistryUnsupported extends IOException {
    private static final long serialVersionUID = 1L;

    public RegistryUnsupported(String message) {
        super(message);
    }

    public RegistryUnsupported(String message, Throwable cause) {
        super(message, cause);
    }
}
