/* A small program for debugger tests: a call chain, a loop, a global. */
#include <stdio.h>

int counter;
int add(int a, int b);

int add(int a, int b)
{
	return a + b;
}

int main(void)
{
	int x = add(2, 3);

	for (int i = 0; i < 3; i++)
		counter += i;
	printf("x=%d counter=%d\n", x, counter);
	return 0;
}
