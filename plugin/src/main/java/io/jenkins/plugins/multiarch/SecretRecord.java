package io.jenkins.plugins.multiarch;

import java.io.Serializable;

/**
 * One build secret of a plan as the build stores it: the id that {@code RUN --mount=type=secret,id=ID} names and the
 * id of the Jenkins credentials that hold its value. A reference only: the value is never stored, it is read in the
 * platform's stage and written to the stage's private directory on the agent (see {@link SecretFiles}).
 */
public final class SecretRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String id;
    private final String credentialsId;

    SecretRecord(String id, String credentialsId) {
        this.id = id;
        this.credentialsId = credentialsId;
    }

    public String getId() {
        return id;
    }

    public String getCredentialsId() {
        return credentialsId;
    }
}
