/*
 * png.h - the visualizer's snapshots as PNG, the format people open and
 * paste (a snapshot path ending in .png; .bmp stays BMP).
 */
#ifndef RUMPK_VIZ_PNG_H
#define RUMPK_VIZ_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Writes w x h pixels (0xAARRGGBB, rows pitch pixels apart) to path as
 * an 8-bit RGB PNG.  0, or -1 with errno set. */
int viz_png_write(const char *path, const uint32_t *px, int w, int h,
                  int pitch);

#endif
