#!/bin/sh
# normalize on generated tar (plain, gz, xz, zst, bz2), cpio (newc, odc), standalone gzip
# (multi-member too) and ar: variants with other owners, mtimes and member order normalize
# to identical bytes that the standard tools accept; --epoch sets, --clamp clamps.
. "$(dirname "$0")/lib.sh"

mkdir -p t/dir/sub t/other
printf 'alpha\n' >t/dir/a.txt
printf 'beta\n' >t/dir/sub/b.txt
printf '#!/bin/sh\necho hi\n' >t/dir/run.sh && chmod 755 t/dir/run.sh
ln -s a.txt t/dir/link
printf 'z\n' >t/other/z
(cd t && find . -mindepth 1 | LC_ALL=C sort >../fwd && LC_ALL=C sort -r ../fwd >../rev)

mk() { # NAME OWNER MTIME LIST COMPRESSOR...
	n=$1 o=$2 m=$3 l=$4; shift 4
	(cd t && tar --owner="$o" --group="$o" --mtime=@"$m" --no-recursion -cf - -T "../$l") |
		"$@" >"$n"
}

for z in "gz:gzip -n" "xz:xz" "zst:zstd -q" "bz2:bzip2" "tar:cat"; do
	ext=${z%%:*} cmd=${z#*:}
	test_expect_success "tar.$ext: other owners, mtimes and order normalize to the same bytes" "
		mk v1.$ext 0 100 fwd $cmd && mk v2.$ext 1234 99999 rev $cmd &&
		test_must_fail cmp -s v1.$ext v2.$ext &&
		reprove normalize -q v1.$ext -o n1.$ext && reprove normalize -q v2.$ext -o n2.$ext &&
		cmp n1.$ext n2.$ext &&
		reprove diff v1.$ext v2.$ext >out && grep ': equal after normalization$' out &&
		tar -tvf n1.$ext >list && grep -c ' 0/0 ' list >c && test \$(cat c) -eq 8 &&
		! grep -v ' 0/0 ' list &&
		tar -tf n1.$ext >names && LC_ALL=C sort names >sorted && test_cmp sorted names &&
		mkdir x.$ext && tar -C x.$ext -xf n1.$ext && diff -r t x.$ext &&
		test -x x.$ext/dir/run.sh && test -h x.$ext/dir/link
	"
done

test_expect_success 'normalized .tar.gz has no name and no timestamp in its gzip header' '
	gzip -c v1.tar >named.tar.gz &&
	reprove normalize -q named.tar.gz -o n.tar.gz &&
	od -A n -t x1 -N 10 n.tar.gz | tr -d " \n" >hdr &&
	case $(cat hdr) in 1f8b0800000000000*) ;; *) false ;; esac &&
	test_expect_code 1 reprove normalize -q --check named.tar.gz >out &&
	grep "gzip header" out
'

test_expect_success 'normalize is idempotent and --check agrees' '
	reprove normalize -q n1.gz -o nn.gz && cmp n1.gz nn.gz &&
	reprove normalize -q --check n1.gz >out && grep "already canonical" out &&
	test_expect_code 1 reprove normalize -q --check v2.gz >out &&
	grep "mtime" out && grep "uid/gid" out && grep "member order" out
'

test_expect_success '--epoch sets every mtime, --clamp only lowers later ones' '
	mk m.tar 0 2000000000 fwd cat &&
	reprove normalize -q --epoch 1500000000 m.tar -o e.tar &&
	tar --full-time -tvf e.tar | grep -c "2017-07-14 02:40:00" >c && test "$(cat c)" -eq 8 &&
	mk m2.tar 0 1000000000 fwd cat &&
	reprove normalize -q --clamp 1500000000 m2.tar -o c2.tar &&
	tar --full-time -tvf c2.tar | grep -c "2001-09-09 01:46:40" >c && test "$(cat c)" -eq 8 &&
	reprove normalize -q --clamp 1500000000 m.tar -o c1.tar &&
	tar --full-time -tvf c1.tar | grep -c "2017-07-14 02:40:00" >c && test "$(cat c)" -eq 8
'

test_expect_success 'SOURCE_DATE_EPOCH is the default, else 0 with a notice' '
	SOURCE_DATE_EPOCH=1500000000 reprove normalize m.tar -o s.tar 2>err &&
	cmp s.tar e.tar && ! grep "note:" err &&
	(unset SOURCE_DATE_EPOCH; reprove normalize m.tar -o z.tar 2>err) &&
	grep "note: SOURCE_DATE_EPOCH is not set" err &&
	tar --full-time -tvf z.tar | grep -c "1970-01-01 00:00:00" >c && test "$(cat c)" -eq 8
'

if test_have cpio; then
	for fmt in newc odc; do
		test_expect_success "cpio $fmt: order and mtimes normalize away; cpio reads it" "
			(cd t && cpio -o -H $fmt --quiet <../fwd >../c1.$fmt) &&
			touch -d '2010-01-01' t/dir/a.txt &&
			(cd t && cpio -o -H $fmt --quiet <../rev >../c2.$fmt) &&
			reprove normalize -q c1.$fmt -o m1.$fmt && reprove normalize -q c2.$fmt -o m2.$fmt &&
			cmp m1.$fmt m2.$fmt &&
			head -c 6 m1.$fmt >magic &&
			if test $fmt = newc; then grep -q 070701 magic; else grep -q 070707 magic; fi &&
			cpio -it --quiet <m1.$fmt >names && LC_ALL=C sort names >sorted && test_cmp sorted names &&
			mkdir cx.$fmt && (cd cx.$fmt && cpio -id --quiet <../m1.$fmt) && diff -r t cx.$fmt
		"
	done
else
	test_skip 'cpio newc/odc' 'cpio not installed'
fi

test_expect_success 'standalone gzip: header name/mtime dropped, content kept' '
	printf "hello gzip\n" >g && gzip -c g >g1.gz && touch -d 2005-01-01 g && gzip -c g >g2.gz &&
	test_must_fail cmp -s g1.gz g2.gz &&
	reprove diff g1.gz g2.gz >out && grep ": equal after normalization$" out &&
	grep "gzip header" out &&
	reprove normalize -q g1.gz -o ng.gz && gunzip -c ng.gz >g.out && test_cmp g g.out
'

test_expect_success 'multi-member gzip is decoded whole' '
	printf "one\n" | gzip -n >mm.gz && printf "two\n" | gzip -n >>mm.gz &&
	printf "one\ntwo\n" | gzip -n >single.gz &&
	reprove diff mm.gz single.gz >out && grep ": equal after normalization$" out &&
	printf "one\nTWO\n" | gzip -n >other.gz &&
	test_expect_code 1 reprove diff mm.gz other.gz >out && grep "content differs: data" out
'

test_expect_success 'bytes appended after a gzip stream are not normalized away' '
	cp single.gz tail.gz && printf "hidden" >>tail.gz &&
	test_expect_code 1 reprove diff single.gz tail.gz >out &&
	grep "data after the end" out
'

test_expect_success 'a big .tar.gz: the same bytes on 1 or 4 threads, gunzipping to the canonical tar' '
	mkdir bt && i=0 && while [ $i -lt 30 ]; do
		seq $((i * 20000)) $((i * 20000 + 30000)) >bt/f$i && i=$((i + 1)) || return 1
	done &&
	tar -cf bt.tar bt && gzip -c bt.tar >bt.tar.gz &&
	reprove normalize -q -j 1 bt.tar.gz -o bt1.tar.gz &&
	reprove normalize -q -j 4 bt.tar.gz -o bt4.tar.gz && cmp bt1.tar.gz bt4.tar.gz &&
	gzip -t bt4.tar.gz && reprove normalize -q bt.tar -o btn.tar &&
	gzip -dc bt4.tar.gz | cmp - btn.tar &&
	reprove normalize -q --check bt4.tar.gz
'

test_expect_success 'non-ASCII names (pax tar, zip) normalize, check clean and extract, in the C locale' '
	mkdir -p u/d && printf a >"u/d/caf$(printf "\303\251").txt" && printf b >"u/d/na$(printf "\303\257")ve" &&
	(cd u && tar --format=pax -cf ../u.tar d && zip -q -r ../u.zip d) &&
	for f in u.tar u.zip; do
		LC_ALL=C reprove normalize -q -j 2 $f -o n.$f &&
		LC_ALL=C reprove normalize -q --check n.$f &&
		LC_ALL=C reprove diff $f n.$f >out && grep ": equal after normalization$" out || return 1
	done &&
	tar -tf n.u.tar | grep -c "caf.*txt" && unzip -l n.u.zip | grep "na.*ve"
'

test_expect_success 'ar: order, mtimes and owners normalize away' '
	printf "1\n" >m1 && printf "22\n" >m2 &&
	ar rcD a1.a m1 m2 && ar rcU a2.a m2 m1 &&
	reprove normalize -q a1.a -o na1.a && reprove normalize -q a2.a -o na2.a &&
	cmp na1.a na2.a && ar t na1.a >names && printf "m1\nm2\n" >want && test_cmp want names
'

test_expect_success '--in-place rewrites several files, keeping their modes' '
	cp v1.gz ip1.tgz && cp v2.xz ip2.txz && chmod 600 ip1.tgz &&
	reprove normalize -q --in-place ip1.tgz ip2.txz &&
	cmp ip1.tgz n1.gz && cmp ip2.txz n1.xz &&
	test "$(stat -c %a ip1.tgz)" = 600 &&
	reprove normalize -q --check ip1.tgz ip2.txz >out && test "$(grep -c "already canonical" out)" -eq 2 &&
	test_expect_code 1 reprove normalize -q --check ip1.tgz v2.xz >out &&
	grep "v2.xz: not canonical" out
'

test_expect_success 'many archives on several threads: the same bytes and report as one by one' '
	i=0 && for f in v1.gz v2.gz v1.xz v2.xz v1.zst v2.bz2 v1.tar na1.a; do
		i=$((i + 1)) && cp $f j$i.in && cp $f s$i.in || return 1
	done &&
	reprove normalize -q --in-place -j 4 j*.in && reprove normalize -q --in-place -j 1 s*.in &&
	for k in 1 2 3 4 5 6 7 8; do cmp j$k.in s$k.in || return 1; done &&
	cp v2.gz c1 && cp v1.xz c2 && cp n1.zst c3 &&
	test_expect_code 1 reprove normalize -q --check -j 3 c1 c2 c3 >par &&
	test_expect_code 1 reprove normalize -q --check -j 1 c1 c2 c3 >seq && test_cmp seq par &&
	tail -n 1 par | grep "^c3: already canonical" && head -n 1 par | grep "^c1: not canonical"
'

test_expect_success 'a zip compressed on 1 or 4 threads (one member spilling past 4 MiB): the same bytes, unzip accepts them' '
	mkdir zt && i=0 && while [ $i -lt 40 ]; do
		seq $((i * 9000)) $((i * 9000 + 12000)) >zt/f$i.txt && i=$((i + 1)) || return 1
	done &&
	head -c 9000000 /dev/urandom >zt/big.bin && (cd zt && zip -q -r ../zt.zip .) &&
	reprove normalize -q -j 1 --epoch 1700000000 zt.zip -o zt1.zip &&
	reprove normalize -q -j 4 --epoch 1700000000 zt.zip -o zt4.zip &&
	cmp zt1.zip zt4.zip && unzip -tq zt4.zip &&
	reprove diff zt.zip zt4.zip >out && grep ": equal after normalization$" out
'

test_expect_success 'a corrupt archive among many: exit 3 naming it, each file whole' '
	head -c 40 v1.gz >bad.in && cp bad.in bad.orig && cp v2.gz k1.in && cp v2.xz k3.in &&
	test_expect_code 3 reprove normalize -q --in-place -j 2 k1.in bad.in k3.in 2>err &&
	test_one_error_line err && grep "bad.in" err && cmp bad.in bad.orig &&
	{ cmp -s k1.in v2.gz || cmp k1.in n2.gz; } && { cmp -s k3.in v2.xz || cmp k3.in n2.xz; } &&
	test_expect_code 3 reprove normalize -q --check -j 2 k1.in bad.in 2>err &&
	test_one_error_line err &&
	test_expect_code 2 reprove normalize --check -j 0 k1.in 2>err && grep -- "-j: 0 is out of range" err
'

test_expect_success 'option misuse is a usage error' '
	test_expect_code 2 reprove normalize v1.gz 2>err && test_one_error_line err &&
	test_expect_code 2 reprove normalize --check --in-place v1.gz 2>err &&
	test_expect_code 2 reprove normalize v1.gz v2.gz -o x 2>err &&
	test_expect_code 2 reprove normalize --epoch 1 --clamp 2 --check v1.gz 2>err &&
	test_expect_code 2 reprove normalize --epoch abc --check v1.gz 2>err && ! test -e x
'

test_expect_success 'hard links: whichever copy was stored first, one canonical form that extracts' '
	mkdir -p h/a h/b && echo data >h/b/y && ln h/b/y h/a/x &&
	tar -cf h1.tar h/b h/a && tar -cf h2.tar h/a h/b &&
	tar -tvf h1.tar | grep "h/a/x link to h/b/y" &&
	reprove diff h1.tar h2.tar >out && grep ": equal after normalization$" out &&
	reprove normalize -q h1.tar -o hn1.tar && reprove normalize -q h2.tar -o hn2.tar &&
	cmp hn1.tar hn2.tar && tar -tvf hn1.tar | grep "h/b/y link to h/a/x" &&
	mkdir hx && tar -C hx -xf hn1.tar &&
	test "$(stat -c %i hx/h/a/x)" = "$(stat -c %i hx/h/b/y)" && test "$(cat hx/h/b/y)" = data
'

test_expect_success 'a plain file is not an archive: exit 3, nothing written' '
	printf "not an archive\n" >plain &&
	test_expect_code 3 reprove normalize -q plain -o p.out 2>err &&
	test_one_error_line err && grep "not an archive" err && test ! -e p.out
'

test_expect_success 'a zip normalized at an epoch before 1980 then checks clean' '
	mkdir z0 && echo a >z0/a && (cd z0 && zip -q -X ../z0.zip a) &&
	reprove normalize -q --epoch 0 z0.zip -o z0n.zip &&
	reprove normalize -q --epoch 0 --check z0n.zip &&
	reprove normalize -q --epoch 1000 --check z0n.zip
'

test_done
