#!/usr/bin/env bash
# Builds every prebuild this x64 Debian/Ubuntu machine can make besides the
# native linux-x64 glibc one (`npm run prebuildify`):
#
#   npm run prebuildify:cross                      # every target whose toolchain is here
#   npm run prebuildify:cross -- win32-x64 x64-musl # or: scripts/prebuild-cross.sh [target...]
#
#   target      toolchain (Debian packages unless said)          output in prebuilds/
#   arm64       g++-aarch64-linux-gnu                             linux-arm64/<name>.glibc.node
#   arm         g++-arm-linux-gnueabihf                           linux-arm/<name>.armv7.glibc.node
#   win32-x64   g++-mingw-w64-x86-64-posix, cmake                 win32-x64/<name>.node + portaudio.dll
#   x64-musl    zig 0.11 from npm (fetched on first use)          linux-x64/<name>.musl.node
#   arm64-musl  zig 0.11 from npm (fetched on first use)          linux-arm64/<name>.musl.node
#
# Without arguments, a target whose toolchain is missing is skipped with the
# command that installs it; a target named on the command line must build.
# Windows: scripts/cross/windows.sh (PortAudio built from Debian's source
# package); musl: scripts/cross/musl.sh.
#
# The ARM glibc builds use a temporary copy of binding.gyp and native/:
# prebuildify runs `node-gyp rebuild`, and an ARM binary left in the
# repository's build/Release would be what node-gyp-build loads first on this
# machine.
#
# The 32-bit build targets Debian's armhf baseline (ARMv7-A, VFPv3-D16, Thumb-2)
# and is tagged armv7: node-gyp-build loads it only where Node reports
# arm_version 7 (the official armv7l Node builds), never on an ARMv6 Pi Zero/1.
#
# Each ARM binary is checked: its ELF machine, and that it needs nothing beyond
# libc, libm, libdl, libpthread, libstdc++ and libgcc_s (PortAudio is opened
# at run time with dlopen). To run them as well, point RTMIXER_NODE_ARM64 /
# RTMIXER_NODE_ARM at an ARM `node` binary and install qemu-user: the script
# then loads each prebuild under qemu and round-trips a native RingBuffer.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
requested=("$@")

allowed_libs='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|libstdc\+\+\.so\.6|libgcc_s\.so\.1|ld-linux-aarch64\.so\.1|ld-linux-armhf\.so\.3)$'

die() { echo "prebuild-cross: $*" >&2; exit 1; }

# What each target needs on this machine, and how to install it.
available() {
  case "$1" in
    arm64) command -v aarch64-linux-gnu-g++ >/dev/null ;;
    arm) command -v arm-linux-gnueabihf-g++ >/dev/null ;;
    win32-x64) command -v x86_64-w64-mingw32-g++-posix >/dev/null && command -v cmake >/dev/null ;;
    x64-musl | arm64-musl) true ;;
    *) die "unknown target '$1' (arm64, arm, win32-x64, x64-musl or arm64-musl)" ;;
  esac
}
install_hint() {
  case "$1" in
    arm64) echo "sudo apt-get install g++-aarch64-linux-gnu" ;;
    arm) echo "sudo apt-get install g++-arm-linux-gnueabihf" ;;
    win32-x64) echo "sudo apt-get install g++-mingw-w64-x86-64-posix cmake" ;;
  esac
}

targets=()
if [ ${#requested[@]} -gt 0 ]; then
  for t in "${requested[@]}"; do
    available "$t" || die "$t: toolchain missing: $(install_hint "$t")"
    targets+=("$t")
  done
else
  for t in arm64 arm win32-x64 x64-musl arm64-musl; do
    if available "$t"; then targets+=("$t"); else echo "== $t skipped: $(install_hint "$t")"; fi
  done
fi
arches=()
for t in "${targets[@]}"; do
  case "$t" in
    arm64 | arm) arches+=("$t") ;;
    win32-x64) bash "$root/scripts/cross/windows.sh" ;;
    x64-musl) bash "$root/scripts/cross/musl.sh" x64 ;;
    arm64-musl) bash "$root/scripts/cross/musl.sh" arm64 ;;
  esac
done

work="$(mktemp -d "${TMPDIR:-/tmp}/rtmixer-cross-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -r "$root/binding.gyp" "$root/native" "$root/package.json" "$work/"
ln -s "$root/node_modules" "$work/node_modules"
[ -e "$root/node_modules/.bin/prebuildify" ] || die "prebuildify is missing: run npm install first"

for arch in "${arches[@]}"; do
  case "$arch" in
    arm64) triple=aarch64-linux-gnu;   machine='ARM aarch64'; pkg=g++-aarch64-linux-gnu;   emu=qemu-aarch64; node="${RTMIXER_NODE_ARM64:-}"; extra=() ;;
    arm)   triple=arm-linux-gnueabihf; machine='ARM, EABI5';  pkg=g++-arm-linux-gnueabihf; emu=qemu-arm;     node="${RTMIXER_NODE_ARM:-}";   extra=(--tag-armv) ;;
    *) die "unknown architecture '$arch' (arm64 or arm)" ;;
  esac
  command -v "$triple-g++" >/dev/null || die "$triple-g++ not found: sudo apt-get install $pkg"

  echo "== linux-$arch ($triple)"
  rm -rf "$work/build" "$work/prebuilds"
  # npm run: node-gyp on PATH and npm's config (e.g. nodedir) passed on to it.
  (cd "$work" && CC="$triple-gcc" CXX="$triple-g++" LINK="$triple-g++" AR="$triple-ar" \
    PREBUILD_STRIP_BIN="$triple-strip" PREBUILD_ARMV=7 \
    npm run --silent prebuildify -- --arch "$arch" "${extra[@]}" >"$work/build-$arch.log" 2>&1) ||
    { tail -30 "$work/build-$arch.log" >&2; die "build for linux-$arch failed (log above)"; }

  shopt -s nullglob
  built=("$work/prebuilds/linux-$arch/"*.node)
  shopt -u nullglob
  [ ${#built[@]} -eq 1 ] || die "expected one .node in prebuilds/linux-$arch, found ${#built[@]}"
  file="${built[0]}"

  description="$(file -b "$file")"
  case "$description" in
    *"$machine"*) ;;
    *) die "$(basename "$file") is not $machine: $description" ;;
  esac
  needed="$(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
  unexpected="$(grep -Ev "$allowed_libs" <<<"$needed" || true)"
  [ -z "$unexpected" ] || die "$(basename "$file") links against $(tr '\n' ' ' <<<"$unexpected")"
  glibc="$(readelf -V --wide "$file" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
  glibcxx="$(readelf -V --wide "$file" | grep -o 'GLIBCXX_[0-9.]*' | sort -uV | tail -1)"
  echo "   $(basename "$file"): $(stat -c %s "$file") bytes; $description"
  echo "   needs: $(tr '\n' ' ' <<<"$needed")(newest symbols: $glibc, $glibcxx)"

  if [ -n "$node" ]; then
    command -v "$emu" >/dev/null || die "RTMIXER_NODE_* is set but $emu is missing: sudo apt-get install qemu-user"
    # A package directory holding only this prebuild, loaded by node-gyp-build
    # the way the installed package loads it.
    check="$work/check-$arch"
    mkdir -p "$check/prebuilds"
    cp "$root/package.json" "$check/"
    cp -r "$work/prebuilds/linux-$arch" "$check/prebuilds/"
    "$emu" -L "/usr/$triple" "$node" -e '
      const dir = process.argv[1];
      const gyp = require(process.argv[2]);
      const addon = gyp(dir);
      const ring = new addon.NativeRingBuffer(8, 2);
      const wrote = ring.write(Float32Array.from({ length: 12 }, (_, i) => i + 0.5));
      const back = Array.from(ring.read(6));
      const ok = wrote === 6 && back.every((v, i) => v === i + 0.5);
      console.log(`   ran under qemu: Node ${process.version} ${process.arch}, loaded ${require("node:path").relative(dir, gyp.resolve(dir))}, ring buffer ${ok ? "ok" : "WRONG"}`);
      if (!ok) process.exit(1);
    ' "$check" "$root/node_modules/node-gyp-build" || die "the linux-$arch prebuild did not run under $emu"
  fi

  mkdir -p "$root/prebuilds/linux-$arch"
  rm -f "$root/prebuilds/linux-$arch/"*.glibc.node
  cp "$file" "$root/prebuilds/linux-$arch/"
done
echo "prebuilds: $(cd "$root/prebuilds" && ls */* | tr '\n' ' ')"
