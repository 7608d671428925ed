#!/usr/bin/env bash
# The benchmark suite of multiarch-image (issue #4): measures every figure side by side against its
# baseline in one run (A, B, A, B, …) and writes bench/results.md through bench/report.py.
#
#   bench/run.sh                      # the whole suite, about 25 minutes on 2 cores
#   bench/run.sh overhead footprint   # only some figures (results.md then shows only those)
#   RUNS=2 WORK_MB=16 OUT=/tmp/r.md RAW=/tmp/r.tsv bench/run.sh   # try the harness (numbers meaningless)
#
# Figures: overhead long anatomy parallel cold publish cross footprint (see bench/README.md).
# Settings (environment): RUNS pairs per comparison (default 5, at least 5 for real numbers),
# WORK_MB size of the CPU-bound step (default 256: about 2 s natively here), FRESH_MB its size in
# the overhead comparison where it really runs (default 32: it runs under QEMU on most platforms), LONG_MB its size
# in the long build (default 3072: two to three minutes on 3 platforms here), LONG_RUNS pairs of the long build
# (default 4), PUBLISH_RUNS pairs of each publish comparison (default 10: its figures are milliseconds), JAR the CLI
# (default: a private copy of cli/target/multiarch.jar), REGISTRY (default 127.0.0.1:5000),
# OUT the results (default bench/results.md), RAW the raw data (default bench/results-raw.tsv).
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
RUNS="${RUNS:-5}"
WORK_MB="${WORK_MB:-256}"
FRESH_MB="${FRESH_MB:-32}"
LONG_MB="${LONG_MB:-3072}"
LONG_RUNS="${LONG_RUNS:-4}"
PUBLISH_RUNS="${PUBLISH_RUNS:-10}"
REGISTRY="${REGISTRY:-127.0.0.1:5000}"
OUT="${OUT:-$BENCH/results.md}"
RAW="${RAW:-$BENCH/results-raw.tsv}"
WORK="$(mktemp -d /tmp/multiarch-bench.XXXXXX)"   # logs and the CLI's reports of this run
LOG="$WORK/bench.log"
ALL_FIGURES=(overhead long anatomy parallel cold publish cross footprint)
FIGURES=("$@")
[ ${#FIGURES[@]} -gt 0 ] || FIGURES=("${ALL_FIGURES[@]}")

IMAGE_CTX="$BENCH/image"
CROSS_CTX="$ROOT/examples/cross"
P1="linux/amd64"
P3="linux/amd64,linux/arm64,linux/s390x"
P5="linux/amd64,linux/arm64,linux/arm/v7,linux/ppc64le,linux/s390x"
P10="linux/amd64,linux/386,linux/arm64,linux/arm/v7,linux/arm/v6,linux/ppc64le,linux/s390x,linux/mips64le,linux/mips64,linux/riscv64"
P4_EMULATED="linux/arm64,linux/ppc64le,linux/s390x,linux/riscv64"
RUN_ID="$(date +%Y%m%d%H%M%S)-$$"
DEFAULT_CONCURRENCY=$(( $(nproc) * 2 > 2 ? $(nproc) * 2 : 2 ))   # the CLI's default: twice the cores, at least 2

# --- helpers ---------------------------------------------------------------------------------
say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$LOG" >&2; }
now() { date +%s.%N; }
since() { awk -v t0="$1" -v t1="$(now)" 'BEGIN { printf "%.3f", t1 - t0 }'; }

# One raw measurement, a line of $RAW: COMPARISON ROUND SIDE(A|B) VALUE UNIT.
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"; }

# Runs one command with its output in the log. Inside `timed` a failure is returned to it; elsewhere
# a failed command is retried twice, then stops the suite (no number comes from a failed run).
# Retries exist for one known fault: docker's "pushing … with docker" step of a multi-platform
# `--push` PUTs every platform's manifest to the same tag at once, and the local registry's
# filesystem driver now and then answers a HEAD of that tag with 500 "invalid checksum digest format".
run() {
    local attempt
    for attempt in 1 2 3; do
        echo "+ $*" >>"$LOG"
        "$@" >>"$LOG" 2>&1 && return 0
        [ -n "${IN_TIMED:-}" ] && return 1
        say "failed (attempt $attempt of 3): $*"
        echo "# retried: $(date +%H:%M:%S) untimed: $*" >>"$RAW"
    done
    tail -30 "$LOG" >&2
    say "FAILED: $*; whole log: $LOG"
    exit 1
}

# Times COMMAND… (wall seconds of the whole process, JVM start included) and records it. A failed
# attempt is noted and run again (3 attempts at most); only the successful attempt is timed.
# A retried attempt gets fresh seeds (`SEED=$RUN_ID-…` arguments, from seed): its step must run again, not be
# found cached by the failed attempt (which may have failed only in its push, after building).
timed() { # COMPARISON ROUND SIDE COMMAND…
    local comparison="$1" round="$2" side="$3" t0 attempt a args; shift 3
    for attempt in 1 2 3; do
        args=()
        for a in "$@"; do
            [ "$attempt" -gt 1 ] && [[ "$a" == SEED="$RUN_ID"-* ]] && a="$a-retry$attempt"
            args+=("$a")
        done
        t0=$(now)
        if IN_TIMED=1 "${args[@]}"; then
            record "$comparison" "$round" "$side" "$(since "$t0")" s
            return 0
        fi
        say "failed (attempt $attempt of 3, not timed): $comparison $round $side"
        echo "# retried: $(date +%H:%M:%S) $comparison pair $round side $side: $(grep '^+ ' "$LOG" | tail -1 | cut -c3-)" >>"$RAW"
    done
    tail -30 "$LOG" >&2
    say "FAILED: $comparison $round $side; whole log: $LOG"
    exit 1
}

# The CLI's resident servers (docs/user-guide.md) do a run's housekeeping (the removal of its temporary tags from the
# local image store, of dead runs' containers) after its client has ended: its wall time does not include it, and
# nothing is timed until it is done, so that no measurement takes in work of the one before. A server marks a run
# under way with a server-….busy file next to its socket.
SERVERS="${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/multiarch}"
SERVERS="${SERVERS:-${XDG_CACHE_HOME:-$HOME/.cache}/multiarch/servers}"
wait_servers_idle() {
    local i
    for i in $(seq 1 300); do
        compgen -G "$SERVERS/*.busy" >/dev/null || return 0
        sleep 0.1
    done
    say "a resident server is still busy after 30 s ($(ls "$SERVERS"/*.busy 2>/dev/null | tr '\n' ' ')): timing goes on"
}

# RUNS rounds of A then B (A, B, A, B, …): `pairs COMPARISON FUNCTION_A FUNCTION_B`. Each function
# gets COMPARISON ROUND SIDE and records one value for them.
pairs() {
    local comparison="$1" a="$2" b="$3" round n="${PAIRS:-$RUNS}"
    for round in $(seq 1 "$n"); do
        say "$comparison: round $round/$n"
        wait_servers_idle
        "$a" "$comparison" "$round" A
        wait_servers_idle
        "$b" "$comparison" "$round" B
    done
}

# The CLI as users run it: bin/multiarch (its client, served by the resident server of its identity once the
# first builds have written the class-data-sharing archive and started a server; docs/user-guide.md) on $JAR.
# Its environment is the same for every run, as a user's shell's is: without the harness's own variables
# (IN_TIMED, PAIRS and the OV_* of the figures, set for single calls), which would give each figure's first
# timed run a new identity and so no server. CLI_SERVER=off (not exported) runs it in its own JVM
# (MULTIARCH_SERVER=off).
cli() {
    run env -u IN_TIMED -u PAIRS -u OV_REPO -u OV_PLATFORMS -u OV_MB -u CLI_SERVER MULTIARCH_JAR="$JAR" \
        MULTIARCH_SERVER="${CLI_SERVER:-on}" "$ROOT/bin/multiarch" build "$@"
}
# The CLI with its timeline in report.json (where the time goes); --timeline only prints and records it.
cli_timed() { cli "$@" --timeline; }
prune() { run docker buildx prune -af; }
# A fresh SEED per run, so that the CPU-bound step really runs (it is part of that step's cache key).
seed() { echo "$RUN_ID-$1-$2-$3"; }
# Cache hits in the last logged command: BuildKit's plain progress prints "#N CACHED" for each.
cache_hits_of_last_command() { awk '/^\+ /{n=0} / #[0-9]+ CACHED/{n++} END{print n+0}' "$LOG"; }

# --- 1. Overhead -----------------------------------------------------------------------------
# The CLI (build+publish; build+test+publish) against the buildx one-liner that builds and pushes
# every platform at once, then publishes an index with imagetools. Warm caches on both sides, except in
# the "fresh" comparison, where the CPU-bound step really runs on both sides (the goal's row).
oneliner() {
    run docker buildx build --platform "$OV_PLATFORMS" --provenance=false --push \
        --build-arg WORK_MB="$WORK_MB" -t "$OV_REPO:oneliner" "$IMAGE_CTX" &&
    run docker buildx imagetools create -t "$OV_REPO:oneliner-idx" "$OV_REPO:oneliner"
}
cli_overhead() { # REPORT_DIR [--test …]
    local report="$1"; shift
    cli_timed "$IMAGE_CTX" --image "$OV_REPO" --platforms "$OV_PLATFORMS" --tag cli \
        --build-arg WORK_MB="$WORK_MB" --report "$report" "$@"
}
overhead_oneliner() { timed "$1" "$2" "$3" oneliner; }
overhead_cli() { # COMPARISON ROUND SIDE [--test …]
    local comparison="$1" round="$2" side="$3"; shift 3
    local report="$WORK/report-$comparison-$round"
    timed "$comparison" "$round" "$side" cli_overhead "$report" "$@"
    record_cli_phases "$comparison" "$round" "$(tail -1 "$RAW" | cut -f4)" "$report"
}
overhead_cli_build() { overhead_cli "$@"; }
overhead_cli_test() { overhead_cli "$@" --test bench-test; }
overhead_cli_nocache() { overhead_cli "$@" --no-registry-cache; }
# The comparison with the CPU-bound step really executed on both sides (a fresh SEED per run, MB MiB per
# platform): the build itself, not only the fixed costs around it. The one-liner's buildx build is timed on
# its own too, so that its fixed cost (the rest: imagetools create, client starts) is known.
oneliner_fresh() { # SEED=… MB
    local t0; t0=$(now)
    run docker buildx build --platform "$OV_PLATFORMS" --provenance=false --push \
        --build-arg WORK_MB="$2" --build-arg "$1" -t "$OV_REPO:oneliner" "$IMAGE_CTX" || return 1
    since "$t0" >"$WORK/oneliner-build-seconds"
    run docker buildx imagetools create -t "$OV_REPO:oneliner-idx" "$OV_REPO:oneliner"
}
overhead_oneliner_fresh() { # COMPARISON ROUND SIDE
    timed "$1" "$2" "$3" oneliner_fresh "SEED=$(seed "$1" "$2" "$3")" "${OV_MB:-$FRESH_MB}"
    local wall; wall="$(tail -1 "$RAW" | cut -f4)"
    record "fixed:$1" "$2" A "$(awk -v w="$wall" -v b="$(cat "$WORK/oneliner-build-seconds")" 'BEGIN { printf "%.3f", w - b }')" s
}
# The same, each run in its own JVM (MULTIARCH_SERVER=off): what the resident server takes off.
overhead_cli_fresh_ownjvm() { CLI_SERVER=off overhead_cli_fresh "$@"; }
overhead_cli_fresh() {
    local comparison="$1" round="$2" side="$3"
    local report="$WORK/report-$comparison-$round"
    timed "$comparison" "$round" "$side" cli_timed "$IMAGE_CTX" --image "$OV_REPO" --platforms "$OV_PLATFORMS" --tag cli \
        --build-arg WORK_MB="${OV_MB:-$FRESH_MB}" --build-arg SEED="$(seed "$comparison" "$round" "$side")" --report "$report"
    record_cli_phases "$comparison" "$round" "$(tail -1 "$RAW" | cut -f4)" "$report"
}

# Where the CLI's wall time goes, from its report.json and its timeline (bench/phases.py: the table of
# results.md, and the fixed cost, the wall time outside the CLI's buildx build).
record_cli_phases() { # COMPARISON ROUND WALL REPORT_DIR
    python3 "$BENCH/phases.py" "$@" >>"$RAW"
}

figure_overhead() {
    local n
    for n in 3 10; do
        OV_REPO="$REGISTRY/bench/overhead$n"
        if [ "$n" = 3 ]; then OV_PLATFORMS="$P3"; else OV_PLATFORMS="$P10"; fi
        say "overhead, $n platforms: warming the caches (untimed)"
        oneliner
        cli_overhead "$WORK/warm-$n"
        cli_overhead "$WORK/warm-$n" --test bench-test
        pairs "overhead-$n-fresh" overhead_oneliner_fresh overhead_cli_fresh
        [ "$n" = 3 ] && pairs "overhead-3-ownjvm" overhead_oneliner_fresh overhead_cli_fresh_ownjvm
        pairs "overhead-$n-build" overhead_oneliner overhead_cli_build
        pairs "overhead-$n-test" overhead_oneliner overhead_cli_test
        pairs "overhead-$n-nocache" overhead_oneliner overhead_cli_nocache
    done
}

# --- 1b. A long build ------------------------------------------------------------------------
# The same comparison on a build of a few minutes (LONG_MB MiB hashed per platform, 3 platforms of
# which 2 emulated, a fresh SEED per run): the default CLI against the one-liner, LONG_RUNS pairs.
figure_long() {
    OV_REPO="$REGISTRY/bench/long"; OV_PLATFORMS="$P3"; OV_MB="$LONG_MB"
    say "long: warming (untimed, the small step)"
    oneliner
    cli_overhead "$WORK/warm-long"
    PAIRS="$LONG_RUNS" pairs long overhead_oneliner_fresh overhead_cli_fresh
    unset OV_MB
}

# --- 1c. The CLI's build without the CLI ----------------------------------------------------
# The goal's build (3 platforms, CPU-bound step executed, fresh SEED) as the CLI runs it, but started by the harness:
# the buildx plugin run standalone with the CLI's own arguments (those `--dry-run` prints: --provenance=false,
# --progress plain, --metadata-file, the registry cache flags of the batch, taken from that output, --push to a
# temporary tag) and BUILDX_GIT_INFO=false, as the CLI sets it. No JVM, no toolchain probe, no publish.
#   anatomy-cache: that build with its registry cache (B) against the same build without the cache flags (A): what
#     the cache's import and export cost inside the build;
#   anatomy-alone: that build with its cache (B) against the one-liner, `docker buildx build --push` + `imagetools
#     create` (A): what the overhead figure's CLI would be if everything around its build were free;
#   anatomy-warm: the whole CLI run with its defaults (B) in a JVM that stays up (bench/warm/WarmRuns.java: the CLI's
#     entry point called once per run, after two untimed runs), against the one-liner (A): the overhead figure without
#     the JVM's start and its first, uncompiled pass through the code, i.e. what a resident process would reach.
anatomy_buildx() { # SEED=… cache|nocache
    local cache=()
    [ "$2" = cache ] && cache=("${AN_CACHE[@]}")
    run env BUILDX_GIT_INFO=false "$BUILDX" build --platform "$P3" --file "$IMAGE_CTX/Dockerfile" \
        --build-arg WORK_MB="$FRESH_MB" --build-arg "$1" --provenance=false --progress plain \
        --metadata-file "$WORK/anatomy-metadata.json" "${cache[@]}" --tag "$AN_REPO:anatomy-tmp" --push "$IMAGE_CTX"
}
anatomy_nocache() { timed "$1" "$2" "$3" anatomy_buildx "SEED=$(seed "$1" "$2" "$3")" nocache; }
anatomy_cache() { timed "$1" "$2" "$3" anatomy_buildx "SEED=$(seed "$1" "$2" "$3")" cache; }
anatomy_oneliner() { OV_REPO="$AN_REPO" OV_PLATFORMS="$P3" timed "$1" "$2" "$3" oneliner_fresh "SEED=$(seed "$1" "$2" "$3")" "$FRESH_MB"; }
# One run in the JVM of WarmRuns (started by figure_anatomy): it answers "<exit code> <seconds>". No retry: a failed
# run stops the figure.
anatomy_warm() { # COMPARISON ROUND SIDE
    local code secs
    echo "+ (in the warm JVM) multiarch build … --build-arg SEED=$(seed "$1" "$2" "$3")" >>"$LOG"
    seed "$1" "$2" "$3" >&"${WARM[1]}"
    read -r code secs <&"${WARM[0]}" || { say "FAILED: anatomy: the warm JVM ended"; exit 1; }
    cat "$WORK/warm-run.log" >>"$LOG"
    [ "$code" = 0 ] || { say "FAILED: anatomy: a run in the warm JVM exited with $code"; exit 1; }
    record "$1" "$2" "$3" "$secs" s
}
figure_anatomy() {
    AN_REPO="$REGISTRY/bench/anatomy"
    BUILDX=$(docker info --format '{{range .ClientInfo.Plugins}}{{if eq .Name "buildx"}}{{.Path}}{{end}}{{end}}')
    [ -x "$BUILDX" ] || { say "FAILED: anatomy: docker info names no buildx plugin"; exit 1; }
    # the cache flags of the CLI's own buildx build, as its --dry-run prints them (the set's ref and each platform's
    # imported, the set's exported): "--cache-from|--cache-to VALUE" pairs, none of them quoted
    AN_CACHE=()
    local flag value
    while read -r flag value; do AN_CACHE+=("$flag" "$value"); done < <(env MULTIARCH_JAR="$JAR" "$ROOT/bin/multiarch" \
        build "$IMAGE_CTX" --image "$AN_REPO" --platforms "$P3" --build-arg WORK_MB="$FRESH_MB" --dry-run \
        | grep -o -- '--cache-\(from\|to\) type=registry,[^ ]*')
    [ ${#AN_CACHE[@]} -ge 4 ] || { say "FAILED: anatomy: no --cache-from and --cache-to in the CLI's --dry-run"; exit 1; }
    say "anatomy: warming (untimed: the one-liner, and the build that exports the cache: ${AN_CACHE[*]})"
    OV_REPO="$AN_REPO" OV_PLATFORMS="$P3" oneliner_fresh "SEED=$RUN_ID-anatomy-warm" "$FRESH_MB"
    anatomy_buildx "SEED=$RUN_ID-anatomy-warm" cache
    pairs anatomy-cache anatomy_nocache anatomy_cache
    pairs anatomy-alone anatomy_oneliner anatomy_cache
    # the CLI in a JVM that stays up, with bin/multiarch's JVM options (no class-data-sharing archive: its start is
    # not measured)
    mkdir -p "$WORK/warm"
    run javac -d "$WORK/warm" -cp "$JAR" "$BENCH/warm/WarmRuns.java"
    coproc WARM { exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$JAR:$WORK/warm" WarmRuns "$WORK/warm-run.log" \
        build "$IMAGE_CTX" --image "$AN_REPO" --platforms "$P3" --tag warm --build-arg WORK_MB="$FRESH_MB" \
        --report "$WORK/report-anatomy-warm"; }
    say "anatomy: two untimed runs in the warm JVM"
    anatomy_warm anatomy-warmup 1 B && anatomy_warm anatomy-warmup 2 B
    sed -i '/^anatomy-warmup\t/d' "$RAW"
    pairs anatomy-warm anatomy_oneliner anatomy_warm
    eval "exec ${WARM[1]}>&-"
    wait "$WARM_PID" || true
}

# --- 2. Parallelism --------------------------------------------------------------------------
# 4 emulated platforms, the CPU-bound step really executed: --concurrency 1 (A) against the
# default concurrency (B).
parallel_run() { # COMPARISON ROUND SIDE
    local extra=(); [ "$3" = A ] && extra=(--concurrency 1)
    timed "$1" "$2" "$3" cli "$IMAGE_CTX" --image "$REGISTRY/bench/parallel" --platforms "$P4_EMULATED" \
        --no-registry-cache --build-arg WORK_MB="$WORK_MB" --build-arg SEED="$(seed "$@")" \
        --report "$WORK/report-$1-$2-$3" "${extra[@]}"
}
figure_parallel() { pairs parallel parallel_run parallel_run; }

# --- 3. Cold agent rebuild -------------------------------------------------------------------
# An unchanged context after `docker buildx prune -af`: with the per-platform registry cache (B)
# against without it (A). Pruned before every run of both; each run's cache hits are checked.
# A run whose cache hits are not what its side needs (another build on the shared machine between the prune and
# the run can put a step back in the build cache) is dropped from the data and run again, 3 attempts at most.
# A fresh agent has no build cache and no base image: the busybox images and the suite's own images of the local
# image store go too (with the containerd store, a base image's content held by any image there makes BuildKit's
# FROM step a cache hit). Other images that hold it (another user's on a shared machine) are left alone: the check
# in cold_run then finds the hit.
cold_prune() {
    wait_servers_idle # a server's housekeeping removes images too
    local ids
    prune
    # one call for all of them: with the containerd store each `docker image rm` of its own took some 15 s on a
    # store of 1,600 images, and the suite's earlier figures leave a few hundred
    # (the temporary tags' names multiarch runs of other repositories left, e.g. the integration tests': a CLI
    # run removes the previous run's at its start, so the last run's stay; and the keepers,
    # REPO:multiarch-last-…, which hold each repository's latest image: all hold busybox's layers too)
    ids=$(docker images --no-trunc --format '{{.Repository}} {{.Tag}} {{.ID}}' \
            | awk -v bench="$REGISTRY/bench/" '$1 ~ /(^|\/)busybox$/ || index($1, bench) == 1 || $2 ~ /^multiarch-(tmp|last)-/ { print $3 }' | sort -u)
    [ -z "$ids" ] || run docker image rm -f $ids
}
cold_run() { # COMPARISON ROUND SIDE
    local extra=() hits attempt; [ "$3" = A ] && extra=(--no-registry-cache)
    for attempt in 1 2 3; do
        cold_prune
        timed "$1" "$2" "$3" cli "$IMAGE_CTX" --image "$REGISTRY/bench/cold" --platforms "$P4_EMULATED" \
            --build-arg WORK_MB="$WORK_MB" --build-arg SEED="cold-$RUN_ID" \
            --report "$WORK/report-$1-$2-$3" "${extra[@]}"
        hits=$(cache_hits_of_last_command)
        if { [ "$3" = A ] && [ "$hits" -eq 0 ]; } || { [ "$3" = B ] && [ "$hits" -ge 4 ]; }; then
            return 0
        fi
        sed -i '$d' "$RAW" # the time `timed` just recorded
        say "cold: pair $2 side $3 had $hits cache hits (A needs none, B one per platform at least); not timed, run again"
        echo "# retried: $(date +%H:%M:%S) $1 pair $2 side $3: $hits cache hits after the prune" >>"$RAW"
    done
    say "FAILED: $1 $2 $3: the cache hits were wrong 3 times; whole log: $LOG"
    exit 1
}
figure_cold() {
    say "cold: populating the registry cache (prune, then one untimed build that exports it)"
    cold_prune
    cli "$IMAGE_CTX" --image "$REGISTRY/bench/cold" --platforms "$P4_EMULATED" \
        --build-arg WORK_MB="$WORK_MB" --build-arg SEED="cold-$RUN_ID" --report "$WORK/cold-populate"
    pairs cold cold_run cold_run
}

# --- 4. Scale of publish ---------------------------------------------------------------------
# publishSeconds of the CLI's report.json: 5 and 10 platforms (B) against 1 platform (A).
publish_run() { # COMPARISON ROUND SIDE
    local platforms="$P1" report="$WORK/report-$1-$2-$3"
    if [ "$3" = B ]; then
        case "$1" in publish-5) platforms="$P5" ;; publish-10) platforms="$P10" ;; esac
    fi
    cli "$IMAGE_CTX" --image "$REGISTRY/bench/publish" --platforms "$platforms" --tag "$1-$3" \
        --build-arg WORK_MB="$WORK_MB" --report "$report"
    record "$1" "$2" "$3" "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["publishSeconds"])' \
        "$report/report.json")" s
}
figure_publish() {
    say "publish: warming the caches (untimed)"
    cli "$IMAGE_CTX" --image "$REGISTRY/bench/publish" --platforms "$P10" --build-arg WORK_MB="$WORK_MB" \
        --report "$WORK/publish-warm"
    PAIRS="$PUBLISH_RUNS" pairs publish-5 publish_run publish_run
    PAIRS="$PUBLISH_RUNS" pairs publish-10 publish_run publish_run
}

# --- 5. Cross-compilation --------------------------------------------------------------------
# examples/cross: the CPU step in a native $BUILDPLATFORM stage (B) against the same work fully
# emulated in the per-platform stage (A, examples/cross/Dockerfile.emulated).
cross_run() { # COMPARISON ROUND SIDE
    local file=Dockerfile; [ "$3" = A ] && file=Dockerfile.emulated
    timed "$1" "$2" "$3" cli "$CROSS_CTX" --file "$file" --image "$REGISTRY/bench/cross" \
        --platforms "$P4_EMULATED" --no-registry-cache --test cross-test --build-arg WORK_MB="$WORK_MB" \
        --build-arg SEED="$(seed "$@")" --report "$WORK/report-$1-$2-$3"
}
figure_cross() { pairs cross cross_run cross_run; }

# --- 6. Footprint ----------------------------------------------------------------------------
# The CLI's wall time and peak RSS for a 10-platform --dry-run (B) against `java -version` (A).
footprint_run() { # COMPARISON ROUND SIDE
    local out="$WORK/time-$2-$3" wall rss_kb
    if [ "$3" = A ]; then
        run /usr/bin/time -o "$out" -f '%e %M' java -version
    else
        run /usr/bin/time -o "$out" -f '%e %M' env MULTIARCH_JAR="$JAR" "$ROOT/bin/multiarch" build "$IMAGE_CTX" \
            --image "$REGISTRY/bench/footprint" --platforms "$P10" --test bench-test --dry-run
    fi
    read -r wall rss_kb <"$out"
    record footprint-wall "$2" "$3" "$wall" s
    record footprint-rss "$2" "$3" "$(awk -v kb="$rss_kb" 'BEGIN { printf "%.1f", kb / 1024 }')" MiB
}
figure_footprint() {
    [ -x /usr/bin/time ] || { say "footprint needs /usr/bin/time (apt-get install -y time)"; exit 1; }
    run java -version   # page cache warm, untimed
    pairs footprint footprint_run footprint_run
}

# --- main ------------------------------------------------------------------------------------
for f in "${FIGURES[@]}"; do
    declare -F "figure_$f" >/dev/null || { echo "unknown figure '$f' (${ALL_FIGURES[*]})" >&2; exit 2; }
done
docker info >/dev/null 2>&1 || { echo "docker does not answer: start the toolchain (scripts/toolchain.sh)" >&2; exit 3; }
# A private copy of the jar, so that a rebuild elsewhere does not change it in the middle of a run.
JAR_ORIGIN="JAR=${JAR:-} built $(date -u -r "${JAR:-/dev/null}" +%H:%M:%SZ 2>/dev/null)"
if [ -z "${JAR:-}" ]; then
    JAR_ORIGIN="copy of cli/target/multiarch.jar built $(date -u -r "$ROOT/cli/target/multiarch.jar" +%H:%M:%SZ), checkout at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
    [ -f "$ROOT/cli/target/multiarch.jar" ] || {
        echo "build the CLI first: ./mvnw -q -B -o -DskipTests -DskipITs package -pl cli -am" >&2; exit 2; }
    JAR="$WORK/multiarch.jar"
    cp "$ROOT/cli/target/multiarch.jar" "$JAR"
fi

SUITE_T0=$(now)
{
    echo "# started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# figures: ${FIGURES[*]}"
    echo "# runs: $RUNS"
    echo "# work_mb: $WORK_MB"
    echo "# fresh_mb: $FRESH_MB"
    echo "# long_mb: $LONG_MB"
    echo "# long_runs: $LONG_RUNS"
    echo "# publish_runs: $PUBLISH_RUNS"
    echo "# cores: $(nproc)"
    echo "# cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "# memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "# kernel: $(uname -sr)"
    echo "# docker: server $(docker version --format '{{.Server.Version}}'), client $(docker version --format '{{.Client.Version}}')"
    echo "# buildx: $(docker buildx version)"
    echo "# builder: $(docker buildx inspect | awk '/^Driver:/ { print "default, driver " $2; exit }')"
    echo "# qemu: $(qemu-aarch64-static --version 2>/dev/null | head -1)"
    echo "# java: $(java -version 2>&1 | head -1)"
    echo "# cli: $(java -jar "$JAR" --version 2>/dev/null | head -1), $JAR_ORIGIN, run through bin/multiarch"
    echo "# load-at-start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RAW"
say "raw data: $RAW; log and reports: $WORK"
for f in "${FIGURES[@]}"; do
    say "=== figure: $f"
    t0=$(now)
    # a figure that stops (a command failing 3 times, wrong cache hits) does not take the others with it: it is
    # said in the results, and the suite goes on (its own subshell keeps -e, which a tested command would lose)
    set +e
    ( set -e; "figure_$f" )
    status=$?
    set -e
    if [ "$status" -ne 0 ]; then
        why=$(grep -o 'FAILED: .*; whole log' "$LOG" | tail -1 | sed 's/^FAILED: //; s/; whole log$//')
        say "figure $f stopped (${why:-exit $status}); going on with the next figure"
        echo "# note: figure $f stopped in this run and is not (or only partly) measured: ${why:-exit code $status}" >>"$RAW"
    fi
    echo "# figure-seconds-$f: $(since "$t0")" >>"$RAW"
done
echo "# load-at-end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW"
echo "# suite-seconds: $(since "$SUITE_T0")" >>"$RAW"
python3 "$BENCH/report.py" "$RAW" "$OUT"
say "wrote $OUT in $(awk -F': ' '/^# suite-seconds/ { printf "%.0f s", $2 }' "$RAW")"
