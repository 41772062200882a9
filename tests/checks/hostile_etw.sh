#!/bin/sh
# tests/checks/hostile_etw.sh - broken ETW exports and rules files (issue
# 5): each case in tests/hostile/etw/ and tests/hostile/rules/ must give a
# report of what could be read (partial results kept up to a fatal error,
# skipped events counted by line) or exit 2 with one message naming the
# file and line; never a crash, never unbounded time or memory.
. "$top/tests/hostile/lib.sh"
need_python
E=$H/etw
R=$H/rules
# the application events of the KB story need its rules file (default
# field names are only for the providers handletrail knows)
K="--rules $SAMPLES/etw/kbserver.rules.xml"

run_ht base $K "$E/base.wevtutil.xml"
expect base --exit 1 --skipped 0 --no-fatal --finding stale-close
B=$W/base
run_ht base-pv $K "$E/base.perfview.xml"
expect base-pv --exit 1 --skipped 0 --no-fatal --finding stale-close

# fatal XML errors: exit 2, file:line named, the events before kept
run_ht not-well-formed "$E/not-well-formed.xml"
expect not-well-formed --exit 2 --stderr-lines 1 --events-min 3 \
	--stderr-re 'not-well-formed\.xml:20: ' --fatal-re 'XML|Evnt|tag'
run_ht truncated-mid-element "$E/truncated-mid-element.xml"
expect truncated-mid-element --exit 2 --stderr-lines 1 --events-min 5 \
	--stderr-re 'truncated-mid-element\.xml:2[5-9]: '
run_ht truncated-tracerpt "$E/truncated-tracerpt.xml"
expect truncated-tracerpt --exit 2 --stderr-lines 1 --events-min 5 \
	--stderr-re 'truncated-tracerpt\.xml:[0-9]+: '
run_ht invalid-utf8 "$E/invalid-utf8.xml"
expect invalid-utf8 --exit 2 --stderr-lines 1 --events-min 3 \
	--stderr-re 'invalid-utf8\.xml:22: '
run_ht nul-byte "$E/nul-byte.xml"
expect nul-byte --exit 2 --stderr-lines 1 --events-min 3 \
	--stderr-re 'nul-byte\.xml:25: '

# broken UTF-16: libxml2's own complaints stay off stderr; one message
run_ht bad-utf16 "$E/bad-utf16.xml"
expect bad-utf16 --exit 2 --stderr-lines 1 \
	--stderr-re 'bad-utf16\.xml:[0-9]+: .*(conversion|encod)'

# the wrong namespace: said somewhere, never silently read as Windows events
run_ht wrong-namespace "$E/wrong-namespace.xml"
expect wrong-namespace --exit 0,1,2 --mentions 'namespace|example\.com'
run_ht wrong-namespace-one "$E/wrong-namespace-one.xml"
expect wrong-namespace-one --exit 0,1,2 \
	--mentions 'namespace|example\.com'

# events nobody knows are passed over; the story is unchanged
run_ht unknown-providers $K "$E/unknown-providers.xml"
expect unknown-providers --exit 1 --no-fatal --same-findings-as "$B"

# records that cannot be used are skipped by line, the rest is analysed
run_ht missing-fields $K "$E/missing-fields.xml"
expect missing-fields --exit 1 --no-fatal --skipped 4 --skip-line 30 \
	--skip-line 31 --skip-line 32 --skip-line 33 --same-findings-as "$B"
run_ht non-numeric $K "$E/non-numeric.xml"
expect non-numeric --exit 1 --no-fatal --skipped-min 3 --skip-line 30 \
	--skip-line 31 --skip-line 32 --skip-line 35 --same-findings-as "$B"
run_ht absurd-timestamps $K "$E/absurd-timestamps.xml"
expect absurd-timestamps --exit 1 --no-fatal --skipped-min 5 \
	--skip-line 31 --skip-line 32 --skip-line 34 --skip-line 37 \
	--skip-line 39 --findings-include "$B"
run_ht perfview-bad-values $K "$E/perfview-bad-values.xml"
expect perfview-bad-values --exit 1 --no-fatal --skipped-min 3 \
	--skip-line 30 --skip-line 31 --skip-line 33 \
	--same-findings-as "$W/base-pv"

run_ht duplicate-records $K "$E/duplicate-records.xml"
expect duplicate-records --exit 0,1 --no-fatal --findings-include "$B"
run_ht utf16 $K "$E/utf16.xml"
expect utf16 --exit 1 --skipped 0 --no-fatal --same-findings-as "$B"

# rules files: every mistake is exit 2 naming the rules file and line
rules_case() {
	name=$1 file=$2 re=$3
	run_ht "rules-$name" --rules "$file" "$E/base.perfview.xml"
	expect "rules-$name" --exit 2 --stderr-re "$re"
}
rules_case not-well-formed "$R/not-well-formed.xml" 'not-well-formed\.xml:[45]: '
rules_case unknown-attribute "$R/unknown-attribute.xml" \
	'unknown-attribute\.xml:4: .*hande'
rules_case bad-role "$R/bad-role.xml" 'bad-role\.xml:4: .*role'
rules_case bad-number "$R/bad-number.xml" 'bad-number\.xml:4: .*number'
rules_case wrong-root "$R/wrong-root.xml" 'wrong-root\.xml:2: .*handletrail-rules'
rules_case empty "$R/empty.xml" 'empty\.xml(:[0-9]+)?: '
rules_case binary "$R/binary.xml" 'binary\.xml(:[0-9]+)?: '
rules_case control-chars "$R/control-chars.xml" 'control-chars\.xml:4: '
rules_case missing "$R/no-such-rules.xml" 'no-such-rules\.xml: '
head -c 2000000 /dev/zero | tr '\0' ' ' >"$W/huge-rules.xml"
rules_case huge "$W/huge-rules.xml" 'huge-rules\.xml: .*(large|MiB|big)'
finish
