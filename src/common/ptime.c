/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/ptime.h"

__thread struct ptime_sink *ptime_sink;
