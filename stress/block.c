/*
 * block.c - checked allocation and free, the only way the patterns touch
 * the allocator's pages. After every allocation: the block lies in an added
 * region and is aligned to its order, the shadow map gives every page to
 * the caller (none is held by anyone else), the FREE poison of a page that
 * was handed out before is intact, and every page is stamped with the owner
 * and a sequence number. Before every free: the stamps are intact, then the
 * pages are poisoned and released in the shadow map.
 */
#include "stress.h"

#include <stdio.h>

/* "stamp of cpu 3 seq 17", "FREE poison of pfn 0x..." or the raw value. */
static const char *describe(uint64_t v, char *buf, size_t len)
{
    if ((v >> 48) == 0xa11c)
        snprintf(buf, len, "%#llx (stamp of cpu %u seq %u)", (unsigned long long)v,
                 (unsigned)((v >> 32) & 0xffff), (unsigned)(v & 0xffffffffu));
    else if ((v >> 48) == 0xf4ee)
        snprintf(buf, len, "%#llx (FREE poison of pfn %#llx)", (unsigned long long)v,
                 (unsigned long long)(v & 0xffffffffffffull));
    else
        snprintf(buf, len, "%#llx", (unsigned long long)v);
    return buf;
}

static size_t page_index(const struct stress_run *r, uint64_t addr)
{
    return (size_t)((addr - stress_arena_addr(r->arena, 0)) >> PM_PAGE_SHIFT);
}

/* The block [addr, addr + 2^order pages) lies inside one announced region. */
static bool in_regions(struct stress_run *r, uint64_t addr, unsigned order)
{
    uint64_t base = stress_arena_addr(r->arena, 0);
    uint64_t end = addr + pm_order_to_bytes(order);
    if (addr < base || end < addr ||
        end - base > atomic_load_explicit(&r->announced_end, memory_order_acquire))
        return false;
    size_t first = page_index(r, addr);
    size_t last = first + pm_order_to_pages(order);
    unsigned n = atomic_load_explicit(&r->nregions, memory_order_acquire);
    for (unsigned i = 0; i < n; i++) {
        const struct stress_region *g = &r->regions[i];
        if (first >= g->first_page && last <= g->first_page + g->npages)
            return true;
    }
    return false;
}

void stress_take(struct stress_thread *t, uint64_t addr, unsigned order, struct stress_block *out)
{
    struct stress_run *r = t->run;
    bool every = r->opt->paranoid;
    char buf[96];

    STRESS_CHECK(pm_paddr_is_order_aligned(pm_paddr(addr), order),
                 "cpu %u: allocator returned %#llx for order %u: not aligned to the order", t->id,
                 (unsigned long long)addr, order);
    STRESS_CHECK(in_regions(r, addr, order),
                 "cpu %u: allocator returned %#llx (order %u) outside every added region", t->id,
                 (unsigned long long)addr, order);
    out->addr = addr;
    out->order = (uint8_t)order;
    out->owner = (uint16_t)t->id;
    out->seq = ++t->seq;
    uint64_t stamp = stress_stamp(t->id, out->seq);
    size_t first = page_index(r, addr);
    for (size_t i = 0; i < pm_order_to_pages(order); i++) {
        uint64_t pa = addr + i * PM_PAGE_SIZE;
        uint32_t prev;
        if (!stress_shadow_claim(r->shadow, first + i, t->id, &prev))
            stress_fail("page %#llx handed out twice: cpu %u got block %#llx order %u, but the "
                        "page is still held by cpu %u",
                        (unsigned long long)pa, t->id, (unsigned long long)addr, order,
                        (unsigned)(prev & STRESS_SHADOW_OWNER) - 1u);
        if (prev & STRESS_SHADOW_TOUCHED) {
            uint64_t found = 0;
            size_t off = stress_page_check(pa, stress_poison(pa), every, &found);
            if (off)
                stress_fail("free page %#llx was written while free: word +%zu is %s when cpu %u "
                            "allocated it (block %#llx order %u)",
                            (unsigned long long)pa, off - 1, describe(found, buf, sizeof(buf)),
                            t->id, (unsigned long long)addr, order);
        }
        stress_page_stamp(pa, stamp, every);
    }
}

void stress_check_block(struct stress_thread *t, const struct stress_block *b, const char *when)
{
    bool every = t->run->opt->paranoid;
    uint64_t stamp = stress_stamp(b->owner, b->seq);
    char buf[96];
    for (size_t i = 0; i < pm_order_to_pages(b->order); i++) {
        uint64_t pa = b->addr + i * PM_PAGE_SIZE;
        uint64_t found = 0;
        size_t off = stress_page_check(pa, stamp, every, &found);
        if (off)
            stress_fail("block %#llx order %u of cpu %u seq %u: page %#llx word +%zu is %s, "
                        "not the owner's stamp (cpu %u, %s)",
                        (unsigned long long)b->addr, b->order, b->owner, b->seq,
                        (unsigned long long)pa, off - 1, describe(found, buf, sizeof(buf)), t->id,
                        when);
    }
}

void stress_release(struct stress_thread *t, const struct stress_block *b)
{
    struct stress_run *r = t->run;
    bool every = r->opt->paranoid;
    size_t first = page_index(r, b->addr);
    stress_check_block(t, b, "before free");
    for (size_t i = 0; i < pm_order_to_pages(b->order); i++) {
        uint64_t pa = b->addr + i * PM_PAGE_SIZE;
        uint32_t prev;
        stress_page_stamp(pa, stress_poison(pa), every);
        if (!stress_shadow_release(r->shadow, first + i, b->owner, &prev))
            stress_fail("cpu %u frees page %#llx of cpu %u's block %#llx, but the shadow map "
                        "says owner %d",
                        t->id, (unsigned long long)pa, b->owner, (unsigned long long)b->addr,
                        (int)(prev & STRESS_SHADOW_OWNER) - 1);
    }
}

void stress_free(struct stress_thread *t, const struct stress_block *b)
{
    stress_release(t, b);
    pm_err_t e = pm_smp_free(t->run->smp, t->id, pm_paddr(b->addr), pm_order_to_pages(b->order));
    STRESS_CHECK(e == PM_OK, "cpu %u: pm_smp_free(%#llx, order %u) of cpu %u's block: %s", t->id,
                 (unsigned long long)b->addr, b->order, b->owner, pm_errname(e));
    t->frees++;
    if (b->owner != t->id)
        t->xfrees++;
}

pm_err_t stress_alloc(struct stress_thread *t, unsigned order, struct stress_block *out)
{
    pm_paddr_t pa;
    pm_err_t e = pm_smp_alloc(t->run->smp, t->id, pm_order_to_pages(order), &pa);
    t->allocs++;
    if (e == PM_ENOMEM) {
        t->enomem++;
        return e;
    }
    STRESS_CHECK(e == PM_OK, "cpu %u: pm_smp_alloc(order %u): %s", t->id, order, pm_errname(e));
    stress_take(t, pm_paddr_u64(pa), order, out);
    return PM_OK;
}

#define STRESS_BULK_MAX 64

size_t stress_alloc_bulk(struct stress_thread *t, size_t count, struct stress_block *out)
{
    pm_paddr_t pa[STRESS_BULK_MAX];
    if (count > STRESS_BULK_MAX)
        count = STRESS_BULK_MAX;
    size_t n = pm_smp_alloc_bulk(t->run->smp, t->id, count, pa);
    STRESS_CHECK(n <= count, "cpu %u: pm_smp_alloc_bulk(%zu) returned %zu", t->id, count, n);
    t->allocs += count;
    if (n < count)
        t->enomem++;
    for (size_t i = 0; i < n; i++)
        stress_take(t, pm_paddr_u64(pa[i]), 0, &out[i]);
    return n;
}
