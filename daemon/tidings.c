/* daemon/tidings.c — the reader tool's entry point. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "tidings: not yet\n");
	return 1;
}
