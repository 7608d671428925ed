package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.multiarch.platform.Platform;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

import java.io.Serializable;
import java.util.Objects;

/**
 * An agent label that runs one platform natively, e.g. {@code linux/arm64} on {@code arm64 && docker}. Platforms
 * without such a label run on the emulation label under QEMU.
 */
public final class PlatformLabel implements Describable<PlatformLabel>, Serializable {
    private static final long serialVersionUID = 1L;

    private final String platform;
    private final String label;

    @DataBoundConstructor
    public PlatformLabel(String platform, String label) {
        this.platform = Util.fixNull(platform).trim();
        this.label = Util.fixNull(label).trim();
    }

    public String getPlatform() {
        return platform;
    }

    public String getLabel() {
        return label;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlatformLabel p && p.platform.equals(platform) && p.label.equals(label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(platform, label);
    }

    @Override
    public String toString() {
        return platform + " on " + label;
    }

    /** Form validation through the engine's own parser. */
    @Extension
    @Symbol("platformLabel")
    public static final class DescriptorImpl extends Descriptor<PlatformLabel> {
        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.PlatformLabel_displayName();
        }

        @POST
        public FormValidation doCheckPlatform(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error(Messages.PlatformLabel_platformRequired());
            }
            try {
                Platform.parse(value.trim());
                return FormValidation.ok();
            } catch (IllegalArgumentException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckLabel(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Util.fixEmptyAndTrim(value) == null
                    ? FormValidation.error(Messages.PlatformLabel_labelRequired())
                    : FormValidation.ok();
        }
    }
}
