#!/usr/bin/env bash
# Installs, starts and stops the real multi-architecture container toolchain on a Debian machine
# without systemd, and builds a 10-platform `busybox` base image into a local registry so that
# `FROM busybox` works offline.  Idempotent: every step is skipped when it is already done.
#
#   scripts/toolchain.sh [all]      install + start + base-images (default)
#   scripts/toolchain.sh install    apt packages (docker from trixie, pinned low), daemon.json, binfmt
#   scripts/toolchain.sh start      containerd, dockerd, registry on 127.0.0.1:5000 (background)
#   scripts/toolchain.sh base-images  127.0.0.1:5000/library/busybox:latest for 10 platforms, and
#                                   127.0.0.1:5000/library/debian-base:bookworm (Debian's own libc6, dash,
#                                   busybox and base-files) for amd64, arm64, arm/v7 and s390x
#   scripts/toolchain.sh stop       stops what this script started (pid files in /run/multiarch)
#   scripts/toolchain.sh status     prints what is installed / running
#   scripts/toolchain.sh second-start|second-stop  a second dockerd (own socket) for --endpoint tests
#
# Environment: MULTIARCH_DOCKER  docker client to use (default: Debian's /usr/bin/docker).
# Needs root.  Reads the archive address from /etc/apt/sources.list.d/debian.sources.
set -euo pipefail

REGISTRY_ADDR=127.0.0.1:5000
REGISTRY_URL="http://${REGISTRY_ADDR}"
BUSYBOX_REF="${REGISTRY_ADDR}/library/busybox:latest"
DEBIAN_BASE_REF="${REGISTRY_ADDR}/library/debian-base:bookworm"
RUN_DIR=/run/multiarch
LOG_PREFIX=/var/log/multiarch
REGISTRY_ROOT=/var/lib/multiarch-registry
REGISTRY_CONFIG=/etc/multiarch/registry.yml
CACHE_DIR=/var/cache/multiarch
DAEMON_JSON=/etc/docker/daemon.json
TRIXIE_SOURCES=/etc/apt/sources.list.d/multiarch-trixie.sources
TRIXIE_PIN=/etc/apt/preferences.d/multiarch-trixie
CONTAINERD_SOCK=/run/containerd/containerd.sock

# OCI platform -> Debian architecture ("-" = no Debian port, cross-compiled here)
PLATFORMS=(linux/amd64 linux/386 linux/arm64 linux/arm/v7 linux/arm/v6 linux/ppc64le linux/s390x
           linux/mips64le linux/riscv64 linux/mips64)
declare -A DEB_ARCH=(
  [linux/amd64]=amd64 [linux/386]=i386 [linux/arm64]=arm64 [linux/arm/v7]=armhf [linux/arm/v6]=armel
  [linux/ppc64le]=ppc64el [linux/s390x]=s390x [linux/mips64le]=mips64el [linux/riscv64]=riscv64
  [linux/mips64]=-)
# Debian suite each busybox-static comes from (riscv64 is an official port only from trixie on)
declare -A DEB_SUITE=(
  [amd64]=bookworm [i386]=bookworm [arm64]=bookworm [armhf]=bookworm [armel]=bookworm
  [ppc64el]=bookworm [s390x]=bookworm [mips64el]=bookworm [riscv64]=trixie)
# qemu-user-static binfmt entries that the foreign platforms need (i386 only if the kernel can't)
QEMU_BINFMTS=(qemu-aarch64 qemu-arm qemu-ppc64le qemu-s390x qemu-mips64el qemu-riscv64 qemu-mips64)

# Taken from trixie by name (docker.io/trixie ...), NOT with `-t trixie`: -t raises trixie for every
# dependency too and upgrades libc6, base-files, dpkg, libstdc++6 ... to trixie (seen here). containerd
# from trixie (1.7, needs only libc6 >= 2.34); runc and tini stay bookworm's (trixie's need libc6 2.38).
TRIXIE_PACKAGES=(docker.io docker-cli docker-buildx containerd)
BASE_PACKAGES=(qemu-user-static binfmt-support docker-registry jq curl ca-certificates)

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export DEBIAN_FRONTEND=noninteractive

log() { printf '[toolchain %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

docker_cli() {
  if [[ -n "${MULTIARCH_DOCKER:-}" ]]; then
    echo "$MULTIARCH_DOCKER"
  elif [[ -x /usr/bin/docker ]]; then
    echo /usr/bin/docker   # Debian's client, same version as the daemon
  else
    command -v docker || echo docker
  fi
}
dk() { "$(docker_cli)" "$@"; }

need_root() { [[ $(id -u) -eq 0 ]] || die "run as root (apt, daemons, binfmt_misc need it)"; }

# The suite the machine's apt uses (from its sources, not /etc/os-release: base-files can be newer)
base_suite() {
  local s
  s=$(debian_archive_source | cut -d'|' -f3)
  if [[ -z $s ]]; then s=$(. /etc/os-release && echo "${VERSION_CODENAME:-}"); fi
  echo "$s"
}

# --- apt ---------------------------------------------------------------------------------------

# Prints "URIS|SIGNED_BY|SUITE" of the main Debian archive source of this machine (not -security,
# not -updates).
debian_archive_source() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [[ -f $f ]]; then
    awk '
      function flush(   n, i, w) {
        if (uris != "" && uris !~ /security/ && types ~ /(^| )deb( |$)/) {
          n = split(suites, w, " ")
          for (i = 1; i <= n; i++) if (w[i] !~ /-/) { print uris "|" sb "|" w[i]; found = 1; exit }
        }
        uris = ""; suites = ""; sb = ""; types = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/     { sub(/^Types:[[:space:]]*/, ""); types = $0 }
      /^URIs:/      { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
      /^Suites:/    { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
      /^Signed-By:/ { sub(/^Signed-By:[[:space:]]*/, ""); sb = $0 }
      END { if (!found) flush() }' "$f"
    return
  fi
  # one-line format fallback: "deb [opts] URI codename main"
  local line
  line=$(grep -hE "^deb[[:space:]]" /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
         | grep -v security | sed -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' \
         | awk '$2 !~ /-/' | head -n1 || true)
  [[ -n $line ]] || return 0
  echo "$(awk '{print $1}' <<<"$line")|/usr/share/keyrings/debian-archive-keyring.gpg|$(awk '{print $2}' <<<"$line")"
}

# write_if_changed FILE CONTENT -> returns 0 when the file was (re)written
write_if_changed() {
  local file=$1 content=$2
  if [[ -f $file ]] && [[ "$(cat "$file")" == "$content" ]]; then return 1; fi
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$content" >"$file.tmp.$$" && mv -f "$file.tmp.$$" "$file"
  return 0
}

pkg_installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]; }

missing_packages() {
  local p
  for p in "$@"; do pkg_installed "$p" || echo "$p"; done
}

APT_UPDATED=0
apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    apt-get update -q >/dev/null || apt-get update
    APT_UPDATED=1
  fi
}

# Keep package maintainer scripts from starting daemons of their own (we start them ourselves).
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_OURS=0
block_service_starts() {
  if [[ ! -e $POLICY_RC ]]; then
    printf '#!/bin/sh\n# written by multiarch scripts/toolchain.sh during apt-get install\nexit 101\n' >$POLICY_RC
    chmod 0755 $POLICY_RC
    POLICY_RC_OURS=1
  fi
}
unblock_service_starts() {
  if [[ $POLICY_RC_OURS -eq 1 ]]; then rm -f $POLICY_RC; POLICY_RC_OURS=0; fi
}

# Refuses an install plan that would take anything else than TRIXIE_PACKAGES from trixie.
guard_trixie_plan() {
  local label plan bad
  label=$(apt-cache policy | sed -nE 's/.*release v=([^,]*),o=([^,]*),a=([^,]*),n=trixie,.*/\2:\1\/\3/p' | head -n1)
  if [[ -z $label ]]; then log "WARNING: trixie release not found in apt-cache policy; install plan not checked"; return 0; fi
  plan=$(apt-get install -s --no-install-recommends "$@") || { echo "$plan" >&2; die "apt cannot install $*"; }
  bad=$(grep '^Inst ' <<<"$plan" | grep -F -- "$label" | awk '{print $2}' \
        | grep -vxF -f <(printf '%s\n' "${TRIXIE_PACKAGES[@]}") || true)
  if [[ -n $bad ]]; then
    grep -E '^(Inst|Remv) ' <<<"$plan" >&2
    die "installing $* would also take from trixie: $(echo $bad); refusing (libc6 & co. must stay at the machine's release)"
  fi
}

setup_trixie_source() {
  local code src uris sb
  src=$(debian_archive_source)
  [[ -n $src ]] || die "could not find the Debian archive URI in /etc/apt/sources.list.d/debian.sources"
  IFS='|' read -r uris sb code <<<"$src"
  if [[ $code != bookworm ]]; then
    log "apt: this machine's apt uses '$code', no extra trixie source added"
    return 0
  fi
  local content="# Added by multiarch scripts/toolchain.sh: docker.io, docker-cli, docker-buildx from trixie.
Types: deb
URIs: ${uris}
Suites: trixie
Components: main"
  [[ -n $sb ]] && content+=$'\n'"Signed-By: ${sb}"
  local changed=0
  if write_if_changed "$TRIXIE_SOURCES" "$content"; then log "apt: wrote $TRIXIE_SOURCES"; changed=1; fi
  if write_if_changed "$TRIXIE_PIN" "# Added by multiarch scripts/toolchain.sh: take from trixie only what is asked for by name (PKG/trixie).
Package: *
Pin: release n=trixie
Pin-Priority: 100"; then log "apt: wrote $TRIXIE_PIN"; changed=1; fi
  if [[ $changed -eq 1 ]]; then APT_UPDATED=0; return 0; fi
  return 0
}

install_packages() {
  local trixie_missing base_missing
  trixie_missing=$(missing_packages "${TRIXIE_PACKAGES[@]}")
  base_missing=$(missing_packages "${BASE_PACKAGES[@]}")
  if [[ -z $trixie_missing && -z $base_missing ]]; then
    log "apt: packages already installed ($(dpkg-query -W -f='${Package}=${Version} ' "${TRIXIE_PACKAGES[@]}" qemu-user-static docker-registry))"
    return 0
  fi
  apt_update_once
  block_service_starts
  trap unblock_service_starts EXIT
  if [[ -n $base_missing ]]; then
    log "apt: installing $(echo $base_missing)"
    apt-get install -y -q --no-install-recommends $base_missing
  fi
  if [[ -n $trixie_missing ]]; then
    local sel=("${TRIXIE_PACKAGES[@]}")
    if [[ $(base_suite) == bookworm ]]; then
      sel=("${TRIXIE_PACKAGES[@]/%//trixie}")
      guard_trixie_plan "${sel[@]}"
    fi
    log "apt: installing ${sel[*]}"
    apt-get install -y -q --no-install-recommends "${sel[@]}"
  fi
  unblock_service_starts
  trap - EXIT
}

# --- daemon.json ---------------------------------------------------------------------------------

setup_daemon_json() {
  local mirror="$REGISTRY_URL" current new
  mkdir -p "$(dirname "$DAEMON_JSON")"
  if [[ -s $DAEMON_JSON ]]; then
    current=$(jq -S . "$DAEMON_JSON") || die "$DAEMON_JSON is not valid JSON; fix it by hand (not overwritten)"
  else
    current='{}'
  fi
  new=$(jq -S --arg m "$mirror" '
      .features = ((.features // {}) + {"containerd-snapshotter": true})
    | .["registry-mirrors"] = ((.["registry-mirrors"] // []) | if any(.[]; . == $m) then . else . + [$m] end)
    ' <<<"$current")
  if [[ "$new" == "$current" && -s $DAEMON_JSON ]]; then
    log "daemon.json: already has containerd-snapshotter and the registry mirror"
    return 0
  fi
  if [[ -s $DAEMON_JSON && ! -e $DAEMON_JSON.before-multiarch ]]; then
    cp -p "$DAEMON_JSON" "$DAEMON_JSON.before-multiarch"
  fi
  printf '%s\n' "$new" >"$DAEMON_JSON.tmp.$$" && mv -f "$DAEMON_JSON.tmp.$$" "$DAEMON_JSON"
  log "daemon.json: written ($(jq -c . "$DAEMON_JSON"))"
  if dk info >/dev/null 2>&1; then
    log "WARNING: dockerd is already running: it reads $DAEMON_JSON only at start, restart it" \
        "(scripts/toolchain.sh stop && scripts/toolchain.sh start, if this script started it)"
  fi
}

# --- binfmt_misc -----------------------------------------------------------------------------------

BINFMT=/proc/sys/fs/binfmt_misc

ensure_binfmt_mounted() {
  if [[ -e $BINFMT/status ]]; then return 0; fi
  modprobe binfmt_misc 2>/dev/null || true
  mount -t binfmt_misc binfmt_misc "$BINFMT" || die "cannot mount binfmt_misc on $BINFMT"
  log "binfmt: mounted binfmt_misc on $BINFMT"
}

# bytes_hex FILE|- : lower-case hex of the input bytes, no spaces
bytes_hex() { od -An -v -tx1 | tr -d ' \n'; }

# debian_binfmt_field NAME FIELD -> hex of the magic/mask in /usr/share/binfmts/NAME
debian_binfmt_field() {
  local line
  line=$(grep -E "^$2 " "/usr/share/binfmts/$1" | head -n1 | cut -d' ' -f2- || true)
  [[ -n $line ]] || return 0
  printf '%b' "$line" | bytes_hex
}

# and_hex HEX MASKHEX -> HEX & MASK (over the length of HEX)
and_hex() {
  local v=$1 m=$2 out="" i a b
  for ((i = 0; i < ${#v}; i += 2)); do
    a=$((16#${v:i:2}))
    if [[ -n ${m:i:2} ]]; then b=$((16#${m:i:2})); else b=255; fi
    out+=$(printf '%02x' $((a & b)))
  done
  echo "$out"
}

# covering_entry MAGICHEX MASKHEX -> name of an existing kernel entry matching that magic
covering_entry() {
  local want=$1 mask=$2 e magic n
  want=$(and_hex "$want" "$mask")
  for e in "$BINFMT"/*; do
    n=${e##*/}
    [[ $n == register || $n == status || ! -f $e ]] && continue
    magic=$(awk '$1 == "magic" {print $2}' "$e")
    [[ -n $magic ]] || continue
    [[ "$(awk '$1 == "offset" {print $2}' "$e")" == "0" ]] || continue
    [[ ${#magic} -ge ${#want} ]] || continue
    if [[ $(and_hex "${magic:0:${#want}}" "$mask") == "$want" ]]; then echo "$n"; return 0; fi
  done
  return 1
}

# 32-bit x86 "exit(0)" ELF (93 bytes): tells whether this kernel runs i386 binaries natively
I386_PROBE_HEX=7f454c46010101000000000000000000020003000100000054800408340000000000000000000000340020000100000000000000010000000000000000800408008004085d0000005d0000000500000000100000b80100000031dbcd80
kernel_runs_i386() {
  local f
  f=$(mktemp)
  local hex=$I386_PROBE_HEX esc="" i
  for ((i = 0; i < ${#hex}; i += 2)); do esc+="\\x${hex:i:2}"; done
  printf '%b' "$esc" >"$f"; chmod +x "$f"
  if "$f" 2>/dev/null; then rm -f "$f"; return 0; fi
  rm -f "$f"; return 1
}

# ELF header of a 32-bit little-endian x86 executable (EM_386), as QEMU's scripts/qemu-binfmt-conf.sh
I386_MAGIC_HEX=7f454c4601010100000000000000000002000300
I386_MASK_HEX=fffffffffffefe00fffffffffffffffffeffffff

# register_by_hand NAME MAGICHEX MASKHEX INTERPRETER: writes an entry with flags PF, as Debian's
# qemu-user-static entries have them: F (the interpreter is opened now, so that it also works inside
# containers) and P (argv[0] is passed on: busybox picks its applet by argv[0], and re-runs itself as
# /proc/self/exe with the applet's name; without P, `od -An` in a 386 container runs as `sh -An`)
register_by_hand() {
  local name=$1 magic=$2 mask=$3 interp=$4 m="" k="" i
  [[ -x $interp ]] || die "$interp not found (is qemu-user-static installed?)"
  for ((i = 0; i < ${#magic}; i += 2)); do m+="\\x${magic:i:2}"; done
  for ((i = 0; i < ${#mask}; i += 2)); do k+="\\x${mask:i:2}"; done
  printf ':%s:M::%s:%s:%s:PF\n' "$name" "$m" "$k" "$interp" >"$BINFMT/register" \
    || die "writing the $name entry to $BINFMT/register failed"
  [[ -e $BINFMT/$name ]] || die "$name was written to $BINFMT/register but is not listed"
  log "binfmt: registered $name by hand ($interp, flags PF): Debian ships no entry for it"
}

# An entry that an earlier version of this script wrote with flag F only (no P), which breaks busybox
# applets under emulation: exactly qemu-i386, our interpreter, flags "F". Anything else is left alone.
ours_without_p() {
  local e=$BINFMT/$1
  [[ -e $e ]] && grep -qx "interpreter $2" "$e" && grep -qx 'flags: F' "$e"
}

setup_binfmt() {
  ensure_binfmt_mounted
  [[ "$(cat $BINFMT/status)" == enabled ]] || log "WARNING: $BINFMT/status is '$(cat $BINFMT/status)' (not changed)"
  if ours_without_p qemu-i386 /usr/bin/qemu-i386-static; then
    # removed first, so that the check below sees the kernel itself, not this entry
    log "binfmt: qemu-i386 was registered by an earlier toolchain.sh with flag F only; registering it again with PF"
    echo -1 >"$BINFMT/qemu-i386"
  fi
  local wanted=("${QEMU_BINFMTS[@]}")
  if [[ $(uname -m) == x86_64 ]] && ! kernel_runs_i386; then
    log "binfmt: this kernel cannot run i386 binaries natively, qemu-i386 needed"
    wanted+=(qemu-i386)
  fi
  local name magic mask entry registered=() kept=()
  for name in "${wanted[@]}"; do
    if [[ -e $BINFMT/$name ]]; then
      if [[ "$(head -n1 "$BINFMT/$name")" != enabled ]]; then
        log "WARNING: binfmt entry $name exists but is disabled; left as it is (enable: echo 1 > $BINFMT/$name)"
      elif ! grep -q '^flags:.*F' "$BINFMT/$name"; then
        log "WARNING: binfmt entry $name has no F flag; RUN steps and containers of that arch may fail (left as it is)"
      fi
      kept+=("$name"); continue
    fi
    if [[ $name == qemu-i386 && ! -f /usr/share/binfmts/$name ]]; then
      # Debian ships qemu-i386-static but no binfmt entry for it on amd64 (it assumes the kernel
      # runs i386 itself): register one by hand, with the magic/mask of QEMU's own qemu-binfmt-conf.
      magic=$I386_MAGIC_HEX; mask=$I386_MASK_HEX
      if entry=$(covering_entry "$magic" "$mask"); then
        log "binfmt: $name not registered, but entry '$entry' already handles that ELF magic: left as it is"
        kept+=("$name=$entry"); continue
      fi
      register_by_hand "$name" "$magic" "$mask" /usr/bin/qemu-i386-static
      registered+=("$name")
      continue
    fi
    [[ -f /usr/share/binfmts/$name ]] || die "no /usr/share/binfmts/$name (is qemu-user-static installed?)"
    magic=$(debian_binfmt_field "$name" magic); mask=$(debian_binfmt_field "$name" mask)
    if entry=$(covering_entry "$magic" "$mask"); then
      log "binfmt: $name not registered, but entry '$entry' already handles that ELF magic: left as it is"
      kept+=("$name=$entry"); continue
    fi
    if ! update-binfmts --display "$name" >/dev/null 2>&1; then update-binfmts --import "$name"; fi
    update-binfmts --enable "$name"
    [[ -e $BINFMT/$name ]] || die "update-binfmts --enable $name did not register it"
    registered+=("$name")
  done
  [[ ${#registered[@]} -eq 0 ]] || log "binfmt: registered ${registered[*]}"
  [[ ${#kept[@]} -eq 0 ]] || log "binfmt: already present (untouched): ${kept[*]}"
}

cmd_install() {
  need_root
  local t0=$SECONDS
  ensure_binfmt_mounted   # before qemu-user-static's postinst, which registers the emulators
  setup_trixie_source
  install_packages
  setup_daemon_json
  setup_binfmt
  log "install: done in $((SECONDS - t0)) s"
}

# --- daemons -------------------------------------------------------------------------------------

# pid_alive NAME EXE -> prints the pid from $RUN_DIR/NAME.pid if that process runs EXE
pid_alive() {
  local f="$RUN_DIR/$1.pid" pid exe
  [[ -f $f ]] || return 1
  pid=$(cat "$f")
  [[ $pid =~ ^[0-9]+$ ]] && [[ -d /proc/$pid ]] || return 1
  exe=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | awk '{print $1}')
  [[ ${exe##*/} == "$2" ]] || return 1
  echo "$pid"
}

# wait_for WHAT LOG TIMEOUT PID CMD... : polls CMD until it succeeds
wait_for() {
  local what=$1 logf=$2 timeout=$3 pid=$4; shift 4
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n $pid ]] && [[ ! -d /proc/$pid ]]; then
      log "ERROR: $what exited; last lines of $logf:"; tail -n 40 "$logf" >&2 || true; exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "ERROR: $what did not answer within ${timeout}s; last lines of $logf:"; tail -n 40 "$logf" >&2 || true; exit 1
    fi
    sleep 0.5
  done
}

# spawn NAME LOG CMD... : runs CMD in its own session in the background, records its pid
spawn() {
  local name=$1 logf=$2; shift 2
  mkdir -p "$RUN_DIR"
  printf '\n===== %s: starting %s =====\n' "$(date -Is)" "$*" >>"$logf"
  setsid "$@" </dev/null >>"$logf" 2>&1 &
  local pid=$!
  echo "$pid" >"$RUN_DIR/$name.pid"
  echo "$pid"
}

containerd_answers() { [[ -S $CONTAINERD_SOCK ]] && timeout 5 ctr --address "$CONTAINERD_SOCK" --connect-timeout 2s version >/dev/null 2>&1; }
registry_answers() { curl -fsS -m 3 "$REGISTRY_URL/v2/" >/dev/null 2>&1; }

write_registry_config() {
  mkdir -p "$REGISTRY_ROOT" "$(dirname "$REGISTRY_CONFIG")"
  if write_if_changed "$REGISTRY_CONFIG" "# Written by multiarch scripts/toolchain.sh
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $REGISTRY_ROOT
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]"; then log "registry: wrote $REGISTRY_CONFIG"; fi
}

cmd_start() {
  need_root
  local t0=$SECONDS pid
  command -v containerd >/dev/null && command -v dockerd >/dev/null && command -v docker-registry >/dev/null \
    || die "containerd/dockerd/docker-registry not installed: run scripts/toolchain.sh install"
  ensure_binfmt_mounted
  mkdir -p "$RUN_DIR"

  if pid=$(pid_alive containerd containerd) || containerd_answers; then
    log "containerd: already running${pid:+ (pid $pid)}"
  else
    pid=$(spawn containerd "$LOG_PREFIX-containerd.log" containerd)
    wait_for containerd "$LOG_PREFIX-containerd.log" 60 "$pid" containerd_answers
    log "containerd: started (pid $pid, log $LOG_PREFIX-containerd.log)"
  fi

  pid=""
  if pid=$(pid_alive dockerd dockerd) || dk info >/dev/null 2>&1; then
    log "dockerd: already running${pid:+ (pid $pid)}"
  else
    pid=$(spawn dockerd "$LOG_PREFIX-dockerd.log" dockerd --containerd="$CONTAINERD_SOCK")
    wait_for dockerd "$LOG_PREFIX-dockerd.log" 90 "$pid" dk info
    log "dockerd: started (pid $pid, log $LOG_PREFIX-dockerd.log)"
  fi
  if ! dk info --format '{{json .DriverStatus}}' 2>/dev/null | grep -q 'io.containerd.snapshotter'; then
    log "WARNING: dockerd does not use the containerd image store; multi-platform builds and" \
        "'docker run --platform' of foreign images need \"features\":{\"containerd-snapshotter\":true}" \
        "in $DAEMON_JSON and a dockerd restart"
  fi

  pid=""
  write_registry_config
  if pid=$(pid_alive registry docker-registry) || registry_answers; then
    log "registry: already answering on $REGISTRY_URL${pid:+ (pid $pid)}"
  else
    pid=$(spawn registry "$LOG_PREFIX-registry.log" docker-registry serve "$REGISTRY_CONFIG")
    wait_for registry "$LOG_PREFIX-registry.log" 30 "$pid" registry_answers
    log "registry: started (pid $pid, $REGISTRY_URL, storage $REGISTRY_ROOT, log $LOG_PREFIX-registry.log)"
  fi
  log "start: done in $((SECONDS - t0)) s"
}

cmd_stop() {
  need_root
  local name exe pid i
  if pid_alive dockerd-second dockerd >/dev/null; then cmd_second_stop; fi
  for name in registry:docker-registry dockerd:dockerd containerd:containerd; do
    exe=${name#*:}; name=${name%%:*}
    if pid=$(pid_alive "$name" "$exe"); then
      log "$name: stopping pid $pid"
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 60; i++)); do [[ -d /proc/$pid ]] || break; sleep 0.5; done
      if [[ -d /proc/$pid ]]; then log "$name: still running after 30 s, sending KILL to $pid"; kill -KILL "$pid" || true; fi
    else
      log "$name: not started by this script (or not running)"
    fi
    rm -f "$RUN_DIR/$name.pid"
  done
}

# A second, independent docker daemon on this machine (own socket, data root, exec root, containerd
# namespace and bridge), so that per-platform endpoints (multiarch build --endpoint P=unix://…) can be
# tested for real. Its bridge is a separate interface: a daemon started with --bridge=none would delete
# the first daemon's docker0.
SECOND_DIR=/run/multiarch-second
SECOND_SOCK=unix://$SECOND_DIR/docker.sock
SECOND_BRIDGE=br-multiarch2
SECOND_BRIDGE_ADDR=172.31.250.1/24
SECOND_CONFIG=/etc/multiarch/second-daemon.json

cmd_second_start() {
  need_root
  local pid
  if pid=$(pid_alive dockerd-second dockerd) && DOCKER_HOST=$SECOND_SOCK dk info >/dev/null 2>&1; then
    log "second dockerd: already running (pid $pid, $SECOND_SOCK)"; echo "$SECOND_SOCK"; return 0
  fi
  mkdir -p "$SECOND_DIR" /var/lib/multiarch-second "$(dirname "$SECOND_CONFIG")"
  write_if_changed "$SECOND_CONFIG" '{"features":{"containerd-snapshotter":true},"registry-mirrors":["http://'"$REGISTRY_ADDR"'"]}' || true
  if ! ip link show "$SECOND_BRIDGE" >/dev/null 2>&1; then
    ip link add "$SECOND_BRIDGE" type bridge
    ip addr add "$SECOND_BRIDGE_ADDR" dev "$SECOND_BRIDGE"
  fi
  ip link set "$SECOND_BRIDGE" up
  pid=$(spawn dockerd-second "$LOG_PREFIX-dockerd-second.log" dockerd --host "$SECOND_SOCK" \
    --data-root /var/lib/multiarch-second --exec-root "$SECOND_DIR/exec" --pidfile "$SECOND_DIR/docker.pid" \
    --config-file "$SECOND_CONFIG" --containerd "$CONTAINERD_SOCK" --containerd-namespace multiarch-second \
    --containerd-plugins-namespace multiarch-second-plugins --bridge "$SECOND_BRIDGE" --iptables=false --ip-masq=false)
  DOCKER_HOST=$SECOND_SOCK wait_for "second dockerd" "$LOG_PREFIX-dockerd-second.log" 90 "$pid" dk info
  log "second dockerd: started (pid $pid, $SECOND_SOCK, log $LOG_PREFIX-dockerd-second.log)"
  echo "$SECOND_SOCK"
}

cmd_second_stop() {
  need_root
  local pid i
  if pid=$(pid_alive dockerd-second dockerd); then
    log "second dockerd: stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do [[ -d /proc/$pid ]] || break; sleep 0.5; done
    [[ -d /proc/$pid ]] && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/dockerd-second.pid"
  if ip link show "$SECOND_BRIDGE" >/dev/null 2>&1; then ip link delete "$SECOND_BRIDGE" || true; fi
}

cmd_status() {
  local name exe pid
  log "docker client: $(docker_cli)"
  for name in containerd:containerd dockerd:dockerd registry:docker-registry; do
    exe=${name#*:}; name=${name%%:*}
    if pid=$(pid_alive "$name" "$exe"); then log "$name: running, pid $pid"; else log "$name: no live pid file"; fi
  done
  dk version --format 'docker client {{.Client.Version}}, server {{.Server.Version}}' 2>&1 | sed 's/^/  /' >&2 || true
  dk buildx version 2>&1 | sed 's/^/  /' >&2 || true
  if registry_answers; then log "registry answers on $REGISTRY_URL"; else log "registry does not answer"; fi
  local e entries=()
  for e in "$BINFMT"/*; do [[ -f $e && ${e##*/} != register && ${e##*/} != status ]] && entries+=("${e##*/}"); done
  log "binfmt_misc entries: ${entries[*]:-none}"
}

# --- base images -------------------------------------------------------------------------------------

APT_ROOT=$CACHE_DIR/apt
BUSYBOX_CACHE=$CACHE_DIR/busybox          # $BUSYBOX_CACHE/<debian arch>/busybox
CONTEXT=$CACHE_DIR/busybox-image          # build context: rootfs/<os>/<arch>[/<variant>]/...

# apt with a private configuration: foreign architectures only here, not in the system's dpkg/apt
papt() { APT_CONFIG="$APT_ROOT/apt.conf" "$@"; }

setup_private_apt() {
  local src uris sb archs=() a
  src=$(debian_archive_source)
  [[ -n $src ]] || die "could not find the Debian archive URI in /etc/apt/sources.list.d/debian.sources"
  IFS='|' read -r uris sb _ <<<"$src"
  for a in "${!DEB_SUITE[@]}"; do [[ ${DEB_SUITE[$a]} == bookworm ]] && archs+=("$a"); done
  mkdir -p "$APT_ROOT/lists/partial" "$APT_ROOT/cache/archives/partial" "$APT_ROOT/sources.list.d" "$APT_ROOT/preferences.d"
  : >"$APT_ROOT/sources.list"
  local signed=""; [[ -n $sb ]] && signed="Signed-By: $sb"
  local changed=0
  write_if_changed "$APT_ROOT/sources.list.d/busybox.sources" "Types: deb
URIs: $uris
Suites: bookworm
Components: main
Architectures: $(printf '%s\n' "${archs[@]}" | sort | tr '\n' ' ')
$signed

Types: deb
URIs: $uris
Suites: trixie
Components: main
Architectures: riscv64
$signed

Types: deb-src
URIs: $uris
Suites: bookworm
Components: main
$signed" && changed=1
  write_if_changed "$APT_ROOT/apt.conf" "// private apt configuration of multiarch scripts/toolchain.sh (base images only)
Dir::Etc::SourceList \"$APT_ROOT/sources.list\";
Dir::Etc::SourceParts \"$APT_ROOT/sources.list.d\";
Dir::Etc::Preferences \"$APT_ROOT/preferences\";
Dir::Etc::PreferencesParts \"$APT_ROOT/preferences.d\";
Dir::State::Lists \"$APT_ROOT/lists\";
Dir::Cache \"$APT_ROOT/cache\";
APT::Architectures { \"amd64\"; \"i386\"; \"arm64\"; \"armhf\"; \"armel\"; \"ppc64el\"; \"s390x\"; \"mips64el\"; \"riscv64\"; };
Acquire::Languages \"none\";
APT::Get::Only-Source \"true\";" && changed=1
  if [[ $changed -eq 1 ]] || ! compgen -G "$APT_ROOT/lists/*_Packages*" >/dev/null; then
    log "base-images: apt-get update (private lists in $APT_ROOT)"
    papt apt-get update -q >/dev/null || papt apt-get update
  fi
}

# elf_platform FILE -> OCI platform read from the ELF header (same mapping as examples/hello/test.sh)
elf_platform() {
  local b
  read -r -a b < <(head -c 52 "$1" | od -An -v -tu1 | tr '\n' ' ')
  [[ ${b[0]} == 127 && ${b[1]} == 69 && ${b[2]} == 76 && ${b[3]} == 70 ]] || { echo "not-elf"; return; }
  local cls=${b[4]} data=${b[5]} mach flags
  if [[ $data == 1 ]]; then mach=$((b[18] + 256 * b[19])); else mach=$((256 * b[18] + b[19])); fi
  if [[ $cls == 1 ]]; then
    if [[ $data == 1 ]]; then flags=$((b[36] + (b[37] << 8) + (b[38] << 16) + (b[39] << 24)))
    else flags=$(((b[36] << 24) + (b[37] << 16) + (b[38] << 8) + b[39])); fi
  fi
  case "$cls/$data/$mach" in
    2/1/62) echo linux/amd64 ;;
    1/1/3) echo linux/386 ;;
    2/1/183) echo linux/arm64 ;;
    1/1/40) if ((flags & 0x400)); then echo linux/arm/v7; elif ((flags & 0x200)); then echo linux/arm/v6; else echo linux/arm; fi ;;
    2/1/21) echo linux/ppc64le ;;
    2/2/22) echo linux/s390x ;;
    2/1/8) echo linux/mips64le ;;
    2/2/8) echo linux/mips64 ;;
    2/1/243) echo linux/riscv64 ;;
    *) echo "unknown($cls/$data/$mach)" ;;
  esac
}

# fetch_debian_busyboxes ARCH... : busybox-static of each Debian arch into $BUSYBOX_CACHE/ARCH/busybox
fetch_debian_busyboxes() {
  local arch tmp deb bin want=() out
  for arch in "$@"; do [[ -x $BUSYBOX_CACHE/$arch/busybox ]] || want+=("busybox-static:$arch/${DEB_SUITE[$arch]}"); done
  [[ ${#want[@]} -gt 0 ]] || return 0
  tmp=$(mktemp -d)
  log "base-images: apt-get download ${want[*]}"
  (cd "$tmp" && papt apt-get download -q "${want[@]}" >/dev/null) || die "apt-get download ${want[*]} failed"
  for deb in "$tmp"/busybox-static_*.deb; do
    arch=$(dpkg-deb -f "$deb" Architecture)
    rm -rf "$tmp/x"; dpkg-deb -x "$deb" "$tmp/x"
    for bin in "$tmp/x/bin/busybox" "$tmp/x/usr/bin/busybox"; do [[ -f $bin ]] && break; done
    [[ -f $bin ]] || die "no busybox binary in $deb"
    out="$BUSYBOX_CACHE/$arch/busybox"
    mkdir -p "$BUSYBOX_CACHE/$arch"
    cp "$bin" "$out.tmp" && chmod 0755 "$out.tmp"
    echo "${deb##*/}" >"$BUSYBOX_CACHE/$arch/SOURCE"
    mv -f "$out.tmp" "$out"
    log "base-images: $arch busybox from ${deb##*/}"
  done
  rm -rf "$tmp"
  for arch in "$@"; do [[ -x $BUSYBOX_CACHE/$arch/busybox ]] || die "busybox-static:$arch was not downloaded"; done
}

# Debian has no mips64 (big-endian, n64) port: cross-compile Debian's busybox source with
# Debian's static configuration, using the gcc-mips64-linux-gnuabi64 cross compiler.
build_mips64_busybox() {
  local out="$BUSYBOX_CACHE/mips64/busybox" t0=$SECONDS
  [[ -x $out ]] && return 0
  local missing
  missing=$(missing_packages gcc-mips64-linux-gnuabi64 libc6-dev-mips64-cross dpkg-dev make)
  if [[ -n $missing ]]; then
    apt_update_once
    log "base-images: installing $(echo $missing) (mips64 cross compiler)"
    apt-get install -y -q --no-install-recommends $missing
  fi
  local work="$CACHE_DIR/build-mips64"
  rm -rf "$work"; mkdir -p "$work"
  log "base-images: apt-get source busybox (bookworm)"
  (cd "$work" && papt apt-get source -q busybox/bookworm >/dev/null) || die "apt-get source busybox failed"
  local srcdir
  srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -n1)
  [[ -f $srcdir/debian/config/pkg/static ]] || die "no debian/config/pkg/static in $srcdir"
  mkdir -p "$srcdir/b/mips64"
  cp "$srcdir/debian/config/pkg/static" "$srcdir/b/mips64/.config"
  log "base-images: cross-compiling busybox for mips64 with $(mips64-linux-gnuabi64-gcc --version | head -n1) (takes minutes)"
  (
    cd "$srcdir"
    local mk=(make O="$srcdir/b/mips64" CROSS_COMPILE=mips64-linux-gnuabi64- ARCH=mips)
    yes '' | "${mk[@]}" oldconfig >"$work/oldconfig.log" 2>&1
    "${mk[@]}" -j"$(nproc)" busybox >"$work/build.log" 2>&1
  ) || { tail -n 40 "$work/build.log" >&2 2>/dev/null || true; die "mips64 busybox build failed (log: $work/build.log)"; }
  local bin="$srcdir/b/mips64/busybox"
  [[ "$(elf_platform "$bin")" == linux/mips64 ]] || die "cross-built busybox is $(elf_platform "$bin"), not linux/mips64"
  mkdir -p "$BUSYBOX_CACHE/mips64"
  cp "$bin" "$out.tmp" && chmod 0755 "$out.tmp"
  echo "$(basename "$srcdir") from Debian bookworm source, $(mips64-linux-gnuabi64-gcc --version | head -n1), debian/config/pkg/static" \
    >"$BUSYBOX_CACHE/mips64/SOURCE"
  mv -f "$out.tmp" "$out"
  rm -rf "$work"
  log "base-images: mips64 busybox built in $((SECONDS - t0)) s, cached at $out"
}

# registry_has_busybox -> true when $BUSYBOX_REF is an index with all ten platforms
registry_has_busybox() {
  local raw have want
  raw=$(dk buildx imagetools inspect --raw "$BUSYBOX_REF" 2>/dev/null) || return 1
  have=$(jq -r '.manifests[]?.platform | select(. != null) | .os + "/" + .architecture + (if .variant then "/" + .variant else "" end)' <<<"$raw" | sort -u)
  want=$(printf '%s\n' "${PLATFORMS[@]}" | sort -u)
  [[ $(comm -13 <(echo "$have") <(echo "$want") | wc -l) -eq 0 ]]
}

make_context() {
  local p arch bin root applet
  rm -rf "$CONTEXT"; mkdir -p "$CONTEXT"
  cat >"$CONTEXT/Dockerfile" <<'EOF'
# Generated by multiarch scripts/toolchain.sh: Debian's static busybox for each platform.
FROM scratch
ARG TARGETPLATFORM
COPY rootfs/${TARGETPLATFORM}/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["sh"]
EOF
  for p in "${PLATFORMS[@]}"; do
    arch=${DEB_ARCH[$p]}; [[ $arch == - ]] && arch=mips64
    bin="$BUSYBOX_CACHE/$arch/busybox"
    [[ "$(elf_platform "$bin")" == "$p" ]] || die "$bin is $(elf_platform "$bin"), expected $p"
    root="$CONTEXT/rootfs/$p"
    mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/usr/local/bin" "$root/tmp" \
             "$root/etc" "$root/root" "$root/proc" "$root/sys" "$root/dev"
    chmod 1777 "$root/tmp"
    cp -p "$bin" "$root/bin/busybox"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    cp "$BUSYBOX_CACHE/$arch/SOURCE" "$root/etc/busybox-source"
    # applet links, as `busybox --install -s` would make them: ask the binary itself (runs under
    # QEMU through binfmt_misc for foreign architectures, so this also checks the emulator)
    "$bin" --list-full >"$CONTEXT/applets.txt" || die "$p busybox does not run here (binfmt_misc / qemu-user-static?)"
    perl -e 'use File::Path qw(make_path); my $r = shift;
      while (<STDIN>) { chomp; next if $_ eq "" || $_ eq "bin/busybox";
        (my $d = "$r/$_") =~ s{/[^/]+$}{}; make_path($d);
        symlink("/bin/busybox", "$r/$_") or die "$r/$_: $!\n"; }' "$root" <"$CONTEXT/applets.txt"
    rm -f "$CONTEXT/applets.txt"
    for applet in sh od head uname cat sha256sum; do
      [[ -L $root/bin/$applet || -L $root/usr/bin/$applet ]] || die "$p busybox lacks the $applet applet"
    done
  done
}

# `docker buildx build --push` of a base image, tried up to three times: the Debian registry (2.8) answers a HEAD
# of the tag with 500 "invalid checksum digest format" while the daemon's parallel pushes of the per-platform
# manifests rewrite that tag (seen here once on a fresh machine); a second try pushes from the build cache.
push_base_image() { # PLATFORMS REF CONTEXT
  local try
  for try in 1 2 3; do
    dk buildx build --platform "$1" --provenance=false --push -t "$2" "$3" && return 0
    log "base-images: push of $2 failed (try $try of 3)"
    sleep 2
  done
  return 1
}

cmd_base_images() {
  need_root
  local t0=$SECONDS
  dk info >/dev/null 2>&1 || die "docker does not answer: run scripts/toolchain.sh start"
  registry_answers || die "registry $REGISTRY_URL does not answer: run scripts/toolchain.sh start"
  if registry_has_busybox; then
    log "base-images: $BUSYBOX_REF already has all ${#PLATFORMS[@]} platforms"
    return 0
  fi
  local need_apt=0 p arch
  for p in "${PLATFORMS[@]}"; do
    arch=${DEB_ARCH[$p]}; [[ $arch == - ]] && arch=mips64
    [[ -x $BUSYBOX_CACHE/$arch/busybox ]] || need_apt=1
  done
  [[ $need_apt -eq 0 ]] || setup_private_apt
  local debarchs=()
  for p in "${PLATFORMS[@]}"; do [[ ${DEB_ARCH[$p]} == - ]] || debarchs+=("${DEB_ARCH[$p]}"); done
  fetch_debian_busyboxes "${debarchs[@]}"
  build_mips64_busybox
  make_context
  local plats
  plats=$(IFS=,; echo "${PLATFORMS[*]}")
  log "base-images: docker buildx build --platform $plats --provenance=false --push -t $BUSYBOX_REF"
  local tb=$SECONDS
  push_base_image "$plats" "$BUSYBOX_REF" "$CONTEXT" || die "could not push $BUSYBOX_REF"
  log "base-images: build+push took $((SECONDS - tb)) s"
  registry_has_busybox || die "$BUSYBOX_REF was pushed but does not list all ten platforms"
  # smoke test: every platform runs the applets that tests rely on
  for p in "${PLATFORMS[@]}"; do
    dk run --rm --pull always --platform "$p" --network none "$BUSYBOX_REF" \
      sh -c 'm=$(uname -m); h=$(head -c 4 /bin/busybox | od -An -tx1 | tr -d " "); s=$(echo x | sha256sum | cut -c1-8); cat /dev/null; echo "$m $h $s"' \
      >/tmp/multiarch-smoke.$$ 2>/tmp/multiarch-smoke-err.$$ \
      || { cat /tmp/multiarch-smoke*.$$ >&2; rm -f /tmp/multiarch-smoke*.$$; die "busybox image does not run for $p"; }
    log "base-images: $p runs: $(tr -d '\n' </tmp/multiarch-smoke.$$)"
  done
  rm -f /tmp/multiarch-smoke*.$$
  log "base-images: done in $((SECONDS - t0)) s"
}

# A small Debian base image made from Debian's bookworm packages, for tests of images on a base other than busybox
# (the variants): Debian's dynamic libc6 and dash as /bin/sh, Debian's busybox for the usual commands, base-files
# for /etc/debian_version and /etc/os-release. Not debian:bookworm-slim (no apt, no dpkg database): a stand-in that
# builds offline, under its own name so that nothing mistakes it for the real one.
DEBIAN_BASE_PLATFORMS=(linux/amd64 linux/arm64 linux/arm/v7 linux/s390x)
DEBIAN_BASE_PACKAGES=(libc6 libgcc-s1 dash busybox base-files)
DEBIAN_BASE_CONTEXT=$CACHE_DIR/debian-base-image

registry_has_debian_base() {
  local raw have want
  raw=$(dk buildx imagetools inspect --raw "$DEBIAN_BASE_REF" 2>/dev/null) || return 1
  have=$(jq -r '.manifests[]?.platform | select(. != null) | .os + "/" + .architecture + (if .variant then "/" + .variant else "" end)' <<<"$raw" | sort -u)
  want=$(printf '%s\n' "${DEBIAN_BASE_PLATFORMS[@]}" | sort -u)
  [[ $(comm -13 <(echo "$have") <(echo "$want") | wc -l) -eq 0 ]]
}

cmd_debian_base() {
  need_root
  if registry_has_debian_base; then
    log "debian-base: $DEBIAN_BASE_REF already has ${DEBIAN_BASE_PLATFORMS[*]}"
    return 0
  fi
  setup_private_apt
  local p arch tmp deb root want applets
  [[ -x $BUSYBOX_CACHE/amd64/busybox ]] || die "run scripts/toolchain.sh base-images first (the amd64 busybox lists the applets)"
  applets=$("$BUSYBOX_CACHE/amd64/busybox" --list | grep -vx 'sh\|busybox')
  rm -rf "$DEBIAN_BASE_CONTEXT"; mkdir -p "$DEBIAN_BASE_CONTEXT"
  for p in "${DEBIAN_BASE_PLATFORMS[@]}"; do
    arch=${DEB_ARCH[$p]}
    want=(); for deb in "${DEBIAN_BASE_PACKAGES[@]}"; do want+=("$deb:$arch/bookworm"); done
    tmp=$(mktemp -d)
    log "debian-base: apt-get download ${want[*]}"
    (cd "$tmp" && papt apt-get download -q "${want[@]}" >/dev/null) || die "apt-get download ${want[*]} failed"
    root="$DEBIAN_BASE_CONTEXT/rootfs/$p"
    mkdir -p "$root"
    for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$root"; done
    rm -rf "$tmp"
    ln -sf dash "$root/bin/sh"
    mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/root" && chmod 1777 "$root/tmp"
    for a in $applets; do [[ -e $root/bin/$a || -e $root/usr/bin/$a ]] || ln -sf /bin/busybox "$root/usr/local/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
    printf 'root:x:0:\n' >"$root/etc/group"
  done
  printf '%s\n' 'FROM scratch' 'ARG TARGETPLATFORM' 'COPY rootfs/${TARGETPLATFORM}/ /' \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["sh"]' >"$DEBIAN_BASE_CONTEXT/Dockerfile"
  local plats
  plats=$(IFS=,; echo "${DEBIAN_BASE_PLATFORMS[*]}")
  log "debian-base: docker buildx build --platform $plats --provenance=false --push -t $DEBIAN_BASE_REF"
  push_base_image "$plats" "$DEBIAN_BASE_REF" "$DEBIAN_BASE_CONTEXT" || die "could not push $DEBIAN_BASE_REF"
  registry_has_debian_base || die "$DEBIAN_BASE_REF was pushed but does not list ${DEBIAN_BASE_PLATFORMS[*]}"
  for p in "${DEBIAN_BASE_PLATFORMS[@]}"; do
    log "debian-base: $p runs: $(dk run --rm --pull always --platform "$p" --network none "$DEBIAN_BASE_REF" \
      sh -c 'echo "debian $(cat /etc/debian_version) $(uname -m) $(readlink /bin/sh)"' | tr -d '\n')" \
      || die "$DEBIAN_BASE_REF does not run for $p"
  done
}

cmd_all() {
  local t0=$SECONDS
  cmd_install
  cmd_start
  cmd_base_images
  cmd_debian_base
  log "all: done in $((SECONDS - t0)) s (docker client: $(docker_cli))"
}

[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0   # sourced (for tests): functions only
case "${1:-all}" in
  all) cmd_all ;;
  install) cmd_install ;;
  start) cmd_start ;;
  base-images) cmd_base_images ;;
  debian-base) cmd_debian_base ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  second-start) cmd_second_start ;;
  second-stop) cmd_second_stop ;;
  -h|--help|help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown subcommand '$1' (all|install|start|base-images|debian-base|stop|status|second-start|second-stop)" ;;
esac
