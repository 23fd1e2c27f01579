/*
 * stamp.c - writing and checking owner stamps (stamp.h).
 *
 * Two checks catch a page that two holders have at once. At claim time a
 * LIVE stamp left by a holder that has not freed the page yet is found at
 * once. If both holders claim in the same instant (both see FREE, both
 * write), the one whose stamp was overwritten finds the other's stamp when
 * it checks before its free. Pages are read and written through volatile
 * pointers: another hart may write them at any time, and that is what is
 * being looked for.
 */
#include "stamp.h"

#include <stdbool.h>

#include "verdict.h"

#define STAMP_KIND(v) ((v) >> 48)
#define STAMP_LIVE    0x4c49ull
#define STAMP_FREE    0x4652ull
#define PAGE_WORDS    512u

static volatile uint64_t *page_word(uint64_t pa, uint64_t page, unsigned word)
{
    return (volatile uint64_t *)(uintptr_t)(pa + (page << 12)) + word;
}

static unsigned stamp_hart(uint64_t v)
{
    return (unsigned)((v >> 40) & 0xff);
}

static unsigned long stamp_seq(uint64_t v)
{
    return (unsigned long)(v & ((1ull << 40) - 1));
}

void stamp_claim(uint64_t pa, unsigned order, uint64_t stamp, unsigned hart)
{
    uint64_t pages = 1ull << order;

    for (uint64_t p = 0; p < pages; p++) {
        uint64_t head = *page_word(pa, p, 0), tail = *page_word(pa, p, PAGE_WORDS - 1);
        uint64_t live = STAMP_KIND(head) == STAMP_LIVE ? head : tail;

        if (STAMP_KIND(live) == STAMP_LIVE)
            verdict_fail("page 0x%lx handed out twice: hart %u got it (block 0x%lx order %u seq "
                         "%lu) while hart %u holds it (seq %lu)",
                         (unsigned long)(pa + (p << 12)), hart, (unsigned long)pa, order,
                         stamp_seq(stamp), stamp_hart(live), stamp_seq(live));
    }
    for (uint64_t p = 0; p < pages; p++) {
        *page_word(pa, p, 0) = stamp;
        *page_word(pa, p, PAGE_WORDS - 1) = stamp;
    }
}

void stamp_release(uint64_t pa, unsigned order, uint64_t stamp, unsigned hart)
{
    uint64_t pages = 1ull << order;

    for (uint64_t p = 0; p < pages; p++) {
        uint64_t head = *page_word(pa, p, 0), tail = *page_word(pa, p, PAGE_WORDS - 1);
        uint64_t bad = head != stamp ? head : tail;

        if (head == stamp && tail == stamp)
            continue;
        if (STAMP_KIND(bad) == STAMP_LIVE)
            verdict_fail("page 0x%lx handed out twice: hart %u, freeing it (block 0x%lx order %u "
                         "of hart %u seq %lu), finds hart %u's stamp (seq %lu)",
                         (unsigned long)(pa + (p << 12)), hart, (unsigned long)pa, order,
                         stamp_hart(stamp), stamp_seq(stamp), stamp_hart(bad), stamp_seq(bad));
        verdict_fail("page 0x%lx written while held: hart %u, freeing it (block 0x%lx order %u of "
                     "hart %u seq %lu), finds 0x%lx at its %s",
                     (unsigned long)(pa + (p << 12)), hart, (unsigned long)pa, order,
                     stamp_hart(stamp), stamp_seq(stamp), (unsigned long)bad,
                     head != stamp ? "start" : "end");
    }
    for (uint64_t p = 0; p < pages; p++) {
        *page_word(pa, p, 0) = STAMP_FREE << 48 | (stamp & ((1ull << 48) - 1));
        *page_word(pa, p, PAGE_WORDS - 1) = STAMP_FREE << 48 | (stamp & ((1ull << 48) - 1));
    }
}
