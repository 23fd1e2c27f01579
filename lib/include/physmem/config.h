/*
 * physmem/config.h - constants shared by every physmem header.
 *
 * A page is 4 KiB; blocks come in ten orders, 0..9, from one page (4 KiB)
 * to 512 pages (2 MiB).
 *
 * Contract: constants only, no function. The bounds they set are enforced
 * where they are used: more than PM_BUDDY_MAX_PAGES pages is PM_EINVAL in
 * pm_buddy_init, pm_buddy_create and pm_smp_add_region; more than
 * PM_MAX_BLOCK_PAGES in one block is PM_ETOOLARGE.
 */
#ifndef PHYSMEM_CONFIG_H
#define PHYSMEM_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define PM_PAGE_SHIFT      12
#define PM_PAGE_SIZE       ((size_t)1 << PM_PAGE_SHIFT)
#define PM_NR_ORDERS       10
#define PM_MAX_ORDER       (PM_NR_ORDERS - 1)
#define PM_MAX_BLOCK_PAGES ((size_t)1 << PM_MAX_ORDER)

/* One buddy allocator indexes its pages with 32 bits: at most 2^32 pages (16 TiB). */
#define PM_BUDDY_MAX_PAGES ((uint64_t)1 << 32)

/*
 * Order-0 pages a buddy core keeps unmerged on its hot stack unless told
 * otherwise: none. Every free merges at once, the textbook eager buddy the
 * seed describes (its order statistics after freeing everything are the
 * fully merged ones). The hot stack is an opt-in: pm_buddy_set_hot_max()
 * per allocator (16 is what bench's core/hot row measures). physmem::smp
 * keeps none on its zones: its per-CPU magazines already are the hot cache.
 */
#ifndef PM_BUDDY_HOT_DEFAULT
#define PM_BUDDY_HOT_DEFAULT 0u
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PM_NODISCARD __attribute__((warn_unused_result))
#else
#define PM_NODISCARD
#endif

#endif /* PHYSMEM_CONFIG_H */
