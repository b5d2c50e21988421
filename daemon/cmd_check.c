/* daemon/cmd_check.c — `tidings check`. */
#include <stdio.h>

#include "daemon/cli.h"

int cmd_check(struct cli *cli, int argc, char **argv)
{
	fprintf(stderr, "%s: check: not implemented yet\n", cli->prog);
	return 1;
}
