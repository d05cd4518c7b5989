/*
 * report_json.c - the report as JSON (report_json.h). The six-line report
 * (report.c) is unchanged; this is the same session told to a program.
 */
#include "report_json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"

static const char *validator_text(enum validation_state v)
{
	switch (v) {
	case VALIDATION_PASSED: return "passed";
	case VALIDATION_FAILED: return "failed";
	default: return "not run";
	}
}

static void counts(FILE *f, const char *key, int64_t reads, int64_t read_bytes, int64_t writes, int64_t write_bytes)
{
	json_key(f, key);
	fputc('{', f);
	json_kv_int(f, "reads", reads);
	fputc(',', f);
	json_kv_int(f, "read_bytes", read_bytes);
	fputc(',', f);
	json_kv_int(f, "writes", writes);
	fputc(',', f);
	json_kv_int(f, "write_bytes", write_bytes);
	fputc('}', f);
}

static void channel(FILE *f, const struct channel *c)
{
	const struct manifest_channel *mc = c->mc;
	fputc('{', f);
	json_kv_str(f, "alias", mc->alias);
	fputc(',', f);
	json_key(f, "sources");
	fputc('[', f);
	for (unsigned j = 0; j < mc->nuri; j++) {
		if (j)
			fputc(',', f);
		json_str(f, mc->uri[j]);
	}
	fputs("],", f);
	json_kv_int(f, "type", (int64_t)mc->type);
	fputc(',', f);
	json_key(f, "limits");
	fprintf(f, "{\"gets\":%lld,\"get_size\":%lld,\"puts\":%lld,\"put_size\":%lld},",
		(long long)mc->limit[LIMIT_GETS], (long long)mc->limit[LIMIT_GET_SIZE],
		(long long)mc->limit[LIMIT_PUTS], (long long)mc->limit[LIMIT_PUT_SIZE]);
	counts(f, "used", c->used[LIMIT_GETS], c->used[LIMIT_GET_SIZE], c->used[LIMIT_PUTS], c->used[LIMIT_PUT_SIZE]);
	fputc(',', f);
	json_kv_str(f, "etag", mc->etag && c->hex[0] ? c->hex : NULL);
	fputc('}', f);
}

static void write_object(FILE *f, const struct session *s, const char *memory_etag, const char *note, int code)
{
	fputc('{', f);
	json_kv_int(f, "version", 1);
	fputc(',', f);
	json_key(f, "validator");
	fputc('{', f);
	json_kv_int(f, "state", (int64_t)s->vstate);
	fputc(',', f);
	json_kv_str(f, "text", validator_text(s->vstate));
	fputs("},", f);
	json_kv_int(f, "daemon", s->daemon ? 1 : 0);
	fputc(',', f);
	json_kv_int(f, "resumed", s->resumed ? 1 : 0);
	fputc(',', f);
	json_kv_int(f, "user_return_code", s->user_code);
	fputc(',', f);
	json_kv_str(f, "memory_etag", memory_etag && memory_etag[0] ? memory_etag : NULL);
	fputc(',', f);
	json_key(f, "accounting");
	fputc('{', f);
	json_kv_num(f, "sys_time", s->sys_time);
	fputc(',', f);
	json_kv_num(f, "user_time", s->user_time);
	fputc(',', f);
	counts(f, "local", s->cs.reads, s->cs.read_bytes, s->cs.writes, s->cs.write_bytes);
	fputc(',', f);
	counts(f, "network", s->cs.net_reads, s->cs.net_read_bytes, s->cs.net_writes, s->cs.net_write_bytes);
	fputs("},", f);
	json_key(f, "exit");
	fputc('{', f);
	json_kv_int(f, "code", code);
	fputc(',', f);
	json_kv_str(f, "state", s->err.code ? s->err.msg : "ok");
	fputc(',', f);
	json_kv_str(f, "note", note);
	fputs("},", f);
	json_kv_num(f, "wall_time", session_now() - s->t0);
	fputc(',', f);
	json_kv_num(f, "cpu_time", s->sys_time + s->user_time);
	fputc(',', f);
	json_kv_int(f, "peak_memory", s->peak_rss);
	fputc(',', f);
	json_kv_int(f, "memory", s->m.memory);
	fputc(',', f);
	json_key(f, "channels");
	fputc('[', f);
	for (uint32_t i = 0; i < s->cs.n; i++) {
		if (i)
			fputc(',', f);
		channel(f, &s->cs.ch[i]);
	}
	fputs("]}\n", f);
}

int report_json(const struct session *s, const char *memory_etag, const char *note, int code, const char *path)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".zerovm-XXXXXX", 15);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return -e;
	}
	mode_t um = umask(0);
	umask(um);
	FILE *f = fdopen(fd, "w");
	int e = 0;
	if (!f) {
		e = errno;
		close(fd);
	} else {
		write_object(f, s, memory_etag, note, code);
		if (fchmod(fd, 0666 & ~um) < 0)
			e = errno;
		else if (ferror(f))
			e = EIO;
		if (fclose(f) != 0 && !e)
			e = errno;
	}
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e)
		unlink(tmp);
	free(tmp);
	return -e;
}
