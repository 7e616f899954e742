"""Build netlearn's Python package: the C extension netlearn._netlearn over libnetlearn.

libnetlearn is found, in this order:
  1. NETLEARN_BUILD=<cmake build dir of a netlearn checkout> (what `make python` sets): links that
     build's static libnetlearn.a, so the module needs no installed library;
  2. ../build/libnetlearn.a next to this directory (a checkout built with `make`);
  3. pkg-config netlearn (an installed netlearn: `make install`).
"""
import os
import shlex
import subprocess

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def pkg_config(*args):
    out = subprocess.run(["pkg-config", *args], check=True, capture_output=True, text=True).stdout
    return shlex.split(out)


def library_flags():
    build = os.environ.get("NETLEARN_BUILD") or os.path.join(HERE, "..", "build")
    build = os.path.abspath(build)
    archive = os.path.join(build, "libnetlearn.a")
    if os.path.exists(archive):
        # the build tree's pkg-config file: its static library, the components it was built with, and
        # the BLAS/LAPACK CMake found
        pc = os.path.join(build, "netlearn-uninstalled.pc")
        return pkg_config("--cflags", pc), [], pkg_config("--libs", pc)
    # an installed libnetlearn.so: found at run time through an rpath to its directory
    libdir = pkg_config("--variable=libdir", "netlearn")[0]
    return pkg_config("--cflags", "netlearn"), [], pkg_config("--libs", "netlearn") + ["-Wl,-rpath," + libdir]


cflags, objects, libs = library_flags()
setup(
    name="netlearn",
    version="0.1.0",
    description="Organizational learning simulations and PLS-SEM (netlearn) from Python",
    packages=["netlearn"],
    python_requires=">=3.10",
    install_requires=["pandas"],
    ext_modules=[
        Extension(
            "netlearn._netlearn",
            sources=["netlearn/_netlearn.c"],
            extra_compile_args=cflags + ["-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Wshadow",
                                         "-Wconversion", "-Wstrict-prototypes", "-Wmissing-prototypes"],
            extra_objects=objects,
            extra_link_args=libs,
            py_limited_api=True,
        )
    ],
)
