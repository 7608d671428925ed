package io.multiarch.build;

/**
 * A platform's image pushed, by a build of its own or a batch, and what that took: what its test follows, and what a
 * platform stopped after its push still reports.
 *
 * @param digest  the pushed image (or small index with its attestation) of the platform
 * @param timings the attempts and seconds up to the push
 * @param tempTag the temporary tag it was pushed under, or empty when pushed by digest
 */
record Pushed(String digest, Timings timings, String tempTag) {
}
