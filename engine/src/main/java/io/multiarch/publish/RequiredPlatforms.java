package io.multiarch.publish;

import io.multiarch.result.PlatformResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The one publish gate: a publish goes ahead only when every required platform passed; a required platform that
 * failed, or never reported, blocks it. The {@link Publisher} asks it of the results it is given; the Jenkins
 * plugin's build record asks it of the platforms its stages reported.
 */
public final class RequiredPlatforms {

    private RequiredPlatforms() {
    }

    /**
     * The platforms, in their order, that block the publish.
     *
     * @param platforms every platform of the run, reported or not
     * @param required  whether a platform must pass
     * @param passed    whether a platform reported and passed (false for one that never reported)
     */
    public static <P> List<P> notPassed(List<P> platforms, Predicate<P> required, Predicate<P> passed) {
        List<P> blockers = new ArrayList<>();
        for (P p : platforms) {
            if (required.test(p) && !passed.test(p)) {
                blockers.add(p);
            }
        }
        return blockers;
    }

    /** The required platforms among {@code results} that did not pass. */
    public static List<PlatformResult> notPassed(List<PlatformResult> results) {
        return notPassed(results, PlatformResult::required, PlatformResult::passed);
    }

    /** Why the publish is withheld: {@code required platform linux/s390x did not pass; no tag was created or moved}. */
    public static String withheld(List<?> blockers) {
        return "required platform" + (blockers.size() > 1 ? "s " : " ")
                + String.join(", ", blockers.stream().map(String::valueOf).toList()) + " did not pass; no tag was created or moved";
    }
}
