/*
 * spinlock.h - a ticket spinlock: FIFO, one atomic add to take a ticket,
 * spinning with pm_cpu_relax() (interrupts stay on: a holder never waits
 * for an interrupt handler, and the handler takes no lock).
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include <stdatomic.h>
#include <stdint.h>

#include <physmem/platform.h>

struct spinlock {
    _Atomic uint32_t next;
    _Atomic uint32_t owner;
};

static inline void spin_lock(struct spinlock *l)
{
    uint32_t me = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);

    while (atomic_load_explicit(&l->owner, memory_order_acquire) != me)
        pm_cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
    atomic_store_explicit(&l->owner, atomic_load_explicit(&l->owner, memory_order_relaxed) + 1,
                          memory_order_release);
}

#endif /* GUEST_SPINLOCK_H */
