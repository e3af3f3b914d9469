/* kernel_write_text - kernel_poke.c, POKE 2: a write to kernel text. */
#define POKE 2
#include "../kernel_poke/kernel_poke.c"
