/*
 * printf.c - the core's printf subset.  One formatter (rk_vsnprintf)
 * writing into a bounded sink; the console variants stream through the
 * same code, so there is exactly one parser to test.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

struct sink {
	char *buf;   /* NULL: write to the console */
	size_t size; /* capacity of buf including the terminator */
	size_t len;  /* characters produced so far (may exceed size) */
};

static void emit(struct sink *s, char c)
{
	if (!s->buf)
		hal_console_putc(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_padded(struct sink *s, const char *str, size_t n,
                        unsigned width, bool left, char pad)
{
	size_t fill = width > n ? width - n : 0;

	if (!left)
		while (fill--)
			emit(s, pad);
	for (size_t i = 0; i < n; i++)
		emit(s, str[i]);
	if (left)
		while (fill--)
			emit(s, ' ');
}

static void emit_number(struct sink *s, unsigned long long v, bool neg,
                        unsigned base, bool upper, unsigned width, bool left,
                        bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);
	if (zero && !left) {
		/* Zero padding goes between the sign and the digits. */
		if (neg) {
			emit(s, '-');
			width = width ? width - 1 : 0;
		}
		emit_padded(s, tmp + sizeof(tmp) - n, n, width, false, '0');
		return;
	}
	if (neg)
		tmp[sizeof(tmp) - 1 - n++] = '-';
	emit_padded(s, tmp + sizeof(tmp) - n, n, width, left, ' ');
}

static int format(struct sink *s, const char *fmt, rk_va_list ap)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			emit(s, *p);
			continue;
		}
		p++;
		bool left = false, zero = false;
		for (;; p++) {
			if (*p == '-')
				left = true;
			else if (*p == '0')
				zero = true;
			else
				break;
		}
		unsigned width = 0;
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (unsigned)(*p++ - '0');
		/* A precision limits %s (".N" or ".*"): how names that are
		 * not NUL-terminated, such as command-line words, print. */
		size_t prec = (size_t)-1;
		if (*p == '.') {
			p++;
			prec = 0;
			if (*p == '*') {
				int a = rk_va_arg(ap, int);
				prec = a < 0 ? (size_t)-1 : (size_t)a;
				p++;
			} else {
				while (*p >= '0' && *p <= '9')
					prec = prec * 10 + (size_t)(*p++ - '0');
			}
		}
		int lng = 0; /* 1: long, 2: long long, 3: size_t */
		if (*p == 'z') {
			lng = 3;
			p++;
		} else {
			while (*p == 'l' && lng < 2) {
				lng++;
				p++;
			}
		}
		unsigned long long u = 0;
		long long v = 0;
		switch (*p) {
		case 'd':
		case 'i':
			if (lng == 2)
				v = rk_va_arg(ap, long long);
			else if (lng == 1)
				v = rk_va_arg(ap, long);
			else if (lng == 3)
				v = (long long)rk_va_arg(ap, size_t);
			else
				v = rk_va_arg(ap, int);
			u = v < 0 ? 0ull - (unsigned long long)v
			          : (unsigned long long)v;
			emit_number(s, u, v < 0, 10, false, width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (lng == 2)
				u = rk_va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = rk_va_arg(ap, unsigned long);
			else if (lng == 3)
				u = rk_va_arg(ap, size_t);
			else
				u = rk_va_arg(ap, unsigned);
			emit_number(s, u, false, *p == 'u' ? 10 : 16, *p == 'X',
			            width, left, zero);
			break;
		case 'p':
			emit(s, '0');
			emit(s, 'x');
			emit_number(s, (uintptr_t)rk_va_arg(ap, void *), false,
			            16, false, width > 2 ? width - 2 : 0, left,
			            zero);
			break;
		case 'c': {
			char c = (char)rk_va_arg(ap, int);
			emit_padded(s, &c, 1, width, left, ' ');
			break;
		}
		case 's': {
			const char *str = rk_va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t n = 0;
			while (n < prec && str[n])
				n++;
			emit_padded(s, str, n, width, left, ' ');
			break;
		}
		case '%':
			emit(s, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it, stop. */
			emit(s, '%');
			p--;
			break;
		default:
			/* Unknown conversion: show it rather than guess. */
			emit(s, '%');
			emit(s, *p);
			break;
		}
	}
	return s->len > (size_t)INT32_MAX ? INT32_MAX : (int)s->len;
}

int rk_vsnprintf(char *buf, size_t size, const char *fmt, rk_va_list ap)
{
	static char dummy;
	struct sink s = {buf ? buf : &dummy, buf ? size : 0, 0};
	int n = format(&s, fmt, ap);

	if (s.size)
		s.buf[s.len < s.size ? s.len : s.size - 1] = '\0';
	return n;
}

int rk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	rk_va_list ap;
	rk_va_start(ap, fmt);
	int n = rk_vsnprintf(buf, size, fmt, ap);
	rk_va_end(ap);
	return n;
}

int rk_vprintf(const char *fmt, rk_va_list ap)
{
	struct sink s = {NULL, 0, 0};
	return format(&s, fmt, ap);
}

int rk_printf(const char *fmt, ...)
{
	rk_va_list ap;
	rk_va_start(ap, fmt);
	int n = rk_vprintf(fmt, ap);
	rk_va_end(ap);
	return n;
}

void rk_putstr(const char *s)
{
	while (*s)
		hal_console_putc(*s++);
}

void rk_puts(const char *s)
{
	rk_putstr(s);
	hal_console_putc('\n');
}
