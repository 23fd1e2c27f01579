/*
 * stats.c - the seed README's "Statistics": some allocations and a free,
 * then the counters, the utilization and the free blocks of each order.
 */
#include "example.h"

int main(void)
{
    pm_buddy_t *allocator = NULL;
    pm_paddr_t a1, a2;
    pm_stats_t stats;
    pm_order_stats_t order_stats[PM_NR_ORDERS];
    char line[128];

    CHECK(pm_buddy_create(pm_paddr(0x10000000), 1024, &allocator) == PM_OK);

    /* Perform some allocations. */
    CHECK(pm_buddy_alloc(allocator, 10, &a1) == PM_OK);
    CHECK(pm_buddy_alloc(allocator, 5, &a2) == PM_OK);
    CHECK(pm_buddy_free(allocator, a1, 10) == PM_OK);

    /* Check statistics. */
    pm_buddy_stats(allocator, &stats);
    printf("Allocations: %" PRIu64 "\n", stats.allocations);
    printf("Frees: %" PRIu64 "\n", stats.frees);
    printf("Splits: %" PRIu64 "\n", stats.splits);
    printf("Coalesces: %" PRIu64 "\n", stats.coalesces);
    printf("Utilization: %u%%\n", pm_stats_utilization_percent(&stats));

    /* Per-order statistics. */
    pm_buddy_order_stats(allocator, order_stats);
    for (unsigned order = 0; order < PM_NR_ORDERS; order++) {
        if (order_stats[order].free_blocks > 0)
            printf("Order %u: %" PRIu64 " free blocks\n", order, order_stats[order].free_blocks);
    }

    /* The one-line summary (the seed's Display of its stats). */
    pm_stats_format(&stats, line, sizeof(line));
    printf("%s\n", line);

    CHECK(pm_buddy_free(allocator, a2, 5) == PM_OK);
    pm_buddy_destroy(allocator);
    return 0;
}
