#ifndef NETLEARN_H
#define NETLEARN_H
/*
 * Umbrella header: the whole public API of libnetlearn.
 *
 * Versions. NL_VERSION ("0.1.0", netlearn/version.h) is the API version of these headers: while
 * its major number is 0 a minor release may change the API. NL_ABI_VERSION below is the binary
 * interface: it goes up by one whenever a release breaks programs linked against the previous one
 * (a function removed or renamed, a signature, a public struct's layout or an enum's values
 * changed), and the shared library's soname is libnetlearn.so.NL_ABI_VERSION, so the dynamic
 * linker never pairs a program with a library it was not built for. Adding functions keeps it.
 * nl_version() and nl_abi_version() (netlearn/status.h) report the library actually loaded;
 * compare them with the macros to detect a header/library mismatch. ABI 1 is final only at the
 * first release (0.1.0, not yet released); until then it may still change under the same number.
 * docs/api.md states the policy.
 */
#define NL_ABI_VERSION 1 /* CMakeLists.txt reads the soname from this line */

#include "netlearn/calibrate.h"
#include "netlearn/experiment.h"
#include "netlearn/files.h"
#include "netlearn/memory.h"
#include "netlearn/model.h"
#include "netlearn/model_api.h"
#include "netlearn/network.h"
#include "netlearn/plot.h"
#include "netlearn/pls.h"
#include "netlearn/power.h"
#include "netlearn/run.h"
#include "netlearn/scenario.h"
#include "netlearn/sensitivity.h"
#include "netlearn/status.h"
#include "netlearn/study.h"
#include "netlearn/survey.h"
#include "netlearn/version.h"
#endif
