/*
 * fmt.h - a printf subset for the guest's one line of output: %s, %c, %d,
 * %u, %x (with l and ll), %%. No floating point, no widths.
 */
#ifndef GUEST_FMT_H
#define GUEST_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf: writes at most len - 1 characters and a NUL (len > 0),
 * returns how many it wrote. */
size_t fmt_vformat(char *buf, size_t len, const char *fmt, va_list ap);
size_t fmt_format(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* GUEST_FMT_H */
