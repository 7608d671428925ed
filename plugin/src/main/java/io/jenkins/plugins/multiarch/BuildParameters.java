package io.jenkins.plugins.multiarch;

import hudson.Util;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.List;

/**
 * What {@code multiArchImage} builds, as the user writes it: the image, its tags, the build context, Dockerfile,
 * target, build arguments and labels, the platforms, the test, build secrets, size budgets, SBOM and variants.
 * The values are kept as given; {@link PlanDefaults} fills the defaults and the engine validates them. Pipeline
 * (structs' {@code DescribableModel}) and Stapler find the {@link DataBoundSetter}s of a superclass, so the step's
 * parameters are these and those of {@link MultiArchPlanStep}, how and where to build.
 */
public abstract class BuildParameters extends Step {

    private final String image;
    private List<String> tags;
    private String context;
    private String dockerfile;
    private String target;
    private List<String> buildArgs;
    private List<String> labels;
    private List<String> platforms;
    private List<String> optionalPlatforms;
    private String test;
    private List<String> testExec;
    private List<BuildSecretBinding> secrets;
    private List<String> sizeBudgets;
    private Boolean sizeBudgetWarn;
    private Boolean sbom;
    private String sbomGenerator;
    private List<ImageVariant> variants;
    private Boolean allOrNothing;

    protected BuildParameters(String image) {
        this.image = image;
    }

    public String getImage() {
        return image;
    }

    public List<String> getTags() {
        return tags;
    }

    @DataBoundSetter
    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public String getContext() {
        return context;
    }

    @DataBoundSetter
    public void setContext(String context) {
        this.context = Util.fixEmpty(context);
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

    /** {@code NAME=value} entries; in a Pipeline also written as a map {@code [NAME: 'value']}. */
    public List<String> getBuildArgs() {
        return buildArgs;
    }

    @DataBoundSetter
    public void setBuildArgs(List<String> buildArgs) {
        this.buildArgs = buildArgs;
    }

    /** {@code key=value} entries; in a Pipeline also written as a map. */
    public List<String> getLabels() {
        return labels;
    }

    @DataBoundSetter
    public void setLabels(List<String> labels) {
        this.labels = labels;
    }

    public List<String> getPlatforms() {
        return platforms;
    }

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

    public String getTest() {
        return test;
    }

    /** A shell command run with {@code /bin/sh -c} inside each platform's image. */
    @DataBoundSetter
    public void setTest(String test) {
        this.test = Util.fixEmpty(test);
    }

    public List<String> getTestExec() {
        return testExec;
    }

    /** The test as an argv, for images without a shell. */
    @DataBoundSetter
    public void setTestExec(List<String> testExec) {
        this.testExec = testExec;
    }

    /** BuildKit build secrets from Jenkins credentials: {@code [[id: 'npmrc', credentialsId: 'npm-token'], …]}. */
    public List<BuildSecretBinding> getSecrets() {
        return secrets;
    }

    @DataBoundSetter
    public void setSecrets(List<BuildSecretBinding> secrets) {
        this.secrets = secrets;
    }

    /** Size budgets as the CLI's {@code --size-budget}: {@code 12MB} for every platform, {@code linux/arm64=15MB} for one. */
    public List<String> getSizeBudgets() {
        return sizeBudgets;
    }

    @DataBoundSetter
    public void setSizeBudgets(List<String> sizeBudgets) {
        this.sizeBudgets = sizeBudgets;
    }

    /** As the CLI's {@code --size-budget-warn}: a platform over its budget passes with a warning instead of failing. */
    public Boolean getSizeBudgetWarn() {
        return sizeBudgetWarn;
    }

    @DataBoundSetter
    public void setSizeBudgetWarn(Boolean sizeBudgetWarn) {
        this.sizeBudgetWarn = sizeBudgetWarn;
    }

    /** As the CLI's {@code --sbom}: an SBOM attestation on every image, verified in the published index like provenance. */
    public Boolean getSbom() {
        return sbom;
    }

    @DataBoundSetter
    public void setSbom(Boolean sbom) {
        this.sbom = sbom;
    }

    /** As the CLI's {@code --sbom-generator}: the scanner image BuildKit runs (implies {@code sbom}). */
    public String getSbomGenerator() {
        return sbomGenerator;
    }

    @DataBoundSetter
    public void setSbomGenerator(String sbomGenerator) {
        this.sbomGenerator = sbomGenerator;
    }

    /** The variants of a matrix build: each variant × platform a stage of its own, each variant gated and published on its own. */
    public List<ImageVariant> getVariants() {
        return variants;
    }

    @DataBoundSetter
    public void setVariants(List<ImageVariant> variants) {
        this.variants = variants;
    }

    /** With variants: publish no variant unless every variant's required platforms passed. */
    public Boolean getAllOrNothing() {
        return allOrNothing;
    }

    @DataBoundSetter
    public void setAllOrNothing(Boolean allOrNothing) {
        this.allOrNothing = allOrNothing;
    }
}
