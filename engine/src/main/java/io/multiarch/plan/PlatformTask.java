package io.multiarch.plan;

import io.multiarch.platform.Platform;

import java.io.Serializable;

/**
 * One platform's share of a run: whether it must pass for the publish, whether it runs natively, and the
 * registry names it uses.
 *
 * @param tempTag  the per-run tag an image is pushed under when the driver cannot push by digest
 * @param cacheTag the per-platform registry cache tag (one per platform, so keys never collide)
 */
public record PlatformTask(Platform platform, boolean required, boolean nativePlatform, String tempTag,
                           String cacheTag) implements Serializable {
}
