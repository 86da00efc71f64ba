#!/bin/sh
# reprove diff: the layered verdict and exit codes on files and generated tar variants.
. "$(dirname "$0")/lib.sh"

mkdir -p src/sub
echo hello >src/a.txt
printf 'line1\nline2\nline3\n' >src/sub/b.txt
tar --owner=1000 --group=1000 --mtime=@100 -czf a.tar.gz src
tar --owner=0 --group=0 --numeric-owner --mtime=@2000000 --sort=name -cJf b.tar.xz src
printf 'line1\nlineX\nline3\n' >src/sub/b.txt
tar -czf c.tar.gz src

test_expect_success 'same file is identical, exit 0' '
	reprove diff a.tar.gz a.tar.gz >out &&
	grep "a.tar.gz and a.tar.gz: identical$" out
'

test_expect_success 'other owners, mtimes, order and compressor: equal after normalization' '
	reprove diff a.tar.gz b.tar.xz >out &&
	grep ": equal after normalization$" out &&
	grep "mtime: 4" out &&
	grep "owner" out &&
	grep "compression (gzip -> xz)" out
'

test_expect_success '--strict turns equal after normalization into exit 1' '
	test_expect_code 1 reprove diff --strict a.tar.gz b.tar.xz >out &&
	grep ": equal after normalization$" out
'

test_expect_success 'a changed member is different, exit 1, named with a hunk' '
	test_expect_code 1 reprove diff a.tar.gz c.tar.gz >out &&
	grep ": different$" out &&
	grep "content differs: src/sub/b.txt" out &&
	grep "first difference at offset 10" out &&
	grep "^    -line2$" out &&
	grep "^    +lineX$" out
'

test_expect_success 'plain files: identical and different' '
	printf "abc\n" >f1 && printf "abc\n" >f2 && printf "abd\n" >f3 &&
	reprove diff f1 f2 >out && grep ": identical$" out &&
	test_expect_code 1 reprove diff f1 f3 >out && grep ": different$" out &&
	grep "first difference at offset 2" out
'

test_expect_success 'ustar vs GNU headers, same members: equal, encoding named' '
	tar --format=ustar --owner=0 --group=0 --mtime=@5 --sort=name -cf u.tar src &&
	tar --format=gnu --owner=0 --group=0 --mtime=@5 --sort=name -cf g.tar src &&
	test_must_fail cmp -s u.tar g.tar &&
	reprove diff u.tar g.tar >out && grep ": equal after normalization$" out &&
	grep "encoding (headers, padding or compression settings)" out
'

test_expect_success 'missing input is an I/O error, one line' '
	test_expect_code 4 reprove diff a.tar.gz nope.tar.gz >out 2>err &&
	test_one_error_line err && grep "nope.tar.gz" err && test_must_fail test -s out
'

test_expect_success 'usage error without two paths' '
	test_expect_code 2 reprove diff a.tar.gz 2>err &&
	grep "^reprove: diff: " err
'

test_done
