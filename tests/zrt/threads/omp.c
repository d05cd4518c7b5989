/*
 * omp.c - OpenMP with 4 threads for tests/zrt/threads.sh (gcc -fopenmp
 * -static): a parallel reduction, a critical section, a barrier; results
 * that do not depend on the interleaving, compared with the native run.
 */
#include <omp.h>
#include <stdio.h>

int main(void)
{
	long sum = 0;
	int seen = 0, team = 0;
#pragma omp parallel num_threads(4) reduction(+ : sum)
	{
#pragma omp single
		team = omp_get_num_threads();
#pragma omp for schedule(static)
		for (long i = 0; i < 4000000; i++)
			sum += i % 11;
#pragma omp critical
		seen |= 1 << omp_get_thread_num();
#pragma omp barrier
	}
	printf("omp: team %d, threads seen 0x%x, sum %ld\n", team, seen, sum);
	double x = 0;
#pragma omp parallel for num_threads(4) reduction(+ : x) schedule(dynamic, 1000)
	for (int i = 1; i <= 100000; i++)
		x += 1.0 / ((double)i * i);
	printf("omp: sum of 1/i^2 %.9f\n", x);
	return 0;
}
