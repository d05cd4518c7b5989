/*
 * libc.c - an ordinary glibc program (gcc -static) for the runtime tests:
 * stdio, fopen, opendir, time, rand, getrandom, and malloc of hundreds of
 * MiB, each with its result printed so the test can check it.
 *
 *   libc OUTDIR BIGMIB [INPUT]
 *
 * Writes three files into OUTDIR (created), lists the directory sorted,
 * reads them back, sums a BIGMIB MiB allocation, and counts the lines of
 * INPUT when given. Every line of output is deterministic under zerovm.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: libc OUTDIR BIGMIB [INPUT]\n");
		return 2;
	}
	const char *dir = argv[1];
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	char path[4096];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/file%d.txt", dir, i);
		FILE *f = fopen(path, "w");
		if (!f) {
			perror(path);
			return 1;
		}
		for (int k = 0; k <= i; k++)
			fprintf(f, "line %d of file %d\n", k, i);
		fclose(f);
	}
	DIR *d = opendir(dir);
	if (!d) {
		perror("opendir");
		return 1;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmp);
	printf("entries:");
	for (int i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	long total = 0;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "r");
		char line[256];
		while (f && fgets(line, sizeof line, f))
			total += (long)strlen(line);
		if (f)
			fclose(f);
		struct stat st;
		if (stat(path, &st) == 0)
			printf("%s %lld bytes\n", names[i], (long long)st.st_size);
		free(names[i]);
	}
	printf("read back %ld bytes\n", total);

	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	char when[64];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	printf("time %lld %s\n", (long long)t, when);
	srand((unsigned)t);
	printf("rand %d %d %d\n", rand() % 1000, rand() % 1000, rand() % 1000);
	unsigned char rnd[8];
	if (getrandom(rnd, sizeof rnd, 0) == (ssize_t)sizeof rnd)
		printf("getrandom %02x%02x%02x%02x%02x%02x%02x%02x\n", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
		       rnd[6], rnd[7]);

	size_t mib = (size_t)strtoul(argv[2], 0, 10), len = mib << 20;
	unsigned char *big = malloc(len);
	if (!big) {
		printf("malloc %zu MiB failed\n", mib);
		return 1;
	}
	uint64_t sum = 0;
	for (size_t i = 0; i < len; i += 4096)
		sum += big[i]; /* fresh memory reads as zero */
	for (size_t i = 0; i < len; i += 4096)
		big[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < len; i += 4096)
		sum += big[i];
	printf("malloc %zu MiB sum %llu\n", mib, (unsigned long long)sum);
	free(big);
	void *again = malloc(len);
	printf("malloc again %s\n", again ? "ok" : "failed");
	free(again);

	if (argc > 3) {
		FILE *in = fopen(argv[3], "r");
		if (!in) {
			perror(argv[3]);
			return 1;
		}
		long lines = 0;
		int c;
		while ((c = getc(in)) != EOF)
			lines += c == '\n';
		fclose(in);
		printf("input lines %ld\n", lines);
	}
	char cwd[256];
	printf("cwd %s pid %d uid %d\n", getcwd(cwd, sizeof cwd) ? cwd : "?", (int)getpid(), (int)getuid());
	return 0;
}
