// SPDX-License-Identifier: GPL-2.0-only
/*
 * replay.c - runs a libFuzzer target over its corpus without libFuzzer, so
 * that the ASan/UBSan build replays every seed and every kept crasher in
 * each test run.
 *
 *   fuzz_NAME_replay DIR|FILE...
 *
 * Prints "ok fuzz_NAME: N inputs replayed", or "not ok" when there was
 * nothing to replay; a crash is the sanitizer's report and a non-zero exit.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char name[256] = "fuzz";

/* Each input in a buffer of its exact size, so that ASan sees a read past it. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

static int skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	long n = 0;

	snprintf(name, sizeof(name), "%s", base);
	if (strlen(name) > 7 && !strcmp(name + strlen(name) - 7, "_replay"))
		name[strlen(name) - 7] = 0;
	if (argc < 2) {
		printf("not ok %s: usage: %s DIR|FILE...\n", name, base);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct dirent **ents;
		struct stat st;
		int m;

		if (stat(argv[i], &st)) {
			printf("not ok %s: %s: %s\n", name, argv[i], strerror(errno));
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i])) {
				printf("not ok %s: cannot read %s\n", name, argv[i]);
				return 1;
			}
			n++;
			continue;
		}
		m = scandir(argv[i], &ents, skip_dots, alphasort);
		if (m < 0) {
			printf("not ok %s: %s: %s\n", name, argv[i], strerror(errno));
			return 1;
		}
		for (int k = 0; k < m; k++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], ents[k]->d_name);
			if (!stat(path, &st) && S_ISREG(st.st_mode)) {
				if (replay_file(path)) {
					printf("not ok %s: cannot read %s\n", name, path);
					return 1;
				}
				n++;
			}
			free(ents[k]);
		}
		free(ents);
	}
	if (!n) {
		printf("not ok %s: no inputs to replay\n", name);
		return 1;
	}
	printf("ok %s: %ld inputs replayed\n", name, n);
	return 0;
}
