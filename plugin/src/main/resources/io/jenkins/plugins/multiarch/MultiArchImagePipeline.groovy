package io.jenkins.plugins.multiarch

/*
 * The Pipeline wiring of multiArchImage(...): one parallel stage per platform on its agent, then one publish stage.
 * Only wiring lives here; planning, validation, the builds and the publish are the Java steps multiArchPlan,
 * multiArchPlatform and multiArchPublish. Loaded by MultiArchImageGlobalVariable like docker-workflow's Docker.groovy,
 * and exercised without Jenkins by the pipeline-wiring-test module.
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
     * @return [image, published, indexDigest, tags, platforms: [platform: [status, digest, required, emulated, agent, message]]]
     */
    Map call(Map args) {
        def plan = script.multiArchPlan(args)
        script.stash(name: plan.stash, includes: plan.stashIncludes, useDefaultExcludes: false, allowEmpty: false)

        def results = [:]
        def branches = [:]
        for (def entry in plan.platforms) {
            def p = entry
            branches[p.platform] = {
                script.stage(p.platform) {
                    script.node(p.label) {
                        script.dir(plan.workDir) {
                            try {
                                script.unstash(plan.stash)
                                def r = script.multiArchPlatform(plan: plan.id, platform: p.platform)
                                results[p.platform] = r
                                if (plan.junit && r.junitFile) {
                                    script.junit(testResults: r.junitFile, allowEmptyResults: true)
                                }
                                if (r.required && r.status != 'PASSED') {
                                    script.error("${p.platform}: ${r.message}")
                                }
                            } finally {
                                script.deleteDir()
                            }
                        }
                    }
                }
            }
        }
        branches['failFast'] = plan.failFast

        Throwable failure = null
        try {
            script.parallel(branches)
        } catch (Throwable t) {
            failure = t
        }

        def failed = []
        def unfinished = []
        for (def entry in plan.platforms) {
            def r = results[entry.platform]
            if (entry.required && r == null) {
                unfinished << entry.platform
            } else if (entry.required && r.status != 'PASSED') {
                failed << entry.platform
            }
        }
        if (failure != null && failed.isEmpty()) {
            throw failure // aborted, or an agent or the stash failed: not a platform's verdict
        }
        if (!failed.isEmpty() || !unfinished.isEmpty()) {
            script.error("multiArchImage: not published: required platform(s) ${(failed + unfinished).join(', ')} did not pass; no tag was created or moved")
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
                platforms  : results]
    }
}
