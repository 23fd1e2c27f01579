/*
 * stats.c - pm_stats_format(): the seed's one-line summary, without libc.
 */
#include <physmem/stats.h>

struct stats_out {
    char *buf;
    size_t len;
    size_t pos;
};

static void out_char(struct stats_out *o, char c)
{
    if (o->pos + 1 < o->len)
        o->buf[o->pos] = c;
    o->pos++;
}

static void out_str(struct stats_out *o, const char *s)
{
    while (*s != '\0')
        out_char(o, *s++);
}

static void out_u64(struct stats_out *o, uint64_t v)
{
    char digits[20];
    unsigned n = 0;

    do {
        digits[n++] = (char)('0' + (v % 10));
        v /= 10;
    } while (v != 0);
    while (n > 0)
        out_char(o, digits[--n]);
}

size_t pm_stats_format(const pm_stats_t *s, char *buf, size_t len)
{
    struct stats_out o = {buf, buf != NULL ? len : 0, 0};

    if (s == NULL) {
        if (o.len > 0)
            o.buf[0] = '\0'; /* terminated, as promised, even with nothing to say */
        return 0;
    }
    out_str(&o, "Memory: ");
    out_u64(&o, pm_stats_used_pages(s));
    out_char(&o, '/');
    out_u64(&o, s->total_pages);
    out_str(&o, " pages (");
    out_u64(&o, pm_stats_utilization_percent(s));
    out_str(&o, "%), Allocs: ");
    out_u64(&o, s->allocations - s->failed_allocations);
    out_str(&o, " (");
    out_u64(&o, s->failed_allocations);
    out_str(&o, " failed), Frees: ");
    out_u64(&o, s->frees);
    if (o.len > 0)
        o.buf[o.pos < o.len ? o.pos : o.len - 1] = '\0';
    return o.pos;
}
