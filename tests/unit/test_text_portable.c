/* tests/unit/test_text_portable.c — test_text_diff for the portable build
 * of daemon/text.c (TIDINGS_NO_SIMD: pass 1 byte by byte), which x86-64
 * builds never run otherwise: this program compiles its own copy of
 * text.c that way (the library's is not linked in), then compares it with
 * the reference. */
#define TIDINGS_NO_SIMD 1
#include "daemon/text.c"
#include "tests/unit/test_text_diff.c"
