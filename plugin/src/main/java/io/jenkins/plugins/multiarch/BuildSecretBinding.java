package io.jenkins.plugins.multiarch;

import hudson.Util;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * One entry of {@code multiArchImage(secrets: [[id: 'npmrc', credentialsId: 'npm-token'], …])}: a BuildKit build
 * secret whose value comes from Jenkins credentials. The step holds the two ids only, never the value.
 */
public final class BuildSecretBinding {
    private final String id;
    private final String credentialsId;

    /**
     * @param id            what {@code RUN --mount=type=secret,id=ID} names in the Dockerfile
     * @param credentialsId the Jenkins credentials holding the value: secret text, secret file, or username with
     *                      password (its password)
     */
    @DataBoundConstructor
    public BuildSecretBinding(String id, String credentialsId) {
        this.id = Util.fixEmpty(id);
        this.credentialsId = Util.fixEmpty(credentialsId);
    }

    public String getId() {
        return id;
    }

    public String getCredentialsId() {
        return credentialsId;
    }
}
