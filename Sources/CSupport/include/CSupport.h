#ifndef MNL_CSUPPORT_H
#define MNL_CSUPPORT_H
// Swift has no prefetch intrinsic; this header-only wrapper inlines into the GEMM kernel.
static inline void mnl_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }
static inline void mnl_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }
#endif
