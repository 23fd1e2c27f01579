/*
 * ck_md.h for weakly ordered CPUs (RISC-V RVWMO, and any other RMO target).
 *
 * Debian's libck-dev ships the ck_md.h that CK's configure generated on
 * x86-64: it defines CK_MD_TSO, under which ck_pr_fence_lock(),
 * ck_pr_fence_unlock(), ck_pr_fence_acquire() and ck_pr_fence_release()
 * compile to nothing. That is right on x86 and wrong on RISC-V, where the
 * ticket lock would then let the critical section leak out of the lock.
 * This is the file CK's configure writes for an RMO machine (it detects
 * RMO on every architecture but x86, x86-64 and SPARC), so a cross build
 * for riscv64 puts this directory before /usr/include. Only the memory-model
 * line and the x86-only RTM/SSE knobs differ from Debian's.
 */
#ifndef CK_MD_H
#define CK_MD_H

#ifndef CK_MD_CACHELINE
#define CK_MD_CACHELINE (64)
#endif

#ifndef CK_MD_PAGESIZE
#define CK_MD_PAGESIZE (4096)
#endif

#ifndef CK_MD_RTM_DISABLE
#define CK_MD_RTM_DISABLE
#endif

#ifndef CK_MD_LSE_DISABLE
#define CK_MD_LSE_DISABLE
#endif

#ifndef CK_MD_POINTER_PACK_DISABLE
#define CK_MD_POINTER_PACK_DISABLE
#endif

#ifndef CK_MD_PPC32_LWSYNC_DISABLE
#define CK_MD_PPC32_LWSYNC_DISABLE
#endif

#ifndef CK_MD_VMA_BITS
#define CK_MD_VMA_BITS 48ULL
#endif

#ifndef CK_MD_RMO
#define CK_MD_RMO
#endif

#define CK_VERSION "0.7.1"
#define CK_GIT_SHA ""

#endif /* CK_MD_H */
