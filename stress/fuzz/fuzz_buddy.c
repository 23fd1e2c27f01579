/*
 * fuzz_buddy.c - libFuzzer target for the buddy core (pm_buddy_*), checked
 * step by step against the reference model in model.c.
 *
 * Replay one input (libFuzzer runs a file argument once, no fuzzing):
 *
 *     build/h-fuzz/stress/fuzz/fuzz-buddy path/to/crash-or-corpus-file
 *
 * PM_FUZZ_TRACE=1 prints every operation; PM_FAULT=no-coalesce injects a
 * fault (PM_FAULT_INJECTION builds), which the target must then report.
 *
 * Input format (every read past the end gives 0):
 *   u8  flags   bit 0: base above 2^40 pages; bit 1: range ends at the top
 *               of the 64-bit address space; bit 2: the hot stack opted in
 *               (hot_max 16) from the start, else the default (none)
 *   u16 base    base pfn (odd bases are the interesting ones)
 *   u16 size    npages = 1 + size % 4096
 *   then operations, one u8 opcode each followed by its arguments:
 *   alloc (0..600 pages), free of a held block (any count of its order),
 *   free of a bad address (interior, misaligned, out of range, double, wrong
 *   size, random), alloc_frame, free_frame, alloc_bulk, block_order, the
 *   hot stack (a new hot_max, 0..32, or a flush), stats, reset, fini /
 *   re-init (and init's error codes).
 *
 * After every step the free page count must match the model's; every
 * FZ_CHECK_EVERY steps, and at the end, pm_buddy_check() must pass.
 */
#include <string.h>

#include "fuzz_common.h"
#include "model.h"

#define FZ_MAX_PAGES   4096
#define FZ_CHECK_EVERY 4
#define FZ_GONE        8
#define FZ_BULK_MAX    48

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_where fz_where;

struct blk {
    uint64_t pfn;
    unsigned order;
    size_t requested; /* the page count it was allocated with */
};

struct harness {
    pm_buddy_t b;
    void *meta;
    bool ready;
    uint64_t base_pfn;
    uint64_t npages;
    fz_model_t m;
    struct blk *live; /* blocks we hold; at most npages */
    size_t nlive;
    uint64_t requested;       /* sum of live[].requested */
    struct blk gone[FZ_GONE]; /* recently freed: double-free candidates */
    unsigned ngone;
};

/* ---- bookkeeping --------------------------------------------------------- */

static void live_add(struct harness *h, uint64_t pfn, unsigned order, size_t requested)
{
    FZ_CHECK(h->nlive < h->npages, "more blocks held than pages");
    h->live[h->nlive].pfn = pfn;
    h->live[h->nlive].order = order;
    h->live[h->nlive].requested = requested;
    h->nlive++;
    h->requested += requested;
}

static void live_remove(struct harness *h, uint64_t pfn)
{
    for (size_t i = 0; i < h->nlive; i++) {
        if (h->live[i].pfn == pfn) {
            h->requested -= h->live[i].requested;
            h->gone[h->ngone++ % FZ_GONE] = h->live[i];
            h->live[i] = h->live[--h->nlive];
            return;
        }
    }
    FZ_CHECK(false, "freed pfn %#llx is not held", (unsigned long long)pfn);
}

struct config {
    uint64_t base_pfn;
    uint64_t npages;
    uint32_t hot_max;
};

static void read_config(struct fz_in *in, struct config *c)
{
    uint8_t flags = fz_u8(in);
    uint64_t base = fz_u16(in);

    c->npages = 1 + fz_u16(in) % FZ_MAX_PAGES;
    if (flags & 1)
        base += (uint64_t)1 << 40;
    if (flags & 2) /* ends 0..7 pages below 2^52 pages, the top of the address space */
        base = ((uint64_t)1 << (64 - PM_PAGE_SHIFT)) - c->npages - (base & 7);
    c->base_pfn = base;
    c->hot_max = flags & 4 ? 16 : 0;
}

static void harness_init(struct harness *h, const struct config *c)
{
    uint64_t base_pfn = c->base_pfn, npages = c->npages;
    size_t meta_size = pm_buddy_meta_size(pm_paddr_from_pfn(base_pfn), (size_t)npages);

    h->meta = malloc(meta_size); /* exact size: ASan sees any overrun */
    h->live = malloc(sizeof(*h->live) * npages);
    if (h->meta == NULL || h->live == NULL)
        abort();
    h->base_pfn = base_pfn;
    h->npages = npages;
    h->nlive = 0;
    h->requested = 0;
    h->ngone = 0;
    FZ_CHECK_ERR(
        pm_buddy_init(&h->b, pm_paddr_from_pfn(base_pfn), (size_t)npages, h->meta, meta_size),
        PM_OK);
    FZ_CHECK(pm_buddy_hot_pages(&h->b) == 0, "a new allocator has hot pages");
    if (c->hot_max != 0)
        FZ_CHECK_ERR(pm_buddy_set_hot_max(&h->b, c->hot_max), PM_OK);
    fz_model_init(&h->m);
    if (!fz_model_add_region(&h->m, base_pfn, npages))
        abort();
    h->ready = true;
    fz_trace("init base_pfn %#llx npages %llu hot_max %u", (unsigned long long)base_pfn,
             (unsigned long long)npages, (unsigned)c->hot_max);
}

static void harness_fini(struct harness *h)
{
    pm_buddy_fini(&h->b);
    free(h->meta);
    free(h->live);
    fz_model_fini(&h->m);
    h->meta = NULL;
    h->live = NULL;
    h->nlive = 0;
    h->ready = false;
}

/* ---- choosing arguments -------------------------------------------------- */

/* An address to free or query, good or bad, and the page count that goes with it. */
static pm_paddr_t pick_addr(struct harness *h, struct fz_in *in, size_t *npages)
{
    uint8_t kind = fz_u8(in);
    uint16_t r = fz_u16(in);
    uint8_t size_sel = fz_u8(in);
    const struct blk *bk = h->nlive ? &h->live[r % h->nlive] : NULL;
    uint64_t range = h->npages ? h->npages : 1;
    pm_paddr_t a;

    *npages = bk ? bk->requested : 1;
    switch (kind % 9) {
    case 0: /* a held block, valid */
        a = bk ? pm_paddr_from_pfn(bk->pfn) : pm_paddr_from_pfn(h->base_pfn + r % range);
        break;
    case 1: /* interior page */
        if (bk && bk->order > 0)
            a = pm_paddr_from_pfn(bk->pfn + 1 + r % (((uint64_t)1 << bk->order) - 1));
        else
            a = pm_paddr_from_pfn(h->base_pfn + r % range);
        break;
    case 2: /* not page aligned */
        a = pm_paddr((bk ? bk->pfn : h->base_pfn) * PM_PAGE_SIZE + 1 + r % (PM_PAGE_SIZE - 1));
        break;
    case 3: /* below the range */
        a = pm_paddr_from_pfn(h->base_pfn > r % 17 ? h->base_pfn - 1 - r % 17 : h->base_pfn + 0);
        if (h->base_pfn == 0)
            a = pm_paddr(UINT64_MAX & ~(uint64_t)(PM_PAGE_SIZE - 1));
        break;
    case 4: /* at or past the end */
        a = pm_paddr_from_pfn(h->base_pfn + h->npages + r % 17);
        break;
    case 5: /* recently freed: a double free, unless reallocated since */
        if (h->ngone) {
            const struct blk *g = &h->gone[r % (h->ngone < FZ_GONE ? h->ngone : FZ_GONE)];
            a = pm_paddr_from_pfn(g->pfn);
            *npages = g->requested;
        } else {
            a = pm_paddr_from_pfn(h->base_pfn + r % range);
        }
        break;
    case 6: /* a held block with a count of another order */
        a = bk ? pm_paddr_from_pfn(bk->pfn) : pm_paddr_from_pfn(h->base_pfn + r % range);
        *npages = fz_npages_of_order((bk ? bk->order : 0) + 1 + size_sel % 9, r) % 513;
        return a;
    case 7: /* any page of the range */
        a = pm_paddr_from_pfn(h->base_pfn + r % range);
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

/* The error pm_buddy_alloc(npages) must give, if the allocator is ready. */
static pm_err_t expected_alloc(const struct harness *h, size_t npages, unsigned *order)
{
    if (!h->ready)
        return PM_EUNINIT;
    if (npages == 0)
        return PM_EZERO;
    if (npages > PM_MAX_BLOCK_PAGES)
        return PM_ETOOLARGE;
    *order = pm_pages_to_order(npages);
    return fz_model_has_run(&h->m, *order) ? PM_OK : PM_ENOMEM;
}

static void took(struct harness *h, pm_paddr_t a, unsigned order, size_t requested)
{
    uint64_t pfn = pm_paddr_pfn(a);

    FZ_CHECK(pm_paddr_is_page_aligned(a), "address %#llx not page aligned",
             (unsigned long long)pm_paddr_u64(a));
    FZ_CHECK(fz_model_can_place(&h->m, pfn, order),
             "block pfn %#llx order %u: outside the range, misaligned or not free in the model",
             (unsigned long long)pfn, order);
    fz_model_mark_alloc(&h->m, pfn, order);
    live_add(h, pfn, order, requested);
}

static void op_alloc(struct harness *h, struct fz_in *in, bool frame)
{
    size_t npages = fz_pick_npages(in);
    unsigned order = 0;
    pm_err_t want = expected_alloc(h, npages, &order);
    pm_paddr_t a = pm_paddr(0);
    pm_err_t got;

    fz_where.op = frame ? "alloc_frame" : "alloc";
    fz_trace("%s %zu pages: expect %s", fz_where.op, npages, pm_errname(want));
    if (frame) {
        pm_frame_t f = {pm_paddr(0), 0};

        got = pm_buddy_alloc_frame(&h->b, npages, &f);
        if (got == PM_OK) {
            FZ_CHECK(f.order == order, "frame order %u, want %u", f.order, order);
            a = f.addr;
        }
    } else {
        got = pm_buddy_alloc(&h->b, npages, &a);
    }
    FZ_CHECK(got == want, "%s(%zu) returned %s, the model expects %s (%s)", fz_where.op, npages,
             pm_errname(got), pm_errname(want),
             want == PM_OK ? "a free aligned run exists" : "no free aligned run exists");
    if (got == PM_OK)
        took(h, a, order, npages);
}

static void do_free(struct harness *h, pm_paddr_t a, size_t npages, pm_err_t got)
{
    pm_err_t want = h->ready ? fz_model_free_error(&h->m, a, npages) : PM_EUNINIT;

    fz_trace("%s %#llx, %zu pages: got %s, expect %s", fz_where.op,
             (unsigned long long)pm_paddr_u64(a), npages, pm_errname(got), pm_errname(want));
    FZ_CHECK(got == want, "%s(%#llx, %zu) returned %s, the model expects %s", fz_where.op,
             (unsigned long long)pm_paddr_u64(a), npages, pm_errname(got), pm_errname(want));
    if (got == PM_OK) {
        fz_model_mark_free(&h->m, pm_paddr_pfn(a));
        live_remove(h, pm_paddr_pfn(a));
    }
}

static void op_free_held(struct harness *h, struct fz_in *in)
{
    uint16_t r = fz_u16(in);
    uint16_t r2 = fz_u16(in);
    const struct blk *bk;
    pm_paddr_t a;
    size_t npages;

    fz_where.op = "free";
    if (h->nlive == 0) {
        a = pm_paddr_from_pfn(h->base_pfn + r % (h->npages ? h->npages : 1));
        npages = 1;
    } else {
        bk = &h->live[r % h->nlive];
        a = pm_paddr_from_pfn(bk->pfn);
        npages = fz_npages_of_order(bk->order, r2);
    }
    do_free(h, a, npages, pm_buddy_free(&h->b, a, npages));
}

static void op_free_any(struct harness *h, struct fz_in *in)
{
    size_t npages;
    pm_paddr_t a = pick_addr(h, in, &npages);

    fz_where.op = "free(any)";
    do_free(h, a, npages, pm_buddy_free(&h->b, a, npages));
}

static void op_free_frame(struct harness *h, struct fz_in *in)
{
    size_t npages;
    pm_paddr_t a = pick_addr(h, in, &npages);
    uint8_t sel = fz_u8(in);
    pm_frame_t f = pm_frame(a, npages ? pm_pages_to_order(npages > 4096 ? 4096 : npages) : 0);
    pm_err_t got;

    fz_where.op = "free_frame";
    if (sel % 8 == 7)
        f.order = 10 + sel / 8 % 4; /* past the largest order */
    got = pm_buddy_free_frame(&h->b, f);
    /* an order past the largest is a free of more than 512 pages: PM_ETOOLARGE
     * in pm_buddy_free's order, after PM_EUNINIT, PM_EALIGN and PM_ERANGE */
    do_free(h, f.addr, f.order > PM_MAX_ORDER ? PM_MAX_BLOCK_PAGES + 1 : (size_t)1 << f.order, got);
}

static void op_bulk(struct harness *h, struct fz_in *in)
{
    unsigned order = fz_u8(in) % (PM_NR_ORDERS + 1);
    size_t count = fz_u8(in) % FZ_BULK_MAX;
    pm_paddr_t out[FZ_BULK_MAX];
    size_t n;

    fz_where.op = "alloc_bulk";
    n = pm_buddy_alloc_bulk(&h->b, order, count, out);
    fz_trace("alloc_bulk order %u count %zu: got %zu", order, count, n);
    FZ_CHECK(n <= count, "alloc_bulk returned %zu > %zu", n, count);
    if (!h->ready || order > PM_MAX_ORDER) {
        FZ_CHECK(n == 0, "alloc_bulk on a bad call returned %zu", n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        took(h, out[i], order, (size_t)1 << order);
    FZ_CHECK(n == count || !fz_model_has_run(&h->m, order),
             "alloc_bulk order %u stopped at %zu of %zu though a free aligned run exists", order, n,
             count);
}

static void op_block_order(struct harness *h, struct fz_in *in)
{
    size_t npages;
    pm_paddr_t a = pick_addr(h, in, &npages);
    unsigned got_order = 99, want_order = 98;
    pm_err_t want = h->ready ? fz_model_block_order(&h->m, a, &want_order) : PM_EUNINIT;
    pm_err_t got = pm_buddy_block_order(&h->b, a, &got_order);

    fz_where.op = "block_order";
    fz_trace("block_order %#llx: got %s, expect %s", (unsigned long long)pm_paddr_u64(a),
             pm_errname(got), pm_errname(want));
    FZ_CHECK_ERR(got, want);
    if (got == PM_OK)
        FZ_CHECK(got_order == want_order, "block_order %u, the model says %u", got_order,
                 want_order);
    FZ_CHECK(pm_buddy_contains(&h->b, a) ==
                 (h->ready && fz_model_region_of(&h->m, pm_paddr_pfn(a)) != NULL),
             "pm_buddy_contains(%#llx) disagrees", (unsigned long long)pm_paddr_u64(a));
}

static void op_stats(struct harness *h)
{
    pm_stats_t st;
    pm_order_stats_t os[PM_NR_ORDERS];
    uint64_t free_pages = 0;

    fz_where.op = "stats";
    pm_buddy_stats(&h->b, &st);
    pm_buddy_order_stats(&h->b, os);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        free_pages += os[o].free_blocks << o;
    if (!h->ready) {
        FZ_CHECK(st.total_pages == 0 && st.free_pages == 0 && free_pages == 0,
                 "stats of an uninitialized allocator are not zero");
        return;
    }
    FZ_CHECK(st.total_pages == h->m.total, "total_pages %llu, model %llu",
             (unsigned long long)st.total_pages, (unsigned long long)h->m.total);
    FZ_CHECK(st.free_pages == h->m.free && free_pages == h->m.free,
             "free_pages %llu, per-order sum %llu, model %llu", (unsigned long long)st.free_pages,
             (unsigned long long)free_pages, (unsigned long long)h->m.free);
#if PM_STATS
    FZ_CHECK(st.requested_pages == h->requested, "requested_pages %llu, held %llu",
             (unsigned long long)st.requested_pages, (unsigned long long)h->requested);
    FZ_CHECK(st.peak_used_pages >= pm_stats_used_pages(&st), "peak_used_pages below used");
    FZ_CHECK(st.failed_allocations <= st.allocations, "more failed allocations than attempts");
#endif
}

/* The hot stack: a new hot_max (0..32), or a flush. Neither may change what
 * is free; afterwards the stack holds at most hot_max pages. */
static void op_hot(struct harness *h, struct fz_in *in)
{
    uint8_t sel = fz_u8(in);
    uint32_t max = (uint32_t)(sel >> 1) % 33u;
    pm_err_t want = h->ready ? PM_OK : PM_EUNINIT;

    fz_where.op = sel & 1 ? "flush_hot" : "set_hot_max";
    fz_trace("%s %u", fz_where.op, max);
    if (sel & 1) {
        FZ_CHECK_ERR(pm_buddy_flush_hot(&h->b), want);
        FZ_CHECK(pm_buddy_hot_pages(&h->b) == 0, "%llu hot pages after a flush",
                 (unsigned long long)pm_buddy_hot_pages(&h->b));
    } else {
        FZ_CHECK_ERR(pm_buddy_set_hot_max(&h->b, max), want);
        FZ_CHECK(pm_buddy_hot_pages(&h->b) <= max, "%llu hot pages, hot_max %u",
                 (unsigned long long)pm_buddy_hot_pages(&h->b), max);
    }
    op_stats(h);
}

static void op_reset(struct harness *h)
{
    fz_where.op = "reset";
    fz_trace("reset");
    pm_buddy_reset(&h->b);
    if (!h->ready)
        return;
    fz_model_reset(&h->m);
    h->nlive = 0;
    h->requested = 0;
    h->ngone = 0;
}

/* Init's error codes, on a scratch allocator. */
static void check_init_errors(struct harness *h, uint64_t base_pfn, uint64_t npages)
{
    pm_buddy_t t = PM_BUDDY_UNINIT;
    size_t meta_size = pm_buddy_meta_size(pm_paddr_from_pfn(base_pfn), (size_t)npages);

    fz_where.op = "init errors";
    FZ_CHECK_ERR(pm_buddy_init(&t, pm_paddr(pm_paddr_u64(pm_paddr_from_pfn(base_pfn)) | 8),
                               (size_t)npages, h->meta, meta_size),
                 PM_EALIGN);
    FZ_CHECK_ERR(pm_buddy_init(&t, pm_paddr_from_pfn(base_pfn), (size_t)npages, NULL, meta_size),
                 PM_EINVAL);
    if (npages >= 2) /* one page past the top of the 64-bit address space */
        FZ_CHECK_ERR(pm_buddy_init(&t, pm_paddr_from_pfn(((uint64_t)1 << 52) - npages + 1),
                                   (size_t)npages, h->meta, meta_size),
                     PM_ERANGE);
    FZ_CHECK(!pm_buddy_is_initialized(&t), "a failed init left the allocator initialized");
    if (h->ready)
        FZ_CHECK_ERR(
            pm_buddy_init(&h->b, pm_paddr_from_pfn(base_pfn), (size_t)npages, h->meta,
                          pm_buddy_meta_size(pm_paddr_from_pfn(h->base_pfn), (size_t)h->npages)),
            PM_EBUSY);
}

static void op_reinit(struct harness *h, struct fz_in *in)
{
    uint8_t sel = fz_u8(in);
    struct config c;

    read_config(in, &c);
    if (h->ready && pm_buddy_meta_size(pm_paddr(0), (size_t)c.npages) <=
                        pm_buddy_meta_size(pm_paddr(0), (size_t)h->npages))
        check_init_errors(h, c.base_pfn, c.npages);
    fz_where.op = "fini/init";
    if (h->ready) {
        fz_trace("fini");
        harness_fini(h);
        if (sel & 1)
            return; /* stay uninitialized: every call must say PM_EUNINIT */
    }
    harness_init(h, &c);
}

static void check_step(struct harness *h)
{
    if (!h->ready) {
        FZ_CHECK_ERR(pm_buddy_check(&h->b), PM_EUNINIT);
        FZ_CHECK(pm_buddy_free_pages(&h->b) == 0 && pm_buddy_total_pages(&h->b) == 0,
                 "page counts of an uninitialized allocator are not zero");
        return;
    }
    FZ_CHECK(pm_buddy_free_pages(&h->b) == h->m.free, "free pages %llu, the model says %llu",
             (unsigned long long)pm_buddy_free_pages(&h->b), (unsigned long long)h->m.free);
    FZ_CHECK(pm_buddy_total_pages(&h->b) == h->m.total, "total pages %llu, the model says %llu",
             (unsigned long long)pm_buddy_total_pages(&h->b), (unsigned long long)h->m.total);
    if (fz_where.step % FZ_CHECK_EVERY == 0) {
        FZ_CHECK_ERR(pm_buddy_check(&h->b), PM_OK);
        FZ_CHECK(fz_model_self_check(&h->m), "the model itself is inconsistent");
    }
}

/* ---- libFuzzer entry points ---------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup("fuzz-buddy");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz_in in = {data, size, 0};
    struct harness h;
    struct config c;

    memset(&h, 0, sizeof(h));
    fz_where.step = 0;
    fz_where.op = "init";
    read_config(&in, &c);
    harness_init(&h, &c);
    while (fz_more(&in)) {
        uint8_t op = fz_u8(&in);

        fz_where.step++;
        switch (op % 16) {
        case 0:
        case 1:
        case 2:
        case 3:
            op_alloc(&h, &in, false);
            break;
        case 4:
        case 5:
        case 6:
            op_free_held(&h, &in);
            break;
        case 7:
        case 8:
            op_free_any(&h, &in);
            break;
        case 9:
            op_alloc(&h, &in, true);
            break;
        case 10:
            op_free_frame(&h, &in);
            break;
        case 11:
            op_bulk(&h, &in);
            break;
        case 12:
            op_block_order(&h, &in);
            break;
        case 13:
            op_hot(&h, &in);
            break;
        case 14:
            if (fz_u8(&in) % 4 == 0)
                op_reset(&h);
            else
                op_stats(&h);
            break;
        default:
            op_reinit(&h, &in);
            break;
        }
        check_step(&h);
    }
    fz_where.op = "final check";
    fz_where.step = 0; /* check_step runs the full check at step 0 */
    check_step(&h);
    op_stats(&h);
    if (h.ready)
        harness_fini(&h);
    return 0;
}
