/*
 * tsa.h - clang's -Wthread-safety attributes; empty macros elsewhere.
 *
 * Lock contracts are written four ways in physmem: a _locked suffix, a
 * "Requires zone->lock." comment, PM_ASSERT(ticket_lock_held(...)) in debug
 * builds, and these attributes, which clang checks at compile time.
 */
#ifndef PM_TSA_H
#define PM_TSA_H

#if defined(__clang__)
#define PM_TSA(x) __attribute__((x))
#else
#define PM_TSA(x)
#endif

#define PM_CAPABILITY(name) PM_TSA(capability(name))
/*
 * In C, clang cannot name a sibling member in guarded_by (that lookup is
 * C++ only), so PM_GUARDED_BY documents the field's lock for the reader and
 * compiles to nothing; function contracts (PM_REQUIRES(z->lock)) are checked.
 */
#define PM_GUARDED_BY(l)
#define PM_REQUIRES(...)    PM_TSA(requires_capability(__VA_ARGS__))
#define PM_ACQUIRE(...)     PM_TSA(acquire_capability(__VA_ARGS__))
#define PM_RELEASE(...)     PM_TSA(release_capability(__VA_ARGS__))
#define PM_TRY_ACQUIRE(...) PM_TSA(try_acquire_capability(__VA_ARGS__))
#define PM_EXCLUDES(...)    PM_TSA(locks_excluded(__VA_ARGS__))
#define PM_NO_TSA           PM_TSA(no_thread_safety_analysis)

#endif /* PM_TSA_H */
