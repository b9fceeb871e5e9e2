/* The callback's id -> media action index (see id_index.c). */
#ifndef RTMIXER_ID_INDEX_H
#define RTMIXER_ID_INDEX_H
#include "mixer_core.h"

#ifdef __cplusplus
extern "C" {
#endif
void rtm_index_insert(rtm_state *s, rtm_action *a);
rtm_action *rtm_index_find(const rtm_state *s, uint64_t id);
void rtm_index_remove(rtm_state *s, rtm_action *a);
#ifdef __cplusplus
}
#endif
#endif
