/*
 * deferred.c - the seed README's "Deferred Initialization": a static,
 * uninitialized allocator, initialized later (as a kernel would, once it
 * knows its memory map) over a metadata buffer the caller provides.
 */
#include "example.h"

#define NPAGES 2048

/* Useful for static allocation: no constructor runs. */
static pm_buddy_t allocator = PM_BUDDY_UNINIT;
static uint32_t metadata[NPAGES * 3]; /* pm_buddy_meta_size(): 12 bytes a page */

int main(void)
{
    pm_paddr_t base = pm_paddr(0x20000000);
    pm_paddr_t addr;

    CHECK(!pm_buddy_is_initialized(&allocator));
    CHECK(pm_buddy_meta_size(base, NPAGES) <= sizeof(metadata));

    /* Later, initialize with the actual memory. */
    CHECK(pm_buddy_init(&allocator, base, NPAGES, metadata, sizeof(metadata)) == PM_OK);
    printf("Initialized: %" PRIu64 " pages at " PADDR_FMT "\n", pm_buddy_total_pages(&allocator),
           PADDR_ARG(base));

    /* Now ready for use. */
    CHECK(pm_buddy_alloc(&allocator, 1, &addr) == PM_OK);
    printf("Allocated at " PADDR_FMT "\n", PADDR_ARG(addr));
    CHECK(pm_buddy_free(&allocator, addr, 1) == PM_OK);
    pm_buddy_fini(&allocator);
    return 0;
}
