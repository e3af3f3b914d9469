/*
 * font.h - the visualizer's built-in bitmap font: 5x8 glyphs (5x7 plus a
 * descender row) for printable ASCII, drawn by hand in font.c.  Text
 * advances 6 pixels per character and 10 per line.
 */
#ifndef RUMPK_VIZ_FONT_H
#define RUMPK_VIZ_FONT_H

#include <stdint.h>

#define VIZ_GLYPH_W 5
#define VIZ_GLYPH_H 8
#define VIZ_ADV_X   6  /* pixels from one character to the next */
#define VIZ_LINE_H  10 /* pixels from one text line to the next */

/* Glyphs beyond ASCII that the console shows (the loader's ✅ and ❌);
 * any other code point shows as a box. */
#define VIZ_CP_CHECK 0x2705u
#define VIZ_CP_CROSS 0x274cu

/* Row `row` (0 = top) of the glyph for code point cp: bit 4 is the
 * leftmost pixel, bit 0 the rightmost. */
uint8_t viz_font_row(uint32_t cp, unsigned row);

/* Decodes one UTF-8 code point at *s (advancing it); malformed bytes come
 * back one at a time as themselves (and show as boxes). */
uint32_t viz_utf8_next(const char **s);

#endif
