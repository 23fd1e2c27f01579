/*
 * ticket_lock.h - the zone lock: a FIFO ticket spinlock built on ck_pr.
 *
 * Acquire takes a ticket with one fetch-and-add on `next` and waits until
 * `owner` reaches it; release bumps `owner`. Tickets are served in order, so
 * no CPU starves (a test-and-set lock lets one CPU win again and again).
 *
 * A kernel waiter spins with interrupts on and preemption off, so the holder
 * is always running. In user space the holder, or the next ticket, may have
 * been preempted when threads outnumber cores, and a pure spin then burns
 * whole time slices for nothing: the lock is handed, in FIFO order, to a
 * waiter that is not running. So only the next waiter in line spins, with
 * pm_cpu_relax() (`pause`), for TICKET_SPINS rounds; every other waiter,
 * and the next one after that, calls pm_plat_yield() between checks
 * (sched_yield() in user space; nothing in a kernel, whose waiters spin). That keeps 8 threads on
 * 2 cores making progress (see bench: locked/pair/threads:8).
 *
 * TSan cannot see ck_pr's inline assembly: acquire and release tell it.
 */
#ifndef PM_TICKET_LOCK_H
#define PM_TICKET_LOCK_H

#include <ck_pr.h>
#include <stdbool.h>
#include <stdint.h>

#include <physmem/platform.h>

#include "debug.h"
#include "tsa.h"
#include "tsan.h"

#ifndef TICKET_SPINS
#define TICKET_SPINS 128u
#endif

typedef struct PM_CAPABILITY("mutex") ticket_lock {
    uint32_t next;  /* the next ticket to hand out */
    uint32_t owner; /* the ticket now served */
#if PM_DEBUG >= 1
    const void *holder; /* the thread that holds it (debug builds) */
#endif
} ticket_lock_t;

static inline void ticket_lock_init(ticket_lock_t *l)
{
    l->next = 0;
    l->owner = 0;
#if PM_DEBUG >= 1
    l->holder = NULL;
#endif
}

/* Acquires l; returns true if it had to wait (a contention). */
static inline bool ticket_lock_acquire(ticket_lock_t *l) PM_ACQUIRE(l) PM_NO_TSA
{
    uint32_t me = ck_pr_faa_32(&l->next, 1);
    bool contended = false;
    unsigned spins = 0;

    for (;;) {
        uint32_t now = ck_pr_load_32(&l->owner);

        if (now == me)
            break;
        contended = true;
        /* Only the next in line spins; the others would only burn the
         * time slice that the holder or the next waiter may need. */
        if (me - now == 1 && ++spins < TICKET_SPINS)
            pm_cpu_relax();
        else
            pm_plat_yield();
    }
    ck_pr_fence_lock();
    pm_tsan_acquire(l);
#if PM_DEBUG >= 1
    l->holder = pm_plat_self();
#endif
    return contended;
}

static inline void ticket_lock_release(ticket_lock_t *l) PM_RELEASE(l) PM_NO_TSA
{
#if PM_DEBUG >= 1
    l->holder = NULL;
#endif
    pm_tsan_release(l);
    ck_pr_fence_unlock();
    ck_pr_store_32(&l->owner, l->owner + 1);
}

/* True if the calling thread holds l (debug builds; always true otherwise). */
static inline bool ticket_lock_held(const ticket_lock_t *l)
{
#if PM_DEBUG >= 1
    return l->holder == pm_plat_self();
#else
    (void)l;
    return true;
#endif
}

#endif /* PM_TICKET_LOCK_H */
