#ifndef MNL_CSUPPORT_H
#define MNL_CSUPPORT_H
// Swift has no prefetch intrinsic; this header-only wrapper inlines into the GEMM kernel.
static inline void mnl_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }
static inline void mnl_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }

#if defined(__linux__)
#include <malloc.h>
#endif
// Keeps large freed blocks in the heap for reuse instead of returning them to the kernel
// (see TensorStorage); a no-op off Linux.
static inline void mnl_keep_large_blocks(int mmap_threshold, int trim_threshold) {
#if defined(__linux__)
  mallopt(M_MMAP_THRESHOLD, mmap_threshold);
  mallopt(M_TRIM_THRESHOLD, trim_threshold);
#endif
}
#endif
