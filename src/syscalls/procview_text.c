/*
 * The virtual /proc view's text (procview_text.h). The formats are
 * fs/proc/array.c's: proc_pid_status() and do_task_stat().
 */
#include "procview_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Next component of @p (after slashes) into @comp; returns past it. */
static const char *next_component(const char *p, char *comp, size_t size)
{
	size_t n;

	p += strspn(p, "/");
	n = strcspn(p, "/");
	if (n >= size)
		n = 0;	/* too long to be one of ours: an empty one */
	memcpy(comp, p, n);
	comp[n] = '\0';
	return p + n;
}

/* A positive decimal number with no sign or leading zero, or 0. */
static pid_t number_of(const char *s)
{
	long v = 0;

	if (s[0] < '1' || s[0] > '9' || strlen(s) > 10)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v > 0x7fffffffL ? 0 : (pid_t)v;
}

enum ptv_procview_file ptv_procview_parse(const char *path, pid_t self_tgid,
					  pid_t self_tid,
					  struct ptv_procview_path *out)
{
	char comp[5][16];
	size_t n = 0;
	const char *p = path;
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	/* A trailing slash asks for a directory: ENOTDIR for these files. */
	if (path[0] != '/' || path[strlen(path) - 1] == '/')
		return PTV_PROCVIEW_NONE;
	while (*(p += strspn(p, "/")) != '\0') {
		if (n == 5)
			return PTV_PROCVIEW_NONE;
		p = next_component(p, comp[n], sizeof(comp[n]));
		if (comp[n][0] == '\0')
			return PTV_PROCVIEW_NONE;
		n++;
	}
	if (n < 3 || strcmp(comp[i++], "proc") != 0)
		return PTV_PROCVIEW_NONE;
	if (strcmp(comp[i], "self") == 0) {
		out->pid = self_tgid;
	} else if (strcmp(comp[i], "thread-self") == 0) {
		out->pid = self_tgid;
		out->tid = self_tid;
	} else {
		out->pid = number_of(comp[i]);
		if (out->pid == 0)
			return PTV_PROCVIEW_NONE;
	}
	i++;
	if (n == 5) {
		if (out->tid != 0 || strcmp(comp[i], "task") != 0)
			return PTV_PROCVIEW_NONE;
		out->tid = number_of(comp[i + 1]);
		if (out->tid == 0)
			return PTV_PROCVIEW_NONE;
		i += 2;
	} else if (n != 3) {
		return PTV_PROCVIEW_NONE;
	}
	if (strcmp(comp[i], "status") == 0)
		out->file = PTV_PROCVIEW_STATUS;
	else if (strcmp(comp[i], "stat") == 0)
		out->file = PTV_PROCVIEW_STAT;
	return out->file;
}

/* fs/proc/array.c: task_state_array[]. */
static const char *state_name(char letter)
{
	switch (letter) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'D': return "D (disk sleep)";
	case 'T': return "T (stopped)";
	case 't': return "t (tracing stop)";
	case 'X': return "X (dead)";
	case 'Z': return "Z (zombie)";
	case 'P': return "P (parked)";
	case 'I': return "I (idle)";
	}
	return NULL;
}

/* The output so far: appends, and remembers running out of room. */
struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || o->len + n >= o->size) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void putf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		o->full = true;
	else
		put(o, tmp, (size_t)n);
}

static bool cpu_set(const struct ptv_procview_fix *fix, size_t cpu)
{
	return cpu / 64 < fix->cpu_words && (fix->cpus[cpu / 64] >> (cpu % 64)) & 1;
}

/*
 * Cpus_allowed in the host's line's shape (%*pb: nr_cpu_ids bits, hex,
 * a comma between 32-bit words): digit i from the right is the mask's
 * nibble i. @value is the host's value, @n its length.
 */
static void put_cpu_hex(struct out *o, const struct ptv_procview_fix *fix,
			const char *value, size_t n)
{
	char hex[512];
	size_t nibble = 0;

	if (n >= sizeof(hex)) {
		o->full = true;
		return;
	}
	for (size_t i = n; i-- > 0;) {
		unsigned v = 0;

		if (value[i] == ',') {
			hex[i] = ',';
			continue;
		}
		for (unsigned b = 0; b < 4; b++)
			v |= (unsigned)cpu_set(fix, nibble * 4 + b) << b;
		hex[i] = "0123456789abcdef"[v];
		nibble++;
	}
	put(o, hex, n);
}

/* Cpus_allowed_list: "0-1,4" (%*pbl), for the CPUs the host line shows. */
static void put_cpu_list(struct out *o, const struct ptv_procview_fix *fix,
			 size_t ncpus)
{
	bool first = true;

	for (size_t cpu = 0; cpu < ncpus; cpu++) {
		size_t last = cpu;

		if (!cpu_set(fix, cpu))
			continue;
		while (last + 1 < ncpus && cpu_set(fix, last + 1))
			last++;
		if (last == cpu)
			putf(o, "%s%zu", first ? "" : ",", cpu);
		else
			putf(o, "%s%zu-%zu", first ? "" : ",", cpu, last);
		first = false;
		cpu = last;
	}
}

/* The CPUs the host's Cpus_allowed value @value (@n bytes) has room for. */
static size_t cpus_of_hex(const char *value, size_t n)
{
	size_t digits = 0;

	for (size_t i = 0; i < n; i++)
		digits += value[i] != ',';
	return digits * 4;
}

/* Does @line (up to its newline) start with "@key:"? */
static bool is_key(const char *line, const char *key)
{
	size_t n = strlen(key);

	return strncmp(line, key, n) == 0 && line[n] == ':';
}

long ptv_procview_status(const char *in, const struct ptv_procview_fix *fix,
			 char *out, size_t size)
{
	struct out o = { out, size, 0, false };
	size_t ncpus = 0;
	bool seen_state = false;

	if (size == 0)
		return -1;
	out[0] = '\0';
	for (const char *line = in; *line;) {
		size_t n = strcspn(line, "\n");
		const char *value = line + strcspn(line, ":");
		size_t vlen;

		if (value < line + n)
			value += 1 + strspn(value + 1, " \t");
		vlen = (size_t)(line + n - value);
		if (is_key(line, "State") && state_name(fix->state)) {
			putf(&o, "State:\t%s", state_name(fix->state));
			seen_state = true;
		} else if (is_key(line, "TracerPid")) {
			putf(&o, "TracerPid:\t%d", (int)fix->tracer_pid);
		} else if (is_key(line, "Seccomp") && fix->seccomp_mode >= 0) {
			putf(&o, "Seccomp:\t%d", fix->seccomp_mode);
		} else if (is_key(line, "Seccomp_filters") &&
			   fix->seccomp_filters >= 0) {
			putf(&o, "Seccomp_filters:\t%d", fix->seccomp_filters);
		} else if (is_key(line, "SigBlk") && fix->unblocked) {
			putf(&o, "SigBlk:\t%016llx",
			     strtoull(value, NULL, 16) & ~(unsigned long long)fix->unblocked);
		} else if (is_key(line, "Cpus_allowed") && fix->cpus) {
			put(&o, line, (size_t)(value - line));
			put_cpu_hex(&o, fix, value, vlen);
			ncpus = cpus_of_hex(value, vlen);
		} else if (is_key(line, "Cpus_allowed_list") && fix->cpus) {
			put(&o, line, (size_t)(value - line));
			put_cpu_list(&o, fix, ncpus);
		} else {
			put(&o, line, n);
		}
		put(&o, "\n", line[n] == '\n');
		line += n + (line[n] == '\n');
	}
	return o.full || !seen_state ? -1 : (long)o.len;
}

/* do_task_stat(): fields a reader without permission sees as 0 (or 1). */
static const char *guarded_field(unsigned field, const char *value)
{
	/* startcode and endcode are 1 when there is an mm (not 0). */
	if (field == 26 || field == 27)
		return strcmp(value, "0") == 0 ? NULL : "1";
	if (field == 28 || field == 29 || field == 30 ||
	    (field >= 45 && field <= 52))
		return "0";
	return NULL;
}

long ptv_procview_stat(const char *in, const struct ptv_procview_fix *fix,
		       char *out, size_t size)
{
	struct out o = { out, size, 0, false };
	const char *close = strrchr(in, ')');
	const char *p;
	unsigned field = 3;

	if (size == 0 || close == NULL || close[1] != ' ' || close[2] == '\0' ||
	    close[3] != ' ' || state_name(fix->state) == NULL)
		return -1;
	out[0] = '\0';
	put(&o, in, (size_t)(close + 2 - in));
	put(&o, &fix->state, 1);
	for (p = close + 3; *p == ' '; field++) {
		size_t n = strcspn(p + 1, " \n");
		char value[32];
		const char *shown = NULL;

		if (n < sizeof(value)) {
			memcpy(value, p + 1, n);
			value[n] = '\0';
			if (fix->not_permitted)
				shown = guarded_field(field + 1, value);
		}
		put(&o, " ", 1);
		if (shown)
			put(&o, shown, strlen(shown));
		else
			put(&o, p + 1, n);
		p += 1 + n;
	}
	put(&o, p, strlen(p));
	return o.full ? -1 : (long)o.len;
}

char ptv_procview_state_of(const char *in, enum ptv_procview_file file)
{
	const char *p;

	if (file == PTV_PROCVIEW_STAT) {
		p = strrchr(in, ')');
		return p && p[1] == ' ' ? p[2] : 0;
	}
	p = strstr(in, "\nState:");
	if (p == NULL)
		return 0;
	p += strlen("\nState:");
	p += strspn(p, " \t");
	return *p;
}
