/* daemon/cmd_stories.c — `tidings stories`. */
#include <stdio.h>

#include "daemon/cli.h"

int cmd_stories(struct cli *cli, int argc, char **argv)
{
	fprintf(stderr, "%s: stories: not implemented yet\n", cli->prog);
	return 1;
}
