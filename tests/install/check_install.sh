#!/usr/bin/env bash
# Install the build into a temporary prefix, then build examples/api/march.c against the installed
# library with pkg-config only (as a user would) and run it, linked dynamically and statically
# (`pkg-config --static`); then with CMake's find_package(netlearn) (examples/consumer), against
# netlearn::netlearn and netlearn::netlearn_static. Every build prints the same numbers. Also: the
# installed libraries export the same symbols (the public API), call BLAS/LAPACK through the
# Fortran interface, target plain x86_64 (NL_BASELINE_X86_64=1, set by CMake unless NL_X86_64_V2).
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
march_out=$("$prefix/march_shared")
echo "$march_out"
echo "$march_out" | grep -q "mean equilibrium code knowledge 0.9"
# a model defined outside the library, registered at run time through the shared library's API (its
# scenario is YAML: not in a build without libfyaml, `make check-minimal`)
if ! "$prefix/bin/netlearn" --version | grep -q "libfyaml (not built in)"; then
  cc -std=c11 -Wall -Wextra -Werror "$src/examples/api/diffusion_run.c" "$src/examples/api/diffusion.c" \
    $(pkg-config --cflags --libs netlearn) -Wl,-rpath,"$(pkg-config --variable=libdir netlearn)" -o "$prefix/diffusion"
  out=$("$prefix/diffusion")
  echo "$out"
  echo "$out" | grep -q "mean share adopted after 12 periods 0.5"
  echo "$out" | grep -q "surveyed 100 agents: innov1 innov2 innov3 adopted1 adopted2 adopted3"
fi
# static: the installed libnetlearn.a exports exactly what libnetlearn.so exports (internals are local
# symbols, cmake/install.cmake), so a program may define a function named like a netlearn internal
lib=$(pkg-config --variable=libdir netlearn)
nm -g --defined-only "$lib/libnetlearn.a" | awk 'NF == 3 {print $3}' | sort > "$prefix/static.syms"
nm -D --defined-only "$lib/libnetlearn.so" | awk 'NF == 3 {print $3}' | sort > "$prefix/shared.syms"
diff -u "$prefix/shared.syms" "$prefix/static.syms" || { echo "libnetlearn.a and libnetlearn.so export different symbols" >&2; exit 1; }
# plain x86_64 (NL_X86_64_V2 off): no x86-64-v2 instruction such as the popcount the beliefs use
if [ "${NL_BASELINE_X86_64:-0}" = 1 ] && objdump -d --no-show-raw-insn "$lib/libnetlearn.so" | grep -qw popcnt; then
  echo "libnetlearn.so uses popcnt: built for x86-64-v2, not plain x86_64" >&2; exit 1
fi
# BLAS/LAPACK through their Fortran interface only (dgemm_, dsyev_, ...): any implementation links
if nm -D --undefined-only "$lib/libnetlearn.so" | grep -E " (LAPACKE_|cblas_)"; then
  echo "libnetlearn.so calls LAPACKE or CBLAS" >&2; exit 1
fi
printf 'int nl_grow(void);\nint nl_grow(void) { return 0; }\n' > "$prefix/internal_name.c"
# `pkg-config --static --libs` (Libs.private, Requires.private) links the archive; -l:libnetlearn.a
# makes the linker take it although libnetlearn.so sits beside it
static_libs=$(pkg-config --static --libs netlearn | sed 's/-lnetlearn\b/-l:libnetlearn.a/')
cc -std=c11 -Wall -Wextra -Werror "$src/examples/api/march.c" "$prefix/internal_name.c" \
  $(pkg-config --cflags netlearn) $static_libs -o "$prefix/march_static"
if readelf -d "$prefix/march_static" | grep -q "libnetlearn\.so"; then
  echo "march_static is linked against libnetlearn.so" >&2; exit 1
fi
# same seed, same numbers: the static program prints what the shared one printed
test "$("$prefix/march_static")" = "$march_out" || { echo "march_static: different output" >&2; exit 1; }
# CMake: netlearn-config.cmake and its version file; a version too new is refused
cmake -S "$src/examples/consumer" -B "$prefix/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  > "$prefix/consumer.log" || { cat "$prefix/consumer.log"; exit 1; }
cmake --build "$prefix/consumer" > /dev/null
test "$("$prefix/consumer/march")" = "$march_out" || { echo "consumer/march: different output" >&2; exit 1; }
# netlearn::netlearn_static: the archive and its INTERFACE_LINK_LIBRARIES (components, BLAS/LAPACK,
# OpenMP, libm), found by netlearn-config.cmake
test -x "$prefix/consumer/march_static" || { echo "netlearn::netlearn_static was not defined" >&2; exit 1; }
if readelf -d "$prefix/consumer/march_static" | grep -q "libnetlearn\.so"; then
  echo "consumer/march_static is linked against libnetlearn.so" >&2; exit 1
fi
test "$("$prefix/consumer/march_static")" = "$march_out" || { echo "consumer/march_static: different output" >&2; exit 1; }
mkdir -p "$prefix/toonew"
printf 'cmake_minimum_required(VERSION 3.18)\nproject(t C)\nfind_package(netlearn 99 REQUIRED)\n' > "$prefix/toonew/CMakeLists.txt"
if cmake -S "$prefix/toonew" -B "$prefix/toonew/b" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null 2>&1; then
  echo "find_package(netlearn 99) should fail" >&2; exit 1
fi
echo "install check passed"
