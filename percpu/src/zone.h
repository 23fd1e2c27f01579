/*
 * zone.h - a zone: one buddy core over one physical range, behind one
 * ticket lock, plus the per-page state the SMP layer keeps lock-free.
 *
 * Zones are immortal: made by pm_smp_add_region*, ended only by
 * pm_smp_fini or pm_smp_destroy. Only the table that lists them is replaced (RCU, see
 * zone_table.h), so a zone pointer, once found, stays valid and its
 * read-only fields (base_pfn, npages, pstate) need no lock.
 */
#ifndef PM_ZONE_H
#define PM_ZONE_H

#include <stdatomic.h>

#include <physmem/smp.h>
#include "ticket_lock.h"

/*
 * Per-page state as the SMP layer sees it (zone->pstate[], one byte a page).
 * Only the head page of a block of order 0..PCP_MAX_ORDER (9) handed out or
 * cached by the SMP layer carries a kind other than OTHER; its order is in
 * the bits above the kind: state = kind | order << ZONE_PAGE_ORDER_SHIFT.
 * An order-0 page is thus USER (1) or CACHED (2), as before; the head of a
 * cached order-2 block is CACHED | 2 << 2 (10), of a cached order-9 block
 * CACHED | 9 << 2 (38): every order fits the byte.
 */
enum zone_page_state {
    ZONE_PAGE_OTHER = 0,  /* in the buddy core, a tail, or any block without caches */
    ZONE_PAGE_USER = 1,   /* the head of a block of order 0..9 handed to a caller */
    ZONE_PAGE_CACHED = 2, /* the head of a block in a magazine or a per-CPU list */
};

#define ZONE_PAGE_KIND_MASK   3u
#define ZONE_PAGE_ORDER_SHIFT 2

_Static_assert((ZONE_PAGE_CACHED | PM_MAX_ORDER << ZONE_PAGE_ORDER_SHIFT) <= 0xff,
               "every order's state fits the per-page byte");

static inline uint8_t zone_page_state(enum zone_page_state kind, unsigned order)
{
    return (uint8_t)((unsigned)kind | order << ZONE_PAGE_ORDER_SHIFT);
}

static inline unsigned zone_page_kind(uint8_t st)
{
    return st & ZONE_PAGE_KIND_MASK;
}

static inline unsigned zone_page_order(uint8_t st)
{
    return (unsigned)st >> ZONE_PAGE_ORDER_SHIFT;
}

/*
 * The owner tag. While a block of order PCP_OWNED_ORDER..9 (pcp.h) is a
 * caller's, the state byte of its second page (a tail, otherwise OTHER)
 * holds the tag of the CPU whose list handed it out, zone_owner_tag(cpu):
 * 1..127, so bit 7 stays free for pm_smp_check's mark. Tags alias (CPUs i
 * and i + 127 share one): the tag steers where a free goes, never whether
 * it is valid.
 */
static inline uint8_t zone_owner_tag(unsigned cpu)
{
    return (uint8_t)(cpu % 127u + 1u);
}

/*
 * Invariants (quiet allocator, checked by pm_smp_check):
 *   buddy free pages + cached pages of this zone + pages held by callers == npages
 *   kind(pstate[i]) == CACHED  iff  block i is in exactly one magazine or list
 *   kind(pstate[i]) != OTHER   implies  the core holds an allocated block of
 *                              order(pstate[i]) at page i
 *   pstate[i + 1] == 0 for every tail i + 1, except that of a USER head i
 *                              of order >= PCP_OWNED_ORDER: an owner tag
 */
struct zone {
    /* -- cache line 0..: written under `lock` by any CPU -- */
    ticket_lock_t lock;
    pm_buddy_t buddy PM_GUARDED_BY(lock);
    uint64_t refills PM_GUARDED_BY(lock); /* batches moved zone -> CPU */
    uint64_t drains PM_GUARDED_BY(lock);  /* batches moved CPU/depot -> zone */
    uint64_t lock_acquisitions PM_GUARDED_BY(lock);
    uint64_t lock_contentions PM_GUARDED_BY(lock);

    /* -- read-only after zone_init -- */
    uint64_t base_pfn __attribute__((aligned(64)));
    uint64_t npages;
    _Atomic uint8_t *pstate; /* npages entries; pstate[0] is base_pfn's */
    void *mem;               /* the buffer all of this lives in */
    bool owned;              /* mem came from pm_plat_alloc (pm_smp_add_region) */
    size_t meta_bytes;       /* the buffer's size: zone, pstate, core metadata */
} __attribute__((aligned(64)));

/*
 * A zone's metadata is one buffer, PM_SMP_MEM_ALIGN aligned:
 *   [struct zone][pstate: whole cache lines][the core's metadata]
 * zone_meta_size gives its size (0 for npages 0 or too large); zone_init
 * builds the zone in it (PM_EINVAL for a NULL, misaligned or short buffer,
 * nothing written then).
 */
size_t zone_meta_size(pm_paddr_t base, size_t npages);
pm_err_t zone_init(void *mem, size_t size, pm_paddr_t base, size_t npages, struct zone **out);

static inline bool zone_contains_pfn(const struct zone *z, uint64_t pfn)
{
    return pfn - z->base_pfn < z->npages; /* wraps for pfn < base */
}

static inline _Atomic uint8_t *zone_pstate(const struct zone *z, uint64_t pfn)
{
    return &z->pstate[pfn - z->base_pfn];
}

/*
 * Compare-and-swap of one page's state byte (PM_SMP_STRICT_FREE). Where the
 * CPU has no byte-wide compare-and-swap (RISC-V without Zabha: GCC would
 * call libatomic's __atomic_compare_exchange_1), it is a compare-and-swap
 * of the aligned 32-bit word holding the byte, as Linux does for cmpxchg
 * on u8; pstate is whole, aligned cache lines, so that word is ours.
 * PM_PSTATE_WORD_CAS forces that form (the tests cover it on x86-64).
 */
static inline bool zone_pstate_cas(_Atomic uint8_t *ps, uint8_t expect, uint8_t desired)
{
#if !defined(PM_PSTATE_WORD_CAS) &&                                                                \
    (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__))
    return atomic_compare_exchange_strong_explicit(ps, &expect, desired, memory_order_relaxed,
                                                   memory_order_relaxed);
#else
    uintptr_t a = (uintptr_t)ps;
    _Atomic uint32_t *w = (_Atomic uint32_t *)(a & ~(uintptr_t)3);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    unsigned shift = (3u - (unsigned)(a & 3)) * 8;
#else
    unsigned shift = (unsigned)(a & 3) * 8;
#endif
    uint32_t old = atomic_load_explicit(w, memory_order_relaxed);

    for (;;) {
        uint32_t val;

        if ((uint8_t)(old >> shift) != expect)
            return false;
        val = (old & ~((uint32_t)0xFF << shift)) | (uint32_t)desired << shift;
        if (atomic_compare_exchange_weak_explicit(w, &old, val, memory_order_relaxed,
                                                  memory_order_relaxed))
            return true;
    }
#endif
}

/* Takes z->lock, counting acquisitions and contentions. */
void zone_lock(struct zone *z) PM_ACQUIRE(z->lock);
void zone_unlock(struct zone *z) PM_RELEASE(z->lock);

/*
 * Moves up to n blocks of `order` from the core into out[], marking each
 * head `kind` with its order (CACHED for a magazine or list, OTHER for a
 * caller that bypasses the caches). Returns how many. Requires z->lock.
 */
unsigned zone_take_blocks_locked(struct zone *z, unsigned order, pm_paddr_t *out, unsigned n,
                                 enum zone_page_state kind) PM_REQUIRES(z->lock);

/*
 * Returns n cached blocks of `order` (head CACHED with that order), all of
 * this zone, to the core: one drain. Requires z->lock.
 */
void zone_put_blocks_locked(struct zone *z, unsigned order, const pm_paddr_t *blocks, unsigned n)
    PM_REQUIRES(z->lock);

#endif /* PM_ZONE_H */
