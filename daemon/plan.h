/* --plan: the decision for every mount, printed, nothing changed. */
#pragma once

#include <stdio.h>

#include "mounttable.h"
#include "policy.h"

/* Prints one line per mount of @t to @out: TARGET FSTYPE FLAGS DECISION RULE, tab-separated,
 * the target escaped as in mountinfo. Returns the number of mounts that need hardening. */
unsigned plan_print(FILE *out, const MwPolicy *p, const MwTable *t);
