package io.jenkins.plugins.multiarch;

import edu.umd.cs.findbugs.annotations.NonNull;
import groovy.lang.Binding;
import hudson.Extension;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.cps.GlobalVariable;
import org.jenkinsci.plugins.workflow.cps.GroovySourceFileAllowlist;

import java.net.URL;

/**
 * {@code multiArchImage(...)} in Pipelines. A step cannot open parallel stages of its own, so this global variable
 * is a small Groovy class from the plugin's resources ({@code MultiArchImagePipeline.groovy}, loaded as
 * docker-workflow loads {@code Docker.groovy}) that wires the Java steps {@code multiArchPlan},
 * {@code multiArchPlatform} and {@code multiArchPublish} into one stage per platform and a publish stage.
 * Pipeline hides every Groovy source file from trusted code unless a {@link GroovySourceFileAllowlist} allows it:
 * {@link ScriptAllowlist} allows exactly that one file of this plugin, so no administrator has to.
 */
@Extension
public final class MultiArchImageGlobalVariable extends GlobalVariable {
    static final String NAME = "multiArchImage";
    static final String PIPELINE_CLASS = "io.jenkins.plugins.multiarch.MultiArchImagePipeline";
    static final String PIPELINE_SCRIPT = "MultiArchImagePipeline.groovy";

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

    /** The wiring script's URL as this plugin's class loader finds it, or null. */
    static URL scriptUrl() {
        return MultiArchImageGlobalVariable.class.getResource(PIPELINE_SCRIPT);
    }

    /**
     * Allows Pipeline to load exactly this plugin's {@code MultiArchImagePipeline.groovy} (the URL its own class
     * loader gives, compared whole), and nothing else.
     */
    @Extension
    public static final class ScriptAllowlist extends GroovySourceFileAllowlist {
        @Override
        public boolean isAllowed(String groovySourceFileUrl) {
            URL ours = scriptUrl();
            return ours != null && ours.toString().equals(groovySourceFileUrl);
        }
    }
}
