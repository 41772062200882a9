/* reports/status.c - what every report agrees on about a capture. */
#include "reports.h"

int capture_status(const struct capture *c)
{
	if (c->fatal)
		return 2;
	int n;
	const struct finding *f = timeline_findings(c->tl, &n);
	for (int i = 0; i < n; i++)
		if (f[i].severity >= SEV_WARNING)
			return 1;
	return 0;
}
