/*
 * debug.h - debug asserts in two levels, shared by the core and the SMP layer.
 *
 *   PM_ASSERT(c)          cheap (O(1)) checks, on when PM_DEBUG >= 1
 *   PM_ASSERT_EXPENSIVE(c) whole-structure checks, on when PM_DEBUG >= 2
 *
 * When off they compile away but the condition stays type-checked (it sits
 * under sizeof, never evaluated). A failed assert traps: the core is
 * freestanding and has no printf to call.
 */
#ifndef PM_DEBUG_H
#define PM_DEBUG_H

#ifndef PM_DEBUG
#define PM_DEBUG 0
#endif
#ifndef PM_STATS
#define PM_STATS 1
#endif

#define PM_CHECK_OFF(c) ((void)sizeof(!(c)))

#if PM_DEBUG >= 1
#define PM_ASSERT(c) ((c) ? (void)0 : __builtin_trap())
#else
#define PM_ASSERT(c) PM_CHECK_OFF(c)
#endif

#if PM_DEBUG >= 2
#define PM_ASSERT_EXPENSIVE(c) ((c) ? (void)0 : __builtin_trap())
#else
#define PM_ASSERT_EXPENSIVE(c) PM_CHECK_OFF(c)
#endif

#if PM_STATS
#define PM_STAT_ADD(field, n) ((field) += (n))
#else
#define PM_STAT_ADD(field, n) ((void)0)
#endif
#define PM_STAT_INC(field) PM_STAT_ADD(field, 1)

#define PM_LIKELY(x)   __builtin_expect(!!(x), 1)
#define PM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PM_NOINLINE    __attribute__((noinline))
#define PM_COLD        __attribute__((cold))
#define PM_INLINE      static inline __attribute__((always_inline))

#endif /* PM_DEBUG_H */
