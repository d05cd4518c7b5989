/*
 * json.h - the little JSON zerovm writes (the --json report, report_json.c):
 * strings escaped as RFC 8259 asks, numbers, and nothing else. Writing only,
 * into a stdio stream; no parser (zerovm reads no JSON).
 */
#ifndef ZVM_JSON_H
#define ZVM_JSON_H

#include <stdint.h>
#include <stdio.h>

/* s as a JSON string, quotes included: '"', '\\' and control characters
 * escaped; a byte that is not part of valid UTF-8 as \u00XX, its Latin-1
 * reading (so that any path or message is valid JSON); NULL as null. */
void json_str(FILE *f, const char *s);

/* "key": and a value. */
void json_key(FILE *f, const char *key);
void json_kv_str(FILE *f, const char *key, const char *s);
void json_kv_int(FILE *f, const char *key, int64_t v);
/* Seconds and the like: fixed, 6 decimals (microseconds). */
void json_kv_num(FILE *f, const char *key, double v);

#endif
