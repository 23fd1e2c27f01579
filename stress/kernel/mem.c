/*
 * mem.c - memset, memcpy, memmove and memcmp, as every kernel provides
 * them: GCC emits calls to them for structure copies and clears even with
 * -ffreestanding -fno-builtin, and physmem's sources may call them.
 *
 * Byte loops, simple and correct; the guest copies little. GCC would turn
 * these very loops into calls to themselves (loop distribution recognizes
 * the memset/memcpy idiom), so each is built without it.
 */
#include <stddef.h>
#include <stdint.h>

#define MEM_NO_IDIOM __attribute__((optimize("no-tree-loop-distribute-patterns")))

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

MEM_NO_IDIOM void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n-- > 0)
        *d++ = (unsigned char)c;
    return dst;
}

MEM_NO_IDIOM void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

MEM_NO_IDIOM void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ((uintptr_t)d - (uintptr_t)s >= n) {
        while (n-- > 0)
            *d++ = *s++;
    } else {
        d += n;
        s += n;
        while (n-- > 0)
            *--d = *--s;
    }
    return dst;
}

MEM_NO_IDIOM int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n > 0; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}
