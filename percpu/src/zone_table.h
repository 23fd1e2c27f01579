/*
 * zone_table.h - the RCU-published table of zones.
 *
 * Readers (the alloc and free paths: which zone owns this address? which
 * zone comes next?) take no lock: they read the table inside an RCU read-side
 * critical section. pm_smp_add_region builds a new, larger table, publishes
 * it with rcu_assign_pointer, waits for a grace period and frees the old one.
 *
 * Flavour: urcu-bp ("bulletproof"). It is the one flavour in which a thread
 * needs no call before its first read-side section (it registers itself) and
 * leaves nothing behind when it exits (a pthread key reclaims its slot): the
 * allocator's callers are arbitrary threads that know nothing of RCU. Its
 * read side costs a thread-local access and compiler barriers (the memory
 * barrier is moved to the grace period with membarrier), and lookups are
 * rare anyway: each CPU caches the zone it used last, and zones never go
 * away, so a cached zone pointer needs no protection.
 */
#ifndef PM_ZONE_TABLE_H
#define PM_ZONE_TABLE_H

#include "zone.h"

/* Sorted by base_pfn; zones do not overlap. Immutable once published. */
struct zone_table {
    unsigned nzones;
    struct zone *zones[];
};

/* The zone holding pfn, or NULL. Lock-free (RCU read side). */
struct zone *zone_table_find(struct zone_table **slot, uint64_t pfn);

/* Zone number i of the table (wrapping), or NULL for an empty table; *n
 * gets the table size. Lock-free. */
struct zone *zone_table_nth(struct zone_table **slot, unsigned i, unsigned *n);

/* Publishes a table with z added; PM_EINVAL if z overlaps a zone. Writers
 * must be serialized by the caller. Waits for a grace period. */
pm_err_t zone_table_insert(struct zone_table **slot, struct zone *z);

/* Whether [base_pfn, base_pfn + npages) overlaps a zone of the table. A
 * writer's call, serialized as zone_table_insert. */
bool zone_table_overlaps(struct zone_table **slot, uint64_t base_pfn, uint64_t npages);

/* Frees the table (not the zones). Nothing may read it any more. */
void zone_table_free(struct zone_table **slot);

#endif /* PM_ZONE_TABLE_H */
