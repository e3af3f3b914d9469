/* kernel_read - kernel_poke.c, POKE 1: a read of the kernel text. */
#define POKE 1
#include "../kernel_poke/kernel_poke.c"
