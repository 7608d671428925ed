package io.multiarch.result;

import java.io.Serializable;
import java.util.List;

/** The whole run: what was asked, each platform's result, and the publish. */
public record RunResult(String runId, String image, List<String> tags, String toolchain,
                        List<PlatformResult> platforms, PublishResult publish, double totalSeconds)
        implements Serializable {

    public RunResult {
        tags = List.copyOf(tags);
        platforms = List.copyOf(platforms);
    }

    public boolean published() {
        return publish.published();
    }

    /** Required platforms that did not pass: why nothing was published. */
    public List<PlatformResult> blockers() {
        return platforms.stream().filter(p -> p.required() && !p.passed()).toList();
    }
}
