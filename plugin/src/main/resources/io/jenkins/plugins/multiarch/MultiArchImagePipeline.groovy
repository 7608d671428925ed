package io.jenkins.plugins.multiarch

import com.cloudbees.groovy.cps.NonCPS
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException
import org.jenkinsci.plugins.workflow.support.steps.AgentErrorCondition

/*
 * The Pipeline wiring of multiArchImage(...): one parallel stage per platform on its agent, then one publish stage.
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
     *          platforms: [platform: [platform, status, required, emulated, digest, agent, message, junitFile]]]
     */
    Map call(Map args) {
        def plan = script.multiArchPlan(args)
        script.stash(name: plan.stash, includes: plan.stashIncludes, excludes: plan.stashExcludes,
                useDefaultExcludes: false, allowEmpty: false)

        def results = [:]
        def branches = [:]
        for (def entry in plan.platforms) {
            def p = entry
            branches[p.platform] = {
                script.stage(p.platform) {
                    results[p.platform] = platformStage(plan, p)
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
        def gate = script.multiArchGate(plan: plan.id)
        if (!gate.publish) {
            script.error(gate.message)
        }
        if (failure != null) {
            throw failure
        }

        def published = null
        script.stage('publish') {
            script.node(plan.publishLabel) {
                published = script.multiArchPublish(plan: plan.id)
            }
        }
        return [image      : plan.image,
                published  : published.published,
                indexDigest: published.indexDigest,
                tags       : published.tags,
                listed     : published.platforms,
                platforms  : results]
    }

    /**
     * One platform's stage: wait (bounded) until an agent can take it, build and test there, record the JUnit result.
     * Whatever keeps the platform from running (no agent in time, credentials, login, unstash, a lost agent) is
     * recorded as that platform's failure: an optional platform drops out, a required one fails its stage.
     */
    private Map platformStage(Map plan, Map p) {
        def r = null
        try {
            def agent = script.multiArchAwaitAgent(plan: plan.id, platform: p.platform)
            if (!agent.ready) {
                r = script.multiArchPlatformFailed(plan: plan.id, platform: p.platform, message: agent.message)
            } else {
                script.node(p.label) {
                    script.dir(plan.workDir) {
                        try {
                            script.unstash(plan.stash)
                            r = script.multiArchPlatform(plan: plan.id, platform: p.platform)
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
            r = script.multiArchPlatformFailed(plan: plan.id, platform: p.platform, message: lost)
        } catch (Throwable t) {
            r = script.multiArchPlatformFailed(plan: plan.id, platform: p.platform, message: describe(t))
        }
        if (r.required && r.status != 'PASSED') {
            script.error("${p.platform}: ${r.message}")
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
