package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import groovy.lang.Binding;
import hudson.Extension;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.cps.GlobalVariable;

/**
 * {@code multiArchImage(...)} in Pipelines. A step cannot open parallel stages of its own, so this global variable
 * is a small Groovy class from the plugin's resources ({@code MultiArchImagePipeline.groovy}, loaded as
 * docker-workflow loads {@code Docker.groovy}) that wires the Java steps {@code multiArchPlan},
 * {@code multiArchPlatform} and {@code multiArchPublish} into one stage per platform and a publish stage.
 */
@Extension
public final class MultiArchImageGlobalVariable extends GlobalVariable {
    static final String NAME = "multiArchImage";
    static final String PIPELINE_CLASS = "io.jenkins.plugins.multiarch.MultiArchImagePipeline";

    @NonNull
    @Override
    public String getName() {
        return NAME;
    }

    @NonNull
    @Override
    public Object getValue(@NonNull CpsScript script) throws Exception {
        Binding binding = script.getBinding();
        Object value;
        if (binding.hasVariable(getName())) {
            value = binding.getVariable(getName());
        } else {
            // Loaded through the script's class loader so that CPS transforms it (it calls steps).
            value = script.getClass().getClassLoader().loadClass(PIPELINE_CLASS)
                    .getConstructor(CpsScript.class).newInstance(script);
            binding.setVariable(getName(), value);
        }
        return value;
    }
}
