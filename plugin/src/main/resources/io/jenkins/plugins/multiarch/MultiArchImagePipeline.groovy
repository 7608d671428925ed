package io.jenkins.plugins.multiarch

import com.cloudbees.groovy.cps.NonCPS
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException
import org.jenkinsci.plugins.workflow.support.steps.AgentErrorCondition

/*
 * The Pipeline wiring of multiArchImage(...): one parallel stage per platform (per variant and platform with variants)
 * on its agent, then a publish stage (one per variant).
 * Only wiring lives here: planning and validation (multiArchPlan), the bounded wait for an agent
 * (multiArchAwaitAgent), a platform's build and test (multiArchPlatform), a platform that could not run
 * (multiArchPlatformFailed), the publish decision (multiArchGate) and the publish (multiArchPublish) are Java steps.
 * The keys of the maps they answer are defined once in io.jenkins.plugins.multiarch.contract.Wiring; a test checks
 * that this script reads exactly those. Loaded by MultiArchImageGlobalVariable, allowed by its
 * GroovySourceFileAllowlist (this file only), and exercised without Jenkins by the pipeline-wiring-test module.
 */
class MultiArchImagePipeline implements Serializable {
    private static final long serialVersionUID = 1L

    private final org.jenkinsci.plugins.workflow.cps.CpsScript script

    MultiArchImagePipeline(org.jenkinsci.plugins.workflow.cps.CpsScript script) {
        this.script = script
    }

    /**
     * Builds, tests and publishes one multi-architecture image. Call it where a workspace holds the build context
     * (inside node or a declarative stage with an agent): the context is stashed from there.
     *
     * @return [image, published, indexDigest, tags, listed (the platforms the index lists),
     *          platforms: [platform: [platform, status, required, emulated, digest, agent, message, junitFile]]];
     *          with variants [image, variants: [name: [published, indexDigest, tags, listed]],
     *          platforms: ['name platform': [...]]]
     */
    Map call(Map args) {
        def plan = script.multiArchPlan(args)
        script.stash(name: plan.stash, includes: plan.stashIncludes, excludes: plan.stashExcludes,
                useDefaultExcludes: false, allowEmpty: false)

        def results = [:]
        def branches = [:]
        for (def entry in plan.platforms) {
            def p = entry
            branches[p.stage] = {
                script.stage(p.stage) {
                    results[p.stage] = platformStage(plan, p)
                }
            }
        }
        branches['failFast'] = plan.failFast

        Throwable failure = null
        try {
            script.parallel(branches)
        } catch (FlowInterruptedException interrupted) {
            throw interrupted // aborted, or a timeout around the call: nothing is published, the build says why
        } catch (Throwable t) {
            failure = t
        }
        // each record (the call's, or each variant's) is gated and published on its own
        def refused = []
        def publishes = [:]
        for (def each in plan.runs) {
            def run = each
            def gate = script.multiArchGate(plan: run.id)
            if (gate.publish) {
                publishes[run.id] = null
            } else {
                refused << gate.message
            }
        }
        if (!refused.isEmpty() && publishes.isEmpty()) {
            script.error(refused.join('\n'))
        }
        if (failure != null && refused.isEmpty()) {
            throw failure
        }

        for (def each in plan.runs) {
            def run = each
            if (publishes.containsKey(run.id)) {
                script.stage(run.publishStage) {
                    script.node(plan.publishLabel) {
                        def published = script.multiArchPublish(plan: run.id)
                        publishes[run.id] = [published  : published.published,
                                             indexDigest: published.indexDigest,
                                             tags       : published.tags,
                                             listed     : published.platforms]
                    }
                }
            }
        }
        if (!refused.isEmpty()) {
            script.error(refused.join('\n')) // after the variants that passed are published
        }
        def first = publishes[plan.runs[0].id]
        if (plan.runs.size() == 1 && plan.runs[0].variant == '') {
            return [image      : plan.image,
                    published  : first.published,
                    indexDigest: first.indexDigest,
                    tags       : first.tags,
                    listed     : first.listed,
                    platforms  : results]
        }
        def variants = [:]
        for (def each in plan.runs) {
            def run = each
            variants[run.variant] = publishes[run.id]
        }
        return [image: plan.image, variants: variants, platforms: results]
    }

    /**
     * One platform's stage: wait (bounded) until an agent can take it, build and test there, record the JUnit result.
     * Whatever keeps the platform from running (no agent in time, credentials, login, unstash, a lost agent) is
     * recorded as that platform's failure; then multiArchGate says whether the stage fails (a required platform that
     * did not pass) or not (an optional one drops out).
     */
    private Map platformStage(Map plan, Map p) {
        def r = null
        try {
            def agent = script.multiArchAwaitAgent(plan: p.plan, platform: p.platform)
            if (!agent.ready) {
                r = script.multiArchPlatformFailed(plan: p.plan, platform: p.platform, message: agent.message)
            } else {
                script.node(p.label) {
                    script.dir(plan.workDir) {
                        try {
                            script.unstash(plan.stash)
                            r = script.multiArchPlatform(plan: p.plan, platform: p.platform)
                            if (plan.junit && r.junitFile) {
                                script.junit(testResults: r.junitFile, allowEmptyResults: true)
                            }
                        } finally {
                            script.deleteDir()
                        }
                    }
                }
            }
        } catch (FlowInterruptedException interrupted) {
            def lost = agentLoss(interrupted)
            if (lost == null) {
                throw interrupted // aborted, fail-fast or a timeout: not this platform's verdict
            }
            r = script.multiArchPlatformFailed(plan: p.plan, platform: p.platform, message: lost)
        } catch (Throwable t) {
            r = script.multiArchPlatformFailed(plan: p.plan, platform: p.platform, message: describe(t))
        }
        // a required platform that did not pass fails its stage: the gate's answer, from the build's record
        def gate = script.multiArchGate(plan: p.plan, platform: p.platform)
        if (!gate.publish) {
            script.error(gate.message)
        }
        return r
    }

    /**
     * An agent that was removed or did not come back interrupts its node block: that is the platform's failure.
     * @return what happened to the agent, or null for any other interruption
     */
    @NonCPS
    private static String agentLoss(FlowInterruptedException e) {
        if (e.causes.isEmpty() || !e.causes.every { it instanceof AgentErrorCondition.Retryable }) {
            return null
        }
        return e.causes.collect { it.shortDescription }.join('; ')
    }

    @NonCPS
    private static String describe(Throwable t) {
        return t.message ? "${t.getClass().simpleName}: ${t.message}".toString() : t.toString()
    }
}
