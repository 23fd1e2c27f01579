/*
 * frame.c - the seed README's "Using PageFrame": allocate 8 pages as a
 * frame, check that it contains its own address, free it.
 */
#include "example.h"

int main(void)
{
    pm_buddy_t *allocator = NULL;
    pm_frame_t frame;

    CHECK(pm_buddy_create(pm_paddr(0x10000000), 1024, &allocator) == PM_OK);

    /* Allocate and get a frame. */
    if (pm_buddy_alloc_frame(allocator, 8, &frame) == PM_OK) {
        printf("Allocated %zu pages at " PADDR_FMT "\n", pm_frame_pages(frame),
               PADDR_ARG(frame.addr));
        /* Check if an address is within the frame. */
        CHECK(pm_frame_contains(frame, frame.addr));
        /* Free the frame. */
        CHECK(pm_buddy_free_frame(allocator, frame) == PM_OK);
        printf("Freed the frame; %" PRIu64 " pages free\n", pm_buddy_free_pages(allocator));
    }
    pm_buddy_destroy(allocator);
    return 0;
}
