/* priv_mmu - priv_insn.c, PRIV 2: loading another address space. */
#define PRIV 2
#include "../priv_insn/priv_insn.c"
