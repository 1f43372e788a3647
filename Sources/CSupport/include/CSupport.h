#ifndef MNL_CSUPPORT_H
#define MNL_CSUPPORT_H
// Swift has no prefetch intrinsic; this header-only wrapper inlines into the GEMM kernel.
static inline void mnl_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }
static inline void mnl_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }
// A spin-wait hint (x86 pause, arm yield) for threads polling for work (WorkerPool).
static inline void mnl_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

#if defined(__linux__)
#include <malloc.h>
#endif
// Keeps large freed blocks in the heap for reuse instead of returning them to the kernel:
// a training step frees and reallocates the same large buffers every step, and glibc would
// serve each with a fresh mmap (a page fault per 4 KB on first touch). A no-op off Linux.
static inline void mnl_keep_large_blocks(int mmap_threshold, int trim_threshold) {
#if defined(__linux__)
  mallopt(M_MMAP_THRESHOLD, mmap_threshold);
  mallopt(M_TRIM_THRESHOLD, trim_threshold);
#endif
}

// CPU feature queries for the kernels' runtime dispatch (CSupport.c). Built for the baseline:
// they run before anything knows what the CPU supports.

// cpuid(leaf, subleaf) into regs[0..3] = eax, ebx, ecx, edx; returns 0 if the leaf does not
// exist or the machine is not x86-64.
int mnl_cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]);
// XCR0: which register states the OS saves on context switches (bits 1, 2: SSE, AVX;
// 5, 6, 7: AVX-512 opmask and zmm). 0 when xgetbv is not available (check OSXSAVE first).
unsigned long long mnl_xcr0(void);
// CPUs this process may run on (sched_getaffinity), or 0 if unknown.
int mnl_affinity_cpu_count(void);

// The nonzero entries of src[0..<count] times alpha, appended to values and their positions
// (first + offset) to indices, in order; returns how many. AVX-512 vcompressps: call only on
// a CPU with AVX-512F (the AVX-512 kernel set). It may write up to 15 entries past the count it
// returns, never past values + count and indices + count (the zero-skipping GEMM's gather).
// Returns -1 where it is not built (not x86-64).
long mnl_avx512_compress_nonzeros(const float *src, long count, float alpha, int first,
                                  float *values, int *indices);
#endif
