#ifndef MNL_CREADLINE_SHIM_H
#define MNL_CREADLINE_SHIM_H
// readline's headers need stdio's FILE declared first.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
#endif
