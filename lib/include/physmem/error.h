/*
 * physmem/error.h - error codes.
 *
 * Every fallible call returns a pm_err_t. On any error other than
 * PM_ECORRUPT the allocator is exactly as it was before the call: no page
 * lost, none handed out twice.
 *
 * Contract: nothing here fails. pm_strerror and pm_errname never return
 * NULL (an unknown code gets "unknown error" and "PM_E?");
 * pm_err_kernel_class maps an unknown code to PM_KERR_INTERNAL. Which
 * function returns which code: the contract section of each header
 * (buddy.h, order.h, fault.h, smp.h).
 */
#ifndef PHYSMEM_ERROR_H
#define PHYSMEM_ERROR_H

#include <physmem/config.h>

/*
 * PM_ENOMEM promises exactly this: no single range the allocator manages
 * holds a free, naturally aligned block of 2^order pages (order: npages
 * rounded up to a power of two), so none could be handed out without
 * breaking buddy alignment. A range is one pm_buddy_t; in physmem::smp, one
 * zone (one pm_smp_add_region), checked after every per-CPU cache and the
 * depot were drained back to the zones. It does not promise that fewer than
 * 2^order pages are free: free pages in two ranges never make one block
 * (zones never merge, even adjacent ones whose union would be an aligned
 * run), and neither do free pages that are not aligned to the order.
 */
typedef enum pm_err {
    PM_OK = 0,
    PM_ENOMEM,    /* no free aligned block of the order in any one range (OutOfMemory) */
    PM_ETOOLARGE, /* more than PM_MAX_BLOCK_PAGES pages (AllocationTooLarge) */
    PM_EZERO,     /* zero pages asked for or freed (ZeroAllocation) */
    PM_EALIGN,    /* address not aligned to a page, or to the block's order */
    PM_ERANGE,    /* address outside the managed range, or range overflows */
    PM_ENOTALLOC, /* no allocated block starts there (double free included) */
    PM_ESIZE,     /* freed with a page count whose order is not the block's */
    PM_EUNINIT,   /* allocator not initialized */
    PM_EINVAL,    /* any other bad argument: NULL, bad CPU, bad config, short buffer */
    PM_EBUSY,     /* init on an initialized allocator */
    PM_ECORRUPT,  /* an invariant is broken (found by a *_check()) */
    PM_NR_ERRORS
} pm_err_t;

/* A short, stable, human-readable text for e; never NULL (unknown codes too). */
const char *pm_strerror(pm_err_t e);

/* The symbolic name ("PM_ENOMEM"); never NULL. */
const char *pm_errname(pm_err_t e);

/*
 * The class of error a kernel would report upward (the seed's KernelError
 * mapping): ENOMEM and ETOOLARGE are out of memory; argument errors are
 * invalid argument; EUNINIT is not permitted; ECORRUPT is internal.
 */
typedef enum pm_kerr {
    PM_KERR_NONE = 0,
    PM_KERR_NOMEM,
    PM_KERR_INVAL,
    PM_KERR_PERM,
    PM_KERR_BUSY,
    PM_KERR_INTERNAL
} pm_kerr_t;

pm_kerr_t pm_err_kernel_class(pm_err_t e);

#endif /* PHYSMEM_ERROR_H */
