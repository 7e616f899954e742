#!/usr/bin/env bash
# Install the build into a temporary prefix, then build examples/api/march.c against the installed
# library with pkg-config only (as a user would) and run it, linked dynamically and statically; then
# with CMake's find_package(netlearn) (examples/consumer).
set -eu
build=$1
src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib64/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig"
test -x "$prefix/bin/netlearn"
test -f "$prefix/include/netlearn/netlearn.h"
test -f "$prefix/share/man/man1/netlearn.1"
"$prefix/bin/netlearn" --version > /dev/null
cc -std=c11 -Wall -Wextra -Werror "$src/examples/api/march.c" $(pkg-config --cflags --libs netlearn) \
  -Wl,-rpath,"$(pkg-config --variable=libdir netlearn)" -o "$prefix/march_shared"
out=$("$prefix/march_shared")
echo "$out"
echo "$out" | grep -q "mean equilibrium code knowledge 0.9"
# a model defined outside the library, registered at run time through the shared library's API
cc -std=c11 -Wall -Wextra -Werror "$src/examples/api/diffusion_run.c" "$src/examples/api/diffusion.c" \
  $(pkg-config --cflags --libs netlearn) -Wl,-rpath,"$(pkg-config --variable=libdir netlearn)" -o "$prefix/diffusion"
out=$("$prefix/diffusion")
echo "$out"
echo "$out" | grep -q "mean share adopted after 12 periods 0.5"
echo "$out" | grep -q "surveyed 100 agents: innov1 innov2 innov3 adopted1 adopted2 adopted3"
# static: the archive and what netlearn.pc lists for it (components, BLAS/LAPACK, OpenMP)
libs="$(pkg-config --variable=libdir netlearn)/libnetlearn.a $(pkg-config --libs $(pkg-config --print-requires-private netlearn))
  $(pkg-config --variable=libs_private netlearn)"
cc -std=c11 "$src/examples/api/march.c" $(pkg-config --cflags netlearn) $libs -o "$prefix/march_static"
"$prefix/march_static" | grep -q "mean equilibrium code knowledge 0.9"
# CMake: netlearn-config.cmake and its version file; a version too new is refused
cmake -S "$src/examples/consumer" -B "$prefix/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  > "$prefix/consumer.log" || { cat "$prefix/consumer.log"; exit 1; }
cmake --build "$prefix/consumer" > /dev/null
"$prefix/consumer/march" | grep -q "mean equilibrium code knowledge 0.9"
mkdir -p "$prefix/toonew"
printf 'cmake_minimum_required(VERSION 3.18)\nproject(t C)\nfind_package(netlearn 99 REQUIRED)\n' > "$prefix/toonew/CMakeLists.txt"
if cmake -S "$prefix/toonew" -B "$prefix/toonew/b" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null 2>&1; then
  echo "find_package(netlearn 99) should fail" >&2; exit 1
fi
echo "install check passed"
