/* tests/unit/test_simhash_portable.c — test_simhash_diff for the portable
 * build of daemon/simhash.c (TIDINGS_NO_SIMD: table votes, byte-by-byte
 * runs), which x86-64 builds never run otherwise: this program compiles
 * its own copy of simhash.c that way (the library's is not linked in),
 * then compares it with the reference. */
#define TIDINGS_NO_SIMD 1
#include "daemon/simhash.c"
#include "tests/unit/test_simhash_diff.c"
