// _GNU_SOURCE for sched_getaffinity and CPU_COUNT; must come before any system header.
#define _GNU_SOURCE
#include "CSupport.h"

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__)
#include <cpuid.h>
#endif

int mnl_cpuid(unsigned leaf, unsigned subleaf, unsigned regs[4]) {
#if defined(__x86_64__)
  regs[0] = regs[1] = regs[2] = regs[3] = 0;
  return __get_cpuid_count(leaf, subleaf, &regs[0], &regs[1], &regs[2], &regs[3]);
#else
  regs[0] = regs[1] = regs[2] = regs[3] = 0;
  return 0;
#endif
}

unsigned long long mnl_xcr0(void) {
#if defined(__x86_64__)
  unsigned regs[4];
  // xgetbv faults unless CPUID.1:ECX.OSXSAVE[bit 27] is set.
  if (!mnl_cpuid(1, 0, regs) || !(regs[2] & (1u << 27))) return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
#else
  return 0;
#endif
}

int mnl_affinity_cpu_count(void) {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  return CPU_COUNT(&set);
#else
  return 0;
#endif
}

#if defined(__x86_64__)
#include <immintrin.h>

// Built for AVX-512F through the function's target attribute (the rest of this file stays
// baseline). Compress into a register, then a full store: the memory form of vcompressps is
// microcoded and slow on Zen 4. NEQ_UQ keeps NaNs (like `v != 0`); -0.0 counts as zero.
__attribute__((target("avx512f")))
long mnl_avx512_compress_nonzeros(const float *src, long count, float alpha, int first,
                                  float *values, int *indices) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512 scale = _mm512_set1_ps(alpha);
  const __m512i sixteen = _mm512_set1_epi32(16);
  __m512i position = _mm512_add_epi32(
      _mm512_set1_epi32(first),
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  long n = 0;
  long p = 0;
  for (; p + 16 <= count; p += 16) {
    __m512 v = _mm512_loadu_ps(src + p);
    __mmask16 nonzero = _mm512_cmp_ps_mask(v, zero, _CMP_NEQ_UQ);
    if (nonzero) {
      // n + 16 ≤ p + 16 ≤ count: the full stores stay inside the caller's buffers.
      _mm512_storeu_ps(values + n, _mm512_maskz_compress_ps(nonzero, _mm512_mul_ps(v, scale)));
      _mm512_storeu_si512((void *)(indices + n), _mm512_maskz_compress_epi32(nonzero, position));
      n += __builtin_popcount((unsigned)nonzero);
    }
    position = _mm512_add_epi32(position, sixteen);
  }
  if (p < count) {
    __mmask16 tail = (__mmask16)((1u << (count - p)) - 1);
    __m512 v = _mm512_maskz_loadu_ps(tail, src + p);
    __mmask16 nonzero = _mm512_mask_cmp_ps_mask(tail, v, zero, _CMP_NEQ_UQ);
    _mm512_mask_compressstoreu_ps(values + n, nonzero, _mm512_mul_ps(v, scale));
    _mm512_mask_compressstoreu_epi32((void *)(indices + n), nonzero, position);
    n += __builtin_popcount((unsigned)nonzero);
  }
  return n;
}
#else
long mnl_avx512_compress_nonzeros(const float *src, long count, float alpha, int first,
                                  float *values, int *indices) {
  (void)src; (void)count; (void)alpha; (void)first; (void)values; (void)indices;
  return -1;
}
#endif
