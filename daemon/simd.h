/* daemon/simd.h — the SSE2 the text passes share (daemon/text.c,
 * daemon/simhash.c).  SSE2 is part of x86-64, so there is no run-time
 * dispatch for it: TIDINGS_SSE2 is defined wherever the compiler may use
 * it.  TIDINGS_NO_SIMD builds the portable code instead, which
 * tests/unit/test_*_portable.c check on x86-64 too. */
#ifndef TIDINGS_SIMD_H
#define TIDINGS_SIMD_H

#if defined(__SSE2__) && defined(__x86_64__) && !defined(TIDINGS_NO_SIMD)
#include <emmintrin.h>
#define TIDINGS_SSE2 1

/* Byte i 0xff where byte i of v lies in [lo, hi], else 0.  Signed
 * compares: bytes >= 0x80 are negative and in no ASCII range. */
static inline __m128i sse2_range(__m128i v, char lo, char hi)
{
	return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))),
	                     _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1))));
}

/* The same as a mask: bit i for byte i. */
static inline unsigned sse2_in_range(__m128i v, char lo, char hi)
{
	return (unsigned)_mm_movemask_epi8(sse2_range(v, lo, hi));
}
#endif

#endif
