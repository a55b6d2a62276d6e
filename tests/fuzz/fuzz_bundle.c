/* libFuzzer target: arbitrary bytes through the bundle reader with fixed
 * device and HQ keys. The reader must reject or accept without crashing,
 * leaking or reading out of bounds. */
#include "core/hash.h"
#include "sync/bundle.h"

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct keys_hq hq;
    static int ready;
    struct bundle_contents c;
    struct bundle_header h;

    if (!ready) {
        unsigned char seed[32] = {1};
        hash_global_init();
        crypto_sign_seed_keypair(hq.sign_pk, hq.sign_sk, seed);
        crypto_box_seed_keypair(hq.box_pk, hq.box_sk, seed);
        bundle_set_inner_limit(1 << 20);
        ready = 1;
    }
    if (bundle_peek(data, size, &h, NULL) == FC_OK &&
        bundle_open(data, size, h.sign_pk, &hq, &c, NULL) == FC_OK)
        bundle_contents_release(&c);
    return 0;
}
