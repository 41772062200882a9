/* reports/status.c - what every report agrees on about a capture. */
#include "reports.h"

int capture_status(const struct capture *c)
{
	if (c->fatal)
		return 2;
	if (c->sel)   /* what was selected, folded findings included */
		return c->view.worst >= SEV_WARNING;
	int n;
	const struct finding *f = capture_findings(c, &n);
	for (int i = 0; i < n; i++)
		if (f[i].severity >= SEV_WARNING)
			return 1;
	return 0;
}
