#include "CBF16Kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// One row of the tile: alpha·acc (+ beta·C) (+ bias), ReLU, stored — the same operations in
// the same order as the Swift merge of edge tiles, so a value never depends on its tile kind.
static inline void finish(__m512 acc, float *dst, __m512 alpha, float beta, const float *bias,
                          int relu) {
  __m512 v = _mm512_mul_ps(acc, alpha);
  if (beta == 1.0f) {
    v = _mm512_add_ps(v, _mm512_loadu_ps(dst));
  } else if (beta != 0.0f) {
    v = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(dst), v);
  }
  if (bias) v = _mm512_add_ps(v, _mm512_loadu_ps(bias));
  if (relu) {
    // Only lanes below zero become zero (max_ps would also turn NaN into 0).
    __mmask16 negative = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ);
    v = _mm512_mask_mov_ps(v, negative, _mm512_setzero_ps());
  }
  _mm512_storeu_ps(dst, v);
}

void mnl_bf16_tile_12x32(long kpairs, const uint32_t *a, const uint32_t *b, float *c, long ldc,
                         float alpha, float beta, const float *bias, int relu) {
  enum { R = MNL_BF16_TILE_ROWS };
  for (int r = 0; r < R; r++) {
    _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch((const char *)(c + r * ldc + 31), _MM_HINT_T0);
  }
  // 24 accumulators + 2 B vectors + 1 broadcast of the 32 zmm registers.
  __m512 lo[R], hi[R];
  for (int r = 0; r < R; r++) {
    lo[r] = _mm512_setzero_ps();
    hi[r] = _mm512_setzero_ps();
  }
  for (long q = 0; q < kpairs; q++) {
    __m512bh b0 = (__m512bh)_mm512_loadu_si512((const void *)b);
    __m512bh b1 = (__m512bh)_mm512_loadu_si512((const void *)(b + 16));
    for (int r = 0; r < R; r++) {
      __m512bh x = (__m512bh)_mm512_set1_epi32((int)a[r]);
      lo[r] = _mm512_dpbf16_ps(lo[r], x, b0);
      hi[r] = _mm512_dpbf16_ps(hi[r], x, b1);
    }
    a += R;
    b += 2 * 16;
  }
  __m512 alphaV = _mm512_set1_ps(alpha);
  for (int r = 0; r < R; r++) {
    finish(lo[r], c + r * ldc, alphaV, beta, bias, relu);
    finish(hi[r], c + r * ldc + 16, alphaV, beta, bias ? bias + 16 : 0, relu);
  }
}
#endif
