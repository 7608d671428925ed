#!/usr/bin/env bash
# The docker work of one CLI run without the CLI, for figure 1 of bench/run.sh: the same
# per-platform `docker buildx build` command lines as `multiarch build --dry-run` prints (registry
# cache, temporary tag, --push, metadata file), at most CONCURRENCY at once, then one
# `imagetools create` from the digests. No JVM, no toolchain probe, no binfmt check, no image size
# look-up, no read-back of the index, no reports: what is left is the cost of the design itself.
#
#   floor.sh CONTEXT REPO PLATFORMS CONCURRENCY WORK_MB TAG
set -euo pipefail
context="$1" repo="$2" platforms="$3" concurrency="$4" work_mb="$5" tag="$6"
dir="$(mktemp -d /tmp/multiarch-floor.XXXXXX)"
trap 'rm -rf "$dir"' EXIT

build_one() { # PLATFORM
    local slug; slug="$(echo "$1" | tr / -)"
    docker buildx build --platform "$1" --file "$context/Dockerfile" --provenance=false --progress plain \
        --metadata-file "$dir/$slug.json" --build-arg WORK_MB="$work_mb" \
        --cache-from "type=registry,ref=$repo:multiarch-cache-$slug" \
        --cache-to "type=registry,ref=$repo:multiarch-cache-$slug,mode=max,ignore-error=true" \
        --tag "$repo:floor-tmp-$slug" --push "$context"
}
export -f build_one
export context repo work_mb dir
tr , '\n' <<<"$platforms" | xargs -P "$concurrency" -I{} bash -c 'build_one "$1"' _ {}
digests=()
for f in "$dir"/*.json; do
    digests+=("$repo@$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["containerimage.digest"])' "$f")")
done
docker buildx imagetools create --tag "$repo:$tag" "${digests[@]}"
