/* The sample project reprove's demo and gate/audit tests rebuild: a tiny C program. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, %s\n", argc > 1 ? argv[1] : "reproducible world");
	return 0;
}
