#include "yinhui/i18n.h"

#include <libintl.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int inited;
static int chinese;

static int wants_chinese(void)
{
	const char *vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "zh", 2) == 0;
	}
	return 0;
}

static void init(void)
{
	const char *dir = getenv("YINHUI_LOCALEDIR");
	struct stat st;

	if (setlocale(LC_ALL, "") == NULL && wants_chinese()) {
		/* zh_CN.UTF-8 is often not generated on servers; C.UTF-8 plus LANGUAGE still finds the catalogue */
		setlocale(LC_ALL, "C.UTF-8");
		setenv("LANGUAGE", "zh_CN", 0);
	}
	/* numbers in reports and JSON always use '.' */
	setlocale(LC_NUMERIC, "C");
	if (dir == NULL || *dir == '\0')
		dir = (stat(YH_BUILD_LOCALEDIR, &st) == 0) ? YH_BUILD_LOCALEDIR : YH_LOCALEDIR;
	bindtextdomain("yinhui", dir);
	bind_textdomain_codeset("yinhui", "UTF-8");
	chinese = wants_chinese();
	inited = 1;
}

void yh_i18n_init(void)
{
	pthread_once(&once, init);
}

const char *yh_tr(const char *msgid)
{
	if (!inited || msgid == NULL || *msgid == '\0')
		return msgid;
	return dgettext("yinhui", msgid);
}

int yh_i18n_chinese(void)
{
	return inited && chinese;
}
