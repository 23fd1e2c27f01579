/*
 * platform_user.c - the user-space platform (physmem/platform.h): what
 * pm_smp_create gets on Linux, with pthreads standing in for CPUs.
 *
 *   yield            sched_yield()
 *   remote barrier   membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), registered
 *                    once per process; unavailable (Linux < 4.14, or
 *                    refused) means fence mode
 *   RCU              liburcu's urcu-bp flavour: a thread needs no call before
 *                    its first read-side section (it registers itself) and
 *                    leaves nothing behind when it exits, and the allocator's
 *                    callers are arbitrary threads that know nothing of RCU
 *   table lock       one process-wide pthread mutex
 *   memory           aligned_alloc / free
 *   self             the address of a thread-local byte
 *
 * ThreadSanitizer and liburcu 0.13: TSan does not see the grace period. In
 * TSan builds each reader releases on `gp_token` as it leaves its section,
 * and synchronize acquires it after the grace period, so the reuse of the
 * old table's buffer is ordered after every read of it. The CTest fault
 * proofs fault.no-grace-period.tsan and fault.publish-early.tsan show TSan
 * still reports the real race when the grace period is skipped.
 */
#define _GNU_SOURCE /* syscall() */
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <urcu-bp.h>

#include <physmem/platform.h>

#include "tsan.h"

void pm_plat_yield(void)
{
    sched_yield();
}

static pthread_once_t membarrier_once = PTHREAD_ONCE_INIT;
static bool membarrier_ok;

static void membarrier_register(void)
{
    long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

    membarrier_ok = cmds >= 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 &&
                    syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

bool pm_plat_remote_barrier_init(void)
{
    pthread_once(&membarrier_once, membarrier_register);
    return membarrier_ok;
}

void pm_plat_remote_barrier(void)
{
    syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
}

static char gp_token; /* TSan's name for "the grace period" */

void pm_plat_rcu_read_lock(void)
{
    urcu_bp_read_lock();
}

void pm_plat_rcu_read_unlock(void)
{
    pm_tsan_release(&gp_token);
    urcu_bp_read_unlock();
}

void pm_plat_rcu_synchronize(void)
{
    urcu_bp_synchronize_rcu();
    pm_tsan_acquire(&gp_token);
}

static pthread_mutex_t table_mutex = PTHREAD_MUTEX_INITIALIZER;

void pm_plat_table_lock(void)
{
    pthread_mutex_lock(&table_mutex);
}

void pm_plat_table_unlock(void)
{
    pthread_mutex_unlock(&table_mutex);
}

void *pm_plat_alloc(size_t size, size_t align)
{
    /* aligned_alloc wants a multiple of the alignment */
    size_t rounded = (size + align - 1) & ~(align - 1);

    return aligned_alloc(align, rounded > 0 ? rounded : align);
}

void pm_plat_free(void *p)
{
    free(p);
}

const void *pm_plat_self(void)
{
    static _Thread_local char token;

    return &token;
}
