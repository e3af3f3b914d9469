/* bus_forge: bus_break.c with BREAK 1 (what it does is said there). */
#define BREAK 1
#include "../bus_break/bus_break.c"
