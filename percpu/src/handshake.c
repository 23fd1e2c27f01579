/*
 * handshake.c - the owner/drainer handshake's slow halves (see
 * handshake.h): the owner that finds a drainer or the fence mode, and the
 * drainer that takes a CPU's cache away from its owner.
 *
 * The only platform hooks here are the remote barrier (a drainer's) and
 * the spin wait's yield, both off every fast path.
 */
#include <physmem/platform.h>

#include "handshake.h"
#include "tsan.h"

/* One turn of a spin wait on another CPU: pause, then yield. */
static void cpu_wait(unsigned *spins)
{
    if (++*spins < 64)
        pm_cpu_relax();
    else
        pm_plat_yield();
}

/*
 * The owner found slow bits set on entry (busy is 1): the full fence that
 * no remote barrier gives, then, while a drainer is there, step out
 * (busy 0), wait, and step in again with a full fence. Returns the
 * permanent modes.
 */
PM_NOINLINE PM_COLD unsigned cpu_enter_slow(struct cpu_cache *c, unsigned slow)
{
    unsigned spins = 0;

    for (;;) {
        if (slow & CPU_SLOW_FENCE) {
            pm_fence_full(&c->slow);
            slow = atomic_load_explicit(&c->slow, memory_order_acquire);
        }
        if ((slow & CPU_SLOW_DRAIN) == 0)
            return slow;
        atomic_store_explicit(&c->busy, 0u, memory_order_release);
        while ((atomic_load_explicit(&c->slow, memory_order_acquire) & CPU_SLOW_DRAIN) != 0)
            cpu_wait(&spins);
        atomic_store_explicit(&c->busy, 1u, memory_order_relaxed);
        pm_fence_full(&c->slow);
        slow = atomic_load_explicit(&c->slow, memory_order_acquire);
    }
}

void cpu_drain_begin(struct cpu_cache *c, unsigned mode) PM_NO_TSA
{
    unsigned spins = 0;

    ticket_lock_acquire(&c->drain_lock);
    atomic_store_explicit(&c->slow, mode | CPU_SLOW_DRAIN, memory_order_relaxed);
    if (mode & CPU_SLOW_FENCE)
        pm_fence_full(&c->slow); /* pairs with the owner's, on the same word */
    else
        pm_plat_remote_barrier();
    while (atomic_load_explicit(&c->busy, memory_order_acquire) != 0)
        cpu_wait(&spins);
}

void cpu_drain_end(struct cpu_cache *c, unsigned mode) PM_NO_TSA
{
    atomic_store_explicit(&c->slow, mode, memory_order_release);
    ticket_lock_release(&c->drain_lock);
}
