package io.jenkins.plugins.multiarch;

import hudson.Util;
import hudson.util.FormValidation;
import io.multiarch.platform.Platform;
import io.multiarch.request.BinfmtInstaller;
import io.multiarch.request.BuildRequest;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

import java.util.Arrays;
import java.util.List;

/**
 * The checks of the global settings' form ({@link MultiArchImageConfiguration}): each a POST for administrators only,
 * each value read by the engine's own parsers (platforms, the binfmt installer) or held to the range the engine
 * accepts. Stapler and Jenkins find a descriptor's {@code doCheck} methods in its superclasses too.
 */
public abstract class SettingsFormChecks extends GlobalConfiguration {

    /** Splits a comma or white-space separated list, dropping empty entries. */
    static List<String> splitList(String value) {
        return Arrays.stream(Util.fixNull(value).split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    @POST
    public FormValidation doCheckPlatforms(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        List<String> list = splitList(value);
        if (list.isEmpty()) {
            return FormValidation.error(Messages.Configuration_platformsRequired(Platform.acceptedList()));
        }
        for (String p : list) {
            try {
                Platform.parse(p);
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }
        return FormValidation.ok();
    }

    @POST
    public FormValidation doCheckBinfmtInstaller(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            BinfmtInstaller installer = BinfmtInstaller.parse(Util.fixEmptyAndTrim(value));
            return installer.kind() == BinfmtInstaller.Kind.IMAGE
                    ? FormValidation.warning(Messages.Configuration_privilegedInstaller(installer.image()))
                    : FormValidation.ok();
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    @POST
    public FormValidation doCheckPlatformTimeoutMinutes(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return checkRange(value, 1, 24 * 60);
    }

    @POST
    public FormValidation doCheckTestTimeoutMinutes(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return checkRange(value, 1, 24 * 60);
    }

    @POST
    public FormValidation doCheckAgentTimeoutMinutes(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return checkRange(value, 1, PlanSpec.MAX_MINUTES);
    }

    @POST
    public FormValidation doCheckEmulatedRetries(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return checkRange(value, 0, BuildRequest.MAX_RETRIES);
    }

    @POST
    public FormValidation doCheckEmulationLabel(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Util.fixEmptyAndTrim(value) == null
                ? FormValidation.warning(Messages.Configuration_noEmulationLabel())
                : FormValidation.ok();
    }

    static FormValidation checkRange(String value, int min, int max) {
        try {
            int v = Integer.parseInt(Util.fixNull(value).trim());
            return v < min || v > max ? FormValidation.error(Messages.Configuration_outOfRange(min, max)) : FormValidation.ok();
        } catch (NumberFormatException e) {
            return FormValidation.error(Messages.Configuration_notANumber());
        }
    }
}
