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
 * all 2^32 indices are usable. The hot stack is singly linked through next
 * and ends the same way (next == self at the bottom); prev is unused there.
 */
enum buddy_state {
    BUDDY_TAIL = 0,      /* not the head of a block */
    BUDDY_FREE = 1,      /* head of a free block, on list nfree[order] */
    BUDDY_ALLOCATED = 2, /* head of an allocated block */
    BUDDY_HOT = 3,       /* a free order-0 page on the hot stack, not merged */
};

struct pm_buddy_page {
    uint32_t next;
    uint32_t prev;
    uint8_t order;
    uint8_t state;
    uint16_t requested; /* pages asked for (1..512), on allocated heads */
};

#define PM_BUDDY_MAGIC 0x42554459u /* "BUDY" */

/*
 * The hot paths read and write order and state together as one 16-bit word
 * (and next and prev together as one 64-bit word where both are the same),
 * through __builtin_memcpy: one load or store instead of two, and no byte
 * store that the compiler must assume aliases the allocator's fields.
 */
_Static_assert(offsetof(struct pm_buddy_page, next) == 0, "next first");
_Static_assert(offsetof(struct pm_buddy_page, prev) == 4, "prev after next");
_Static_assert(offsetof(struct pm_buddy_page, state) == offsetof(struct pm_buddy_page, order) + 1,
               "state right after order");
_Static_assert(offsetof(struct pm_buddy_page, requested) ==
                   offsetof(struct pm_buddy_page, order) + 2,
               "requested right after state");
_Static_assert(sizeof(struct pm_buddy_page) == 12, "12 bytes a page");

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BUDDY_OS(order, state) ((uint16_t)(((unsigned)(order) << 8) | (unsigned)(state)))
#else
#define BUDDY_OS(order, state) ((uint16_t)((unsigned)(order) | ((unsigned)(state) << 8)))
#endif

/* order and state as one word, to compare against BUDDY_OS(). */
static inline uint16_t buddy_os(const struct pm_buddy_page *p)
{
    uint16_t v;

    __builtin_memcpy(&v, (const unsigned char *)p + offsetof(struct pm_buddy_page, order),
                     sizeof(v));
    return v;
}

static inline void buddy_set_os(struct pm_buddy_page *p, uint16_t os)
{
    __builtin_memcpy((unsigned char *)p + offsetof(struct pm_buddy_page, order), &os, sizeof(os));
}

/* order, state and requested in one 32-bit store. */
static inline void buddy_set_osr(struct pm_buddy_page *p, uint16_t os, uint16_t requested)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    uint32_t v = ((uint32_t)os << 16) | requested;
#else
    uint32_t v = os | ((uint32_t)requested << 16);
#endif

    __builtin_memcpy((unsigned char *)p + offsetof(struct pm_buddy_page, order), &v, sizeof(v));
}

/* next = prev = i: the only block of its list. */
static inline void buddy_set_alone(struct pm_buddy_page *p, uint32_t i)
{
    uint64_t v = (uint64_t)i * 0x100000001u; /* i in both halves: byte order does not matter */

    __builtin_memcpy(p, &v, sizeof(v));
}

static inline bool buddy_ready(const pm_buddy_t *b)
{
    return b->magic == PM_BUDDY_MAGIC;
}

#endif /* PM_BUDDY_PAGE_H */
