/*
 * physmem/smp.h - the SMP page allocator: zones guarded by ticket spinlocks,
 * per-CPU order-0 magazines with batched refill and drain, a shared depot,
 * per-CPU lists of blocks of orders 1..9, remote drain, and a zone table
 * published with RCU.
 *
 * Which path a request takes (see README.md, Design):
 *   order 0 (1 page)      the CPU's magazines, then the depot, then a zone
 *   orders 1..3 (2..8)    the CPU's list of that order: a stack of up to
 *                         max(2, batch >> k) blocks, refilled with half of
 *                         that (or a whole 64-page run where it fits) from a
 *                         zone under one lock acquisition, and drained by
 *                         half when full; no depot
 *   orders 4..9 (9..512)  the same, with lists of 4 blocks (order 4) and of
 *                         2 blocks (orders 5..9; order 9 is 2 MiB) whatever
 *                         the batch
 *   PM_SMP_NOCACHE        the zones, under their lock, every time
 * Every cached page or block is returned to the zones before any
 * allocation reports PM_ENOMEM.
 *
 * A "CPU" is a slot number 0..ncpus-1. In a kernel the caller passes the
 * current CPU with preemption disabled; in user space each thread uses its
 * own slot (pthreads stand in for CPUs).
 *
 * Threading contract (as liburcu writes it: "may run concurrently with"):
 *
 *   call                     | with itself        | with others
 *   -------------------------+--------------------+------------------------------
 *   pm_smp_alloc/free/bulk   | yes, distinct cpu  | yes: alloc, free, bulk, drain_*,
 *                            | slots; never two   | add_region, stats
 *                            | threads on one slot|
 *   pm_smp_drain_cpu(c)      | yes                | yes, even while slot c's owner
 *                            |                    | allocates (it costs the owner one
 *                            |                    | uncontended atomic per call)
 *   pm_smp_drain_all         | yes                | yes
 *   pm_smp_add_region        | yes (serialized    | yes (memory hot-add)
 *                            | internally)        |
 *   pm_smp_stats             | yes                | yes (exact only when quiet)
 *   pm_smp_check             | no                 | no: the allocator must be quiet
 *   pm_smp_create/destroy    | no                 | no: nothing else may run
 *
 * No thread needs to register: the zone table is read under urcu-bp, whose
 * readers register themselves on first use and are reclaimed when they exit.
 */
#ifndef PHYSMEM_SMP_H
#define PHYSMEM_SMP_H

#include <physmem/physmem.h>

#define PM_MAX_CPUS 256

/* Defaults when the config leaves batch or high at 0. */
#define PM_SMP_DEFAULT_BATCH 64  /* pages per refill or drain; also magazine size */
#define PM_SMP_DEFAULT_HIGH  512 /* pages one CPU may account for: 2 magazines + depot share */

/* pm_smp_config.flags */
#define PM_SMP_NOCACHE 0x1u /* no per-CPU caches (any order): every call takes the zone lock */
/*
 * Double-free detection of cached orders (0..9: all of them). Always: a free of a block
 * that is not a caller's (cached, free, or part of a larger block) is
 * refused with the error pm_buddy_free documents (PM_ENOTALLOC, PM_ESIZE,
 * PM_EALIGN), nothing changed: a cached block is free to the caller, so a
 * second free of it is PM_ENOTALLOC whatever the size. By default the
 * head page's state byte is checked and set with a relaxed load and store
 * (no atomic read-modify-write on the fast path), so two CPUs freeing the
 * same block at the very same instant could both succeed.
 * PM_SMP_STRICT_FREE makes that a compare-and-swap, so even that race is
 * caught, at about 5 ns a free (bench: smp/pair vs strict/pair).
 */
#define PM_SMP_STRICT_FREE 0x2u
/*
 * Never use membarrier(2). A remote drain (pm_smp_drain_cpu, the drain
 * before PM_ENOMEM) must know that the CPU's owner is not inside a call;
 * by default the owner says so with plain stores and the drainer makes them
 * visible with membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED). Where that is
 * missing (Linux before 4.14, or refused), or with this flag, every call
 * the owner makes goes through its slow path with a full fence: correct,
 * and slower. The tests set it to cover that path.
 */
#define PM_SMP_NO_MEMBARRIER 0x4u

typedef struct pm_smp pm_smp_t;

typedef struct pm_smp_config {
    unsigned ncpus; /* 1..PM_MAX_CPUS */
    unsigned batch; /* 0: PM_SMP_DEFAULT_BATCH; 1..PM_SMP_MAX_BATCH; the list of
                       order k in 1..3 holds max(2, batch >> k) blocks */
    unsigned high;  /* 0: PM_SMP_DEFAULT_HIGH; at least 2 * batch */
    unsigned flags;
} pm_smp_config_t;

#define PM_SMP_MAX_BATCH 512

typedef struct pm_smp_stats {
    uint64_t total_pages;
    uint64_t free_pages;   /* free in the zones' buddy cores */
    uint64_t cached_pages; /* in per-CPU magazines, lists and the depot (pages) */
    uint64_t allocations;  /* attempts, all orders */
    uint64_t failed_allocations;
    uint64_t frees;
    uint64_t refills; /* batches moved zone -> CPU (a magazine, or half a list) */
    uint64_t drains;  /* batches moved CPU/depot -> zone (one per zone touched) */
    uint64_t lock_acquisitions;
    uint64_t lock_contentions; /* acquisitions that had to wait */
    uint64_t splits;
    uint64_t coalesces;
    uint64_t zones;
    /* The most pages the caches may hold at once, exactly: 2 magazines a
     * CPU, a full depot (ncpus * (high - 2 * batch) / batch magazines), and
     * full lists on every CPU (sum over k in 1..3 of max(2, batch >> k) << k,
     * plus 4 blocks of order 4 and 2 of each of orders 5..9: 2048 pages);
     * with the defaults ncpus * (512 + 192 + 2048) = ncpus * 2752, 22016
     * pages (86 MiB) at 8 CPUs, 8.4% of a 1 GiB zone. */
    uint64_t max_cached_pages;
    uint64_t meta_bytes; /* out-of-band metadata, all zones */
} pm_smp_stats_t;

/* Creates an allocator with no memory; add zones with pm_smp_add_region.
 * PM_EINVAL for a NULL or bad config. */
pm_err_t pm_smp_create(const pm_smp_config_t *cfg, pm_smp_t **out);
void pm_smp_destroy(pm_smp_t *s);

/*
 * Adds a zone over [base, base + npages pages). Callable at any time, also
 * while other CPUs allocate and free. PM_EINVAL if it overlaps a zone (or
 * npages is 0 or too large), PM_EALIGN for an unaligned base, PM_ERANGE if the
 * range wraps, PM_ENOMEM if the metadata cannot be allocated.
 */
pm_err_t pm_smp_add_region(pm_smp_t *s, pm_paddr_t base, size_t npages);

/* As pm_buddy_alloc / pm_buddy_free, from CPU slot cpu (PM_EINVAL if out of
 * range). A page freed on one CPU may have been allocated on any other. */
PM_NODISCARD pm_err_t pm_smp_alloc(pm_smp_t *s, unsigned cpu, size_t npages, pm_paddr_t *out);
pm_err_t pm_smp_free(pm_smp_t *s, unsigned cpu, pm_paddr_t addr, size_t npages);

/* Up to count order-0 pages into out[]; returns how many (fewer only when
 * no page is free anywhere: the caches are drained first). */
size_t pm_smp_alloc_bulk(pm_smp_t *s, unsigned cpu, size_t count, pm_paddr_t *out);

/* Gives back everything CPU cpu caches, magazines and lists (a CPU going
 * offline). */
void pm_smp_drain_cpu(pm_smp_t *s, unsigned cpu);
/* Every CPU's cache and the depot back to the zones. */
void pm_smp_drain_all(pm_smp_t *s);

void pm_smp_stats(pm_smp_t *s, pm_smp_stats_t *out);

/* Per-order counts summed over the zones (free_blocks: in the buddy cores). */
void pm_smp_order_stats(pm_smp_t *s, pm_order_stats_t out[PM_NR_ORDERS]);

/* Whole-structure invariants on a quiet allocator: PM_OK or PM_ECORRUPT. */
pm_err_t pm_smp_check(pm_smp_t *s);

/* The configuration in force (defaults filled in). */
void pm_smp_get_config(const pm_smp_t *s, pm_smp_config_t *out);

#endif /* PHYSMEM_SMP_H */
