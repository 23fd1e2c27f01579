/*
 * fmt.c - the formatter behind the verdict line (fmt.h). Output is cut at
 * the buffer's end, never overrun; an unknown conversion is copied as is.
 */
#include "fmt.h"

#include <stdint.h>

struct out {
    char *buf;
    size_t len, n;
};

static void out_char(struct out *o, char c)
{
    if (o->n + 1 < o->len)
        o->buf[o->n++] = c;
}

static void out_str(struct out *o, const char *s)
{
    if (s == NULL)
        s = "(null)";
    while (*s != '\0')
        out_char(o, *s++);
}

static void out_unsigned(struct out *o, uint64_t v, unsigned base)
{
    char digits[24];
    unsigned n = 0;

    do {
        unsigned d = (unsigned)(v % base);

        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + (d - 10));
        v /= base;
    } while (v != 0);
    while (n > 0)
        out_char(o, digits[--n]);
}

static void out_signed(struct out *o, int64_t v)
{
    if (v < 0) {
        out_char(o, '-');
        out_unsigned(o, (uint64_t)0 - (uint64_t)v, 10);
    } else {
        out_unsigned(o, (uint64_t)v, 10);
    }
}

size_t fmt_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
    struct out o = {buf, len, 0};

    for (const char *p = fmt; *p != '\0'; p++) {
        unsigned longs = 0;

        if (*p != '%') {
            out_char(&o, *p);
            continue;
        }
        p++;
        while (*p == 'l') {
            longs++;
            p++;
        }
        switch (*p) {
        case 's':
            out_str(&o, va_arg(ap, const char *));
            break;
        case 'c':
            out_char(&o, (char)va_arg(ap, int));
            break;
        case 'd':
            out_signed(&o, longs ? va_arg(ap, long) : va_arg(ap, int));
            break;
        case 'u':
            out_unsigned(&o, longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10);
            break;
        case 'x':
            out_unsigned(&o, longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16);
            break;
        case '%':
            out_char(&o, '%');
            break;
        case '\0':
            p--;
            break;
        default:
            out_char(&o, '%');
            out_char(&o, *p);
            break;
        }
    }
    if (len > 0)
        buf[o.n] = '\0';
    return o.n;
}

size_t fmt_format(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = fmt_vformat(buf, len, fmt, ap);
    va_end(ap);
    return n;
}
