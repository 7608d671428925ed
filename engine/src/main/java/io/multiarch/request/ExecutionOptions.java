package io.multiarch.request;

/**
 * How the command line runs a request on one machine, not what it builds: platforms built at once, and whether
 * the platforms of one docker endpoint go into one {@code buildx build}. The Jenkins plugin runs one platform per
 * Pipeline branch ({@code concurrency} 1).
 */
public record ExecutionOptions(int concurrency, boolean batch) {
}
