/*
 * rt.c - the payload runtime (include/rumpk/rt.h).  Small and bounded: no
 * state, no allocation, no data with pointers (an NPL body has no
 * relocations, so tables of strings are out: digits come from arithmetic).
 * The loops that copy and clear go through volatile pointers, so the
 * compiler does not turn memcpy into a call to memcpy.
 */
#include <stdbool.h>

#include <rumpk/rt.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	volatile uint8_t *d = dst;
	const uint8_t *s = src;
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	volatile uint8_t *d = dst;
	const uint8_t *s = src;
	if ((uintptr_t)d - (uintptr_t)s >= n) /* no overlap from below */
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	else
		for (size_t i = n; i-- > 0;)
			d[i] = s[i];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	volatile uint8_t *d = dst;
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t rk_rt_strlen(const char *s)
{
	const volatile char *p = s;
	size_t n = 0;
	while (p[n])
		n++;
	return n;
}

int rk_rt_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* The output: a buffer that counts what did not fit. */
struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* v in base (8, 10, 16), upper-case letters when upper, at least width
 * characters, zero- or space-padded, left-aligned when left. */
static void number(struct out *o, uint64_t v, unsigned base, bool neg,
                   bool upper, int width, bool zero, bool left)
{
	char digits[24];
	int n = 0;
	do {
		unsigned d = (unsigned)(v % base);
		digits[n++] =
		    (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
		v /= base;
	} while (v);
	int len = n + (neg ? 1 : 0);
	if (!left && !zero)
		pad(o, ' ', width - len);
	if (neg)
		put(o, '-');
	if (!left && zero)
		pad(o, '0', width - len);
	while (n)
		put(o, digits[--n]);
	if (left)
		pad(o, ' ', width - len);
}

int rk_rt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = {buf, cap, 0};
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		const char *start = f++;
		bool left = false, zero = false;
		for (; *f == '-' || *f == '0'; f++)
			*f == '-' ? (left = true) : (zero = true);
		int width = 0, prec = -1;
		for (; *f >= '0' && *f <= '9' && width < 1000; f++)
			width = width * 10 + (*f - '0');
		if (*f == '.')
			for (prec = 0, f++;
			     *f >= '0' && *f <= '9' && prec < 1000; f++)
				prec = prec * 10 + (*f - '0');
		int size = 0; /* 0 int, 1 long, 2 long long, 3 size_t */
		if (*f == 'l')
			size = f[1] == 'l' ? (f++, 2) : 1, f++;
		else if (*f == 'z')
			size = 3, f++;
		uint64_t u = 0;
		int64_t s = 0;
		switch (*f) {
		case 'd':
		case 'i':
			s = size == 0   ? va_arg(ap, int)
			    : size == 1 ? va_arg(ap, long)
			    : size == 2 ? va_arg(ap, long long)
			                : (int64_t)va_arg(ap, size_t);
			number(&o, s < 0 ? 0 - (uint64_t)s : (uint64_t)s, 10,
			       s < 0, false, width, zero, left);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = size == 0   ? va_arg(ap, unsigned)
			    : size == 1 ? va_arg(ap, unsigned long)
			    : size == 2 ? va_arg(ap, unsigned long long)
			                : va_arg(ap, size_t);
			number(&o, u,
			       *f == 'u'   ? 10
			       : *f == 'o' ? 8
			                   : 16,
			       false, *f == 'X', width, zero, left);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			number(&o, (uintptr_t)va_arg(ap, void *), 16, false,
			       false, width, zero, left);
			break;
		case 'c':
			if (!left)
				pad(&o, ' ', width - 1);
			put(&o, (char)va_arg(ap, int));
			if (left)
				pad(&o, ' ', width - 1);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			int n = 0;
			while (str[n] && (prec < 0 || n < prec))
				n++;
			if (!left)
				pad(&o, ' ', width - n);
			for (int i = 0; i < n; i++)
				put(&o, str[i]);
			if (left)
				pad(&o, ' ', width - n);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default: /* unknown: as it stands */
			for (const char *c = start; c <= f && *c; c++)
				put(&o, *c);
			if (!*f)
				f--;
			break;
		}
	}
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return (int)o.len;
}

int rk_rt_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = rk_rt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

int rk_rt_printf(const struct rk_api *api, const char *fmt, ...)
{
	char line[RK_RT_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = rk_rt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	api->puts(line);
	return n;
}
