/*
 * error.c - names and texts for pm_err_t, and the kernel error classes.
 */
#include <physmem/error.h>

static const char *const error_text[PM_NR_ERRORS] = {
    [PM_OK] = "success",
    [PM_ENOMEM] = "out of memory",
    [PM_ETOOLARGE] = "allocation too large",
    [PM_EZERO] = "zero-page allocation",
    [PM_EALIGN] = "unaligned address",
    [PM_ERANGE] = "address out of range",
    [PM_ENOTALLOC] = "block not allocated",
    [PM_ESIZE] = "size mismatch",
    [PM_EUNINIT] = "allocator not initialized",
    [PM_EINVAL] = "invalid argument",
    [PM_EBUSY] = "allocator already initialized",
    [PM_ECORRUPT] = "internal corruption",
};

static const char *const error_name[PM_NR_ERRORS] = {
    [PM_OK] = "PM_OK",
    [PM_ENOMEM] = "PM_ENOMEM",
    [PM_ETOOLARGE] = "PM_ETOOLARGE",
    [PM_EZERO] = "PM_EZERO",
    [PM_EALIGN] = "PM_EALIGN",
    [PM_ERANGE] = "PM_ERANGE",
    [PM_ENOTALLOC] = "PM_ENOTALLOC",
    [PM_ESIZE] = "PM_ESIZE",
    [PM_EUNINIT] = "PM_EUNINIT",
    [PM_EINVAL] = "PM_EINVAL",
    [PM_EBUSY] = "PM_EBUSY",
    [PM_ECORRUPT] = "PM_ECORRUPT",
};

const char *pm_strerror(pm_err_t e)
{
    if ((unsigned)e >= PM_NR_ERRORS)
        return "unknown error";
    return error_text[e];
}

const char *pm_errname(pm_err_t e)
{
    if ((unsigned)e >= PM_NR_ERRORS)
        return "PM_E?";
    return error_name[e];
}

pm_kerr_t pm_err_kernel_class(pm_err_t e)
{
    switch (e) {
    case PM_OK:
        return PM_KERR_NONE;
    case PM_ENOMEM:
    case PM_ETOOLARGE:
        return PM_KERR_NOMEM;
    case PM_EZERO:
    case PM_EALIGN:
    case PM_ERANGE:
    case PM_ENOTALLOC:
    case PM_ESIZE:
    case PM_EINVAL:
        return PM_KERR_INVAL;
    case PM_EUNINIT:
        return PM_KERR_PERM;
    case PM_EBUSY:
        return PM_KERR_BUSY;
    case PM_ECORRUPT:
    default:
        return PM_KERR_INTERNAL;
    }
}
