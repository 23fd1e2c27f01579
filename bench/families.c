/*
 * bench/families.c - pmb_register_all(): every family pm-bench offers. The
 * smp/, locked/ and lock/ families exist only when the SMP allocator is built
 * (PMB_HAVE_SMP, set by bench/CMakeLists.txt when physmem_smp exists).
 */
#include "pm_bench.h"

void pmb_register_core(void);
void pmb_register_floor(void);
void pmb_register_peers(void);
#if PMB_HAVE_SMP
void pmb_register_smp(void);
void pmb_register_locks(void);
#endif

void pmb_register_all(void)
{
    pmb_register_core();
#if PMB_HAVE_SMP
    pmb_register_smp();
    pmb_register_locks();
#endif
    pmb_register_peers();
    pmb_register_floor();
}
