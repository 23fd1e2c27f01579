/*
 * bytes.h - the buffers callers hand physmem: checking them, and zeroing
 * memory without the C library.
 *
 * A freestanding build has no memset to call, and GCC and clang turn a
 * plain zeroing loop, or a large compound-literal assignment, into a call
 * to one (both expect the environment to provide memset, memcpy, memmove
 * and memcmp). The SMP layer zeroes only at init, so a volatile byte store
 * per byte, which no compiler may fuse into a call, costs nothing that
 * matters and keeps `nm -u` down to the platform hooks.
 */
#ifndef PM_BYTES_H
#define PM_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include <physmem/smp.h>

/* A buffer a caller hands physmem: not NULL, PM_SMP_MEM_ALIGN aligned. */
static inline bool pm_mem_ok(const void *p)
{
    return p != NULL && ((uintptr_t)p & (PM_SMP_MEM_ALIGN - 1)) == 0;
}

static inline void pm_zero(void *p, size_t n)
{
    volatile unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        b[i] = 0;
}

#endif /* PM_BYTES_H */
