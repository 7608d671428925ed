package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import io.multiarch.request.ImageName;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.docker.commons.credentials.DockerRegistryEndpoint;
import org.jenkinsci.plugins.structs.describable.CustomDescribableModel;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code multiArchPlan}: the first, node-less step of {@code multiArchImage}. It takes the user's arguments, fills
 * every default from {@link MultiArchImageConfiguration}, validates everything the engine can check without the
 * build context, records the plan in the build's {@link MultiArchImageAction} and returns what the Groovy wiring
 * needs (see {@link PlanExecution}). The step's parameters are exactly the parameters of {@code multiArchImage}: what
 * to build ({@link BuildParameters}), and here how and where: fail-fast, timeouts, retries, provenance, the
 * registry and its cache, the stash and the agent wait.
 */
public final class MultiArchPlanStep extends BuildParameters {

    private Boolean failFast;
    private String platformTimeout;
    private String testTimeout;
    private Integer emulatedRetries;
    private Boolean provenance;
    private Boolean registryCache;
    private DockerRegistryEndpoint registry;
    private List<String> stashExcludes;
    private Integer agentTimeout;

    @DataBoundConstructor
    public MultiArchPlanStep(String image) {
        super(image);
    }

    public Boolean getFailFast() {
        return failFast;
    }

    @DataBoundSetter
    public void setFailFast(Boolean failFast) {
        this.failFast = failFast;
    }

    /** As written: {@code 90s}, {@code 10m}, {@code 2h}, or a bare number of minutes; the engine parses it. */
    public String getPlatformTimeout() {
        return platformTimeout;
    }

    /** A Pipeline's number ({@code platformTimeout: 30}) arrives here as text through {@link PlanArguments}. */
    @DataBoundSetter
    public void setPlatformTimeout(String platformTimeout) {
        this.platformTimeout = Util.fixEmpty(platformTimeout);
    }

    /** As written: {@code 90s}, {@code 10m}, {@code 2h}, or a bare number of minutes; the engine parses it. */
    public String getTestTimeout() {
        return testTimeout;
    }

    @DataBoundSetter
    public void setTestTimeout(String testTimeout) {
        this.testTimeout = Util.fixEmpty(testTimeout);
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

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new PlanExecution(this, context);
    }

    /**
     * {@code multiArchPlan}. Internal: {@code multiArchImage} calls it. The arguments as a Pipeline writes them (maps,
     * single strings, numbers for timeouts) are read into what the setters take by {@link PlanArguments}.
     */
    @Extension
    @Symbol("multiArchPlan")
    public static final class DescriptorImpl extends StepDescriptor implements CustomDescribableModel {

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
            return PlanArguments.instantiate(arguments);
        }

        @NonNull
        @Override
        public UninstantiatedDescribable customUninstantiate(@NonNull UninstantiatedDescribable ud) {
            return ud.withArguments(PlanArguments.uninstantiate(ud.getArguments()));
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
