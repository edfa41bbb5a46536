#include "cli.h"

int ad_cli_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ad_cli_errorf("diff: not built yet");
	return 2;
}
