/*
 * slots: names of the colour slots (see slots.h).
 */
#include <string.h>

#include "slots.h"

static const char *const slot_names[] = {
#define AD_SLOT_NAME(id, name) name,
	AD_SLOTS(AD_SLOT_NAME)
#undef AD_SLOT_NAME
};

const char *ad_slot_name(ad_slot slot)
{
	if ((int)slot < 0 || slot >= AD_SLOT_COUNT)
		return NULL;
	return slot_names[slot];
}

int ad_slot_from_name(const char *name)
{
	int i;

	for (i = 0; i < AD_SLOT_COUNT; i++) {
		if (!strcmp(slot_names[i], name))
			return i;
	}
	return -1;
}
