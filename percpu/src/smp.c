/*
 * smp.c - the SMP allocator's public API: create, regions, alloc, free,
 * bulk, drain, stats.
 *
 * Design
 * ------
 * Order-0 requests are served by the calling CPU's two magazines (Bonwick):
 *
 *   alloc: pop `loaded`                                  <- fast path, inline
 *          else swap with `previous` if it has pages
 *          else trade the empty `previous` at the depot for a full one
 *          else refill `loaded` with `batch` pages, one zone-lock acquisition
 *          else drain every CPU and the depot, and try once more: PM_ENOMEM
 *               means no free page exists anywhere.
 *   free:  push `loaded`                                 <- fast path, inline
 *          else swap with `previous` if it is empty
 *          else trade the full `previous` at the depot for an empty one
 *          else drain `previous` (one batch, one zone-lock acquisition).
 *
 * The fast path has no lock: the owner marks itself busy with a plain store,
 * and a remote drainer waits for it (see struct cpu_cache). It is a few
 * loads and stores, and on free one compare-and-swap of the page's state
 * byte (USER -> CACHED) that catches a double free even when two CPUs race
 * to free the same page. Everything
 * else is out of line, PM_NOINLINE PM_COLD, like mimalloc's mi_malloc
 * falling to _mi_malloc_generic.
 *
 * Orders 1..9 are served by the calling CPU's per-order lists (pcp.h), as
 * Linux's per-CPU page lists do since 5.13 (orders 4..9 hold a handful of
 * blocks each, so cached memory stays small):
 *
 *   alloc: pop the order's list                          <- fast path (hot, tail-called)
 *          else refill half the list's capacity (at least one block) with
 *               blocks of that order, one zone-lock acquisition
 *          else drain every CPU and the depot, and try once more.
 *   free:  push the order's list                         <- fast path (hot, tail-called)
 *          else drain the older half of the list (at least one block), one
 *               zone-lock acquisition.
 *
 * A block's head page records who has it and its order (zone.h): a free of
 * order k turns USER|k into CACHED|k, so a cached block is free to the
 * caller (a second free is PM_ENOTALLOC), and a free with another order of
 * a caller's block is refused by the core (PM_ESIZE, PM_EALIGN).
 *
 * Only PM_SMP_NOCACHE sends a request to the zones directly, under the lock.
 *
 * Lock order: cpu (busy, or drain_lock) -> depot lock -> zone lock. A CPU
 * never drains another while it is busy on its own slot: the drain before
 * PM_ENOMEM ends its own call first.
 *
 * Worked example (batch 4): CPU 0 allocates 9 pages from an empty cache.
 * Page 1 finds both magazines empty and the depot empty: refill takes 4
 * pages (pfn 0,1,2,3) under one lock, pops pfn 3. Pages 2-4 pop 2,1,0.
 * Page 5 refills again (4..7). The buddy core split one order-3 block for
 * all of that: pfn 0 ^ (1 << 2) = 4 was the buddy of the first half.
 */
#define _GNU_SOURCE /* syscall() */
#include <linux/membarrier.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fault.h"
#include "smp_internal.h"

/* ---- zones ---------------------------------------------------------------- */

PM_NOINLINE struct zone *smp_zone_lookup(struct pm_smp *s, uint64_t pfn)
{
    return zone_table_find(&s->table, pfn);
}

/* ---- owner and drainer (see struct cpu_cache) ------------------------------ */

static void cpu_wait(unsigned *spins)
{
    if (++*spins < 64)
        __builtin_ia32_pause();
    else
        sched_yield();
}

/*
 * The owner found slow bits set on entry (busy is 1): the full fence
 * membarrier cannot give, then, while a drainer is there, step out (busy 0),
 * wait, and step in again with a full fence. Returns the permanent modes.
 */
PM_NOINLINE PM_COLD unsigned cpu_enter_slow(struct cpu_cache *c, unsigned slow)
{
    unsigned spins = 0;

    for (;;) {
        if (slow & CPU_SLOW_FENCE) {
            atomic_thread_fence(memory_order_seq_cst);
            slow = atomic_load_explicit(&c->slow, memory_order_acquire);
        }
        if ((slow & CPU_SLOW_DRAIN) == 0)
            return slow;
        atomic_store_explicit(&c->busy, 0u, memory_order_release);
        while ((atomic_load_explicit(&c->slow, memory_order_acquire) & CPU_SLOW_DRAIN) != 0)
            cpu_wait(&spins);
        atomic_store_explicit(&c->busy, 1u, memory_order_relaxed);
        atomic_thread_fence(memory_order_seq_cst);
        slow = atomic_load_explicit(&c->slow, memory_order_acquire);
    }
}

static void smp_heavy_barrier(struct pm_smp *s)
{
    if (s->membarrier)
        syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
    else
        atomic_thread_fence(memory_order_seq_cst);
}

void cpu_drain_begin(struct pm_smp *s, struct cpu_cache *c) PM_NO_TSA
{
    unsigned spins = 0;

    ticket_lock_acquire(&c->drain_lock);
    atomic_store_explicit(&c->slow, s->mode | CPU_SLOW_DRAIN, memory_order_relaxed);
    smp_heavy_barrier(s);
    while (atomic_load_explicit(&c->busy, memory_order_acquire) != 0)
        cpu_wait(&spins);
}

void cpu_drain_end(struct pm_smp *s, struct cpu_cache *c) PM_NO_TSA
{
    atomic_store_explicit(&c->slow, s->mode, memory_order_release);
    ticket_lock_release(&c->drain_lock);
}

static bool smp_membarrier_register(void)
{
    long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

    if (cmds < 0 || (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0)
        return false;
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

/* ---- create / destroy ----------------------------------------------------- */

/* Every CPU's first zone guess: it holds no page, so the first free of each
 * CPU takes its slow path and finds the real zone. Never locked. */
static struct zone smp_no_zone;

/* A magazine and its round[] and ps[] arrays. */
static size_t mag_stride(unsigned batch)
{
    size_t sz =
        sizeof(struct mag) + (size_t)batch * (sizeof(pm_paddr_t) + sizeof(_Atomic uint8_t *));
    return (sz + PM_CACHE_LINE - 1) & ~(size_t)(PM_CACHE_LINE - 1);
}

static struct mag *mag_at(struct pm_smp *s, unsigned i)
{
    return (struct mag *)((char *)s->mag_pool + (size_t)i * mag_stride(s->batch));
}

static pm_err_t smp_config_resolve(const pm_smp_config_t *cfg, pm_smp_config_t *out)
{
    *out = *cfg;
    if (out->ncpus == 0 || out->ncpus > PM_MAX_CPUS)
        return PM_EINVAL;
    if ((out->flags & ~(PM_SMP_NOCACHE | PM_SMP_STRICT_FREE | PM_SMP_NO_MEMBARRIER)) != 0)
        return PM_EINVAL;
    if (out->batch == 0)
        out->batch = PM_SMP_DEFAULT_BATCH;
    if (out->batch > PM_SMP_MAX_BATCH)
        return PM_EINVAL;
    if (out->high == 0)
        out->high = out->batch * 2 > PM_SMP_DEFAULT_HIGH ? out->batch * 2 : PM_SMP_DEFAULT_HIGH;
    if (out->high < 2 * out->batch)
        return PM_EINVAL;
    return PM_OK;
}

pm_err_t pm_smp_create(const pm_smp_config_t *cfg, pm_smp_t **out)
{
    pm_smp_config_t c;
    struct pm_smp *s;
    unsigned max_full, pcp_blocks;
    pm_err_t err;

    if (cfg == NULL || out == NULL)
        return PM_EINVAL;
    err = smp_config_resolve(cfg, &c);
    if (err != PM_OK)
        return err;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return PM_ENOMEM;
    s->ncpus = c.ncpus;
    s->batch = c.batch;
    s->high = c.high;
    s->flags = c.flags;
    s->cached = (c.flags & PM_SMP_NOCACHE) == 0;
    s->membarrier = s->cached && (c.flags & PM_SMP_NO_MEMBARRIER) == 0 && smp_membarrier_register();
    s->strict = (c.flags & PM_SMP_STRICT_FREE) != 0;
    /* Without caches pm_smp_alloc and pm_smp_free go straight to the
     * general path, and nothing is ever drained: no mode, no fence. */
    s->mode = !s->cached
                  ? 0u
                  : (s->membarrier ? 0u : CPU_SLOW_FENCE) | (s->strict ? CPU_SLOW_STRICT : 0u);
    /* Each CPU may account for `high` pages: 2 magazines of its own, the
     * rest as its share of the depot's full magazines. */
    max_full = s->cached ? (unsigned)((uint64_t)c.ncpus * (c.high - 2 * c.batch) / c.batch) : 0;
    depot_init(&s->depot, max_full);
    pthread_mutex_init(&s->table_mutex, NULL);
    s->cpus = aligned_alloc(PM_CACHE_LINE, sizeof(struct cpu_cache) * c.ncpus);
    s->nmags = s->cached ? 2 * c.ncpus + max_full + 1 : 0;
    s->mag_pool = s->nmags ? aligned_alloc(PM_CACHE_LINE, mag_stride(c.batch) * s->nmags) : NULL;
    pcp_blocks = s->cached ? pcp_stride(c.batch) : 0;
    s->pcp_pool = s->cached ? pcp_pool_alloc(c.ncpus, c.batch) : NULL;
    if (s->cpus == NULL || (s->nmags && s->mag_pool == NULL) ||
        (s->cached && s->pcp_pool == NULL)) {
        free(s->cpus);
        free(s->mag_pool);
        free(s->pcp_pool);
        free(s);
        return PM_ENOMEM;
    }
    memset(s->cpus, 0, sizeof(struct cpu_cache) * c.ncpus);
    for (unsigned i = 0; i < s->nmags; i++) {
        struct mag *m = mag_at(s, i);
        m->next = NULL;
        m->rounds = 0;
        m->capacity = c.batch;
        m->ps = (_Atomic uint8_t **)(void *)&m->round[c.batch];
    }
    for (unsigned i = 0; i < c.ncpus; i++) {
        atomic_init(&s->cpus[i].busy, 0u);
        atomic_init(&s->cpus[i].slow, s->mode);
        s->cpus[i].zone = &smp_no_zone;
        ticket_lock_init(&s->cpus[i].drain_lock);
        s->cpus[i].loaded = s->cached ? mag_at(s, 2 * i) : NULL;
        s->cpus[i].previous = s->cached ? mag_at(s, 2 * i + 1) : NULL;
        for (unsigned k = 1, at = 0; s->cached && k <= PCP_MAX_ORDER; k++) {
            struct pcp_list *l = &s->cpus[i].pcp[k - 1];

            l->capacity = pcp_capacity(c.batch, k);
            l->blk = &s->pcp_pool[(size_t)i * pcp_blocks + at];
            at += l->capacity;
        }
    }
    for (unsigned i = 2 * c.ncpus; i < s->nmags; i++)
        depot_put_empty(&s->depot, mag_at(s, i));
    *out = s;
    return PM_OK;
}

void pm_smp_destroy(pm_smp_t *s)
{
    if (s == NULL)
        return;
    if (s->table != NULL) {
        for (unsigned i = 0; i < s->table->nzones; i++)
            zone_destroy(s->table->zones[i]);
        zone_table_free(&s->table);
    }
    pthread_mutex_destroy(&s->table_mutex);
    free(s->mag_pool);
    free(s->pcp_pool);
    free(s->cpus);
    free(s);
}

void pm_smp_get_config(const pm_smp_t *s, pm_smp_config_t *out)
{
    if (s == NULL || out == NULL)
        return;
    out->ncpus = s->ncpus;
    out->batch = s->batch;
    out->high = s->high;
    out->flags = s->flags;
}

pm_err_t pm_smp_add_region(pm_smp_t *s, pm_paddr_t base, size_t npages)
{
    struct zone *z;
    pm_err_t err;

    if (s == NULL || npages == 0 || (uint64_t)npages > PM_BUDDY_MAX_PAGES)
        return PM_EINVAL;
    if (!pm_paddr_is_page_aligned(base))
        return PM_EALIGN;
    if (pm_paddr_pfn(base) + (uint64_t)npages > ((uint64_t)1 << (64 - PM_PAGE_SHIFT)))
        return PM_ERANGE;
    err = zone_create(base, npages, &z);
    if (err != PM_OK)
        return err;
    pthread_mutex_lock(&s->table_mutex);
    err = zone_table_insert(&s->table, z);
    pthread_mutex_unlock(&s->table_mutex);
    if (err != PM_OK)
        zone_destroy(z);
    return err;
}

/* ---- zone-direct paths (PM_SMP_NOCACHE) ----------------------------------- */

/* One pass over the zones for a block of `npages`. */
static pm_err_t zones_alloc(struct pm_smp *s, size_t npages, pm_paddr_t *out)
{
    unsigned nzones = 0;

    for (unsigned k = 0;; k++) {
        struct zone *z = zone_table_nth(&s->table, k, &nzones);
        pm_err_t err;

        if (z == NULL || k >= nzones)
            return PM_ENOMEM;
        zone_lock(z);
        err = pm_buddy_alloc(&z->buddy, npages, out);
        zone_unlock(z);
        if (err == PM_OK)
            return PM_OK;
    }
}

/* ---- drains ----------------------------------------------------------------- */

static void cpu_drain_locked(struct pm_smp *s, struct cpu_cache *c)
{
    mag_drain(s, c->loaded);
    mag_drain(s, c->previous);
    for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
        pcp_drain(s, &c->pcp[k - 1], k, c->pcp[k - 1].count);
}

void pm_smp_drain_cpu(pm_smp_t *s, unsigned cpu)
{
    struct cpu_cache *c;

    if (s == NULL || cpu >= s->ncpus || !s->cached)
        return;
    c = &s->cpus[cpu];
    cpu_drain_begin(s, c);
    cpu_drain_locked(s, c);
    cpu_drain_end(s, c);
}

void pm_smp_drain_all(pm_smp_t *s)
{
    struct mag *m;

    if (s == NULL || !s->cached)
        return;
    for (unsigned i = 0; i < s->ncpus; i++)
        pm_smp_drain_cpu(s, i);
    m = depot_take_all_full(&s->depot);
    while (m != NULL) {
        struct mag *next = m->next;

        m->next = NULL;
        mag_drain(s, m);
        depot_put_empty(&s->depot, m);
        m = next;
    }
}

/* ---- order-0 slow paths (the CPU lock is held on entry, released on exit) --- */

/* Pops a page of a non-empty `loaded` and marks it the caller's. */
static inline pm_paddr_t cpu_take(struct cpu_cache *c)
{
    struct mag *m = c->loaded;
    _Atomic uint8_t *ps;
    pm_paddr_t a = mag_pop(m, &ps);

    if (pm_fault_active(PM_FAULT_DOUBLE_HANDOUT) && (pm_paddr_pfn(a) & 63) == 0)
        m->rounds++; /* injected: the page stays cached as well */
    atomic_store_explicit(ps, ZONE_PAGE_USER, memory_order_relaxed);
    return a;
}

static inline void cpu_swap(struct cpu_cache *c)
{
    struct mag *t = c->loaded;

    c->loaded = c->previous;
    c->previous = t;
}

/* Finds pages for an empty `loaded`; false if every zone is empty. */
static bool cpu_reload(struct pm_smp *s, struct cpu_cache *c)
{
    struct mag *full;

    if (!mag_is_empty(c->previous)) {
        cpu_swap(c);
        return true;
    }
    full = depot_trade_empty(&s->depot, c->previous);
    if (full != NULL) {
        c->previous = c->loaded;
        c->loaded = full;
        return true;
    }
    return mag_refill(s, c->loaded, s->batch) > 0;
}

/*
 * Before PM_ENOMEM: every CPU's cache and the depot go back to the zones,
 * then the caller tries once more. Our own call ends first (a CPU never
 * drains while it is busy on its slot) and starts again after.
 */
static void cpu_drain_everything(struct pm_smp *s, struct cpu_cache *c)
{
    cpu_exit(c);
    if (!pm_fault_active(PM_FAULT_NO_ENOMEM_DRAIN))
        pm_smp_drain_all(s);
    cpu_enter(c);
}

/* Counts one allocation (failed unless err is PM_OK) and ends the call. */
static pm_err_t cpu_alloc_done(struct cpu_cache *c, pm_err_t err)
{
    cpu_count(&c->allocations, 1);
    if (err != PM_OK)
        cpu_count(&c->failed, 1);
    cpu_exit(c);
    return err;
}

/*
 * pm_smp_alloc of one page when the fast path could not serve it: slow bits
 * set, or `loaded` empty. The owner's call is open (busy is 1).
 */
PM_NOINLINE PM_COLD static pm_err_t smp_alloc_slow(struct pm_smp *s, unsigned cpu, pm_paddr_t *out)
{
    struct cpu_cache *c = &s->cpus[cpu];

    cpu_settle(c);
    if (mag_is_empty(c->loaded) && !cpu_reload(s, c)) {
        cpu_drain_everything(s, c);
        if (mag_is_empty(c->loaded) && !cpu_reload(s, c))
            return cpu_alloc_done(c, PM_ENOMEM);
    }
    *out = cpu_take(c);
    return cpu_alloc_done(c, PM_OK);
}

/* `loaded` is full; a is already marked CACHED (at ps). */
PM_NOINLINE PM_COLD static void smp_free_slow(struct pm_smp *s, struct cpu_cache *c, pm_paddr_t a,
                                              _Atomic uint8_t *ps)
{
    if (!mag_is_full(c->previous)) {
        cpu_swap(c);
    } else {
        struct mag *empty = depot_trade_full(&s->depot, c->previous);

        if (empty == NULL) {
            mag_drain(s, c->previous); /* the depot holds enough: one batch to the zone */
            empty = c->previous;
        }
        c->previous = c->loaded;
        c->loaded = empty;
    }
    mag_push(c->loaded, a, ps);
    cpu_count(&c->frees, 1);
    cpu_exit(c);
}

/* ---- orders 1..9: the per-CPU lists (the CPU lock is held on entry) --------- */

static inline pm_paddr_t pcp_take(struct pm_smp *s, struct cpu_cache *c, unsigned order)
{
    pm_paddr_t a = pcp_pop(&c->pcp[order - 1]);
    uint64_t pfn = pm_paddr_pfn(a);
    struct zone *z = smp_zone_of(s, c->zone, pfn);

    atomic_store_explicit(zone_pstate(z, pfn), zone_page_state(ZONE_PAGE_USER, order),
                          memory_order_relaxed);
    return a;
}

/* The list of `order` is empty: refill it, or drain everything first. */
PM_NOINLINE PM_COLD static pm_err_t smp_pcp_alloc_slow(struct pm_smp *s, struct cpu_cache *c,
                                                       unsigned order, pm_paddr_t *out)
{
    struct pcp_list *l = &c->pcp[order - 1];

    if (pcp_refill(s, l, order) == 0) {
        cpu_drain_everything(s, c); /* as for order 0 */
        if (pcp_is_empty(l) && pcp_refill(s, l, order) == 0)
            return cpu_alloc_done(c, PM_ENOMEM);
    }
    *out = pcp_take(s, c, order);
    return cpu_alloc_done(c, PM_OK);
}

/* The list of `order` is full; a is already marked CACHED. */
PM_NOINLINE PM_COLD static void smp_pcp_free_slow(struct pm_smp *s, struct cpu_cache *c,
                                                  unsigned order, pm_paddr_t a)
{
    struct pcp_list *l = &c->pcp[order - 1];

    pcp_drain(s, l, order, pcp_half(l));
    pcp_push(l, a);
    cpu_count(&c->frees, 1);
    cpu_exit(c);
}

/* A block of order 0..3, already marked CACHED (its head's state byte is
 * ps), into its CPU's cache; ends the owner's call. */
static inline void cpu_put(struct pm_smp *s, struct cpu_cache *c, unsigned order, pm_paddr_t a,
                           _Atomic uint8_t *ps)
{
    if (order == 0) {
        if (PM_LIKELY(!mag_is_full(c->loaded))) {
            mag_push(c->loaded, a, ps);
            cpu_count(&c->frees, 1);
            cpu_exit(c);
        } else {
            smp_free_slow(s, c, a, ps);
        }
    } else {
        struct pcp_list *l = &c->pcp[order - 1];

        if (PM_LIKELY(!pcp_is_full(l))) {
            pcp_push(l, a);
            cpu_count(&c->frees, 1);
            cpu_exit(c);
        } else {
            smp_pcp_free_slow(s, c, order, a);
        }
    }
}

/* ---- the general paths: every order, every check --------------------------- */

PM_NOINLINE static pm_err_t smp_alloc_general(struct pm_smp *s, unsigned cpu, size_t npages,
                                              pm_paddr_t *out)
{
    struct cpu_cache *c = &s->cpus[cpu];
    unsigned order;
    pm_err_t err = pm_order_from_pages(npages, &order);

    if (err == PM_OK) {
        err = zones_alloc(s, npages, out);
        if (err == PM_ENOMEM && s->cached && !pm_fault_active(PM_FAULT_NO_ENOMEM_DRAIN)) {
            pm_smp_drain_all(s); /* cached pages may complete a larger block */
            err = zones_alloc(s, npages, out);
        }
    }
    /* The owner counts inside a call of its own: counters have one writer. */
    cpu_enter(c);
    return cpu_alloc_done(c, err);
}

/* Validates a free and finds its zone; the core's error order. */
static pm_err_t smp_free_validate(struct pm_smp *s, pm_paddr_t addr, size_t npages,
                                  struct zone **zone)
{
    if (npages == 0)
        return PM_EZERO;
    if (!pm_paddr_is_page_aligned(addr))
        return PM_EALIGN;
    *zone = smp_zone_lookup(s, pm_paddr_pfn(addr));
    if (*zone == NULL)
        return PM_ERANGE;
    if (npages > PM_MAX_BLOCK_PAGES)
        return PM_ETOOLARGE;
    return PM_OK;
}

/*
 * A free the caches did not take, under the zone lock: the core's verdict,
 * in the core's error order. With caches, no block is ever freed here
 * (every one a caller holds is USER, and the caches took those):
 * the core is only asked what the error is.
 */
static pm_err_t smp_free_locked(struct pm_smp *s, struct zone *z, pm_paddr_t addr, size_t npages,
                                unsigned order) PM_REQUIRES(z->lock)
{
    uint64_t pfn = pm_paddr_pfn(addr);
    uint8_t st = atomic_load_explicit(zone_pstate(z, pfn), memory_order_relaxed);
    unsigned held;
    pm_err_t err;

    if (!s->cached)
        return pm_buddy_free(&z->buddy, addr, npages);
    if ((pfn & (((uint64_t)1 << order) - 1)) != 0)
        return PM_EALIGN;
    /* To the core a cached block is allocated; to the caller it is free
     * already: a double free, whatever the size. */
    if (zone_page_kind(st) == ZONE_PAGE_CACHED)
        return PM_ENOTALLOC;
    if (order > PCP_MAX_ORDER)
        return pm_buddy_free(&z->buddy, addr, npages);
    err = pm_buddy_block_order(&z->buddy, addr, &held);
    if (err != PM_OK)
        return err;
    return held != order ? PM_ESIZE : PM_ENOTALLOC;
}

PM_NOINLINE static pm_err_t smp_free_general(struct pm_smp *s, unsigned cpu, pm_paddr_t addr,
                                             size_t npages)
{
    struct cpu_cache *c = &s->cpus[cpu];
    struct zone *z = NULL;
    pm_err_t err = smp_free_validate(s, addr, npages, &z);
    uint64_t pfn = pm_paddr_pfn(addr);
    unsigned order;

    if (err != PM_OK)
        return err;
    order = pm_pages_to_order(npages);
    if (s->cached && order <= PCP_MAX_ORDER) {
        _Atomic uint8_t *ps = zone_pstate(z, pfn);

        cpu_enter(c);
        c->zone = z;
        if (page_mark_cached(s, ps, order) || (pm_fault_active(PM_FAULT_NO_DOUBLE_FREE_CHECK) &&
                                               atomic_load_explicit(ps, memory_order_relaxed) ==
                                                   zone_page_state(ZONE_PAGE_CACHED, order))) {
            cpu_put(s, c, order, addr, ps);
            return PM_OK;
        }
        cpu_exit(c);
    }
    zone_lock(z);
    err = smp_free_locked(s, z, addr, npages, order);
    zone_unlock(z);
    if (err == PM_OK) {
        cpu_enter(c);
        cpu_count(&c->frees, 1);
        cpu_exit(c);
    }
    return err;
}

/* ---- the fast paths ---------------------------------------------------------- */

/*
 * Orders 1..9 (npages 2..512). Out of line but hot: a tail call from
 * pm_smp_alloc / pm_smp_free, so that the order-0 path there keeps its few
 * registers and no stack frame.
 */
PM_NOINLINE static pm_err_t smp_pcp_alloc(struct pm_smp *s, unsigned cpu, size_t npages,
                                          pm_paddr_t *out)
{
    struct cpu_cache *c = &s->cpus[cpu];
    unsigned order = pm_pages_to_order(npages);

    cpu_enter(c);
    if (PM_LIKELY(!pcp_is_empty(&c->pcp[order - 1]))) {
        *out = pcp_take(s, c, order);
        cpu_count(&c->allocations, 1);
        cpu_exit(c);
        return PM_OK;
    }
    return smp_pcp_alloc_slow(s, c, order, out);
}

PM_NOINLINE static pm_err_t smp_pcp_free(struct pm_smp *s, unsigned cpu, pm_paddr_t addr,
                                         size_t npages)
{
    struct cpu_cache *c = &s->cpus[cpu];
    unsigned order = pm_pages_to_order(npages);
    uint64_t pfn = pm_paddr_pfn(addr);
    struct zone *z = c->zone;

    /* Strict: the general path. USER with this order is the
     * head of a caller's block, so aligned. */
    if (PM_LIKELY(cpu_enter(c) == 0 && zone_contains_pfn(z, pfn) &&
                  pm_paddr_is_page_aligned(addr) &&
                  page_mark_cached(s, zone_pstate(z, pfn), order))) {
        cpu_put(s, c, order, addr, NULL);
        return PM_OK;
    }
    cpu_exit(c);
    return smp_free_general(s, cpu, addr, npages);
}

/*
 * pm_smp_free of one page when the fast path could not take it: slow bits
 * set, another zone than the guess, not USER, or `loaded` full. The
 * owner's call is open (busy is 1). A free that is not a caller's page
 * goes to the general path, which finds the exact error under the lock.
 */
PM_NOINLINE PM_COLD static pm_err_t smp_free_slow0(struct pm_smp *s, unsigned cpu, pm_paddr_t addr)
{
    struct cpu_cache *c = &s->cpus[cpu];
    uint64_t pfn = pm_paddr_pfn(addr);
    struct zone *z;

    cpu_settle(c);
    if (pm_paddr_is_page_aligned(addr)) {
        z = smp_zone_of(s, c->zone, pfn);
        if (z != NULL) {
            _Atomic uint8_t *ps = zone_pstate(z, pfn);

            c->zone = z;
            if (page_mark_cached(s, ps, 0)) {
                cpu_put(s, c, 0, addr, ps);
                return PM_OK;
            }
        }
    }
    cpu_exit(c);
    return smp_free_general(s, cpu, addr, 1);
}

/*
 * One page: the CPU's loaded magazine, no lock, no atomic read-modify-write,
 * no call and no stack frame; anything unusual tail-calls a slow path with
 * the owner's call open. A few loads and stores each way.
 */
pm_err_t pm_smp_alloc(pm_smp_t *s, unsigned cpu, size_t npages, pm_paddr_t *out)
{
    if (PM_UNLIKELY(s == NULL || out == NULL || cpu >= s->ncpus))
        return PM_EINVAL;
    if (PM_UNLIKELY(!s->cached))
        return smp_alloc_general(s, cpu, npages, out);
    if (PM_LIKELY(npages == 1)) {
        struct cpu_cache *c = &s->cpus[cpu];

        if (PM_LIKELY(cpu_enter_fast(c) == 0 && !mag_is_empty(c->loaded))) {
            *out = cpu_take(c);
            cpu_count(&c->allocations, 1);
            cpu_exit(c);
            return PM_OK;
        }
        return smp_alloc_slow(s, cpu, out);
    }
    if (PM_LIKELY(npages - 2 < ((size_t)1 << PCP_MAX_ORDER) - 1)) /* 2..512 */
        return smp_pcp_alloc(s, cpu, npages, out);
    return smp_alloc_general(s, cpu, npages, out);
}

pm_err_t pm_smp_free(pm_smp_t *s, unsigned cpu, pm_paddr_t addr, size_t npages)
{
    if (PM_UNLIKELY(s == NULL || cpu >= s->ncpus))
        return PM_EINVAL;
    if (PM_UNLIKELY(!s->cached))
        return smp_free_general(s, cpu, addr, npages);
    if (PM_LIKELY(npages == 1)) {
        struct cpu_cache *c = &s->cpus[cpu];

        if (PM_LIKELY(cpu_enter_fast(c) == 0)) {
            struct zone *z = c->zone;
            uint64_t off = pm_paddr_pfn(addr) - z->base_pfn; /* wraps below the zone */
            struct mag *m = c->loaded;

            if (PM_LIKELY(off < z->npages && pm_paddr_is_page_aligned(addr) && !mag_is_full(m))) {
                _Atomic uint8_t *ps = &z->pstate[off];

                /* page_mark_cached without its strict branch (strict never
                 * gets here), and after the push: a byte store first would
                 * make the compiler reload m->rounds. */
                if (PM_LIKELY(atomic_load_explicit(ps, memory_order_relaxed) == ZONE_PAGE_USER)) {
                    mag_push(m, addr, ps);
                    atomic_store_explicit(ps, ZONE_PAGE_CACHED, memory_order_relaxed);
                    cpu_count(&c->frees, 1);
                    cpu_exit(c);
                    return PM_OK;
                }
            }
        }
        return smp_free_slow0(s, cpu, addr);
    }
    if (PM_LIKELY(npages - 2 < ((size_t)1 << PCP_MAX_ORDER) - 1)) /* 2..512 */
        return smp_pcp_free(s, cpu, addr, npages);
    return smp_free_general(s, cpu, addr, npages);
}

/* NOCACHE: pages straight from the zones, one lock acquisition per zone. */
static size_t zones_take_direct(struct pm_smp *s, pm_paddr_t *out, size_t count)
{
    unsigned nzones = 0;
    size_t n = 0;

    for (unsigned k = 0; n < count; k++) {
        struct zone *z = zone_table_nth(&s->table, k, &nzones);

        if (z == NULL || k >= nzones)
            break;
        while (n < count) {
            size_t want = count - n > PM_SMP_MAX_BATCH ? PM_SMP_MAX_BATCH : count - n;
            unsigned got;

            zone_lock(z);
            got = zone_take_blocks_locked(z, 0, &out[n], (unsigned)want, ZONE_PAGE_OTHER);
            zone_unlock(z);
            n += got;
            if (got < want)
                break;
        }
    }
    return n;
}

size_t pm_smp_alloc_bulk(pm_smp_t *s, unsigned cpu, size_t count, pm_paddr_t *out)
{
    struct cpu_cache *c;
    size_t n = 0;

    if (s == NULL || out == NULL || cpu >= s->ncpus || count == 0)
        return 0;
    c = &s->cpus[cpu];
    cpu_enter(c);
    for (int pass = 0; pass < 2 && n < count; pass++) {
        if (pass == 1) { /* short: drain everything, then one more pass */
            if (pm_fault_active(PM_FAULT_NO_ENOMEM_DRAIN))
                break;
            cpu_exit(c);
            pm_smp_drain_all(s);
            cpu_enter(c);
        }
        if (!s->cached) {
            n += zones_take_direct(s, &out[n], count - n);
            continue;
        }
        while (n < count && (!mag_is_empty(c->loaded) || cpu_reload(s, c))) {
            while (n < count && !mag_is_empty(c->loaded))
                out[n++] = cpu_take(c);
        }
    }
    cpu_count(&c->allocations, count);
    cpu_count(&c->failed, count - n);
    cpu_exit(c);
    return n;
}

/* ---- statistics ---------------------------------------------------------------- */

void pm_smp_stats(pm_smp_t *s, pm_smp_stats_t *out)
{
    struct zone_table *t;

    if (out == NULL)
        return;
    memset(out, 0, sizeof(*out));
    if (s == NULL)
        return;
    for (unsigned i = 0; i < s->ncpus; i++) {
        struct cpu_cache *c = &s->cpus[i];

        out->allocations += atomic_load_explicit(&c->allocations, memory_order_relaxed);
        out->failed_allocations += atomic_load_explicit(&c->failed, memory_order_relaxed);
        out->frees += atomic_load_explicit(&c->frees, memory_order_relaxed);
        if (s->cached) {
            cpu_drain_begin(s, c);
            out->cached_pages += c->loaded->rounds + c->previous->rounds;
            for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
                out->cached_pages += (uint64_t)c->pcp[k - 1].count << k;
            cpu_drain_end(s, c);
        }
    }
    if (s->cached)
        out->cached_pages += depot_cached_pages(&s->depot);
    pthread_mutex_lock(&s->table_mutex); /* the table cannot change under us */
    t = s->table;
    for (unsigned i = 0; t != NULL && i < t->nzones; i++) {
        struct zone *z = t->zones[i];
        pm_stats_t bs;

        ticket_lock_acquire(&z->lock); /* not zone_lock: reading is no acquisition to count */
        pm_buddy_stats(&z->buddy, &bs);
        out->refills += z->refills;
        out->drains += z->drains;
        out->lock_acquisitions += z->lock_acquisitions;
        out->lock_contentions += z->lock_contentions;
        ticket_lock_release(&z->lock);
        out->total_pages += bs.total_pages;
        out->free_pages += bs.free_pages;
        out->splits += bs.splits;
        out->coalesces += bs.coalesces;
        out->meta_bytes += z->meta_bytes;
        out->zones++;
    }
    pthread_mutex_unlock(&s->table_mutex);
    /* 2 magazines a CPU, a full depot, full lists: exact even where batch
     * does not divide high - 2 * batch */
    out->max_cached_pages = s->cached
                                ? (uint64_t)s->ncpus * (2 * s->batch + pcp_max_pages(s->batch)) +
                                      (uint64_t)s->depot.max_full * s->batch
                                : 0;
}

void pm_smp_order_stats(pm_smp_t *s, pm_order_stats_t out[PM_NR_ORDERS])
{
    struct zone_table *t;

    if (out == NULL)
        return;
    memset(out, 0, sizeof(pm_order_stats_t) * PM_NR_ORDERS);
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->table_mutex);
    t = s->table;
    for (unsigned i = 0; t != NULL && i < t->nzones; i++) {
        struct zone *z = t->zones[i];
        pm_order_stats_t os[PM_NR_ORDERS];

        ticket_lock_acquire(&z->lock); /* not zone_lock: reading is no acquisition to count */
        pm_buddy_order_stats(&z->buddy, os);
        ticket_lock_release(&z->lock);
        for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
            out[o].free_blocks += os[o].free_blocks;
            out[o].allocations += os[o].allocations;
            out[o].frees += os[o].frees;
        }
    }
    pthread_mutex_unlock(&s->table_mutex);
}
