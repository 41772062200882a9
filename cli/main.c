/* cli/main.c - handletrail's command line: parses options, analyses one
 * capture and writes the requested reports.  The only place that dies. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_TROUBLE = 2 };

static const char usage_head[] =
"Usage: handletrail [OPTIONS] TRACE...\n"
"       handletrail batch [OPTIONS] -o OUTDIR INPUT...\n"
"       handletrail index [OPTIONS] -o OUTDIR RESULTDIR...\n"
"Rebuild every handle's timeline from strace or ETW traces and report who\n"
"closed a handle, who got its number next, and which call failed because\n"
"of it.  Several TRACE files are one capture (e.g. the files of strace -ff);\n"
"'-' reads standard input.  Compressed traces (gzip, xz, zstd) are read\n"
"as they are.  Without output options the text report goes to stdout.\n"
"\n"
"Options:\n";

static const char usage_tail[] =
"\n"
"Exit status: 0 no finding of severity warning or error, 1 such findings,\n"
"2 usage error or unreadable input.  With triage options only the\n"
"selected findings count.\n"
"\n"
"Examples:\n"
"  handletrail trace.txt\n"
"  handletrail --json report.json --html report.html trace.txt.gz\n"
"  handletrail x.1234 x.1235 x.1236       (strace -ff -o x)\n"
"  handletrail --min-severity error --summary trace.txt\n"
"  handletrail --kind stale-close,stale-use --thread 17208 trace.txt\n"
"  handletrail --finding F2 --html f2.html trace.txt\n"
"  handletrail batch -o out samples/\n"
"\n"
"Capture with: strace -f -ttt -T -yy -o trace.txt PROGRAM\n"
"Report bugs at the project's issue tracker.\n";

/* Messages quote paths and trace text: escaped like the text report, so
 * a file name cannot drive the terminal either. */
static void say(const char *msg, const char *tail)
{
	struct strbuf sb;
	sb_init(&sb);
	esc_term(&sb, msg, strlen(msg));
	fprintf(stderr, "handletrail: %s%s\n", sb.s ? sb.s : "", tail);
	sb_free(&sb);
}

/* a report being streamed while the capture is read: dying leaves no
 * half-written file (its temp file is removed) */
static struct outfile *streaming;

static HT_NORETURN HT_PRINTF(1, 2) void die(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (streaming) {
		struct ht_error e;
		outfile_close(streaming, 0, &e);
		streaming = NULL;
	}
	say(msg, "");
	exit(EXIT_TROUBLE);
}

static void usage(FILE *f)
{
	fputs(usage_head, f);
	opt_usage(f, 'M');
	fputs(usage_tail, f);
}

struct outputs {
	const char *json, *html, *text, *sarif, *perfetto;
	long perfetto_events;      /* events drawn at most; 0: findings */
	int color;
};

static void write_or_die(const char *path, struct strbuf *sb)
{
	struct ht_error err;
	if (write_file_atomic(path, sb->s ? sb->s : "", sb->len, &err) < 0) {
		char buf[1200];
		ht_error_format(&err, buf, sizeof buf);
		die("%s", buf);
	}
}

static void stream_out(void *ctx, struct strbuf *sb)
{
	outfile_write(ctx, sb->s, sb->len);
	sb_reset(sb);
}

/* SARIF is written as it is made: 100,000 findings are 210 MB of it */
static void write_sarif_or_die(const char *path, const struct capture *cap)
{
	struct ht_error err;
	struct outfile of;
	struct strbuf sb;
	sb_init(&sb);
	if (outfile_open(&of, path, &err) == 0) {
		report_sarif_stream(&sb, &cap, 1, stream_out, &of);
		sb_free(&sb);
		if (outfile_close(&of, 1, &err) == 0)
			return;
	}
	char buf[1200];
	ht_error_format(&err, buf, sizeof buf);
	die("%s", buf);
}

/* --perfetto-events: findings (0), all (the cap) or N events */
static long perfetto_events(const char *arg)
{
	if (strcmp(arg, "findings") == 0)
		return 0;
	if (strcmp(arg, "all") == 0)
		return PF_EVENTS_CAP;
	char *end;
	long n = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || n < 1 || n > PF_EVENTS_CAP)
		die("--perfetto-events: expected findings, all or a number "
		    "of events from 1 to %d, not '%s'", PF_EVENTS_CAP, arg);
	return n;
}

/* --perfetto-events all: the export is opened before the capture is
 * read, and every event goes to it as the analysis takes it */
static struct pf_stream *perfetto_stream(struct outfile *of,
					 const struct outputs *out,
					 int ninputs,
					 struct analyse_options *ao)
{
	struct ht_error err;
	if (outfile_open(of, out->perfetto, &err) < 0) {
		char buf[1200];
		ht_error_format(&err, buf, sizeof buf);
		die("%s", buf);
	}
	streaming = of;
	struct pf_stream *s = pf_stream_new(out->perfetto_events, ninputs,
					    stream_out, of);
	ao->on_event = pf_stream_event;
	ao->on_event_ctx = s;
	return s;
}

/* the cap said where every report says what the capture cannot show */
static void perfetto_limit(struct capture *cap, const struct pf_stream *s)
{
	long drawn, left = pf_stream_left_out(s, &drawn);
	if (!left || cap->ninputs < 1)
		return;
	char msg[300];
	snprintf(msg, sizeof msg, "--perfetto-events: the timeline export "
		 "draws the first %ld events (its cap) and leaves out the %ld "
		 "after them; the calls of findings among those are drawn "
		 "alone", drawn, left);
	input_stats_limit(&cap->inputs[0], msg);
}

static void perfetto_end(struct outfile *of, struct pf_stream *s,
			 const struct capture *cap)
{
	struct ht_error err;
	pf_stream_end(s, cap);
	streaming = NULL;
	if (outfile_close(of, 1, &err) == 0)
		return;
	char buf[1200];
	ht_error_format(&err, buf, sizeof buf);
	die("%s", buf);
}

static int want_color(const char *when, const char *path)
{
	if (strcmp(when, "always") == 0)
		return 1;
	if (strcmp(when, "never") == 0)
		return 0;
	if (strcmp(when, "auto") != 0)
		die("--color: expected auto, always or never, not '%s'", when);
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		return 0;
	/* a terminal that says it cannot do escape sequences */
	if (getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0)
		return 0;
	return strcmp(path, "-") == 0 && isatty(STDOUT_FILENO);
}

/* path with its folder resolved ("./x", "d/../x" and "x" are one file),
 * allocated; the path itself when its folder does not resolve */
static char *resolved(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path) + 1)
			  : xstrdup(".");
	char *real = realpath(dir, NULL);
	free(dir);
	if (!real)
		return xstrdup(path);
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%s/%s", real, slash ? slash + 1 : path);
	free(real);
	return sb_detach(&sb);
}

static int same_output(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
		       !S_ISCHR(sa.st_mode);  /* /dev/null twice is fine */
	char *ra = resolved(a), *rb = resolved(b);
	int same = strcmp(ra, rb) == 0;
	free(ra);
	free(rb);
	return same;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "batch") == 0)
		return batch_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "index") == 0)
		return index_main(argc - 1, argv + 1);

	struct analyse_options ao = { .format = FMT_AUTO };
	struct outputs out = { 0 };
	const char *color = "auto";
	struct selection sel;
	selection_init(&sel);
	char shorts[64], msg[400];
	struct option *long_opts = opt_table('M', shorts, sizeof shorts);
	int c;
	while ((c = getopt_long(argc, argv, shorts, long_opts, NULL)) != -1) {
		const struct optdef *d = opt_def(c, 'M');
		if (d && strcmp(d->lng, "perfetto-events") == 0) {
			out.perfetto_events = perfetto_events(optarg);
			continue;
		}
		if (d && strchr(d->cmds, 'T')) {
			if (selection_option(&sel, d->lng, d->arg ? optarg
					     : NULL, msg, sizeof msg) < 0)
				die("%s", msg);
			continue;
		}
		switch (c) {
		case 'J': out.json = optarg; break;
		case 'H': out.html = optarg; break;
		case 't': out.text = optarg; break;
		case 'S': out.sarif = optarg; break;
		case 'P': out.perfetto = optarg; break;
		case 'r': ao.rules_path = optarg; break;
		case 'c': color = optarg; break;
		case 'f':
			if (format_parse(optarg, &ao.format) < 0)
				die("--format: unknown format '%s' (auto, "
				    "strace, perf-trace, perf-script, trace-cmd, "
				    "etw-xml, perfview-xml, etl)", optarg);
			break;
		case 'h':
			usage(stdout);
			free(long_opts);
			return EXIT_CLEAN;
		case 'V':
			printf("handletrail %s\n", HT_VERSION);
			free(long_opts);
			return EXIT_CLEAN;
		default:
			fputs("Try 'handletrail --help' for more "
			      "information.\n", stderr);
			free(long_opts);
			return EXIT_TROUBLE;
		}
	}
	free(long_opts);
	if (optind >= argc) {
		fputs("handletrail: no TRACE given\n"
		      "Try 'handletrail --help' for more information.\n",
		      stderr);
		return EXIT_TROUBLE;
	}
	int nstdin = 0;
	for (int i = optind; i < argc; i++)
		nstdin += strcmp(argv[i], "-") == 0;
	if (nstdin > 1)
		die("'-' (standard input) given more than once");
	if (out.perfetto_events && !out.perfetto)
		die("--perfetto-events: it says what --perfetto FILE draws, "
		    "and no --perfetto was given");
	if (!out.json && !out.html && !out.text && !out.sarif &&
	    !out.perfetto)
		out.text = "-";
	int nstdout = 0;
	const char *const outs[] = { out.json, out.html, out.text, out.sarif,
				     out.perfetto };
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
		nstdout += outs[i] && strcmp(outs[i], "-") == 0;
	if (nstdout > 1)
		die("only one report can go to standard output ('-')");
	/* two reports into one file: the later would silently replace the
	 * earlier */
	const char *const names[] = { "--json", "--html", "--text", "--sarif",
				      "--perfetto" };
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
		for (size_t k = i + 1; k < sizeof outs / sizeof outs[0]; k++)
			if (outs[i] && outs[k] && strcmp(outs[i], "-") != 0 &&
			    same_output(outs[i], outs[k]))
				die("%s %s and %s %s name the same file; give "
				    "each report its own", names[i], outs[i],
				    names[k], outs[k]);
	/* a report written over a trace would destroy the input */
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
		struct stat so, si;
		if (!outs[i] || stat(outs[i], &so) != 0 || !S_ISREG(so.st_mode))
			continue;
		for (int k = optind; k < argc; k++)
			if (stat(argv[k], &si) == 0 &&
			    si.st_dev == so.st_dev && si.st_ino == so.st_ino)
				die("%s: is both a trace and a report to "
				    "write; refusing to overwrite the trace",
				    outs[i]);
	}
	out.color = out.text ? want_color(color, out.text) : 0;

	struct capture cap;
	struct ht_error err;
	if (ao.rules_path && check_regular(ao.rules_path, "--rules", &err) < 0) {
		char buf[1200];
		ht_error_format(&err, buf, sizeof buf);
		die("%s", buf);
	}
	struct outfile pof;
	struct pf_stream *pfs = NULL;
	if (out.perfetto_events)
		pfs = perfetto_stream(&pof, &out, argc - optind, &ao);
	if (analyse_capture((const char *const *)argv + optind, argc - optind,
			    &ao, &cap, &err) < 0) {
		char buf[1200];
		ht_error_format(&err, buf, sizeof buf);
		pf_stream_free(pfs);
		die("%s", buf);
	}
	capture_select(&cap, &sel);
	if (pfs)
		perfetto_limit(&cap, pfs);
	if (sel.finding > cap.view.total) {
		int n = cap.view.total;
		capture_free(&cap);
		if (n == 0)
			die("--finding %d: the capture has no finding",
			    sel.finding);
		die("--finding %d: the capture has %d finding%s (F1 to F%d)",
		    sel.finding, n, n == 1 ? "" : "s", n);
	}
	struct strbuf sb;
	sb_init(&sb);
	if (out.json) {
		report_json(&sb, &cap);
		write_or_die(out.json, &sb);
		sb_reset(&sb);
	}
	if (out.html) {
		report_html(&sb, &cap);
		write_or_die(out.html, &sb);
		sb_reset(&sb);
	}
	if (out.sarif)
		write_sarif_or_die(out.sarif, &cap);
	if (pfs) {
		perfetto_end(&pof, pfs, &cap);
	} else if (out.perfetto) {
		report_perfetto(&sb, &cap);
		write_or_die(out.perfetto, &sb);
		sb_reset(&sb);
	}
	if (out.text) {
		report_text(&sb, &cap, out.color);
		write_or_die(out.text, &sb);
		sb_reset(&sb);
	}
	sb_free(&sb);
	int status = capture_status(&cap);
	for (int i = 0; ao.rules_path && i < cap.ninputs; i++)
		if (!format_traits(cap.inputs[i].format)->takes_rules) {
			say("warning: --rules maps ETW events; it does nothing "
			    "for this input", "");
			break;
		}
	if (cap.fatal)
		say(cap.fatal, " (the reports cover the events before this "
		    "point)");
	capture_free(&cap);
	return status;
}
