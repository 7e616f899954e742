#ifndef NETLEARN_EXPORT_H
#define NETLEARN_EXPORT_H
/*
 * NL_API marks the public API: every function (and table) declared in the headers of include/netlearn. The
 * library is compiled with hidden visibility (CMAKE_C_VISIBILITY_PRESET hidden), so libnetlearn.so
 * exports exactly the NL_API declarations and nothing of src/; the build tree's static libnetlearn.a
 * keeps every internal function linkable (the CLI, tests and benchmarks use some), the installed one
 * exports the NL_API declarations only, as the shared library does. A function
 * added to a public header without NL_API is missing from the shared library: test_exports fails.
 */
#if defined(__GNUC__) || defined(__clang__)
#define NL_API __attribute__((visibility("default")))
#else
#define NL_API /* other compilers: everything is exported, as without hidden visibility */
#endif
#endif
