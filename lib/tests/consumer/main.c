/*
 * main.c - the install tests' consumer: allocates and frees a page through
 * the installed headers and library, and, when built with CONSUMER_HAVE_SMP,
 * creates and destroys an SMP allocator too. Prints OK on success.
 */
#include <stdio.h>

#include <physmem/physmem.h>
#if CONSUMER_HAVE_SMP
#include <physmem/smp.h>
#endif

int main(void)
{
    pm_buddy_t *b = NULL;
    pm_paddr_t a;
    pm_err_t err;

    err = pm_buddy_create(pm_paddr(0x10000000), 64, &b);
    if (err != PM_OK) {
        printf("pm_buddy_create: %s\n", pm_strerror(err));
        return 1;
    }
    err = pm_buddy_alloc(b, 1, &a);
    if (err == PM_OK)
        err = pm_buddy_free(b, a, 1);
    if (err == PM_OK)
        err = pm_buddy_check(b);
    pm_buddy_destroy(b);
    if (err != PM_OK) {
        printf("buddy: %s\n", pm_strerror(err));
        return 1;
    }
#if CONSUMER_HAVE_SMP
    {
        pm_smp_config_t cfg = {1, 0, 0, 0};
        pm_smp_t *s = NULL;

        err = pm_smp_create(&cfg, &s);
        if (err != PM_OK) {
            printf("pm_smp_create: %s\n", pm_strerror(err));
            return 1;
        }
        pm_smp_destroy(s);
        printf("SMP OK\n");
    }
#endif
    printf("OK\n");
    return 0;
}
