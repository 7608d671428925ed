package io.multiarch.build;

/**
 * What a platform's build took, fixed once known: build attempts, and the seconds of its emulator check, its build and
 * its push.
 */
record Timings(int attempts, double binfmtSeconds, double buildSeconds, double pushSeconds) {

    /** Nothing built: a failure before any image was pushed. */
    static Timings before(double binfmtSeconds) {
        return new Timings(0, binfmtSeconds, 0, 0);
    }
}
