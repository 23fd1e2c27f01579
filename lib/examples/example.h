/*
 * example.h - a CHECK() for the examples (the seed's assert!/assert_eq!):
 * prints FAIL and exits, so that CTest sees it.
 */
#ifndef PM_EXAMPLE_H
#define PM_EXAMPLE_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <physmem/physmem.h>

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #c);                                   \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

/* The seed's Display of a PhysAddr: 0x10200000. */
#define PADDR_FMT    "0x%" PRIx64
#define PADDR_ARG(a) pm_paddr_u64(a)

#endif /* PM_EXAMPLE_H */
