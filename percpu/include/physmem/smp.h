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
 *   orders 4..9 (9..512)  the same, with lists of 4 blocks (orders 4..7)
 *                         and of 2 blocks (orders 8 and 9; order 9 is
 *                         2 MiB) whatever the batch; a block freed on
 *                         another CPU than the one that allocated it goes
 *                         back to its zone under one lock acquisition
 *                         (where it merges and any CPU finds it), not on
 *                         the freeing CPU's list
 *   PM_SMP_NOCACHE        the zones, under their lock, every time
 * Every cached page or block is returned to the zones before any
 * allocation reports PM_ENOMEM, which then means: no zone holds a free,
 * naturally aligned block of the order (error.h). Each region added is a
 * zone of its own, and zones never merge: two adjacent regions whose
 * union is a free aligned 2 MiB run still answer PM_ENOMEM to 512 pages.
 * Add a range as one region to get blocks across it.
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
 * No thread needs to register: the zone table is read under the platform's
 * RCU (urcu-bp in user space, whose readers register themselves on first
 * use and are reclaimed when they exit).
 *
 * Contract: the errors each function can return, in the order it checks
 * them. On an error the allocator is exactly as it was and no
 * out-parameter is written (a failed allocation may have drained the
 * caches back to the zones first: that moves pages, it changes no answer).
 *
 *   pm_smp_create      PM_EINVAL (NULL cfg or out; a field outside its bound,
 *                      below; nothing allocated), PM_ENOMEM (nothing left allocated)
 *   pm_smp_mem_size    PM_EINVAL (NULL cfg or bytes; a field outside its bound)
 *   pm_smp_init        PM_EINVAL (NULL cfg, mem or out; mem not PM_SMP_MEM_ALIGN
 *                      aligned; a field outside its bound; size below
 *                      pm_smp_mem_size): nothing written
 *   pm_smp_add_region  PM_EINVAL (NULL s, npages 0 or above 2^32), PM_EALIGN (base),
 *                      PM_ERANGE (wraps past 2^64), PM_EINVAL (overlaps a zone),
 *                      PM_ENOMEM (PM_SMP_MAX_ZONES zones already; the zone's
 *                      metadata, 13 bytes a page, cannot be had)
 *   pm_smp_add_region_mem   as pm_smp_add_region, and PM_EINVAL for a NULL,
 *                      misaligned or short meta (nothing written to it)
 *   pm_smp_add_region_carve as pm_smp_add_region, and PM_EINVAL for a NULL or
 *                      misaligned base_va, or a region too small for its
 *                      metadata and one page (nothing written to it)
 *   pm_smp_region_meta_size PM_EINVAL (NULL bytes, npages 0 or above 2^32)
 *   pm_smp_alloc       PM_EINVAL (NULL s or out, cpu >= ncpus), PM_EZERO,
 *                      PM_ETOOLARGE, PM_ENOMEM (see above and error.h)
 *   pm_smp_free        PM_EINVAL (NULL s, cpu >= ncpus), then pm_buddy_free's:
 *                      PM_EZERO, PM_EALIGN (page), PM_ERANGE (in no zone),
 *                      PM_ETOOLARGE, PM_EALIGN (order), PM_ENOTALLOC (a cached
 *                      block too: a double free), PM_ESIZE
 *   pm_smp_check       PM_EINVAL (NULL s), PM_ECORRUPT (it allocates nothing: its
 *                      marks are a spare bit of each page's state byte)
 *   pm_smp_alloc_bulk  no error code: how many pages; 0 for a NULL s or out, a bad
 *                      cpu, count 0, or no free page anywhere
 *   pm_smp_destroy, _fini, _drain_cpu, _drain_all, _stats, _order_stats, _get_config:
 *                      no error; a NULL s or out, or a bad cpu, is ignored (the
 *                      statistics of a NULL s are zeroed)
 */
#ifndef PHYSMEM_SMP_H
#define PHYSMEM_SMP_H

#include <physmem/physmem.h>

/*
 * The configuration's bounds (pm_smp_config_t below). pm_smp_create refuses
 * a config outside them with PM_EINVAL and allocates nothing; inside them,
 * everything it allocates is sized up front in 64 bits: just over 64 MiB at
 * most (256 CPUs, batch 1, high 4096: a million one-page magazines), about
 * 9 KiB a CPU with the defaults.
 */
#define PM_MAX_CPUS      256  /* ncpus: 1..PM_MAX_CPUS */
#define PM_SMP_MAX_BATCH 512  /* batch: 0 (the default) or 1..PM_SMP_MAX_BATCH */
#define PM_SMP_MAX_HIGH  4096 /* high: 0 (the default) or 2 * batch..PM_SMP_MAX_HIGH */

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
/* flags: any OR of these; any other bit is PM_EINVAL. */
#define PM_SMP_FLAGS_ALL (PM_SMP_NOCACHE | PM_SMP_STRICT_FREE | PM_SMP_NO_MEMBARRIER)

typedef struct pm_smp pm_smp_t;

typedef struct pm_smp_config {
    unsigned ncpus; /* 1..PM_MAX_CPUS */
    unsigned batch; /* 0: PM_SMP_DEFAULT_BATCH (64); else 1..PM_SMP_MAX_BATCH; the list
                       of order k in 1..3 holds max(2, batch >> k) blocks */
    unsigned high;  /* 0: max(PM_SMP_DEFAULT_HIGH, 2 * batch), so 512 up to batch 256
                       and 2 * batch above (1024 for batch 512); else
                       2 * batch..PM_SMP_MAX_HIGH */
    unsigned flags; /* PM_SMP_* above, within PM_SMP_FLAGS_ALL */
} pm_smp_config_t;

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
     * plus 4 blocks of each of orders 4..7 and 2 of 8 and 9: 2496 pages);
     * with the defaults ncpus * (512 + 192 + 2496) = ncpus * 3200, 25600
     * pages (100 MiB) at 8 CPUs, 9.8% of a 1 GiB zone. */
    uint64_t max_cached_pages;
    uint64_t meta_bytes; /* out-of-band metadata, all zones */
} pm_smp_stats_t;

/* ---- Embedding: an allocator in memory the caller provides (a kernel) ----
 *
 * pm_smp_create and pm_smp_add_region take their metadata from
 * pm_plat_alloc (malloc in user space). A kernel that has no allocator yet
 * (this is its page allocator) sizes and places everything itself:
 *
 *   size_t sz; pm_smp_mem_size(&cfg, &sz);           bytes for the allocator
 *   pm_smp_init(&cfg, buf, sz, &s);                  buf: PM_SMP_MEM_ALIGN aligned
 *   pm_smp_add_region_carve(s, base, n, va, &used);  metadata in the region's
 *                                                    own first pages, or
 *   pm_smp_region_meta_size(base, n, &msz);
 *   pm_smp_add_region_mem(s, base, n, meta, msz);    metadata where it says
 *
 * Metadata never sits in a page that is handed out: carved pages are left
 * out of the zone. Every call checks its buffer and returns PM_EINVAL
 * (NULL, misaligned, too small) having written nothing.
 */
#define PM_SMP_MEM_ALIGN 64  /* alignment of every buffer given to physmem */
#define PM_SMP_MAX_ZONES 128 /* zones (regions) one allocator holds */

/* Bytes pm_smp_init needs for cfg. PM_EINVAL for a NULL or bad config. */
pm_err_t pm_smp_mem_size(const pm_smp_config_t *cfg, size_t *bytes);

/* Builds an allocator with no memory in mem[0..size). PM_EINVAL for a NULL
 * or bad config, NULL mem or out, mem not PM_SMP_MEM_ALIGN aligned, or size
 * below pm_smp_mem_size. Undo with pm_smp_fini. */
pm_err_t pm_smp_init(const pm_smp_config_t *cfg, void *mem, size_t size, pm_smp_t **out);

/* Ends an allocator made by pm_smp_init (zones added by pm_smp_add_region
 * are freed with pm_plat_free); the buffers are the caller's again. */
void pm_smp_fini(pm_smp_t *s);

/* Bytes of metadata a zone over [base, base + npages pages) needs in
 * pm_smp_add_region_mem. PM_EINVAL for npages 0 or too large. */
pm_err_t pm_smp_region_meta_size(pm_paddr_t base, size_t npages, size_t *bytes);

/* As pm_smp_add_region, with the zone's metadata in meta[0..size)
 * (PM_SMP_MEM_ALIGN aligned), which physmem owns until pm_smp_fini.
 * PM_EINVAL also for a NULL, misaligned or short buffer. */
pm_err_t pm_smp_add_region_mem(pm_smp_t *s, pm_paddr_t base, size_t npages, void *meta,
                               size_t size);

/* As pm_smp_add_region, with the metadata carved from the region's own
 * first pages: base_va is where the caller reaches physical page `base`
 * (PM_SMP_MEM_ALIGN aligned). The zone covers the pages after them;
 * *meta_pages (if not NULL) gets how many were carved. PM_EINVAL also if
 * the region is too small to hold its metadata and one page. */
pm_err_t pm_smp_add_region_carve(pm_smp_t *s, pm_paddr_t base, size_t npages, void *base_va,
                                 size_t *meta_pages);

/* Creates an allocator with no memory; add zones with pm_smp_add_region.
 * pm_smp_init over one pm_plat_alloc'd buffer of pm_smp_mem_size bytes.
 * PM_EINVAL for a NULL or out-of-bounds config (nothing allocated),
 * PM_ENOMEM when that buffer cannot be allocated. */
pm_err_t pm_smp_create(const pm_smp_config_t *cfg, pm_smp_t **out);
void pm_smp_destroy(pm_smp_t *s);

/*
 * Adds a zone over [base, base + npages pages). Callable at any time, also
 * while other CPUs allocate and free. PM_EINVAL if npages is 0 or above
 * PM_BUDDY_MAX_PAGES, or the range overlaps a zone (checked before the
 * metadata is allocated), PM_EALIGN for an unaligned base, PM_ERANGE if the
 * range wraps, PM_ENOMEM if the metadata cannot be allocated. The zone never
 * merges with another, adjacent or not.
 */
pm_err_t pm_smp_add_region(pm_smp_t *s, pm_paddr_t base, size_t npages);

/* As pm_buddy_alloc / pm_buddy_free, from CPU slot cpu (PM_EINVAL if out of
 * range). A page freed on one CPU may have been allocated on any other
 * (from order 4 up such a free takes the zone lock: see above). */
PM_NODISCARD pm_err_t pm_smp_alloc(pm_smp_t *s, unsigned cpu, size_t npages, pm_paddr_t *out);
pm_err_t pm_smp_free(pm_smp_t *s, unsigned cpu, pm_paddr_t addr, size_t npages);

/* Up to count order-0 pages into out[]; returns how many (fewer only when
 * no page is free anywhere: the caches are drained first). */
size_t pm_smp_alloc_bulk(pm_smp_t *s, unsigned cpu, size_t count, pm_paddr_t *out);

/* Gives back everything CPU cpu caches, magazines and lists (a CPU going
 * offline). A NULL s or a cpu >= ncpus is ignored. */
void pm_smp_drain_cpu(pm_smp_t *s, unsigned cpu);
/* Every CPU's cache and the depot back to the zones. */
void pm_smp_drain_all(pm_smp_t *s);

void pm_smp_stats(pm_smp_t *s, pm_smp_stats_t *out);

/* Per-order counts summed over the zones (free_blocks: in the buddy cores). */
void pm_smp_order_stats(pm_smp_t *s, pm_order_stats_t out[PM_NR_ORDERS]);

/* Whole-structure invariants on a quiet allocator: PM_OK or PM_ECORRUPT
 * (PM_EINVAL for NULL). Allocates nothing. */
pm_err_t pm_smp_check(pm_smp_t *s);

/* The configuration in force (defaults filled in). */
void pm_smp_get_config(const pm_smp_t *s, pm_smp_config_t *out);

#endif /* PHYSMEM_SMP_H */
