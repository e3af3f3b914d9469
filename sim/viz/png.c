/*
 * png.c - a PNG writer for snapshots (png.h), with zlib doing the
 * compression.  Facts from the PNG specification (W3C, 2nd edition):
 * the signature, chunks of length, type, data and a CRC-32 of type and
 * data (5.3), IHDR with bit depth 8 and colour type 2, truecolour (11.2.2),
 * each row of the image data led by its filter byte, 0 here (9.2), the
 * rows compressed as one zlib stream (10).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "png.h"

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int chunk(FILE *f, const char *type, const uint8_t *data, size_t len)
{
	uint8_t head[8], tail[4];
	be32(head, (uint32_t)len);
	memcpy(head + 4, type, 4);
	uLong crc = crc32(0, head + 4, 4);
	if (len) /* crc32 with no buffer starts over: skip it */
		crc = crc32(crc, data, (uInt)len);
	be32(tail, (uint32_t)crc);
	return fwrite(head, 1, 8, f) == 8 &&
	               (!len || fwrite(data, 1, len, f) == len) &&
	               fwrite(tail, 1, 4, f) == 4
	           ? 0
	           : -1;
}

int viz_png_write(const char *path, const uint32_t *px, int w, int h, int pitch)
{
	static const uint8_t sig[8] = {0x89, 'P',  'N',  'G',
	                               '\r', '\n', 0x1a, '\n'};
	size_t row = 1 + (size_t)w * 3, raw_len = row * (size_t)h;
	uLongf z_len = compressBound((uLong)raw_len);
	uint8_t *raw = malloc(raw_len), *z = malloc(z_len);
	int rc = -1;
	if (!raw || !z) {
		errno = ENOMEM;
		goto out;
	}
	for (int y = 0; y < h; y++) {
		uint8_t *r = raw + (size_t)y * row;
		r[0] = 0; /* filter: none */
		for (int x = 0; x < w; x++) {
			uint32_t p = px[(size_t)y * (size_t)pitch + (size_t)x];
			r[1 + 3 * x] = (uint8_t)(p >> 16);
			r[2 + 3 * x] = (uint8_t)(p >> 8);
			r[3 + 3 * x] = (uint8_t)p;
		}
	}
	if (compress2(z, &z_len, raw, (uLong)raw_len, 6) != Z_OK) {
		errno = EIO;
		goto out;
	}
	uint8_t ihdr[13];
	be32(ihdr, (uint32_t)w);
	be32(ihdr + 4, (uint32_t)h);
	ihdr[8] = 8;                        /* bit depth */
	ihdr[9] = 2;                        /* colour type: truecolour */
	ihdr[10] = ihdr[11] = ihdr[12] = 0; /* deflate, adaptive, none */
	FILE *f = fopen(path, "wb");
	if (!f)
		goto out;
	rc = fwrite(sig, 1, 8, f) == 8 && !chunk(f, "IHDR", ihdr, 13) &&
	             !chunk(f, "IDAT", z, z_len) && !chunk(f, "IEND", NULL, 0)
	         ? 0
	         : -1;
	if (fclose(f) != 0)
		rc = -1;
out:
	free(raw);
	free(z);
	return rc;
}
