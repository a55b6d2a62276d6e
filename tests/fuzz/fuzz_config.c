/* Fuzzes the configuration parser: any bytes either parse, leaving every
 * setting at a value its own validator accepts, or fail with a message that
 * names the input; a failed parse changes no setting. */
#include "core/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fc_error err;
    struct buf warn = BUF_INIT;
    const char *before[CONFIG_COUNT];
    int rc;

    config_reset();
    for (int i = 0; i < CONFIG_COUNT; i++)
        before[i] = config_get(config_settings[i].key);
    memset(&err, 0, sizeof(err));
    rc = config_parse("fuzz", (const char *)data, size, CONFIG_SRC_USER, &warn, &err);
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const char *v = config_get(config_settings[i].key);
        if (!v || config_validate(&config_settings[i], v, NULL))
            abort();
        if (rc && v != before[i])
            abort();
    }
    if (rc && strncmp(err.msg, "fuzz", 4))
        abort();
    buf_release(&warn);
    return 0;
}
