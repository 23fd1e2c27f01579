/*
 * pm_alloc_fail.h - counts the heap allocations of the code under test, and
 * fails the one a test picks, to prove that a refused call allocates
 * nothing and that a call whose memory cannot be had answers PM_ENOMEM and
 * leaves nothing behind (LeakSanitizer and valgrind see any leak).
 *
 * Include it in exactly one file of a test linked with pm_wrap_allocators()
 * (cmake/PmTesting.cmake): the linker's --wrap sends every malloc, calloc,
 * aligned_alloc and free of the test and of the static physmem libraries
 * to the functions below (the names are the linker's: __wrap_X, __real_X).
 * cmocka and libc are shared objects and keep the real ones.
 */
#ifndef PM_ALLOC_FAIL_H
#define PM_ALLOC_FAIL_H

#include <stddef.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);
void __wrap_free(void *p);

static unsigned long af_calls;   /* allocations since af_reset() */
static unsigned long af_fail_at; /* 1-based: that allocation fails; 0 none */
static long af_live;             /* blocks allocated and not freed, ever */

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

static inline void *af_count(void *p)
{
    af_live += p != NULL;
    return p;
}

void *__wrap_malloc(size_t size)
{
    return af_next_fails() ? NULL : af_count(__real_malloc(size));
}

void *__wrap_calloc(size_t n, size_t size)
{
    return af_next_fails() ? NULL : af_count(__real_calloc(n, size));
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
    return af_next_fails() ? NULL : af_count(__real_aligned_alloc(align, size));
}

void __wrap_free(void *p)
{
    af_live -= p != NULL;
    __real_free(p);
}

#endif /* PM_ALLOC_FAIL_H */
