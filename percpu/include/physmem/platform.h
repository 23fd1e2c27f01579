/*
 * physmem/platform.h - everything the SMP allocator needs from the
 * environment it runs in, and nothing else.
 *
 * The SMP layer's sources (percpu/src) include only this header, the C11
 * freestanding headers (<stddef.h>, <stdint.h>, <stdbool.h>,
 * <stdatomic.h>) and Concurrency Kit's <ck_pr.h>. Everything else (threads,
 * RCU, the remote barrier, memory) comes through the hooks below.
 *
 * Two kinds of hook:
 *   - inline, by architecture, in this header: pm_cpu_relax(). It is the
 *     only one a spin loop calls on every turn.
 *   - link-time: the pm_plat_* functions declared below. The user-space
 *     platform (percpu/src/platform_user.c: pthreads, liburcu, membarrier,
 *     malloc) defines them in libphysmem_smp; a kernel leaves that file out
 *     and defines its own. None is called on an order-0..3 fast path, and
 *     none is called through a function pointer: a missing hook is a link
 *     error, never a run-time surprise.
 *
 * Contract of each hook ("any context" = also with preemption off; no hook
 * is ever called with interrupts off by physmem, and physmem never calls
 * one while it holds a zone lock or the depot lock):
 *
 *   hook                        | must guarantee                      | may sleep
 *   ----------------------------+-------------------------------------+----------
 *   pm_plat_yield()             | nothing; a hint that a spin waits   | no (*)
 *                               | for a CPU that may not be running   |
 *   pm_plat_remote_barrier_init | returns true if remote_barrier is   | yes
 *                               | usable; called once per allocator   |
 *   pm_plat_remote_barrier()    | when it returns, every other CPU    | yes (user)
 *                               | that runs physmem code has executed | no (kernel:
 *                               | a full memory barrier since the     | an IPI that
 *                               | call began (membarrier(2); an IPI   | waits for
 *                               | whose handler fences and acks)      | its acks)
 *   pm_plat_rcu_read_lock/unlock| an RCU read-side section: a table   | no
 *                               | read inside it stays valid until    |
 *                               | the unlock; may nest; any context   |
 *   pm_plat_rcu_synchronize()   | returns after every read-side       | yes
 *                               | section that began before it ended  |
 *   pm_plat_table_lock/unlock   | mutual exclusion among add_region   | yes
 *                               | calls (of all allocators)           |
 *   pm_plat_alloc(size, align)  | size bytes aligned to align (a      | yes
 *                               | power of two <= 4096), or NULL; used|
 *                               | only by pm_smp_create and           |
 *                               | pm_smp_add_region                   |
 *   pm_plat_free(p)             | frees what pm_plat_alloc returned   | yes
 *   pm_plat_self()              | a token unique to the running       | no
 *                               | thread or CPU (PM_DEBUG >= 1 builds |
 *                               | only: "this CPU holds the lock")    |
 *
 * (*) In user space it is sched_yield(): with more threads than cores, the
 * lock holder or the next ticket may have been preempted. In a kernel the
 * spinner runs with preemption off and the holder is running, so it is
 * empty (or cpu_relax).
 *
 * A kernel that never calls pm_smp_create or pm_smp_add_region (it uses
 * pm_smp_init and pm_smp_add_region_mem with memory it provides) may define
 * pm_plat_alloc to return NULL and pm_plat_free to do nothing.
 */
#ifndef PHYSMEM_PLATFORM_H
#define PHYSMEM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

/* One turn of a spin-wait loop: tells the CPU it is spinning. */
static inline void pm_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#elif defined(__riscv)
    /* Zihintpause's PAUSE, encoded as the FENCE hint it is (pred=W,
     * succ=none), so that assemblers without the extension accept it and
     * cores without it run it as a no-op. */
    __asm__ __volatile__(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory");
#else
    __asm__ __volatile__("" ::: "memory");
#endif
}

void pm_plat_yield(void);

bool pm_plat_remote_barrier_init(void);
void pm_plat_remote_barrier(void);

void pm_plat_rcu_read_lock(void);
void pm_plat_rcu_read_unlock(void);
void pm_plat_rcu_synchronize(void);

void pm_plat_table_lock(void);
void pm_plat_table_unlock(void);

void *pm_plat_alloc(size_t size, size_t align);
void pm_plat_free(void *p);

const void *pm_plat_self(void);

#endif /* PHYSMEM_PLATFORM_H */
