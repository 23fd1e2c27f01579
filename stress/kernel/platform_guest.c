/*
 * platform_guest.c - physmem's platform hooks (physmem/platform.h) as this
 * kernel implements them. A CPU slot is a hart; physmem runs with
 * interrupts on and never migrates.
 *
 *   pm_plat_yield                 nothing: the lock holder is running
 *   pm_plat_remote_barrier_init   true in IPI mode, false in fence mode
 *                                 (physmem then fences on every owner call)
 *   pm_plat_remote_barrier        ipi_barrier(): CLINT MSIP to every other
 *                                 hart, whose handler fences and acks; in
 *                                 fence mode it must never be called
 *   pm_plat_rcu_*                 rcu.c's per-hart epochs
 *   pm_plat_table_lock/unlock     a ticket spinlock
 *   pm_plat_alloc/free            none: the guest gives physmem all its
 *                                 memory (pm_smp_init, _add_region_carve,
 *                                 _add_region_mem), so a call is counted
 *                                 and refused, and the verdict fails on it
 *   pm_plat_self                  the hart's struct hart (tp)
 */
#include <stdatomic.h>

#include <physmem/platform.h>

#include "config.h"
#include "hart.h"
#include "ipi.h"
#include "platform_guest.h"
#include "rcu.h"
#include "spinlock.h"
#include "verdict.h"

static struct spinlock table_lock;
static _Atomic uint64_t plat_alloc_calls;
static _Atomic uint64_t barrier_inits;

void pm_plat_yield(void) {}

bool pm_plat_remote_barrier_init(void)
{
    atomic_fetch_add_explicit(&barrier_inits, 1, memory_order_relaxed);
    return guest_config.mode == GUEST_MODE_IPI;
}

void pm_plat_remote_barrier(void)
{
    if (guest_config.mode != GUEST_MODE_IPI)
        verdict_fail("pm_plat_remote_barrier called in fence mode (init said no)");
    ipi_barrier();
}

void pm_plat_rcu_read_lock(void)
{
    rcu_read_lock();
}

void pm_plat_rcu_read_unlock(void)
{
    rcu_read_unlock();
}

void pm_plat_rcu_synchronize(void)
{
    rcu_synchronize();
}

void pm_plat_table_lock(void)
{
    spin_lock(&table_lock);
}

void pm_plat_table_unlock(void)
{
    spin_unlock(&table_lock);
}

void *pm_plat_alloc(size_t size, size_t align)
{
    (void)size;
    (void)align;
    atomic_fetch_add_explicit(&plat_alloc_calls, 1, memory_order_relaxed);
    return NULL;
}

void pm_plat_free(void *p)
{
    if (p != NULL)
        verdict_fail("pm_plat_free(%lx): pm_plat_alloc never returned memory",
                     (unsigned long)(uintptr_t)p);
}

const void *pm_plat_self(void)
{
    return hart_self();
}

uint64_t platform_alloc_calls(void)
{
    return atomic_load_explicit(&plat_alloc_calls, memory_order_relaxed);
}

uint64_t platform_barrier_inits(void)
{
    return atomic_load_explicit(&barrier_inits, memory_order_relaxed);
}
