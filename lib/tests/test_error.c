/*
 * test_error.c - pm_err_t: names, texts (pm_strerror never NULL, also for
 * out-of-range codes) and the kernel error classes (the seed's KernelError
 * mapping).
 */
#include "pm_test_util.h"

static void test_error_names(void **state)
{
    (void)state;
    assert_string_equal(pm_errname(PM_OK), "PM_OK");
    assert_string_equal(pm_errname(PM_ENOMEM), "PM_ENOMEM");
    assert_string_equal(pm_errname(PM_ETOOLARGE), "PM_ETOOLARGE");
    assert_string_equal(pm_errname(PM_EZERO), "PM_EZERO");
    assert_string_equal(pm_errname(PM_EALIGN), "PM_EALIGN");
    assert_string_equal(pm_errname(PM_ERANGE), "PM_ERANGE");
    assert_string_equal(pm_errname(PM_ENOTALLOC), "PM_ENOTALLOC");
    assert_string_equal(pm_errname(PM_ESIZE), "PM_ESIZE");
    assert_string_equal(pm_errname(PM_EUNINIT), "PM_EUNINIT");
    assert_string_equal(pm_errname(PM_EINVAL), "PM_EINVAL");
    assert_string_equal(pm_errname(PM_EBUSY), "PM_EBUSY");
    assert_string_equal(pm_errname(PM_ECORRUPT), "PM_ECORRUPT");
    assert_string_equal(pm_errname(PM_NR_ERRORS), "PM_E?");
    assert_string_equal(pm_errname((pm_err_t)-1), "PM_E?");
    assert_string_equal(pm_errname((pm_err_t)1000), "PM_E?");
}

static void test_error_kernel_mapping(void **state)
{
    (void)state;
    assert_int_equal(pm_err_kernel_class(PM_OK), PM_KERR_NONE);
    /* OutOfMemory and AllocationTooLarge -> OutOfMemory */
    assert_int_equal(pm_err_kernel_class(PM_ENOMEM), PM_KERR_NOMEM);
    assert_int_equal(pm_err_kernel_class(PM_ETOOLARGE), PM_KERR_NOMEM);
    /* argument errors -> InvalidArgument */
    assert_int_equal(pm_err_kernel_class(PM_EZERO), PM_KERR_INVAL);
    assert_int_equal(pm_err_kernel_class(PM_EALIGN), PM_KERR_INVAL);
    assert_int_equal(pm_err_kernel_class(PM_ERANGE), PM_KERR_INVAL);
    assert_int_equal(pm_err_kernel_class(PM_ENOTALLOC), PM_KERR_INVAL);
    assert_int_equal(pm_err_kernel_class(PM_ESIZE), PM_KERR_INVAL);
    assert_int_equal(pm_err_kernel_class(PM_EINVAL), PM_KERR_INVAL);
    /* NotInitialized -> NotPermitted */
    assert_int_equal(pm_err_kernel_class(PM_EUNINIT), PM_KERR_PERM);
    assert_int_equal(pm_err_kernel_class(PM_EBUSY), PM_KERR_BUSY);
    /* InternalCorruption -> InternalError, and so is anything unknown */
    assert_int_equal(pm_err_kernel_class(PM_ECORRUPT), PM_KERR_INTERNAL);
    assert_int_equal(pm_err_kernel_class(PM_NR_ERRORS), PM_KERR_INTERNAL);
    assert_int_equal(pm_err_kernel_class((pm_err_t)-1), PM_KERR_INTERNAL);
}

static void test_error_display(void **state)
{
    (void)state;
    assert_string_equal(pm_strerror(PM_OK), "success");
    assert_string_equal(pm_strerror(PM_ENOMEM), "out of memory");
    assert_string_equal(pm_strerror(PM_ETOOLARGE), "allocation too large");
    assert_string_equal(pm_strerror(PM_EZERO), "zero-page allocation");
    assert_string_equal(pm_strerror(PM_ENOTALLOC), "block not allocated");
    assert_string_equal(pm_strerror(PM_ESIZE), "size mismatch");
    /* every code has its own non-empty text; unknown codes still get one */
    for (int e = 0; e < PM_NR_ERRORS; e++) {
        const char *t = pm_strerror((pm_err_t)e);
        assert_non_null(t);
        assert_true(strlen(t) > 0);
        for (int f = 0; f < e; f++)
            assert_string_not_equal(t, pm_strerror((pm_err_t)f));
        assert_non_null(pm_errname((pm_err_t)e));
    }
    assert_non_null(pm_strerror(PM_NR_ERRORS));
    assert_string_equal(pm_strerror(PM_NR_ERRORS), "unknown error");
    assert_string_equal(pm_strerror((pm_err_t)-1), "unknown error");
    assert_string_equal(pm_strerror((pm_err_t)0x7fffffff), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_names),
        cmocka_unit_test(test_error_kernel_mapping),
        cmocka_unit_test(test_error_display),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
