#ifndef NETLEARN_H
#define NETLEARN_H
/* Umbrella header: the whole public API of libnetlearn. */
#include "netlearn/calibrate.h"
#include "netlearn/experiment.h"
#include "netlearn/model.h"
#include "netlearn/network.h"
#include "netlearn/plot.h"
#include "netlearn/pls.h"
#include "netlearn/power.h"
#include "netlearn/run.h"
#include "netlearn/scenario.h"
#include "netlearn/sensitivity.h"
#include "netlearn/status.h"
#include "netlearn/study.h"
#include "netlearn/version.h"
#endif
