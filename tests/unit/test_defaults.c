/* tests/unit/test_defaults.c — the [threads] defaults of the configuration
 * are the clusterer's tuned values: two lists of numbers that must not
 * drift apart. */
#include "config/config.h"
#include "daemon/cluster.h"
#include "tap.h"

int main(void)
{
	struct config c;
	struct cluster_params p;

	config_defaults(&c);
	cluster_params_default(&p);
	is_int(c.cluster_window, p.window, "cluster_window");
	ok(c.join_threshold == p.join_threshold, "join_threshold");
	ok(c.merge_threshold == p.merge_threshold, "merge_threshold");
	ok(c.title_weight == p.title_weight, "title_weight");
	ok(c.entity_weight == p.entity_weight, "entity_weight");
	ok(c.time_decay == p.time_decay, "time_decay");
	is_int(c.simhash_distance, p.simhash_distance, "simhash_distance");
	config_free(&c);
	return done_testing();
}
