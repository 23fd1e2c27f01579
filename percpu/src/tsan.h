/*
 * tsan.h - telling ThreadSanitizer about synchronization it cannot see.
 *
 * TSan instruments C11 atomics and pthreads, but not Concurrency Kit's inline
 * assembly (our ticket lock) nor liburcu 0.13's volatile accesses and
 * grace periods. Where our code synchronizes through those, it says so with
 * pm_tsan_acquire()/pm_tsan_release(), which are __tsan_acquire/__tsan_release
 * in TSan builds and nothing otherwise. The stress suite's fault injection
 * (PM_FAULT_SKIP_REFILL_LOCK) proves TSan still reports a real race.
 */
#ifndef PM_TSAN_H
#define PM_TSAN_H

#if defined(__SANITIZE_THREAD__)
#define PM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PM_TSAN 1
#endif
#endif
#ifndef PM_TSAN
#define PM_TSAN 0
#endif

#if PM_TSAN
#include <sanitizer/tsan_interface.h>
#define pm_tsan_acquire(addr) __tsan_acquire((void *)(addr))
#define pm_tsan_release(addr) __tsan_release((void *)(addr))
#else
#define pm_tsan_acquire(addr) ((void)(addr))
#define pm_tsan_release(addr) ((void)(addr))
#endif

#endif /* PM_TSAN_H */
