/*
 * buddy_page.h - the core's per-page metadata, shared by buddy.c and
 * buddy_check.c. Not a public header.
 */
#ifndef PM_BUDDY_PAGE_H
#define PM_BUDDY_PAGE_H

#include <physmem/buddy.h>
#include "debug.h"

/*
 * One entry per page, 12 bytes, in the caller's metadata buffer.
 *
 * Only the first page of a block (its head) carries state; every other page
 * is BUDDY_TAIL. Free lists are doubly linked through next/prev as page
 * indices. A list ends where a link points at its own page (next == self at
 * the tail, prev == self at the head), so no index is reserved as "nil" and
 * all 2^32 indices are usable.
 */
enum buddy_state {
    BUDDY_TAIL = 0,      /* not the head of a block */
    BUDDY_FREE = 1,      /* head of a free block, on list nfree[order] */
    BUDDY_ALLOCATED = 2, /* head of an allocated block */
};

struct pm_buddy_page {
    uint32_t next;
    uint32_t prev;
    uint8_t order;
    uint8_t state;
    uint16_t requested; /* pages asked for (1..512), on allocated heads */
};

#define PM_BUDDY_MAGIC 0x42554459u /* "BUDY" */

static inline bool buddy_ready(const pm_buddy_t *b)
{
    return b->magic == PM_BUDDY_MAGIC;
}

#endif /* PM_BUDDY_PAGE_H */
