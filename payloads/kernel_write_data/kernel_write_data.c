/* kernel_write_data - kernel_poke.c, POKE 3: a write to kernel data. */
#define POKE 3
#include "../kernel_poke/kernel_poke.c"
