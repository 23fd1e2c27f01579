/*
 * errors.c - the seed README's "Error Handling": an allocation with
 * explicit error handling, then (beyond the seed) what the refused calls
 * report: pm_strerror() texts and the kernel error class.
 */
#include "example.h"

static void try_alloc(pm_buddy_t *allocator, size_t npages)
{
    pm_paddr_t addr;
    pm_err_t err = pm_buddy_alloc(allocator, npages, &addr);

    switch (err) {
    case PM_OK:
        printf("Allocated at " PADDR_FMT "\n", PADDR_ARG(addr));
        CHECK(pm_buddy_free(allocator, addr, npages) == PM_OK);
        break;
    case PM_ENOMEM:
        printf("No memory available\n");
        break;
    default:
        printf("Allocation failed: %s\n", pm_strerror(err));
        break;
    }
}

int main(void)
{
    pm_buddy_t *allocator = NULL;
    pm_paddr_t addr;
    pm_err_t err;

    CHECK(pm_buddy_create(pm_paddr(0x10000000), 64, &allocator) == PM_OK);

    /* The seed's example: 32 of 64 pages. */
    try_alloc(allocator, 32);

    /* More of the same, refused. */
    try_alloc(allocator, 0);   /* Allocation failed: zero-page allocation */
    try_alloc(allocator, 600); /* Allocation failed: allocation too large */
    CHECK(pm_buddy_alloc(allocator, 64, &addr) == PM_OK);
    try_alloc(allocator, 1); /* No memory available */

    /* Frees are checked: a double free is refused and changes nothing. */
    CHECK(pm_buddy_free(allocator, addr, 64) == PM_OK);
    err = pm_buddy_free(allocator, addr, 64);
    printf("Double free: %s (%s)\n", pm_strerror(err), pm_errname(err));
    printf("Kernel class of %s: %s\n", pm_errname(err),
           pm_err_kernel_class(err) == PM_KERR_INVAL ? "InvalidArgument" : "other");
    pm_buddy_destroy(allocator);
    return 0;
}
