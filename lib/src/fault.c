/*
 * fault.c - the fault-injection switchboard (see physmem/fault.h).
 * Freestanding: no libc.
 */
#include "fault.h"

#if PM_FAULT_INJECTION
unsigned pm_fault_mask;
#endif

static const char *const fault_names[PM_NR_FAULTS] = {
    "skip-refill-lock",     "no-coalesce",     "drop-on-drain", "double-handout", "no-enomem-drain",
    "no-double-free-check", "no-grace-period", "publish-early", "no-hot-flush",
};

pm_err_t pm_fault_set(unsigned mask)
{
#if PM_FAULT_INJECTION
    if (mask >> PM_NR_FAULTS)
        return PM_EINVAL;
    pm_fault_mask = mask;
    return PM_OK;
#else
    return mask == 0 ? PM_OK : PM_EINVAL;
#endif
}

unsigned pm_fault_get(void)
{
#if PM_FAULT_INJECTION
    return pm_fault_mask;
#else
    return 0;
#endif
}

const char *pm_fault_name(unsigned index)
{
    return index < PM_NR_FAULTS ? fault_names[index] : NULL;
}

static bool names_equal(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

unsigned pm_fault_from_name(const char *name)
{
    for (unsigned i = 0; name != NULL && i < PM_NR_FAULTS; i++) {
        if (names_equal(name, fault_names[i]))
            return 1u << i;
    }
    return 0;
}
