/*
 * physmem/fault.h - fault injection, for proving that the test suite fails.
 *
 * Built in only with the CMake option PM_FAULT_INJECTION (never in a release
 * build); otherwise pm_fault_set() returns PM_EINVAL and no fault exists.
 * Faults are selected at run time (pm-stress --fault NAME, or the
 * PM_FAULT environment variable read by the test harnesses), set before
 * any thread uses the allocator.
 *
 * Contract: pm_fault_set returns PM_EINVAL for a mask with an unknown bit,
 * and for any fault at all in a build without fault injection (the mask is
 * then unchanged); PM_OK otherwise. The other functions cannot fail
 * (pm_fault_name: NULL past the last fault; pm_fault_from_name: 0 for an
 * unknown or NULL name).
 */
#ifndef PHYSMEM_FAULT_H
#define PHYSMEM_FAULT_H

#include <physmem/error.h>

enum pm_fault {
    PM_FAULT_NONE = 0,
    PM_FAULT_SKIP_REFILL_LOCK = 1u << 0,     /* refill a magazine without the zone lock */
    PM_FAULT_NO_COALESCE = 1u << 1,          /* the core never merges buddies */
    PM_FAULT_DROP_ON_DRAIN = 1u << 2,        /* a drain loses a block (one in 64) */
    PM_FAULT_DOUBLE_HANDOUT = 1u << 3,       /* a cached page is handed out twice */
    PM_FAULT_NO_ENOMEM_DRAIN = 1u << 4,      /* ENOMEM without draining the caches first */
    PM_FAULT_NO_DOUBLE_FREE_CHECK = 1u << 5, /* a free of a cached page is accepted */
    PM_FAULT_NO_GRACE_PERIOD = 1u << 6,      /* hot-add frees the old zone table at once */
    PM_FAULT_PUBLISH_EARLY = 1u << 7,        /* hot-add publishes the table before filling it */
    PM_FAULT_NO_HOT_FLUSH = 1u << 8,         /* the core fails before merging its hot pages */
};

#define PM_NR_FAULTS 9

/* Selects the active faults (a mask of enum pm_fault). */
pm_err_t pm_fault_set(unsigned mask);
unsigned pm_fault_get(void);
/* The fault's name ("skip-refill-lock"), or NULL. */
const char *pm_fault_name(unsigned index);
/* The mask for a name; 0 if unknown. */
unsigned pm_fault_from_name(const char *name);

#endif /* PHYSMEM_FAULT_H */
