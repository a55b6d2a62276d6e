/* Tests for display masking: by character (never by byte), names keep the
 * first and last character, 4+ character names always show three asterisks. */
#include "core/base/mask.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

typedef void (*mask_fn)(struct buf *, const char *);

static void check(mask_fn fn, const char *in, const char *want)
{
    struct buf b = BUF_INIT;

    fn(&b, in);
    assert_string_equal(b.ptr, want);
    buf_release(&b);
}

static void test_empty(void **state)
{
    (void)state;
    check(mask_name, "", "");
    check(mask_id, "", "");
    check(mask_phone, "", "");
}

static void test_name(void **state)
{
    (void)state;
    check(mask_name, "张", "*");
    check(mask_name, "张三", "张*");
    check(mask_name, "张小三", "张*三");
    check(mask_name, "欧阳小锋", "欧***锋");
    check(mask_name, "欧阳小小锋", "欧***锋");
    check(mask_name, "阿卜杜热合曼·买买提", "阿***提");
    check(mask_name, "Li", "L*");
    check(mask_name, "Tom", "T*m");
}

static void test_name_invalid_utf8(void **state)
{
    (void)state;
    /* each bad byte counts as one character and is never split or rewritten */
    check(mask_name, "\xff", "*");
    check(mask_name, "\xff\xfe", "\xff*");
    check(mask_name, "张\xff三", "张*三");
    check(mask_name, "\xe5\xbc", "\xe5*");
    /* a truncated 3-byte sequence at the end: two bad bytes, not one character */
    check(mask_name, "张三\xe5\xbc", "张***\xbc");
}

static void test_id(void **state)
{
    (void)state;
    check(mask_id, "110105199001011234", "110***********1234");
    check(mask_id, "53010219200508011X", "530***********011X");
    check(mask_id, "110105900101123", "110********1123");
    check(mask_id, "1234567", "*******");
    check(mask_id, "12345678", "123*5678");
    check(mask_id, "１１０１０５", "******");
}

static void test_phone(void **state)
{
    (void)state;
    check(mask_phone, "13812341234", "138****1234");
    check(mask_phone, "021-6212345", "021****2345");
    check(mask_phone, "123", "***");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_name_invalid_utf8),
        cmocka_unit_test(test_id),
        cmocka_unit_test(test_phone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
