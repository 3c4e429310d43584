/*
 * i18n.h - messages in Chinese when the locale is Chinese (LANG=zh_CN.UTF-8),
 * English otherwise, through gettext with the "yinhui" domain. Error
 * messages are translated centrally in yh_err_set (their format string is
 * the msgid), CLI help where it is printed.
 */
#ifndef YH_I18N_H
#define YH_I18N_H

/* Sets the locale from the environment and binds the catalogue. Idempotent. */
void yh_i18n_init(void);
/* The translation of msgid, or msgid itself. */
const char *yh_tr(const char *msgid);
/* 1 when messages are being translated to Chinese. */
int yh_i18n_chinese(void);

#define N_(s) (s)

#endif
