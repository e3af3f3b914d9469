/* bus_long: bus_break.c with BREAK 2 (what it does is said there). */
#define BREAK 2
#include "../bus_break/bus_break.c"
