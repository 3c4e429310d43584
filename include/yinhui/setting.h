/*
 * setting.h - the effective-dated values that tune the rules: days within
 * which a must-visit is due, the birthdays that count, the 三重一大
 * threshold, the qualitative scoring bands. Each value holds from its
 * valid_from day until the next one's; history is kept.
 */
#ifndef YH_SETTING_H
#define YH_SETTING_H

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"

/* Every setting and every dated value of it, with the one in force today marked "current". */
int yh_setting_list(yh_db *db, const yh_actor *a, char **out, yh_err *err);
/*
 * Fields: key, value, valid_from (default today), note (default: the
 * setting's last note). Admin only, audited; a known key's value is checked
 * against its type and range; an unknown key is refused.
 */
int yh_setting_set(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err);

#endif
