/*
 * hostio.h - moved to host/hostio.h.  This forward stays only while
 * tests/fuzz/meson.build gives fuzz_hostio tools/ as its include
 * directory; remove it when that names host/.
 */
#include "../host/hostio.h"
