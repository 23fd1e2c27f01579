/*
 * tsan.h - telling ThreadSanitizer about synchronization it cannot see.
 *
 * TSan instruments C11 atomics and pthreads, but not Concurrency Kit's inline
 * assembly (our ticket lock) nor liburcu 0.13's volatile accesses and
 * grace periods. Where our code synchronizes through those, it says so with
 * pm_tsan_acquire()/pm_tsan_release(), which are __tsan_acquire/__tsan_release
 * in TSan builds and nothing otherwise. The stress suite's fault injection
 * (PM_FAULT_SKIP_REFILL_LOCK) proves TSan still reports a real race.
 *
 * Nor does TSan model atomic_thread_fence: clang emits the fence and tells
 * TSan nothing, and gcc refuses to build it (-Werror=tsan: "atomic_thread_fence
 * is not supported with -fsanitize=thread"). Every full fence of percpu/src is
 * pm_fence_full(pair), see below.
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

#include <stdatomic.h>

#if PM_TSAN
#include <sanitizer/tsan_interface.h>
#define pm_tsan_acquire(addr) __tsan_acquire((void *)(addr))
#define pm_tsan_release(addr) __tsan_release((void *)(addr))
#else
#define pm_tsan_acquire(addr) ((void)(addr))
#define pm_tsan_release(addr) ((void)(addr))
#endif

/*
 * A full (sequentially consistent) fence: the stores before it are visible
 * to every other CPU before the loads after it read anything. `pair` is a
 * word that every fence this one pairs with names too (the two sides of a
 * Dekker handshake: the owner's and the drainer's fence on one CPU slot).
 *
 * Outside TSan builds it is atomic_thread_fence(memory_order_seq_cst) and
 * `pair` is unused. In TSan builds it is a seq_cst read-modify-write of
 * *pair that changes nothing (adds 0): TSan sees that, and sees the two
 * fenced sides ordered as the fences order them; C11 guarantees the same
 * store-load ordering for two seq_cst RMWs of one word as for two seq_cst
 * fences, so the code stays correct on any hardware; and the ordering TSan
 * learns is only between the threads that share `pair`, which the
 * handshake orders anyway, so no race elsewhere is hidden.
 */
static inline void pm_fence_full(atomic_uint *pair)
{
#if PM_TSAN
    atomic_fetch_add_explicit(pair, 0u, memory_order_seq_cst);
#else
    (void)pair;
    atomic_thread_fence(memory_order_seq_cst);
#endif
}

#endif /* PM_TSAN_H */
