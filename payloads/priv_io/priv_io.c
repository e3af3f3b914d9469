/* priv_io - priv_insn.c, PRIV 1: the I/O and interrupt-mask instruction. */
#define PRIV 1
#include "../priv_insn/priv_insn.c"
