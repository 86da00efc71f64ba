# The sample project (testdata/sample-project) as a tagged git repository, for the gate and
# audit tests (tests/e2e/t7*.sh); sourced after lib.sh.
#
#   sample_repo DIR [TAG]   copy the project's files into DIR, commit them with fixed dates,
#                           and tag the commit (annotated; default v1.0)
#   sample_files            the project's files, one per line

sample_files() {
	printf '%s\n' Makefile README hello.c reprove.json
}

sample_repo() {
	mkdir -p "$1" &&
	for f in $(sample_files); do cp "$TESTDATA/sample-project/$f" "$1/$f" || return 1; done &&
	(
		cd "$1" && git init -q && git config user.email t@example.com &&
		git config user.name t && git add -A &&
		GIT_AUTHOR_DATE='@1700000000 +0000' GIT_COMMITTER_DATE='@1700000000 +0000' \
			git -c commit.gpgsign=false commit -qm 'hello 1.0' &&
		git -c tag.gpgsign=false tag -a "${2:-v1.0}" -m "${2:-v1.0}"
	)
}
