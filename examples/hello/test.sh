#!/bin/sh
# arch-test: proves which CPU architecture this container really runs on.
#
# Reads the ELF header of the running executable (/proc/self/exe: under QEMU user-mode emulation
# this is the guest binary, not the emulator), maps EI_CLASS, EI_DATA, e_machine and, for 32-bit
# ARM, the float ABI in e_flags to an OCI platform, and compares it with $MULTIARCH_PLATFORM.
# `uname -m` must agree too, but alone it cannot tell 386 from amd64, arm/v6 from arm/v7, nor
# mips64 from mips64le.
#
# Exit: 0 match, 1 mismatch, 2 MULTIARCH_PLATFORM unset, 3 ELF header unreadable.
# Needs only busybox applets: head, od, uname.
# Note: arm/v6 means Debian armel here (soft-float EABI, EF_ARM_ABI_FLOAT_SOFT 0x200); an arm/v6
# binary built hard-float (e.g. Alpine's armhf) would read as arm/v7.

say() { echo "arch-test: $*"; }

expected=${MULTIARCH_PLATFORM:-}
if [ -z "$expected" ]; then
  say "FAIL: MULTIARCH_PLATFORM is not set (the expected OCI platform, e.g. linux/arm/v7)"
  exit 2
fi

# Spellings that denote the same platform; the ELF header cannot tell x86-64 levels (amd64/v2...).
normalize() {
  case "$1" in
    linux/arm64/v8) echo linux/arm64 ;;
    linux/arm) echo linux/arm/v7 ;;
    linux/amd64/v[1-4]) echo linux/amd64 ;;
    *) echo "$1" ;;
  esac
}

# (word splitting of $BYTES into one positional parameter per byte is intended below)
src=/proc/self/exe
BYTES=$(head -c 64 "$src" 2>/dev/null | od -An -v -tu1)
# shellcheck disable=SC2086
set -- $BYTES
if [ $# -lt 52 ]; then
  src=/bin/busybox
  BYTES=$(head -c 64 "$src" 2>/dev/null | od -An -v -tu1)
  # shellcheck disable=SC2086
  set -- $BYTES
fi
if [ $# -lt 52 ] || [ "$1 $2 $3 $4" != "127 69 76 70" ]; then
  say "FAIL: cannot read an ELF header from /proc/self/exe nor /bin/busybox"
  exit 3
fi

# byte N: the byte at offset N of the header
# shellcheck disable=SC2086
byte() { n=$1; set -- $BYTES; shift "$n"; echo "$1"; }

class=$(byte 4); data=$(byte 5)
if [ "$data" = 1 ]; then
  machine=$(( $(byte 18) + 256 * $(byte 19) ))
else
  machine=$(( 256 * $(byte 18) + $(byte 19) ))
fi
# e_flags: offset 36 in ELF32, 48 in ELF64
if [ "$class" = 1 ]; then off=36; else off=48; fi
b0=$(byte "$off"); b1=$(byte $((off + 1))); b2=$(byte $((off + 2))); b3=$(byte $((off + 3)))
if [ "$data" = 1 ]; then
  flags=$(( b0 + 256 * b1 + 65536 * b2 + 16777216 * b3 ))
else
  flags=$(( 16777216 * b0 + 65536 * b1 + 256 * b2 + b3 ))
fi

case "$class" in 1) cname=ELF32 ;; 2) cname=ELF64 ;; *) cname="class$class" ;; esac
case "$data" in 1) dname=LSB ;; 2) dname=MSB ;; *) dname="data$data" ;; esac

note=""
case "$class/$data/$machine" in
  2/1/62)  found=linux/amd64;    mname=x86-64 ;;
  1/1/3)   found=linux/386;      mname=i386 ;;
  2/1/183) found=linux/arm64;    mname=AArch64 ;;
  1/1/40)  mname=ARM
           if [ $(( flags & 1024 )) -ne 0 ]; then found=linux/arm/v7; note=" hard-float (armhf)"
           elif [ $(( flags & 512 )) -ne 0 ]; then found=linux/arm/v6; note=" soft-float (armel)"
           else found=linux/arm/unknown-float-abi; fi ;;
  2/1/21)  found=linux/ppc64le;  mname=PowerPC64 ;;
  2/2/21)  found=linux/ppc64;    mname=PowerPC64 ;;
  2/2/22)  found=linux/s390x;    mname=S/390 ;;
  2/1/8)   found=linux/mips64le; mname=MIPS ;;
  2/2/8)   found=linux/mips64;   mname=MIPS ;;
  1/1/8)   found=linux/mipsle;   mname=MIPS ;;
  1/2/8)   found=linux/mips;     mname=MIPS ;;
  2/1/243) found=linux/riscv64;  mname=RISC-V ;;
  *)       found="unknown"; mname="?" ;;
esac

say "expected: $expected (MULTIARCH_PLATFORM)"
say "ELF header of $src: $cname $dname e_machine=$machine ($mname) e_flags=$(printf '0x%08x' "$flags")$note -> $found"

# uname -m must belong to the same family (it is the kernel's / QEMU's view)
um=$(uname -m)
case "$found" in
  linux/amd64) ok_uname="x86_64" ;;
  linux/386) ok_uname="x86_64 i386 i486 i586 i686" ;;
  linux/arm64) ok_uname="aarch64 arm64" ;;
  linux/arm/v7) ok_uname="armv7l armv8l" ;;
  linux/arm/v6) ok_uname="armv5tel armv5tejl armv6l armv7l armv8l" ;;
  linux/ppc64le) ok_uname="ppc64le" ;;
  linux/ppc64) ok_uname="ppc64" ;;
  linux/s390x) ok_uname="s390x" ;;
  linux/mips64le|linux/mips64) ok_uname="mips64" ;;
  linux/mipsle|linux/mips) ok_uname="mips" ;;
  linux/riscv64) ok_uname="riscv64" ;;
  *) ok_uname="" ;;
esac
uname_ok=no
for u in $ok_uname; do [ "$u" = "$um" ] && uname_ok=yes; done
say "uname -m: $um ($( [ $uname_ok = yes ] && echo "consistent with $found" || echo "NOT consistent with $found"))"

want=$(normalize "$expected")
if [ "$found" = "$want" ] && [ $uname_ok = yes ]; then
  say "PASS: running as $found"
  exit 0
fi
say "FAIL: expected $want, this container runs $found (uname -m $um)"
exit 1
