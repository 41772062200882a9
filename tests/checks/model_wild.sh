#!/bin/sh
# tests/checks/model_wild.sh - the real captures of ../shared/strace-wild
# (85 captures, strace 4.x to 6.x, used where they are, never copied):
# prints the parse rate and the skipped lines by reason, and asserts what
# issue 11 fixed there: no capture rejected, no stale-close from lines
# given to a dead child (survol-dockit, stderr -q), strace 4.x's spliced
# "Process N attached" and strace -d's "[wait(...)]" rejoined, a call line
# split by the program's output read as the call, "<detached ...>" an
# entry, a -c table said to be one, -ff captures judged as one capture.
set -u
: "${HT:?}" "${SHARED:?}"
W=$SHARED/strace-wild
[ -d "$W" ] || { echo "SKIP: $W is not here"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
python3 - "$HT" "$W" <<'PY'
import json, os, subprocess, sys, collections
ht, root = sys.argv[1], sys.argv[2]
caps = []
for top in sorted(os.listdir(root)):
    d = os.path.join(root, top)
    if not os.path.isdir(d): continue
    if top == 'tracecode-toolkit-strace':
        for sub in sorted(os.listdir(d)):
            s = os.path.join(d, sub)
            if sub == 'loose': caps += [[os.path.join(s, f)] for f in sorted(os.listdir(s))]
            else: caps.append([os.path.join(s, f) for f in sorted(os.listdir(s))])
    else:
        caps += [[os.path.join(d, f)] for f in sorted(os.listdir(d)) if f != 'LICENSE']
fail = 0
def bad(msg):
    global fail
    print('FAIL: ' + msg); fail = 1
lines = skipped = events = 0
reasons = collections.Counter()
kinds = collections.Counter()
rep = {}
for files in caps:
    name = os.path.relpath(files[0], root)
    p = subprocess.run([ht, '--json', '-'] + files, capture_output=True, timeout=300)
    if p.returncode not in (0, 1):
        bad(f'{name}: rejected: {p.stderr.decode()[:200]}'); continue
    r = json.loads(p.stdout); rep[name] = r
    for i in r['inputs']:
        lines += i['lines']; skipped += i['skipped']; events += i['events']
        for x in i['skipped_by_reason']: reasons[x['reason']] += x['lines']
    for f in r['findings']: kinds[f['severity'] + ' ' + f['kind']] += 1
print(f'{len(caps)} captures, {lines} lines, {events} events, {skipped} lines skipped '
      f'({100.0 * (lines - skipped) / max(lines, 1):.2f}% read)')
print('skipped lines by reason:')
for k, n in reasons.most_common(): print(f'  {n:6d}  {k}')
print('findings: ' + ', '.join(f'{k} {n}' for k, n in sorted(kinds.items())))
def one(name):
    r = rep.get(name)
    if r is None: bad(f'{name}: no report')
    return r or {'inputs': [{'skipped': -1, 'flags': '', 'limits': [], 'skipped_by_reason': []}], 'findings': [], 'summary': {}}
def stale(r): return sum(1 for f in r['findings'] if f['kind'] == 'stale-close')
# 3: stderr -q captures: no line of the shell given to its dead child
for n in ('survol-dockit/dockit_minusp_bash_while_sleep.strace.log', 'survol-dockit/bash_fedora.strace.4233.log'):
    r = one(n)
    if stale(r): bad(f'{n}: {stale(r)} stale-close findings (lines given to a dead child)')
if kinds['warning stale-close'] > 1:
    bad(f"{kinds['warning stale-close']} stale-close warnings in the corpus")
# 4: strace 4.x "clone(Process 21721 attached" / "child_stack=0, ...) = 21721"
r = one('davidfoliveira-strace-parser/strace-t-perl.txt')
if r['inputs'][0]['skipped'] or any('no clone/fork' in l for l in r['inputs'][0]['limits']) or r['summary'].get('processes') != 2:
    bad('strace-t-perl.txt: the clone cut by "Process N attached" is not recovered')
r = one('issues-excerpts/microsoft-WSL-548.strace412-wsl.excerpt.log')
if r['inputs'][0]['skipped'] or r['summary'].get('processes') != 2:
    bad('WSL-548: strace -d "[wait(...)]" splices not rejoined')
# 5: "<detached ...>" is an entry, not a skip
for n in ('zicada-asterisk-27262/asterisk-attach.strace.log', 'survol-dockit/bash_fedora.strace.4233.log'):
    if one(n)['inputs'][0]['skipped']: bad(f'{n}: lines skipped ({one(n)["inputs"][0]["skipped_samples"][:2]})')
# 6: calls split by the program's output: only the program's text skipped
r = one('survol-dockit/dockit_graphviz_ps.strace.log')
rs = r['inputs'][0]['skipped_by_reason']
if len(rs) != 1 or "program's own output" not in rs[0]['reason'] or r['inputs'][0]['events'] < 2800:
    bad(f'graphviz: {r["inputs"][0]["events"]} events, skipped {rs}')
# 7: -c summary table
r = one('renlord-zoom-sandbox/zoom-c-summary.strace.log')
if r['inputs'][0]['flags'] != '-c' or not any('summary table only' in l for l in r['inputs'][0]['limits']):
    bad('zoom -c: not told as a -c summary table')
if any('-r: relative' in l for i in one('djanatyn-nscd/nscd-a.out.strace.log')['inputs'] for l in i['limits']):
    bad('nscd -C: the summary table taken for -r stamps')
# 8: -ff captures: leaks judged for the capture, not per file
ff = [n for n in rep if n.startswith('tracecode-toolkit-strace/') and '/loose/' not in n]
nl = sum(1 for n in ff for f in rep[n]['findings'] if f['kind'] == 'leak')
print(f'-ff captures: {len(ff)}, leak notes {nl}')
if nl:
    bad(f'-ff captures: {nl} leak notes')
sys.exit(fail)
PY
