package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Node;
import io.jenkins.plugins.multiarch.contract.Wiring;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.multiarch.plan.PlatformTask;
import io.multiarch.plan.RunPlan;
import io.multiarch.platform.Platform;
import io.multiarch.request.BuildRequest;
import io.multiarch.request.ImageName;
import io.multiarch.request.InvalidRequestException;
import io.multiarch.request.KeyValues;
import io.multiarch.request.Violation;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.structs.SymbolLookup;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.docker.commons.credentials.DockerServerEndpoint;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

import hudson.model.Item;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code multiArchPlan}: the first, node-less step of {@code multiArchImage}. It takes the user's arguments, fills
 * every default from {@link MultiArchImageConfiguration}, validates everything the engine can check without the
 * build context, records the plan in the build's {@link MultiArchImageAction} and returns what the Groovy wiring
 * needs: the run id, the stash, and per platform its stage name, agent label and whether it is required.
 * The step's parameters are exactly the parameters of {@code multiArchImage}.
 */
public final class MultiArchPlanStep extends Step {

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
    private Boolean failFast;
    private Integer platformTimeout;
    private Integer testTimeout;
    private Integer emulatedRetries;
    private Boolean provenance;
    private Boolean registryCache;
    private DockerRegistryEndpoint registry;
    private List<String> stashExcludes;
    private Integer agentTimeout;
    private List<BuildSecretBinding> secrets;
    private List<String> sizeBudgets;
    private Boolean sizeBudgetWarn;
    private Boolean sbom;
    private String sbomGenerator;
    private List<ImageVariant> variants;
    private Boolean allOrNothing;

    @DataBoundConstructor
    public MultiArchPlanStep(String image) {
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

    public Boolean getFailFast() {
        return failFast;
    }

    @DataBoundSetter
    public void setFailFast(Boolean failFast) {
        this.failFast = failFast;
    }

    /** Minutes. */
    public Integer getPlatformTimeout() {
        return platformTimeout;
    }

    @DataBoundSetter
    public void setPlatformTimeout(Integer platformTimeout) {
        this.platformTimeout = platformTimeout;
    }

    /** Minutes. */
    public Integer getTestTimeout() {
        return testTimeout;
    }

    @DataBoundSetter
    public void setTestTimeout(Integer testTimeout) {
        this.testTimeout = testTimeout;
    }

    public Integer getEmulatedRetries() {
        return emulatedRetries;
    }

    @DataBoundSetter
    public void setEmulatedRetries(Integer emulatedRetries) {
        this.emulatedRetries = emulatedRetries;
    }

    public Boolean getProvenance() {
        return provenance;
    }

    @DataBoundSetter
    public void setProvenance(Boolean provenance) {
        this.provenance = provenance;
    }

    public Boolean getRegistryCache() {
        return registryCache;
    }

    @DataBoundSetter
    public void setRegistryCache(Boolean registryCache) {
        this.registryCache = registryCache;
    }

    public DockerRegistryEndpoint getRegistry() {
        return registry;
    }

    @DataBoundSetter
    public void setRegistry(DockerRegistryEndpoint registry) {
        this.registry = registry;
    }

    public List<String> getStashExcludes() {
        return stashExcludes;
    }

    /** Ant patterns left out of the stashed context, besides what its {@code .dockerignore} ignores. */
    @DataBoundSetter
    public void setStashExcludes(List<String> stashExcludes) {
        this.stashExcludes = stashExcludes;
    }

    /** Minutes. */
    public Integer getAgentTimeout() {
        return agentTimeout;
    }

    @DataBoundSetter
    public void setAgentTimeout(Integer agentTimeout) {
        this.agentTimeout = agentTimeout;
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

    /** The call's arguments with the global defaults filled in, under a new run id. */
    PlanSpec toSpec(MultiArchImageConfiguration config, String runId) {
        PlanSpec s = new PlanSpec();
        s.id = runId;
        s.image = image;
        s.tags = tags == null ? new ArrayList<>(List.of("latest")) : new ArrayList<>(tags);
        s.context = context == null ? "." : context;
        s.dockerfile = dockerfile == null ? PlanSpec.DEFAULT_DOCKERFILE : dockerfile;
        s.target = target;
        // the engine's one parse of KEY=VALUE entries, as the command line's: an entry without '=' is refused
        s.buildArgs = KeyValues.parse("buildArgs", buildArgs == null ? List.of() : buildArgs, s.inputViolations);
        s.labels = KeyValues.parse("labels", labels == null ? List.of() : labels, s.inputViolations);
        s.platforms = canonical(platforms == null ? config.platformList() : platforms);
        s.optionalPlatforms = canonical(optionalPlatforms == null ? List.of() : optionalPlatforms);
        s.testShell = test;
        s.testExec = testExec == null ? null : new ArrayList<>(testExec);
        s.failFast = failFast == null ? config.isFailFast() : failFast;
        s.platformTimeoutMinutes = platformTimeout == null ? config.getPlatformTimeoutMinutes() : platformTimeout;
        s.testTimeoutMinutes = testTimeout == null ? config.getTestTimeoutMinutes() : testTimeout;
        s.emulatedRetries = emulatedRetries == null ? config.getEmulatedRetries() : emulatedRetries;
        s.provenance = provenance == null ? config.isProvenance() : provenance;
        s.registryCache = registryCache == null ? config.isRegistryCache() : registryCache;
        s.stashExcludes = stashExcludes == null ? new ArrayList<>() : new ArrayList<>(stashExcludes);
        s.agentTimeoutMinutes = agentTimeout == null ? config.getAgentTimeoutMinutes() : agentTimeout;
        if (secrets != null) {
            for (BuildSecretBinding b : secrets) {
                s.secrets.add(b == null ? new SecretRecord(null, null) : new SecretRecord(b.getId(), b.getCredentialsId()));
            }
        }
        s.sizeBudgets = sizeBudgets == null ? new ArrayList<>() : new ArrayList<>(sizeBudgets);
        s.sizeBudgetWarn = sizeBudgetWarn != null && sizeBudgetWarn;
        s.sbom = sbom != null && sbom;
        s.sbomGenerator = sbomGenerator;
        s.binfmtMode = config.getBinfmtMode();
        s.binfmtInstaller = config.getBinfmtInstaller();
        DockerRegistryEndpoint r = registry != null ? registry : config.getRegistry();
        if (r != null) {
            s.registryUrl = r.getUrl();
            s.registryCredentialsId = r.getCredentialsId();
        }
        DockerServerEndpoint server = config.getDockerServer();
        if (server != null) {
            s.dockerServerUri = server.getUri();
            s.dockerServerCredentialsId = server.getCredentialsId();
        }
        s.dockerTool = Util.fixEmpty(config.getDockerTool());
        Map<String, String> nativeLabels = config.nativeLabels();
        for (String p : s.platforms) {
            if (nativeLabels.containsKey(p)) {
                s.nativeLabels.put(p, nativeLabels.get(p));
            }
        }
        s.emulationLabel = config.getEmulationLabel();
        s.publishLabel = config.effectivePublishLabel();
        return s;
    }

    /** Platforms in their canonical spelling where they parse (so labels match); the rest as written, for the engine to refuse. */
    private static List<String> canonical(List<String> values) {
        List<String> list = new ArrayList<>();
        for (String v : values) {
            if (v == null) {
                list.add(null);
                continue;
            }
            try {
                list.add(Platform.parse(v).toString());
            } catch (IllegalArgumentException e) {
                list.add(v);
            }
        }
        return list;
    }

    /** {@code NAME=value} entries as a map, for the snippet generator; an entry without {@code =} becomes a key with an empty value. */
    static Map<String, String> pairs(List<String> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        if (entries != null) {
            for (String e : entries) {
                int eq = e.indexOf('=');
                m.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
            }
        }
        return m;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new Execution(this, context);
    }

    /**
     * Plans on the controller. In the caller's workspace it only reads: the context and Dockerfile must be there
     * (the stash is made from there), and the context's {@code .dockerignore} says what the stash may leave out.
     */
    @SuppressFBWarnings(value = "SE_TRANSIENT_FIELD_NOT_RESTORED",
            justification = "planning takes a moment and cannot resume after a restart: the Pipeline fails the step then")
    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final transient MultiArchPlanStep step;

        Execution(MultiArchPlanStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            Run<?, ?> run = getContext().get(Run.class);
            TaskListener listener = getContext().get(TaskListener.class);
            FilePath workspace = getContext().get(FilePath.class);
            Node node = getContext().get(Node.class);
            PlanSpec spec = step.toSpec(MultiArchImageConfiguration.get(), RunPlan.newRunId());
            spec.startMillis = System.currentTimeMillis();
            spec.callerNode = node == null ? null : node.getNodeName();
            List<io.multiarch.request.VariantSpec> variantSpecs = step.variants == null ? null
                    : step.variants.stream().map(v -> v == null ? new io.multiarch.request.VariantSpec(null, null, null, null,
                            null, null, null, null) : v.toSpec()).toList();
            BuildRequest request;
            List<io.multiarch.request.VariantRequest> variants = List.of();
            try {
                List<Violation> credentials = new ArrayList<>(SecretFiles.check(spec.secrets, run));
                if (variantSpecs == null && Boolean.TRUE.equals(step.allOrNothing)) {
                    credentials.add(new Violation("allOrNothing", "true", Messages.MultiArchPlanStep_allOrNothingAlone()));
                }
                String ws = workspace == null ? "/" : workspace.getRemote();
                io.multiarch.request.PathProbe probe = workspace == null ? io.multiarch.request.PathProbe.UNCHECKED
                        : new WorkspaceProbe(workspace.getChannel());
                if (variantSpecs == null) {
                    request = spec.request(ws, probe, null, credentials);
                } else {
                    variants = spec.variants(ws, probe, variantSpecs, credentials);
                    request = null;
                }
            } catch (InvalidRequestException e) {
                StringBuilder sb = new StringBuilder(Messages.MultiArchPlanStep_invalid());
                for (Violation v : e.violations()) {
                    sb.append("\n  ").append(v.describe());
                }
                throw new AbortException(sb.toString());
            }
            if (workspace == null) {
                throw new AbortException(Messages.MultiArchPlanStep_noWorkspace());
            }
            DockerIgnoreFile ignore = DockerIgnoreFile.read(workspace, spec.context, spec.dockerfile);
            spec.ignoredExcludes = new ArrayList<>(ignore.ignore().antExcludes(spec.context));
            if (ignore.path() != null) {
                listener.getLogger().println(Messages.MultiArchPlanStep_dockerignore(ignore.path(),
                        spec.ignoredExcludes.size() / 2, ignore.ignore().patterns().size()));
            }
            // one record per variant (or the call's own without variants): each gated and published on its own
            List<PlanSpec> specs = new ArrayList<>();
            List<RunPlan> plans = new ArrayList<>();
            if (request != null) {
                specs.add(spec);
                plans.add(RunPlan.of(request, spec.nativePlatforms(), spec.id));
            } else {
                List<String> ids = variants.stream().map(v -> PlanSpec.variantId(spec.id, v.name())).toList();
                boolean all = Boolean.TRUE.equals(step.allOrNothing);
                for (int i = 0; i < variants.size(); i++) {
                    PlanSpec vs = spec.forVariant(variants.get(i), variantSpecs.get(i), ids, all);
                    specs.add(vs);
                    plans.add(RunPlan.of(variants.get(i).request(), vs.nativePlatforms(), vs.id, vs.variant));
                    listener.getLogger().println(Messages.MultiArchPlanStep_variant(vs.variant, String.join(", ", vs.tags),
                            all ? Messages.MultiArchPlanStep_allOrNothing() : ""));
                }
            }
            MultiArchImageAction action = MultiArchImageAction.of(run);
            specs.forEach(s -> action.add(new RunRecord(s)));
            action.save();

            List<Map<String, Object>> platforms = new ArrayList<>();
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                PlanSpec s = specs.get(i);
                runs.add(Wiring.answer(Wiring.PlanRun.class)
                        .put(Wiring.PlanRun.id, s.id)
                        .put(Wiring.PlanRun.variant, s.variant)
                        .put(Wiring.PlanRun.publishStage, s.variant.isEmpty() ? "publish" : "publish " + s.variant)
                        .toMap());
                for (PlatformTask task : plans.get(i).tasks()) {
                    String p = task.platform().toString();
                    String label = s.labelFor(p);
                    platforms.add(Wiring.answer(Wiring.PlanPlatform.class)
                            .put(Wiring.PlanPlatform.platform, p)
                            .put(Wiring.PlanPlatform.label, label)
                            .put(Wiring.PlanPlatform.plan, s.id)
                            .put(Wiring.PlanPlatform.stage, s.stageName(p))
                            .toMap());
                    String where = label.isEmpty() ? Messages.MultiArchPlanStep_anyAgent() : Messages.MultiArchPlanStep_onLabel(label);
                    listener.getLogger().println(Messages.MultiArchPlanStep_planned(s.stageName(p), where,
                            s.isNative(p) ? Messages.MultiArchPlanStep_nativeAgent() : Messages.MultiArchPlanStep_measured(),
                            task.required() ? "" : Messages.MultiArchPlanStep_optional()));
                }
            }
            return Wiring.answer(Wiring.Plan.class)
                    .put(Wiring.Plan.id, spec.id)
                    .put(Wiring.Plan.image, spec.image)
                    .put(Wiring.Plan.failFast, spec.failFast)
                    .put(Wiring.Plan.stash, "multiarch-" + spec.id)
                    .put(Wiring.Plan.stashIncludes, spec.stashIncludes())
                    .put(Wiring.Plan.stashExcludes, spec.stashExcludesPattern())
                    .put(Wiring.Plan.workDir, "multiarch-" + spec.id)
                    .put(Wiring.Plan.publishLabel, spec.publishLabel)
                    .put(Wiring.Plan.junit, junitAvailable() && (spec.testShell != null || spec.testExec != null))
                    .put(Wiring.Plan.platforms, platforms)
                    .put(Wiring.Plan.runs, runs)
                    .toMap();
        }
    }

    /**
     * Whether {@code junit} can be called: the junit plugin's own step, or its recorder through the {@code step}
     * meta-step (older versions). Checked here so the wiring never calls a step that does not exist, and the plugin
     * needs no junit-plugin class.
     */
    static boolean junitAvailable() {
        return StepDescriptor.byFunctionName("junit") != null
                || SymbolLookup.get().findDescriptor(hudson.tasks.Publisher.class, "junit") != null;
    }

    /**
     * {@code multiArchPlan}. Internal: {@code multiArchImage} calls it. Map-valued arguments ({@code buildArgs},
     * {@code labels}, a variant's {@code buildArgs}) become {@code NAME=value} lists, single strings become
     * one-element lists, and a single secret or variant map a one-element list.
     */
    @Extension
    @Symbol("multiArchPlan")
    public static final class DescriptorImpl extends StepDescriptor implements CustomDescribableModel {
        private static final List<String> LIST_ARGS = List.of("tags", "platforms", "optionalPlatforms", "testExec", "stashExcludes", "sizeBudgets");
        private static final List<String> MAP_ARGS = List.of("buildArgs", "labels");

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        @Override
        public String getFunctionName() {
            return "multiArchPlan";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.MultiArchPlanStep_displayName();
        }

        @Override
        public boolean isAdvanced() {
            return true;
        }

        @NonNull
        @Override
        public Map<String, Object> customInstantiate(@NonNull Map<String, Object> arguments) {
            Map<String, Object> m = new LinkedHashMap<>(arguments);
            for (String key : LIST_ARGS) {
                Object v = m.get(key);
                if (v instanceof CharSequence s) {
                    m.put(key, List.of(s.toString()));
                }
            }
            for (String key : MAP_ARGS) {
                if (m.get(key) instanceof Map<?, ?> map) {
                    List<String> list = new ArrayList<>();
                    map.forEach((k, v) -> list.add(k + "=" + (v == null ? "" : v)));
                    m.put(key, list);
                }
            }
            for (String key : List.of("secrets", "variants")) {
                if (m.get(key) instanceof Map<?, ?> single) { // one secret or variant without the list around it
                    m.put(key, List.of(single));
                }
            }
            if (m.get("variants") instanceof List<?> list) {
                List<Object> variants = new ArrayList<>();
                for (Object v : list) {
                    variants.add(v instanceof Map<?, ?> map ? variantArguments(map) : v);
                }
                m.put("variants", variants);
            }
            if (m.get("test") instanceof List<?> argv) {
                m.remove("test");
                m.put("testExec", argv.stream().map(String::valueOf).toList());
            }
            return m;
        }

        /** A variant's map as {@link ImageVariant} takes it: its own lists and {@code NAME=value} build arguments. */
        private static Map<String, Object> variantArguments(Map<?, ?> variant) {
            Map<String, Object> v = new LinkedHashMap<>();
            variant.forEach((k, x) -> v.put(String.valueOf(k), x));
            for (String key : List.of("platforms", "optionalPlatforms", "sizeBudgets")) {
                if (v.get(key) instanceof CharSequence cs) {
                    v.put(key, List.of(cs.toString()));
                }
            }
            if (v.get("buildArgs") instanceof Map<?, ?> map) {
                List<String> list = new ArrayList<>();
                map.forEach((k, x) -> list.add(k + "=" + (x == null ? "" : x)));
                v.put("buildArgs", list);
            }
            return v;
        }

        @NonNull
        @Override
        public UninstantiatedDescribable customUninstantiate(@NonNull UninstantiatedDescribable ud) {
            Map<String, Object> args = new LinkedHashMap<>(ud.getArguments());
            for (String key : MAP_ARGS) {
                if (args.get(key) instanceof List<?> list) {
                    args.put(key, pairs(list.stream().map(String::valueOf).toList()));
                }
            }
            return ud.withArguments(args);
        }

        @POST
        public FormValidation doCheckImage(@AncestorInPath Item item, @QueryParameter String value) {
            if (item == null) {
                Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            } else {
                item.checkPermission(Item.CONFIGURE);
            }
            try {
                ImageName.parse(Util.fixNull(value).trim());
                return FormValidation.ok();
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
