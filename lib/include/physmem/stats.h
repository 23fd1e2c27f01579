/*
 * physmem/stats.h - allocator statistics.
 *
 * Used pages count whole blocks, what is really taken: after allocating 10
 * pages, 16 are used and requested_pages says 10 (the seed counted 10 used).
 * With PM_STATS off, the event counters stay 0; the page counts are always
 * exact.
 *
 * Contract: nothing here returns an error. The helpers take a NULL s as
 * statistics of nothing (0; a success rate of 100, as for no attempt);
 * pm_stats_format of a NULL s writes "" (when len > 0) and returns 0.
 */
#ifndef PHYSMEM_STATS_H
#define PHYSMEM_STATS_H

#include <physmem/config.h>

typedef struct pm_stats {
    uint64_t total_pages;
    uint64_t free_pages;
    uint64_t allocations; /* attempts, failed ones included */
    uint64_t failed_allocations;
    uint64_t frees; /* successful frees */
    uint64_t splits;
    uint64_t coalesces;
    uint64_t peak_used_pages; /* most pages used at once since init/reset */
    uint64_t requested_pages; /* pages callers asked for and still hold */
} pm_stats_t;

typedef struct pm_order_stats {
    uint64_t free_blocks;
    uint64_t allocations; /* successful allocations of this order */
    uint64_t frees;
} pm_order_stats_t;

static inline uint64_t pm_stats_used_pages(const pm_stats_t *s)
{
    if (s == NULL)
        return 0;
    return s->total_pages >= s->free_pages ? s->total_pages - s->free_pages : 0;
}

static inline uint64_t pm_stats_used_bytes(const pm_stats_t *s)
{
    return pm_stats_used_pages(s) << PM_PAGE_SHIFT;
}

static inline uint64_t pm_stats_free_bytes(const pm_stats_t *s)
{
    return s != NULL ? s->free_pages << PM_PAGE_SHIFT : 0;
}

static inline uint64_t pm_stats_total_bytes(const pm_stats_t *s)
{
    return s != NULL ? s->total_pages << PM_PAGE_SHIFT : 0;
}

/* used * 100 / total in integers; 0 for an empty allocator. */
static inline unsigned pm_stats_utilization_percent(const pm_stats_t *s)
{
    return s != NULL && s->total_pages ? (unsigned)(pm_stats_used_pages(s) * 100 / s->total_pages)
                                       : 0;
}

/* Successful allocations in percent of attempts; 100 when none tried. */
static inline unsigned pm_stats_success_rate_percent(const pm_stats_t *s)
{
    if (s == NULL || s->allocations == 0)
        return 100;
    return (unsigned)((s->allocations - s->failed_allocations) * 100 / s->allocations);
}

/*
 * Writes the seed's one-line summary into buf (always NUL-terminated when
 * len > 0): "Memory: 16/1024 pages (1%), Allocs: 2 (0 failed), Frees: 1".
 * Returns the length it wanted, like snprintf. Freestanding: no libc.
 */
size_t pm_stats_format(const pm_stats_t *s, char *buf, size_t len);

#endif /* PHYSMEM_STATS_H */
