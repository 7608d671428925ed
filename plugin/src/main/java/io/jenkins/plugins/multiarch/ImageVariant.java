package io.jenkins.plugins.multiarch;

import hudson.Util;
import io.multiarch.request.VariantSpec;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.List;

/**
 * One entry of {@code multiArchImage(variants: [[name: 'alpine', dockerfile: 'Dockerfile.alpine', tagSuffix: '-alpine',
 * platforms: [...]], …])}: the same image on another base, as the CLI's {@code --variants} file describes it (the
 * engine's {@link VariantSpec}). A field left out takes the call's value; {@code buildArgs} are added to the call's.
 */
public final class ImageVariant {
    private final String name;
    private String tagSuffix;
    private String dockerfile;
    private String target;
    private List<String> buildArgs;
    private List<String> platforms;
    private List<String> optionalPlatforms;
    private List<String> sizeBudgets;

    @DataBoundConstructor
    public ImageVariant(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public String getTagSuffix() {
        return tagSuffix;
    }

    /** Appended to each of the call's tags; none for one variant at most. */
    @DataBoundSetter
    public void setTagSuffix(String tagSuffix) {
        this.tagSuffix = tagSuffix;
    }

    public String getDockerfile() {
        return dockerfile;
    }

    @DataBoundSetter
    public void setDockerfile(String dockerfile) {
        this.dockerfile = Util.fixEmpty(dockerfile);
    }

    public String getTarget() {
        return target;
    }

    @DataBoundSetter
    public void setTarget(String target) {
        this.target = Util.fixEmpty(target);
    }

    /** {@code NAME=value} entries; in a Pipeline also written as a map. */
    public List<String> getBuildArgs() {
        return buildArgs;
    }

    @DataBoundSetter
    public void setBuildArgs(List<String> buildArgs) {
        this.buildArgs = buildArgs;
    }

    public List<String> getPlatforms() {
        return platforms;
    }

    /** Some of the call's platforms (not every base exists for every architecture); all of them when left out. */
    @DataBoundSetter
    public void setPlatforms(List<String> platforms) {
        this.platforms = platforms;
    }

    public List<String> getOptionalPlatforms() {
        return optionalPlatforms;
    }

    @DataBoundSetter
    public void setOptionalPlatforms(List<String> optionalPlatforms) {
        this.optionalPlatforms = optionalPlatforms;
    }

    public List<String> getSizeBudgets() {
        return sizeBudgets;
    }

    @DataBoundSetter
    public void setSizeBudgets(List<String> sizeBudgets) {
        this.sizeBudgets = sizeBudgets;
    }

    /** The engine's form, which validates it. */
    VariantSpec toSpec() {
        return new VariantSpec(name, tagSuffix, dockerfile, target, PlanArguments.pairs(buildArgs), platforms,
                optionalPlatforms, sizeBudgets);
    }
}
