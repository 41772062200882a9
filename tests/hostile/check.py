#!/usr/bin/env python3
"""tests/hostile/check.py - checks one handletrail run over a hostile input:
exit status, stderr, the JSON/text/HTML reports' well-formedness and the
facts the case expects (skipped lines, findings).  Prints one line per
broken expectation and exits 1; silent and 0 when everything holds.

  check.py DIR [--exit 0,1] [--stderr-re RE] [--skipped N | --skipped-min N]
           [--skip-line N[:RE]]... [--finding KIND]... [--no-finding KIND]...
           [--events-min N] [--threads N] [--fatal-re RE] [--no-fatal]
           [--absent TEXT]...
           [--absent-html TEXT]...
           [--same-findings-as DIR2] [--findings-include DIR2]
           [--ts-ordered] [--mentions RE] [--stderr-lines N]
--absent: TEXT is in no output at all (a secret); --absent-html: markup
that must not reach the HTML report unescaped (case-insensitive).
--same-findings-as: the findings (kind, severity, handle, thread) equal
those of the run in DIR2 (the clean capture the case was made from);
--findings-include: they include its warnings and errors (a cut capture
may lose the notes made at process exit); --ts-ordered: ts_last >=
ts_first for every input; --mentions: stderr, a skip reason, a limit or
the fatal error matches RE (the case is reported somewhere a user looks).
DIR holds rc, err, out.json, out.txt, out.html (tests/hostile/lib.sh run_ht).
A report file that is missing is only an error when the run did not stop
with exit 2 before writing it."""
from collections import Counter
import json
import os
import re
import sys

problems = []


def bad(msg):
    problems.append(msg)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def utf8(name, data):
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        bad("%s is not valid UTF-8: %s" % (name, e))
        return data.decode("utf-8", errors="replace")


def check_text(text, color_ok=False):
    # a trace must not drive the terminal: no control byte but \n and \t,
    # no DEL, no C1 controls, and with colour only SGR sequences
    body = re.sub(r"\x1b\[[0-9;]*m", "", text) if color_ok else text
    for i, ch in enumerate(body):
        o = ord(ch)
        if (o < 0x20 and ch not in "\n\t") or o == 0x7F or 0x80 <= o < 0xA0:
            bad("text report has control character U+%04X near %r"
                % (o, body[max(0, i - 30):i + 10]))
            return


def check_html(html, absent):
    for i, ch in enumerate(html):
        o = ord(ch)
        if o < 0x20 and ch not in "\n\t\r":
            bad("HTML report has control character U+%04X" % o)
            break
    low = html.lower()
    for a in absent:
        if a.lower() in low:
            bad("HTML report contains unescaped %r" % a)


def finding_keys(doc):
    """what a finding is, independent of line numbers and object text;
    a sorted list so that repeated findings count"""
    keys = []
    for f in doc.get("findings", []):
        keys.append("%s/%s fd %s tid %s" % (
            f.get("kind"), f.get("severity"), f.get("handle"),
            f.get("tid")))
    return sorted(keys)


def main():
    args = sys.argv[1:]
    d = args.pop(0)
    want_exit = None
    stderr_re = []
    skipped = skipped_min = events_min = threads = None
    skip_lines = []
    finds, no_finds, absent, absent_html = [], [], [], []
    fatal_re = None
    no_fatal = False
    same_as = include = None
    ts_ordered = False
    mentions = []
    err_lines = None
    while args:
        a = args.pop(0)
        v = args.pop(0) if a not in ("--no-fatal", "--ts-ordered") else None
        if a == "--exit":
            want_exit = [int(x) for x in v.split(",")]
        elif a == "--stderr-re":
            stderr_re.append(v)
        elif a == "--skipped":
            skipped = int(v)
        elif a == "--skipped-min":
            skipped_min = int(v)
        elif a == "--skip-line":
            n, _, rx = v.partition(":")
            skip_lines.append((int(n), rx))
        elif a == "--finding":
            finds.append(v)
        elif a == "--no-finding":
            no_finds.append(v)
        elif a == "--events-min":
            events_min = int(v)
        elif a == "--threads":
            threads = int(v)
        elif a == "--fatal-re":
            fatal_re = v
        elif a == "--no-fatal":
            no_fatal = True
        elif a == "--absent":
            absent.append(v)
        elif a == "--absent-html":
            absent_html.append(v)
        elif a == "--same-findings-as":
            same_as = v
        elif a == "--findings-include":
            include = v
        elif a == "--ts-ordered":
            ts_ordered = True
        elif a == "--mentions":
            mentions.append(v)
        elif a == "--stderr-lines":
            err_lines = int(v)
        else:
            sys.exit("check.py: unknown option " + a)

    rc = int((read(os.path.join(d, "rc")) or b"-1").strip())
    err = utf8("stderr", read(os.path.join(d, "err")) or b"")
    if rc >= 128 or rc < 0:
        bad("killed by signal %d (exit %d)" % (rc - 128, rc))
    if "Sanitizer" in err or "runtime error:" in err:
        bad("sanitizer report on stderr")
    if want_exit is not None and rc not in want_exit:
        bad("exit %d, expected %s" % (rc, "/".join(map(str, want_exit))))
    for rx in stderr_re:
        if not re.search(rx, err):
            bad("stderr does not match /%s/" % rx)
    if err_lines is not None and len(err.splitlines()) != err_lines:
        bad("stderr has %d lines, expected %d (one clear message)"
            % (len(err.splitlines()), err_lines))
    check_text(err)
    if rc == 2 and re.search(r"handletrail: ", err):
        # one clear message: the first line names a file (and a line)
        first = err.splitlines()[0] if err else ""
        if ":" not in first.replace("handletrail:", "", 1):
            bad("exit 2 message does not name a file: %r" % first)

    raw = read(os.path.join(d, "out.json"))
    doc = None
    if raw is None:
        if rc != 2:
            bad("no JSON report written")
    else:
        try:
            doc = json.loads(utf8("JSON report", raw))
        except ValueError as e:
            bad("JSON report does not parse: %s" % e)
    txt = read(os.path.join(d, "out.txt"))
    if txt is not None:
        check_text(utf8("text report", txt))
    elif rc != 2:
        bad("no text report written")
    col = read(os.path.join(d, "out.color.txt"))
    if col is not None:
        check_text(utf8("colour text report", col), color_ok=True)
    html = read(os.path.join(d, "out.html"))
    if html is not None:
        check_html(utf8("HTML report", html), absent + absent_html)
    for name in ("out.json", "out.txt", "out.color.txt", "err"):
        data = read(os.path.join(d, name))
        if data is None:
            continue
        for a in absent:
            if a.encode() in data:
                bad("%s contains %r" % (name, a))

    if doc is not None:
        ins = doc.get("inputs", [])
        sk = sum(i.get("skipped", 0) for i in ins)
        samples = [s for i in ins for s in i.get("skipped_samples", [])]
        ev = sum(i.get("events", 0) for i in ins)
        if skipped is not None and sk != skipped:
            bad("skipped %d lines, expected %d: %s"
                % (sk, skipped, samples[:5]))
        if skipped_min is not None and sk < skipped_min:
            bad("skipped %d lines, expected at least %d" % (sk, skipped_min))
        for n, rx in skip_lines:
            hit = [s for s in samples if s.get("line") == n]
            if not hit:
                bad("line %d not listed as skipped (listed: %s)"
                    % (n, [s.get("line") for s in samples]))
            elif rx and not any(re.search(rx, s.get("reason", ""), re.I)
                                for s in hit):
                bad("skipped line %d reason %r does not match /%s/"
                    % (n, hit[0].get("reason"), rx))
        for s in samples:
            if not s.get("reason"):
                bad("skipped line %s has no reason" % s.get("line"))
        if events_min is not None and ev < events_min:
            bad("%d events, expected at least %d" % (ev, events_min))
        nth = doc.get("summary", {}).get("threads")
        if threads is not None and nth != threads:
            bad("%s threads, expected %d" % (nth, threads))
        kinds = [f.get("kind") for f in doc.get("findings", [])]
        for k in finds:
            if k not in kinds:
                bad("no %s finding (have %s)" % (k, kinds))
        for k in no_finds:
            if k in kinds:
                bad("unexpected %s finding" % k)
        fatal = (doc.get("summary") or {}).get("fatal")
        if fatal_re is not None and not (fatal and re.search(fatal_re,
                                                             fatal)):
            bad("summary.fatal %r does not match /%s/" % (fatal, fatal_re))
        if no_fatal and fatal:
            bad("unexpected fatal error: %s" % fatal)
        have = finding_keys(doc)
        for ref, exact in ((same_as, True), (include, False)):
            if ref is None:
                continue
            try:
                want = finding_keys(json.load(open(os.path.join(
                    ref, "out.json"), encoding="utf-8")))
            except (OSError, ValueError) as e:
                bad("reference run %s unreadable: %s" % (ref, e))
                continue
            if not want:
                bad("reference run %s has no findings to compare" % ref)
            if not exact:
                want = [k for k in want if "/note " not in k]
            missing = sorted((Counter(want) - Counter(have)).elements())
            extra = sorted((Counter(have) - Counter(want)).elements())
            if missing:
                bad("findings missing compared with %s: %s"
                    % (os.path.basename(ref), missing))
            if exact and extra:
                bad("findings beyond those of %s: %s"
                    % (os.path.basename(ref), extra))
        if ts_ordered:
            for i in ins:
                a, b = i.get("ts_first"), i.get("ts_last")
                if a is None or b is None or b < a:
                    bad("%s: ts_first %s, ts_last %s: time runs backwards"
                        % (i.get("path"), a, b))

    said = [err]
    if doc is not None:
        said.append(str((doc.get("summary") or {}).get("fatal") or ""))
        for i in doc.get("inputs", []):
            said += i.get("limits", [])
            said += [sm.get("reason", "") for sm in
                     i.get("skipped_samples", [])]
    for rx in mentions:
        if not any(re.search(rx, t, re.I) for t in said):
            bad("nothing in stderr, limits, skip reasons or the "
                "fatal error matches /%s/" % rx)

    for p in problems:
        print("  " + p)
    sys.exit(1 if problems else 0)


main()
