/*
 * pm_alloc_fail.h - counts the heap allocations of the code under test, and
 * fails the one a test picks, to prove that a refused call allocates
 * nothing and that a call whose memory cannot be had answers PM_ENOMEM and
 * leaves nothing behind (LeakSanitizer and valgrind see any leak).
 *
 * Include it in exactly one file of a test linked with pm_wrap_allocators()
 * (lib/tests/CMakeLists.txt): the linker's --wrap sends every malloc,
 * calloc and aligned_alloc of the test and of the static physmem libraries
 * to the functions below (the names are the linker's: __wrap_X, __real_X).
 * cmocka and libc are shared objects and keep the real ones.
 */
#ifndef PM_ALLOC_FAIL_H
#define PM_ALLOC_FAIL_H

#include <stddef.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);

static unsigned long af_calls;   /* allocations since af_reset() */
static unsigned long af_fail_at; /* 1-based: that allocation fails; 0 none */

/* From now on count afresh, and fail allocation number fail_at (0: none). */
static inline void af_reset(unsigned long fail_at)
{
    af_calls = 0;
    af_fail_at = fail_at;
}

static inline int af_next_fails(void)
{
    return ++af_calls == af_fail_at;
}

void *__wrap_malloc(size_t size)
{
    return af_next_fails() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return af_next_fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
    return af_next_fails() ? NULL : __real_aligned_alloc(align, size);
}

#endif /* PM_ALLOC_FAIL_H */
