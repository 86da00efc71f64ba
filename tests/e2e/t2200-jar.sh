#!/bin/sh
# normalize/diff on a real jar (commons-cli from libcommons-cli-java, apt-get download'ed):
# repacked under another TZ with other timestamps and member order it normalizes to the
# same bytes, unzip -t and jar accept the result, and the zip times are UTC whatever TZ is.
. "$(dirname "$0")/lib.sh"

cache=$RP_ROOT/tests/cache/archive
ls "$cache"/libcommons-cli-java_*.deb >/dev/null 2>&1 || sh "$RP_ROOT/tests/deps/archive.sh"
deb=$(ls "$cache"/libcommons-cli-java_*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ] || ! test_have zip || ! test_have unzip || ! test_have dpkg-deb; then
	test_skip 'jar tests' 'no cached libcommons-cli-java .deb (offline?) or no zip/unzip'
	test_done
fi

test_expect_success 'setup: the jar, and a repack under TZ=Asia/Tokyo' '
	dpkg-deb -x "$deb" pkg &&
	cp pkg/usr/share/java/commons-cli.jar orig.jar &&
	mkdir x && (cd x && unzip -q ../orig.jar) &&
	find x -exec touch -d "2001-02-03 04:05:06" {} + &&
	(cd x && find . -mindepth 1 | sed "s|^\./||" | LC_ALL=C sort -r >../list &&
	 TZ=Asia/Tokyo zip -q -X -9 ../repacked.jar -@ <../list) &&
	test_must_fail cmp -s orig.jar repacked.jar &&
	test "$(unzip -Z1 orig.jar | wc -l)" -eq "$(unzip -Z1 repacked.jar | wc -l)"
'

test_expect_success 'repacked jar is equal after normalization' '
	reprove diff orig.jar repacked.jar >out &&
	grep ": equal after normalization$" out && grep "mtime" out &&
	grep "member order" out
'

test_expect_success 'both normalize to the same bytes, and unzip -t accepts them' '
	reprove normalize -q --epoch 1700000000 orig.jar -o n1.jar &&
	TZ=America/New_York reprove normalize -q --epoch 1700000000 repacked.jar -o n2.jar &&
	cmp n1.jar n2.jar &&
	unzip -t n1.jar >t && grep "No errors detected" t
'

test_expect_success 'normalized jar keeps every member, content unchanged' '
	mkdir y && (cd y && unzip -q ../n1.jar) && diff -r x y &&
	unzip -Z1 n1.jar | LC_ALL=C sort >a && unzip -Z1 orig.jar | LC_ALL=C sort >b &&
	test_cmp b a
'

test_expect_success 'META-INF/ and META-INF/MANIFEST.MF come first, the rest sorted' '
	unzip -Z1 n1.jar >names &&
	test "$(sed -n 1p names)" = "META-INF/" &&
	test "$(sed -n 2p names)" = "META-INF/MANIFEST.MF" &&
	sed 1,2d names >rest && LC_ALL=C sort rest >rest.sorted && test_cmp rest.sorted rest
'

test_expect_success 'zip times are UTC whatever TZ is (1700000000 = 2023-11-14 22:13 UTC)' '
	TZ=Asia/Tokyo reprove normalize -q --epoch 1700000000 orig.jar -o n3.jar &&
	cmp n1.jar n3.jar &&
	TZ=UTC unzip -Z -T n1.jar | grep -c "20231114.2213" >c && test "$(cat c)" -ge 30
'

test_expect_success 'no extra fields, modes 0644/0755 in the normalized jar' '
	unzip -Z -v n1.jar >v && ! grep -i "extra field" v | grep -v "length of extra field: *0 bytes" &&
	unzip -Z n1.jar | grep -v "^Zip file\|^Archive\|files,\|^ *[0-9]* file" >modes &&
	! grep -v -e "^-rw-r--r--" -e "^drwxr-xr-x" modes
'

test_expect_success 'the java jar tool lists the normalized jar' '
	if test_have jar; then jar tf n1.jar >jl && grep "^org/apache/commons/cli/Options.class$" jl; fi
'

test_expect_success 'normalize --check: 1 on the original, 0 on the normalized' '
	test_expect_code 1 reprove normalize -q --epoch 1700000000 --check orig.jar >out &&
	grep "not canonical" out &&
	reprove normalize -q --epoch 1700000000 --check n1.jar >out && grep "already canonical" out
'

test_expect_success 'one changed class is different and named' '
	cp -r x z && printf "\000" >>z/org/apache/commons/cli/Options.class &&
	(cd z && zip -q -X -r ../changed.jar .) &&
	test_expect_code 1 reprove diff orig.jar changed.jar >out &&
	grep "content differs: org/apache/commons/cli/Options.class$" out &&
	grep "^changes: 1 content, 0 added, 0 removed" out
'

test_expect_success 'a jar inside the .deb is compared through the nesting' '
	reprove diff "$deb" "$deb" >out && grep ": identical$" out &&
	reprove diff --json "$deb" "$deb" | grep "\"verdict\": \"identical\""
'

test_done
