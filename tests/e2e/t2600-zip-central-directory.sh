#!/bin/sh
# Zips whose local headers and central directory disagree (security review finding 3):
# unzip, Python and jar read the central directory, streaming readers the local headers,
# so such a zip is two archives. diff, normalize and normalize --check refuse it (exit 3,
# one line naming the file and the member or offset), at the top level and nested, where
# reprove used to stream the local headers only. Fixtures: tests/e2e/zip-layout.py.
. "$(dirname "$0")/lib.sh"

python3 "$RP_ROOT/tests/e2e/zip-layout.py" || exit 1

refused() { # FILE PATTERN: diff, normalize, normalize --check: exit 3, one line, no output
	test_expect_code 3 reprove diff good.zip "$1" >out 2>err &&
	test ! -s out && test "$(wc -l <err)" -eq 1 && test_one_error_line err &&
	grep -F "'$1'" err && grep -e "$2" err &&
	test_expect_code 3 reprove normalize -q "$1" -o norm.zip 2>err &&
	test ! -e norm.zip && test "$(wc -l <err)" -eq 1 && grep -e "$2" err &&
	test_expect_code 3 reprove normalize -q --check "$1" >out 2>err &&
	test ! -s out && test "$(wc -l <err)" -eq 1 && grep -e "$2" err
}

test_expect_success 'the fixtures really disagree: Python reads the central directory' '
	python3 -c "
import zipfile
z = zipfile.ZipFile(\"shadow.zip\")
assert z.read(\"bin/tool\") == b\"evil tool\\n\", z.read(\"bin/tool\")
assert [i.filename for i in zipfile.ZipFile(\"hidden.zip\").infolist()] == [\"bin/tool\", \"doc/readme\"]
"
'

test_expect_success 'honest zips still read: data descriptors, an APK signing block' '
	reprove diff good.zip descok.zip >out && grep "equal after normalization" out &&
	reprove diff good.zip apk.zip >out && grep "equal after normalization" out
'

test_expect_success 'a local entry missing from the central directory (hidden member): exit 3' '
	refused hidden.zip "local header at offset 48 (.bin/tool.) is not in the central directory"
'
test_expect_success 'a member whose local header names another file: exit 3' '
	refused swapped.zip "member .bin/tooM.: its local header at offset 0 names it .bin/tool."
'
test_expect_success 'a listed member hidden in another local header (extra field): exit 3' '
	refused inextra.zip "member .doc/readme. overlaps what follows it at offset 44"
'
test_expect_success 'local and central sizes disagree: exit 3, naming both' '
	refused lsize.zip "member .bin/tool.: its local header says CRC-32 27f4062f and 4/4 bytes"
'
test_expect_success 'a data descriptor disagreeing with the central directory: exit 3' '
	refused desc.zip "member .bin/tool.: its data descriptor says CRC-32"
'
test_expect_success 'central records beyond the count in the end record: exit 3' '
	refused extracd.zip "central directory holds 54 bytes after its 2 listed records"
'
test_expect_success 'bytes after the end record: exit 3' '
	refused junk.zip "end record at offset 206 does not end the file"
'

# Nested: the zip inside a tarball used to be streamed through its local headers, so
# shadow.zip (whose local headers read as good.zip) was "equal after normalization".
for f in good shadow swapped hidden desc; do
	mkdir -p n-$f && cp $f.zip n-$f/app.jar &&
	tar --mtime=@0 --owner=0 --group=0 -cf n-$f.tar -C n-$f app.jar || exit 1
done
test_expect_success 'nested: a jar whose central directory sends a member elsewhere: exit 3' '
	test_expect_code 3 reprove diff n-good.tar n-shadow.tar >out 2>err &&
	test ! -s out && test "$(wc -l <err)" -eq 1 &&
	grep "n-shadow.tar!/app.jar.: local header at offset 0 (.bin/tool.) is not in the central directory" err &&
	test_expect_code 3 reprove normalize -q --check n-shadow.tar 2>err &&
	grep "n-shadow.tar!/app.jar" err &&
	test_expect_code 3 reprove normalize -q n-shadow.tar -o norm.tar 2>err && test ! -e norm.tar
'
test_expect_success 'nested: renamed, hidden and descriptor disagreements: exit 3, never bytes' '
	for f in swapped hidden desc; do
		test_expect_code 3 reprove diff n-good.tar n-$f.tar >out 2>err &&
		test ! -s out && grep "n-$f.tar!/app.jar.: " err || return 1
	done
'
test_expect_success 'nested: an honest jar is read through its central directory as at the top' '
	mkdir -p n-descok && cp descok.zip n-descok/app.jar &&
	tar --mtime=@0 --owner=0 --group=0 -cf n-descok.tar -C n-descok app.jar &&
	reprove diff n-good.tar n-descok.tar >out && grep "equal after normalization" out
'

test_done
