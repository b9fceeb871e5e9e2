#!/usr/bin/env bash
# Builds prebuilds/win32-x64/: the addon and PortAudio's DLL, cross-compiled
# on Debian with mingw-w64.
#
#   sudo apt-get install g++-mingw-w64-x86-64-posix cmake
#   bash scripts/cross/windows.sh
#
# PortAudio comes from Debian's source package portaudio19 (upstream release
# 19.7.0; Debian stable still has 19.6.0, so the source is taken from
# unstable) through apt-get's own source download, checked against the
# upstream tarball's SHA-256, and built with PortAudio's CMake build with the
# WASAPI, WDM-KS, DirectSound and MME host APIs (ASIO needs Steinberg's SDK,
# which may not be redistributed). apt's state for that lives in a temporary
# folder: the machine's sources and package lists are not touched. The DLL is
# cached in $RTMIXER_CROSS_CACHE (default ~/.cache/rtmixer-cross) since it
# depends only on the PortAudio release; the addon is rebuilt from the
# current native/ every time.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
triple=x86_64-w64-mingw32
pa_version=19.7.0
pa_orig="portaudio19_${pa_version}.orig.tar.gz"
pa_sha256=5af29ba58bbdbb7bbcefaaecc77ec8fc413f0db6f4c4e286c40c3e1b83174fa0
cache="${RTMIXER_CROSS_CACHE:-$HOME/.cache/rtmixer-cross}/portaudio-$pa_version-win32-x64"
out="$root/prebuilds/win32-x64"
name="$(node -p "require('$root/package.json').name")"
# What a Windows binary of ours may import: node.exe (N-API) and system DLLs.
allowed_dlls='^(node\.exe|KERNEL32\.dll|msvcrt\.dll|ADVAPI32\.dll|ole32\.dll|SETUPAPI\.dll|USER32\.dll|WINMM\.dll)$'

die() { echo "cross/windows: $*" >&2; exit 1; }
for tool in "$triple-gcc-posix" "$triple-g++-posix" "$triple-strip" "$triple-objdump" "$triple-dlltool"; do
  command -v "$tool" >/dev/null || die "$tool not found: sudo apt-get install g++-mingw-w64-x86-64-posix"
done

imports() { "$triple-objdump" -p "$1" | sed -n 's/^\s*DLL Name: //p'; }
check_imports() {
  local unexpected
  unexpected="$(imports "$1" | grep -Ev "$allowed_dlls" || true)"
  [ -z "$unexpected" ] || die "$(basename "$1") imports $(tr '\n' ' ' <<<"$unexpected")(only node.exe and Windows' own DLLs may be needed)"
}

build_portaudio() {
  command -v cmake >/dev/null || die "cmake not found: sudo apt-get install cmake"
  local work; work="$(mktemp -d "${TMPDIR:-/tmp}/rtmixer-pa-XXXXXX")"
  # apt-get source with a private sources list and package-list folder.
  mkdir -p "$work/apt/sources" "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
  cat >"$work/apt/sources/debian-src.sources" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  local apt=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$work/apt/sources"
             -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache" -o APT::Sandbox::User=root -qq)
  echo "   PortAudio $pa_version: Debian source package portaudio19"
  apt-get "${apt[@]}" update || die "apt-get update of Debian's source index failed"
  (cd "$work/src" && apt-get "${apt[@]}" source --download-only --tar-only portaudio19) ||
    die "apt-get source portaudio19 failed"
  [ -f "$work/src/$pa_orig" ] ||
    die "Debian unstable no longer has PortAudio $pa_version (got: $(ls "$work/src")): update pa_version and pa_sha256 in $0"
  echo "$pa_sha256  $work/src/$pa_orig" | sha256sum -c --quiet - || die "$pa_orig does not match its SHA-256"
  tar xzf "$work/src/$pa_orig" -C "$work/src"
  cmake -S "$work/src/portaudio-$pa_version" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_SYSTEM_NAME=Windows -DCMAKE_SYSTEM_PROCESSOR=AMD64 \
    -DCMAKE_C_COMPILER="$triple-gcc-posix" -DCMAKE_CXX_COMPILER="$triple-g++-posix" -DCMAKE_RC_COMPILER="$triple-windres" \
    -DPA_USE_WASAPI=ON -DPA_USE_WDMKS=ON -DPA_USE_DS=ON -DPA_USE_WMME=ON -DPA_USE_ASIO=OFF \
    -DPA_BUILD_SHARED=ON -DPA_BUILD_STATIC=OFF -DCMAKE_SHARED_LINKER_FLAGS="-static-libgcc -static" \
    >"$work/cmake.log" 2>&1 || { tail -30 "$work/cmake.log" >&2; die "PortAudio's cmake configure failed"; }
  cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "PortAudio's build failed"; }
  mkdir -p "$cache"
  "$triple-strip" -o "$cache/portaudio.dll" "$work/build/libportaudio.dll"
  cp "$work/src/portaudio-$pa_version/LICENSE.txt" "$cache/PORTAUDIO-LICENSE.txt"
  rm -rf "$work"
}

echo "== win32-x64 ($triple)"
[ -f "$cache/portaudio.dll" ] || build_portaudio
check_imports "$cache/portaudio.dll"
for host_api in 'MME' 'Windows DirectSound' 'Windows WASAPI' 'Windows WDM-KS'; do
  grep -qa "$host_api" "$cache/portaudio.dll" || die "portaudio.dll lacks the $host_api host API"
done

addon="$(mktemp -d "${TMPDIR:-/tmp}/rtmixer-win-addon-XXXXXX")"
trap 'rm -rf "$addon"' EXIT
node "$root/scripts/cross/windows-addon.js" "$addon/$name.node"
check_imports "$addon/$name.node"

mkdir -p "$out"
rm -f "$out/"*.node "$out/"*.dll
cp "$addon/$name.node" "$cache/portaudio.dll" "$cache/PORTAUDIO-LICENSE.txt" "$out/"
for f in "$out/$name.node" "$out/portaudio.dll"; do
  echo "   $(basename "$f"): $(stat -c %s "$f") bytes; imports $(imports "$f" | tr '\n' ' ')"
done
