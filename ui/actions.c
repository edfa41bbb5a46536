/*
 * actions: the action table's names, keys and help (see actions.h).
 */
#include <string.h>

#include "actions.h"

typedef struct {
	const char *name, *keys, *help;
} action_info;

static const action_info actions[AD_ACTION_COUNT] = {
	[AD_ACTION_NONE] = { "none", "", "" },
#define AD_ACTION_INFO(id, name, keys, help) [AD_ACTION_##id] = { name, keys, help },
	AD_ACTIONS(AD_ACTION_INFO)
#undef AD_ACTION_INFO
};

static const action_info *info(ad_action action)
{
	if ((int)action <= AD_ACTION_NONE || action >= AD_ACTION_COUNT)
		return NULL;
	return &actions[action];
}

const char *ad_action_name(ad_action action)
{
	const action_info *a = info(action);

	return a ? a->name : NULL;
}

const char *ad_action_default_keys(ad_action action)
{
	const action_info *a = info(action);

	return a ? a->keys : NULL;
}

const char *ad_action_help(ad_action action)
{
	const action_info *a = info(action);

	return a ? a->help : NULL;
}

ad_action ad_action_from_name(const char *name)
{
	int i;

	for (i = AD_ACTION_NONE + 1; i < AD_ACTION_COUNT; i++) {
		if (!strcmp(actions[i].name, name))
			return (ad_action)i;
	}
	return AD_ACTION_NONE;
}
