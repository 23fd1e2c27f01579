/*
 * addr.c - the seed README's "Physical Address Operations": alignment, page
 * frame numbers, offsets and arithmetic on 0x1234_5678.
 */
#include "example.h"

int main(void)
{
    pm_paddr_t addr = pm_paddr(0x12345678);
    pm_paddr_t next, addr2;

    /* Check alignment. */
    CHECK(!pm_paddr_is_page_aligned(addr));
    CHECK(pm_paddr_u64(pm_paddr_align_down(addr)) == 0x12345000);
    CHECK(pm_paddr_u64(pm_paddr_align_up(addr)) == 0x12346000);
    printf("addr " PADDR_FMT ": align_down " PADDR_FMT ", align_up " PADDR_FMT "\n",
           PADDR_ARG(addr), PADDR_ARG(pm_paddr_align_down(addr)),
           PADDR_ARG(pm_paddr_align_up(addr)));

    /* Page frame number. */
    CHECK(pm_paddr_pfn(addr) == 0x12345);
    CHECK(pm_paddr_page_offset(addr) == 0x678);
    printf("pfn 0x%" PRIx64 ", offset 0x%" PRIx64 "\n", pm_paddr_pfn(addr),
           pm_paddr_page_offset(addr));

    /* Address arithmetic. */
    next = pm_paddr_add_pages(addr, 1);
    CHECK(pm_paddr_u64(next) == 0x12346678);
    printf("add_pages(1) " PADDR_FMT "\n", PADDR_ARG(next));

    /* From a page frame number. */
    addr2 = pm_paddr_from_pfn(256);
    CHECK(pm_paddr_u64(addr2) == 0x100000); /* 1 MiB */
    printf("from_pfn(256) " PADDR_FMT "\n", PADDR_ARG(addr2));
    return 0;
}
