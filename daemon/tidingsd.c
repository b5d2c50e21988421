/* daemon/tidingsd.c — the daemon's entry point. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "tidingsd: not yet\n");
	return 1;
}
