/*
 * worker.h - what each hart does to the allocator, phase by phase, and
 * what it counted.
 */
#ifndef GUEST_WORKER_H
#define GUEST_WORKER_H

#include <stdint.h>

struct worker_counts {
    uint64_t allocs;     /* blocks allocated and stamped (bulk pages included) */
    uint64_t frees;      /* blocks freed after their stamps checked out */
    uint64_t enomem;     /* PM_ENOMEM answers (memory really ran short) */
    uint64_t sent;       /* blocks handed to another hart to free */
    uint64_t received;   /* blocks freed here for another hart */
    uint64_t drains;     /* pm_smp_drain_cpu calls on other harts' slots */
    uint64_t hot_blocks; /* blocks that came from a hot-added region */
};

/* Phase 1: order-0 pairs (alloc, stamp, check, free), and now and then a
 * bulk of order-0 pages. */
void worker_pairs(void);
/* Phase 2: orders 0..9 held for a while, a quarter of the frees done by
 * another hart; hart WORKER_DRAINER drains the others' slots as it goes,
 * hart WORKER_HOT_ADDER hot-adds regions 2 and 3. */
void worker_mixed(void);
/* Phase 3 (after a barrier: no more mail is sent): free what arrived in
 * the mailboxes and everything still held. */
void worker_release(void);

const struct worker_counts *worker_counts(unsigned hart);

#endif /* GUEST_WORKER_H */
