/*
 * order.c - the seed README's "Page Order Calculations": orders from page
 * counts, pages and bytes from orders, and PageOrder::from_pages(5).
 */
#include "example.h"

int main(void)
{
    unsigned order;

    /* Order from a page count. */
    CHECK(pm_pages_to_order(1) == 0);
    CHECK(pm_pages_to_order(3) == 2); /* rounds up to 4 pages */
    CHECK(pm_pages_to_order(512) == 9);
    printf("pages_to_order: 1 -> %u, 3 -> %u, 512 -> %u\n", pm_pages_to_order(1),
           pm_pages_to_order(3), pm_pages_to_order(512));

    /* Pages from an order. */
    CHECK(pm_order_to_pages(0) == 1);
    CHECK(pm_order_to_pages(3) == 8);
    CHECK(pm_order_to_pages(9) == 512);
    printf("order_to_pages: 0 -> %zu, 3 -> %zu, 9 -> %zu\n", pm_order_to_pages(0),
           pm_order_to_pages(3), pm_order_to_pages(9));

    /* Bytes from an order. */
    CHECK(pm_order_to_bytes(0) == 4096);    /* 4 KiB */
    CHECK(pm_order_to_bytes(9) == 2097152); /* 2 MiB */
    printf("order_to_bytes: 0 -> %zu, 9 -> %zu\n", pm_order_to_bytes(0), pm_order_to_bytes(9));

    /* The checked form (PageOrder::from_pages). */
    CHECK(pm_order_from_pages(5, &order) == PM_OK);
    CHECK(order == 3); /* rounds up: 5 pages -> order 3 (8 pages) */
    CHECK(pm_order_to_pages(order) == 8);
    CHECK(pm_order_to_bytes(order) == 32768);
    printf("from_pages(5): order %u, %zu pages, %zu bytes\n", order, pm_order_to_pages(order),
           pm_order_to_bytes(order));
    return 0;
}
