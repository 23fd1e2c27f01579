/*
 * rcu.c - RCU as a small kernel does it without a scheduler: per hart, a
 * nesting count (touched only by that hart) and a sequence number that is
 * odd while the hart is inside a read-side section.
 *
 *   read_lock    outermost only: seq++ (now odd), then fence rw,rw, so the
 *                store is visible before any load of the section
 *   read_unlock  outermost only: seq++ (now even) with release, after
 *                every load of the section
 *   synchronize  fence rw,rw; then for every other online hart: read its
 *                seq, and if odd, wait until it changes (the hart left that
 *                section, or left it and entered a newer one); fence rw,rw
 *
 * Why it is enough: the updater publishes the new table, fences, and reads
 * seq; the reader stores seq, fences, and loads the table pointer. One of
 * the two sees the other's store: either the reader loads the new table,
 * or the updater sees the odd seq and waits for that section to end. A
 * section that began before synchronize has thus ended when it returns.
 * Harts never migrate and sections never sleep, so nothing else is needed;
 * synchronize called inside a section would wait for itself, and ends the
 * run instead.
 */
#include "rcu.h"

#include <stdatomic.h>

#include <physmem/platform.h>

#include "hart.h"
#include "hw.h"
#include "verdict.h"

#define RCU_TIMEOUT_MS 20000u

struct rcu_hart {
    _Atomic uint64_t seq;
    unsigned nest;
    uint64_t syncs;
} __attribute__((aligned(64)));

static struct rcu_hart harts[GUEST_MAX_HARTS];

void rcu_read_lock(void)
{
    struct rcu_hart *r = &harts[hart_id()];

    if (r->nest++ == 0) {
        atomic_store_explicit(&r->seq, atomic_load_explicit(&r->seq, memory_order_relaxed) + 1,
                              memory_order_relaxed);
        hw_fence();
    }
}

void rcu_read_unlock(void)
{
    struct rcu_hart *r = &harts[hart_id()];

    if (r->nest == 0)
        verdict_fail("rcu: read_unlock outside a read-side section");
    if (--r->nest == 0)
        atomic_store_explicit(&r->seq, atomic_load_explicit(&r->seq, memory_order_relaxed) + 1,
                              memory_order_release);
}

void rcu_synchronize(void)
{
    unsigned self = hart_id();
    uint64_t deadline = hw_mtime_ms() + RCU_TIMEOUT_MS;

    if (harts[self].nest != 0)
        verdict_fail("rcu: synchronize inside a read-side section");
    hw_fence();
    for (unsigned h = 0; h < GUEST_MAX_HARTS; h++) {
        uint64_t s;
        unsigned spins = 0;

        if (h == self || !hart_is_online(h))
            continue;
        s = atomic_load_explicit(&harts[h].seq, memory_order_acquire);
        if ((s & 1) == 0)
            continue;
        while (atomic_load_explicit(&harts[h].seq, memory_order_acquire) == s) {
            hart_wait(&spins);
            if (hw_mtime_ms() > deadline)
                verdict_fail("rcu: hart %u stayed in one read-side section for %u ms", h,
                             RCU_TIMEOUT_MS);
        }
    }
    hw_fence();
    harts[self].syncs++;
}

uint64_t rcu_syncs(unsigned hart)
{
    return harts[hart].syncs;
}
