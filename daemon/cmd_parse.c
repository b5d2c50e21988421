/* daemon/cmd_parse.c — `tidings parse`. */
#include <stdio.h>

#include "daemon/cli.h"

int cmd_parse(struct cli *cli, int argc, char **argv)
{
	fprintf(stderr, "%s: parse: not implemented yet\n", cli->prog);
	return 1;
}
