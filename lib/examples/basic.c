/*
 * basic.c - the seed README's "Basic Allocation": 16 MiB at 0x1000_0000,
 * one page and four pages allocated and freed.
 */
#include "example.h"

int main(void)
{
    pm_buddy_t *allocator = NULL;
    pm_paddr_t addr, addr4;
    pm_err_t err;

    /* An allocator for 16 MiB (4096 pages) starting at physical 0x1000_0000. */
    err = pm_buddy_create(pm_paddr(0x10000000), 4096, &allocator);
    CHECK(err == PM_OK);

    /* A single page (4 KiB). */
    err = pm_buddy_alloc(allocator, 1, &addr);
    CHECK(err == PM_OK);
    CHECK(pm_paddr_is_page_aligned(addr));
    printf("Allocated 1 page at " PADDR_FMT "\n", PADDR_ARG(addr));

    /* 4 contiguous pages (16 KiB). */
    err = pm_buddy_alloc(allocator, 4, &addr4);
    CHECK(err == PM_OK);
    CHECK(pm_paddr_is_order_aligned(addr4, 2));
    printf("Allocated 4 pages at " PADDR_FMT "\n", PADDR_ARG(addr4));

    /* Free the allocations. */
    CHECK(pm_buddy_free(allocator, addr, 1) == PM_OK);
    CHECK(pm_buddy_free(allocator, addr4, 4) == PM_OK);
    printf("Freed both; %" PRIu64 " of %" PRIu64 " pages free\n", pm_buddy_free_pages(allocator),
           pm_buddy_total_pages(allocator));
    pm_buddy_destroy(allocator);
    return 0;
}
