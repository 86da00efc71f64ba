/*
 * Unit tests for verify/base/path.c: member path and symlink target checks.
 */
#include "harness.h"
#include "path.h"

TEST(path_relative_ok)
{
	CHECK_EQ_INT(rp_path_check("usr/bin/ls"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check("./usr/bin/ls"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check("META-INF/"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check("a..b/c..d"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check("...."), RP_PATH_OK);
}

TEST(path_absolute_and_dotdot_refused)
{
	CHECK_EQ_INT(rp_path_check("/etc/passwd"), RP_PATH_ABSOLUTE);
	CHECK_EQ_INT(rp_path_check("//x"), RP_PATH_ABSOLUTE);
	CHECK_EQ_INT(rp_path_check("../x"), RP_PATH_DOTDOT);
	CHECK_EQ_INT(rp_path_check("a/../../x"), RP_PATH_DOTDOT);
	CHECK_EQ_INT(rp_path_check("a/.."), RP_PATH_DOTDOT);
	CHECK_EQ_INT(rp_path_check("./.."), RP_PATH_DOTDOT);
}

TEST(path_empty_refused_root_ok)
{
	CHECK_EQ_INT(rp_path_check(""), RP_PATH_EMPTY);
	CHECK_EQ_INT(rp_path_check(NULL), RP_PATH_EMPTY);
	/* the root directory entry of every .deb tarball */
	CHECK_EQ_INT(rp_path_check("./"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check("."), RP_PATH_OK);
}

TEST(path_links_inside_ok)
{
	CHECK_EQ_INT(rp_path_check_link("usr/bin/x", "ls"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check_link("usr/bin/x", "../lib/y"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check_link("./usr/share/doc/a", "../../bin/b"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check_link("a/b/", "../c"), RP_PATH_OK);
	CHECK_EQ_INT(rp_path_check_link("x", ""), RP_PATH_OK);
}

TEST(path_links_escaping_refused)
{
	CHECK_EQ_INT(rp_path_check_link("x", "/etc/passwd"), RP_PATH_ESCAPES);
	CHECK_EQ_INT(rp_path_check_link("x", "../y"), RP_PATH_ESCAPES);
	CHECK_EQ_INT(rp_path_check_link("usr/bin/x", "../../../etc"), RP_PATH_ESCAPES);
	CHECK_EQ_INT(rp_path_check_link("a/b", "c/../../../d"), RP_PATH_ESCAPES);
	CHECK_EQ_INT(rp_path_check_link("./x", "./../y"), RP_PATH_ESCAPES);
	/* climbing out and back in still escapes: the intermediate is outside */
	CHECK_EQ_INT(rp_path_check_link("a/x", "../../a/y"), RP_PATH_ESCAPES);
}

TEST(path_link_member_itself_checked)
{
	CHECK_EQ_INT(rp_path_check_link("../x", "y"), RP_PATH_DOTDOT);
	CHECK_EQ_INT(rp_path_check_link("/x", "y"), RP_PATH_ABSOLUTE);
}

TEST(path_reasons_named)
{
	CHECK_EQ_STR(rp_path_reason(RP_PATH_ABSOLUTE), "absolute path");
	CHECK_EQ_STR(rp_path_reason(RP_PATH_DOTDOT), "'..' component");
	CHECK_EQ_STR(rp_path_reason(RP_PATH_ESCAPES), "link target outside the tree");
}
