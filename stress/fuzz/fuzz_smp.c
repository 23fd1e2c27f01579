/*
 * fuzz_smp.c - libFuzzer target for the SMP allocator (pm_smp_*), driven
 * from one thread across several CPU slots and checked step by step
 * against the reference model in model.c.
 *
 * Replay one input (libFuzzer runs a file argument once, no fuzzing):
 *
 *     build/h-fuzz/stress/fuzz/fuzz-smp path/to/crash-or-corpus-file
 *
 * PM_FUZZ_TRACE=1 prints every operation; PM_FAULT=<name> injects a fault
 * (PM_FAULT_INJECTION builds): double-handout, no-enomem-drain and
 * drop-on-drain are caught (see README.md).
 *
 * The model sees cached pages as free: a page in a magazine is free to the
 * caller. So the checks are
 *   - alloc of order k fails with PM_ENOMEM exactly when no zone holds a
 *     naturally aligned run of 2^k free-or-cached pages (the allocator must
 *     drain the caches before it gives up);
 *   - a returned block is aligned, inside one zone and free in the model;
 *   - a free returns the exact error pm_buddy_free documents (PM_EINVAL
 *     first for a bad CPU slot);
 *   - after every step stats free_pages + cached_pages == the model's free
 *     pages, and cached_pages <= max_cached_pages; pm_smp_check() passes
 *     every FZ_CHECK_EVERY steps and at the end.
 *
 * Input format (every read past the end gives 0):
 *   u8 ncpus (1 + v % 8), u8 batch (1 + v % 16), u8 high (255: default,
 *   else 2 * batch + v % 64), u8 flags (v % 4 == 3: PM_SMP_NOCACHE; bit 2:
 *   PM_SMP_STRICT_FREE),
 *   u16 base pfn and u16 size (1 + v % 2048) of the first region,
 *   then operations, one u8 opcode each followed by its arguments.
 */
#include <string.h>

#include <physmem/smp.h>

#include "fuzz_common.h"
#include "model.h"

#define FZ_MAX_TOTAL   8192 /* pages in all regions */
#define FZ_MAX_ZONES   6
#define FZ_CHECK_EVERY 8
#define FZ_GONE        8
#define FZ_BULK_MAX    64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_where fz_where;

struct blk {
    uint64_t pfn;
    unsigned order;
};

struct harness {
    pm_smp_t *s;
    pm_smp_config_t cfg; /* as resolved by the allocator */
    fz_model_t m;
    struct blk live[FZ_MAX_TOTAL]; /* blocks we hold */
    size_t nlive;
    struct blk gone[FZ_GONE]; /* recently freed: double-free candidates */
    unsigned ngone;
    uint64_t next_base; /* above every region */
};

static struct harness h; /* large: static, reset per input */

/* ---- bookkeeping --------------------------------------------------------- */

static void live_remove(uint64_t pfn)
{
    for (size_t i = 0; i < h.nlive; i++) {
        if (h.live[i].pfn == pfn) {
            h.gone[h.ngone++ % FZ_GONE] = h.live[i];
            h.live[i] = h.live[--h.nlive];
            return;
        }
    }
    FZ_CHECK(false, "freed pfn %#llx is not held", (unsigned long long)pfn);
}

static unsigned pick_cpu(struct fz_in *in)
{
    uint8_t v = fz_u8(in);

    return v == 255 ? h.cfg.ncpus : v % h.cfg.ncpus; /* 255: a bad slot */
}

static uint64_t any_pfn(uint16_t r)
{
    const struct fz_region *z;

    if (h.m.nregions == 0)
        return r;
    z = &h.m.r[r % h.m.nregions];
    return z->base_pfn + (uint64_t)(r >> 3) % z->npages;
}

/* An address to free, good or bad, and the page count that goes with it. */
static pm_paddr_t pick_addr(struct fz_in *in, size_t *npages)
{
    uint8_t kind = fz_u8(in);
    uint16_t r = fz_u16(in);
    uint8_t size_sel = fz_u8(in);
    const struct blk *bk = h.nlive ? &h.live[r % h.nlive] : NULL;
    const struct fz_region *z = h.m.nregions ? &h.m.r[r % h.m.nregions] : NULL;
    pm_paddr_t a;

    *npages = bk ? (size_t)1 << bk->order : 1;
    switch (kind % 9) {
    case 0: /* a held block, valid */
        a = pm_paddr_from_pfn(bk ? bk->pfn : any_pfn(r));
        break;
    case 1: /* interior page */
        if (bk && bk->order > 0)
            a = pm_paddr_from_pfn(bk->pfn + 1 + r % (((uint64_t)1 << bk->order) - 1));
        else
            a = pm_paddr_from_pfn(any_pfn(r));
        break;
    case 2: /* not page aligned */
        a = pm_paddr((bk ? bk->pfn : any_pfn(r)) * PM_PAGE_SIZE + 1 + r % (PM_PAGE_SIZE - 1));
        break;
    case 3: /* just below a zone (in a gap, or in the zone before) */
        a = pm_paddr_from_pfn(z && z->base_pfn > 0 ? z->base_pfn - 1 - r % 3 % z->base_pfn : 0);
        break;
    case 4: /* at or past a zone's end */
        a = pm_paddr_from_pfn(z ? z->base_pfn + z->npages + r % 5 : r);
        break;
    case 5: /* recently freed: a double free, unless reallocated since */
        if (h.ngone) {
            const struct blk *g = &h.gone[r % (h.ngone < FZ_GONE ? h.ngone : FZ_GONE)];
            a = pm_paddr_from_pfn(g->pfn);
            *npages = (size_t)1 << g->order;
        } else {
            a = pm_paddr_from_pfn(any_pfn(r));
        }
        break;
    case 6: /* a held block with a count of another order */
        a = pm_paddr_from_pfn(bk ? bk->pfn : any_pfn(r));
        *npages = fz_npages_of_order((bk ? bk->order : 0) + 1 + size_sel % 9, r) % 513;
        return a;
    case 7: /* any page of a zone */
        a = pm_paddr_from_pfn(any_pfn(r));
        break;
    default: /* anything at all */
        a = pm_paddr(fz_u64(in));
        break;
    }
    if (size_sel % 4 == 3)
        *npages = fz_u16(in) % 700;
    return a;
}

/* ---- checked operations ---------------------------------------------------- */

static void took(pm_paddr_t a, unsigned order)
{
    uint64_t pfn = pm_paddr_pfn(a);

    FZ_CHECK(pm_paddr_is_page_aligned(a), "address %#llx not page aligned",
             (unsigned long long)pm_paddr_u64(a));
    FZ_CHECK(fz_model_can_place(&h.m, pfn, order),
             "block pfn %#llx order %u: outside every zone, misaligned or not free in the model "
             "(handed out twice?)",
             (unsigned long long)pfn, order);
    FZ_CHECK(h.nlive < FZ_MAX_TOTAL, "more blocks held than pages");
    fz_model_mark_alloc(&h.m, pfn, order);
    h.live[h.nlive].pfn = pfn;
    h.live[h.nlive].order = order;
    h.nlive++;
}

static void do_alloc(unsigned cpu, size_t npages)
{
    unsigned order = 0;
    pm_err_t want;
    pm_paddr_t a = pm_paddr(0);
    pm_err_t got;

    if (cpu >= h.cfg.ncpus)
        want = PM_EINVAL;
    else if (npages == 0)
        want = PM_EZERO;
    else if (npages > PM_MAX_BLOCK_PAGES)
        want = PM_ETOOLARGE;
    else
        want = fz_model_has_run(&h.m, order = pm_pages_to_order(npages)) ? PM_OK : PM_ENOMEM;
    got = pm_smp_alloc(h.s, cpu, npages, &a);
    fz_trace("alloc cpu %u, %zu pages: got %s %#llx, expect %s", cpu, npages, pm_errname(got),
             (unsigned long long)pm_paddr_u64(a), pm_errname(want));
    FZ_CHECK(got == want, "alloc(cpu %u, %zu pages) returned %s, the model expects %s (%s)", cpu,
             npages, pm_errname(got), pm_errname(want),
             want == PM_OK ? "a free-or-cached aligned run exists" : "see the model");
    if (got == PM_OK)
        took(a, order);
}

static void do_free(unsigned cpu, pm_paddr_t a, size_t npages)
{
    pm_err_t want = cpu < h.cfg.ncpus ? fz_model_free_error(&h.m, a, npages) : PM_EINVAL;
    pm_err_t got = pm_smp_free(h.s, cpu, a, npages);

    fz_trace("%s cpu %u, %#llx, %zu pages: got %s, expect %s", fz_where.op, cpu,
             (unsigned long long)pm_paddr_u64(a), npages, pm_errname(got), pm_errname(want));
    FZ_CHECK(got == want, "free(cpu %u, %#llx, %zu pages) returned %s, the model expects %s", cpu,
             (unsigned long long)pm_paddr_u64(a), npages, pm_errname(got), pm_errname(want));
    if (got == PM_OK) {
        fz_model_mark_free(&h.m, pm_paddr_pfn(a));
        live_remove(pm_paddr_pfn(a));
    }
}

static void op_free_held(struct fz_in *in)
{
    unsigned cpu = pick_cpu(in);
    uint16_t r = fz_u16(in);
    uint16_t r2 = fz_u16(in);

    fz_where.op = "free";
    if (h.nlive == 0) {
        do_free(cpu, pm_paddr_from_pfn(any_pfn(r)), 1);
    } else {
        const struct blk *bk = &h.live[r % h.nlive];
        do_free(cpu, pm_paddr_from_pfn(bk->pfn), fz_npages_of_order(bk->order, r2));
    }
}

static void op_free_any(struct fz_in *in)
{
    unsigned cpu = pick_cpu(in);
    size_t npages;
    pm_paddr_t a = pick_addr(in, &npages);

    fz_where.op = "free(any)";
    do_free(cpu, a, npages);
}

/* Many order-0 allocations or frees on one CPU: fills and empties magazines. */
static void op_burst(struct fz_in *in)
{
    unsigned cpu = pick_cpu(in);
    uint8_t sel = fz_u8(in);
    unsigned n = 1 + sel % 128;

    if (sel & 128) {
        fz_where.op = "burst free";
        for (unsigned i = 0; i < n && h.nlive > 0; i++) {
            size_t k = h.nlive - 1; /* the newest: LIFO, as a kernel would */

            if (h.live[k].order != 0)
                k = 0;
            do_free(cpu, pm_paddr_from_pfn(h.live[k].pfn), (size_t)1 << h.live[k].order);
        }
    } else {
        fz_where.op = "burst alloc";
        for (unsigned i = 0; i < n; i++)
            do_alloc(cpu, 1);
    }
}

static void op_bulk(struct fz_in *in)
{
    unsigned cpu = pick_cpu(in);
    size_t count = fz_u8(in) % FZ_BULK_MAX;
    pm_paddr_t out[FZ_BULK_MAX];
    size_t n;

    fz_where.op = "alloc_bulk";
    n = pm_smp_alloc_bulk(h.s, cpu, count, out);
    fz_trace("alloc_bulk cpu %u count %zu: got %zu", cpu, count, n);
    FZ_CHECK(n <= count, "alloc_bulk returned %zu > %zu", n, count);
    if (cpu >= h.cfg.ncpus) {
        FZ_CHECK(n == 0, "alloc_bulk on a bad slot returned %zu", n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        took(out[i], 0);
    FZ_CHECK(n == count || h.m.free == 0,
             "alloc_bulk stopped at %zu of %zu though %llu pages are free or cached", n, count,
             (unsigned long long)h.m.free);
}

static void op_drain(struct fz_in *in, bool all)
{
    if (all) {
        fz_where.op = "drain_all";
        fz_trace("drain_all");
        pm_smp_drain_all(h.s);
    } else {
        unsigned cpu = pick_cpu(in);

        fz_where.op = "drain_cpu";
        fz_trace("drain_cpu %u", cpu);
        pm_smp_drain_cpu(h.s, cpu);
    }
}

/* A new zone that overlaps nothing: above every zone or below the lowest. */
static void add_valid_region(uint64_t gap, uint64_t npages, bool below)
{
    uint64_t base = h.next_base + gap;
    pm_err_t got;

    if (below && h.m.nregions > 0) {
        uint64_t low = h.m.r[0].base_pfn;

        for (unsigned i = 1; i < h.m.nregions; i++)
            low = h.m.r[i].base_pfn < low ? h.m.r[i].base_pfn : low;
        if (low >= gap + npages)
            base = low - gap - npages;
    }
    if (h.m.nregions >= FZ_MAX_ZONES || h.m.total + npages > FZ_MAX_TOTAL ||
        fz_model_overlaps(&h.m, base, npages))
        return;
    got = pm_smp_add_region(h.s, pm_paddr_from_pfn(base), (size_t)npages);
    fz_trace("add_region base_pfn %#llx npages %llu: got %s", (unsigned long long)base,
             (unsigned long long)npages, pm_errname(got));
    FZ_CHECK_ERR(got, PM_OK);
    if (!fz_model_add_region(&h.m, base, npages))
        abort();
    if (base + npages > h.next_base)
        h.next_base = base + npages;
}

static void op_add_region(struct fz_in *in)
{
    uint8_t sel = fz_u8(in);
    uint16_t r = fz_u16(in);
    uint8_t r2 = fz_u8(in);
    pm_err_t got;

    fz_where.op = "add_region";
    switch (sel % 8) {
    case 0:
    case 1:
    case 2: /* gap 0 (adjacent zones: their buddies must not merge) to 63 */
        add_valid_region(r2 % 64, 1 + (uint64_t)r % 1024, false);
        return;
    case 3:
        add_valid_region(r2 % 64, 1 + (uint64_t)r % 1024, true);
        return;
    case 4: { /* overlapping an existing zone */
        const struct fz_region *z = h.m.nregions ? &h.m.r[r % h.m.nregions] : NULL;
        uint64_t base, npages = 1 + (uint64_t)(r2 % 64);

        if (z == NULL)
            return;
        base = z->base_pfn + (uint64_t)(r >> 4) % z->npages;
        base = base >= r2 % 8 ? base - r2 % 8 : 0;
        if (!fz_model_overlaps(&h.m, base, npages))
            return;
        got = pm_smp_add_region(h.s, pm_paddr_from_pfn(base), (size_t)npages);
        fz_trace("add_region(overlap) base_pfn %#llx npages %llu: got %s", (unsigned long long)base,
                 (unsigned long long)npages, pm_errname(got));
        FZ_CHECK_ERR(got, PM_EINVAL);
        return;
    }
    case 5:
        FZ_CHECK_ERR(pm_smp_add_region(h.s, pm_paddr_from_pfn(h.next_base + r), 0), PM_EINVAL);
        return;
    case 6:
        FZ_CHECK_ERR(pm_smp_add_region(h.s,
                                       pm_paddr(pm_paddr_u64(pm_paddr_from_pfn(h.next_base)) + 1 +
                                                r % (PM_PAGE_SIZE - 1)),
                                       1),
                     PM_EALIGN);
        return;
    default: /* wraps past the top of the address space */
        FZ_CHECK_ERR(
            pm_smp_add_region(h.s, pm_paddr_from_pfn(((uint64_t)1 << 52) - 1 - r % 4), 5 + r2 % 8),
            PM_ERANGE);
        return;
    }
}

static void check_stats(void)
{
    pm_smp_stats_t st;

    pm_smp_stats(h.s, &st);
    FZ_CHECK(st.total_pages == h.m.total, "total_pages %llu, the model says %llu",
             (unsigned long long)st.total_pages, (unsigned long long)h.m.total);
    FZ_CHECK(st.free_pages + st.cached_pages == h.m.free,
             "free_pages %llu + cached_pages %llu = %llu, the model says %llu free",
             (unsigned long long)st.free_pages, (unsigned long long)st.cached_pages,
             (unsigned long long)(st.free_pages + st.cached_pages), (unsigned long long)h.m.free);
    FZ_CHECK(st.cached_pages <= st.max_cached_pages, "cached_pages %llu > max_cached_pages %llu",
             (unsigned long long)st.cached_pages, (unsigned long long)st.max_cached_pages);
    FZ_CHECK(st.zones == h.m.nregions, "%llu zones, the model has %u", (unsigned long long)st.zones,
             h.m.nregions);
#if PM_STATS
    FZ_CHECK(st.failed_allocations <= st.allocations, "more failed allocations than attempts");
#endif
}

static void op_stats(void)
{
    pm_order_stats_t os[PM_NR_ORDERS];
    pm_smp_stats_t st;
    uint64_t in_cores = 0;

    fz_where.op = "stats";
    pm_smp_order_stats(h.s, os);
    pm_smp_stats(h.s, &st);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        in_cores += os[o].free_blocks << o;
    FZ_CHECK(in_cores == st.free_pages, "per-order free blocks sum to %llu, free_pages %llu",
             (unsigned long long)in_cores, (unsigned long long)st.free_pages);
    FZ_CHECK_ERR(pm_smp_check(h.s), PM_OK);
    FZ_CHECK(fz_model_self_check(&h.m), "the model itself is inconsistent");
}

static void check_step(unsigned step)
{
    check_stats();
    if (step % FZ_CHECK_EVERY == 0)
        FZ_CHECK_ERR(pm_smp_check(h.s), PM_OK);
}

/* Bad configurations, on the way in. */
static void check_config_errors(const pm_smp_config_t *good)
{
    pm_smp_config_t c = *good;
    pm_smp_t *s = NULL;

    fz_where.op = "create errors";
    c.ncpus = 0;
    FZ_CHECK_ERR(pm_smp_create(&c, &s), PM_EINVAL);
    c = *good;
    c.ncpus = PM_MAX_CPUS + 1;
    FZ_CHECK_ERR(pm_smp_create(&c, &s), PM_EINVAL);
    c = *good;
    c.high = 2 * c.batch - 1;
    FZ_CHECK_ERR(pm_smp_create(&c, &s), PM_EINVAL);
    c = *good;
    c.batch = PM_SMP_MAX_BATCH + 1;
    FZ_CHECK_ERR(pm_smp_create(&c, &s), PM_EINVAL);
    c = *good;
    c.flags = 0x80000000u; /* no such flag */
    FZ_CHECK_ERR(pm_smp_create(&c, &s), PM_EINVAL);
    FZ_CHECK(s == NULL, "a failed create wrote its result");
}

/* ---- libFuzzer entry points ---------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup("fuzz-smp");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz_in in = {data, size, 0};
    pm_smp_config_t cfg;
    uint8_t high_sel, flags;
    uint64_t base, npages;

    h.nlive = 0;
    h.ngone = 0;
    h.s = NULL;
    fz_model_init(&h.m);
    fz_where.step = 0;
    fz_where.op = "create";

    cfg.ncpus = 1 + fz_u8(&in) % 8u;
    cfg.batch = 1 + fz_u8(&in) % 16u;
    high_sel = fz_u8(&in);
    cfg.high = high_sel == 255 ? 0 : 2 * cfg.batch + high_sel % 64u;
    flags = fz_u8(&in);
    cfg.flags = flags % 4 == 3 ? PM_SMP_NOCACHE : 0;
#ifdef PM_SMP_STRICT_FREE
    if (flags & 4)
        cfg.flags |= PM_SMP_STRICT_FREE;
#endif
    base = fz_u16(&in);
    npages = 1 + fz_u16(&in) % 2048u;
    if (fz_where.trace)
        fprintf(stderr, "fuzz-smp: ncpus %u batch %u high %u flags %#x\n", cfg.ncpus, cfg.batch,
                cfg.high, cfg.flags);
    check_config_errors(&cfg);
    FZ_CHECK_ERR(pm_smp_create(&cfg, &h.s), PM_OK);
    pm_smp_get_config(h.s, &h.cfg);
    FZ_CHECK(h.cfg.ncpus == cfg.ncpus && h.cfg.batch == cfg.batch &&
                 (cfg.high == 0 || h.cfg.high == cfg.high) && h.cfg.flags == cfg.flags,
             "pm_smp_get_config returned another configuration");
    h.next_base = base;
    add_valid_region(0, npages, false);

    while (fz_more(&in)) {
        uint8_t op = fz_u8(&in);

        fz_where.step++;
        switch (op % 16) {
        case 0:
        case 1:
        case 2:
            fz_where.op = "alloc";
            do_alloc(pick_cpu(&in), 1);
            break;
        case 3:
            fz_where.op = "alloc";
            do_alloc(pick_cpu(&in), fz_pick_npages(&in));
            break;
        case 4: {
            unsigned cpu = pick_cpu(&in);

            fz_where.op = "alloc";
            do_alloc(cpu, (size_t)1 << (fz_u8(&in) % PM_NR_ORDERS));
            break;
        }
        case 5:
        case 6:
        case 7:
            op_free_held(&in);
            break;
        case 8:
            op_free_any(&in);
            break;
        case 9:
            op_burst(&in);
            break;
        case 10:
            op_drain(&in, false);
            break;
        case 11:
            op_drain(&in, true);
            break;
        case 12:
            op_bulk(&in);
            break;
        case 13:
            op_add_region(&in);
            break;
        case 14:
            op_stats();
            break;
        default:
            op_burst(&in);
            break;
        }
        check_step(fz_where.step);
    }
    fz_where.op = "final check";
    check_step(0);
    op_stats();
    /* Give everything back: the allocator must end with every page free. */
    fz_where.op = "final free";
    while (h.nlive > 0)
        do_free((unsigned)(h.nlive % h.cfg.ncpus), pm_paddr_from_pfn(h.live[h.nlive - 1].pfn),
                (size_t)1 << h.live[h.nlive - 1].order);
    pm_smp_drain_all(h.s);
    check_step(0);
    {
        pm_smp_stats_t st;

        pm_smp_stats(h.s, &st);
        FZ_CHECK(st.cached_pages == 0 && st.free_pages == h.m.total,
                 "after drain_all: %llu cached, %llu of %llu pages free",
                 (unsigned long long)st.cached_pages, (unsigned long long)st.free_pages,
                 (unsigned long long)h.m.total);
    }
    pm_smp_destroy(h.s);
    h.s = NULL;
    fz_model_fini(&h.m);
    return 0;
}
