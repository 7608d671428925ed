package jenkins.model;

/** Stand-in for core's reason why a build or step was interrupted. */
public abstract class CauseOfInterruption {
    public abstract String getShortDescription();
}
