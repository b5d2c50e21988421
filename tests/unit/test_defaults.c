/* tests/unit/test_defaults.c — the [threads] section is the clusterer's
 * tunables: the configuration's defaults are the clusterer's, each key
 * reaches its field, every default lies within its key's range, and a
 * change to any one of them is seen (a reload warns about it). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "daemon/cluster.h"
#include "tap.h"

int main(void)
{
	struct config c, d;
	struct cluster_params p;
	const struct config_key *k;
	size_t nk, nthreads = 0;

	config_defaults(&c);
	config_defaults(&d);
	cluster_params_default(&p);
	ok(memcmp(&c.threads, &p, sizeof p) == 0, "the configuration's defaults are the clusterer's");
	k = config_keys(&nk);
	for (size_t i = 0; i < nk; i++) {
		const char *at = (const char *)&c + k[i].offset;
		char name[96];
		int in_range = 1;

		if (strcmp(k[i].section, "threads") != 0)
			continue;
		nthreads++;
		snprintf(name, sizeof name, "%s is a field of struct cluster_params", k[i].name);
		ok(k[i].offset >= offsetof(struct config, threads) &&
		   k[i].offset < offsetof(struct config, threads) + sizeof c.threads, name);
		if (k[i].type == CONF_DOUBLE) {
			double v = *(const double *)at;
			in_range = v >= k[i].dmin && v <= k[i].dmax;
			*(double *)((char *)&d + k[i].offset) = v + 0.5;
		} else if (k[i].type == CONF_INT || k[i].type == CONF_BOOL) {
			int v = *(const int *)at;
			in_range = v >= k[i].min && v <= k[i].max;
			*(int *)((char *)&d + k[i].offset) = k[i].type == CONF_BOOL ? !v : v + 1;
		} else {
			int64_t v = *(const int64_t *)at;
			in_range = v >= k[i].min && v <= k[i].max;
			*(int64_t *)((char *)&d + k[i].offset) = v + 1;
		}
		snprintf(name, sizeof name, "%s: the default is within its range", k[i].name);
		ok(in_range, name);
		snprintf(name, sizeof name, "%s: a change is seen", k[i].name);
		ok(!config_section_equal(&c, &d, "threads"), name);
		memcpy((char *)&d + k[i].offset, at,
		       k[i].type == CONF_DOUBLE ? sizeof(double) :
		       k[i].type == CONF_INT || k[i].type == CONF_BOOL ? sizeof(int)
		                                                       : sizeof(int64_t));
		snprintf(name, sizeof name, "%s: and its undoing", k[i].name);
		ok(config_section_equal(&c, &d, "threads"), name);
	}
	/* A new field of struct cluster_params comes with its key, its
	 * default and its lines in config/tidings.conf and tidings.conf(5)
	 * (test_config): this count is raised with them. */
	is_int((long long)nthreads, 22, "22 [threads] keys");
	config_free(&c);
	config_free(&d);
	return done_testing();
}
