/* daemon/cmd_feeds.c — `tidings feeds`. */
#include <stdio.h>

#include "daemon/cli.h"

int cmd_feeds(struct cli *cli, int argc, char **argv)
{
	fprintf(stderr, "%s: feeds: not implemented yet\n", cli->prog);
	return 1;
}
