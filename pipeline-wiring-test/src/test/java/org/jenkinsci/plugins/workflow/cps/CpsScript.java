package org.jenkinsci.plugins.workflow.cps;

import groovy.lang.Script;

/**
 * Stand-in for workflow-cps' {@code CpsScript} (a {@link Script} that can call steps), so the wiring script
 * compiles and is constructed exactly as {@code MultiArchImageGlobalVariable} does it:
 * {@code getConstructor(CpsScript.class).newInstance(script)}.
 */
public abstract class CpsScript extends Script {
}
