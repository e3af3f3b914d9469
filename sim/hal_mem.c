/*
 * hal_mem.c - moved to host/hal_mem.c.  This forward stays only while
 * tests/fuzz/meson.build compiles sim/hal_mem.c into fuzz_npl; remove it
 * when that names host/hal_mem.c (host_hal_src).
 */
#include "../host/hal_mem.c"
