/* text.c — escaping and validating untrusted text (lp_text.h). Pure: no
 * I/O but the caller's buffer or FILE*. */
#include "lp_text.h"

size_t lp_text_utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0; /* UTF-16 surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
        if (c == 0xF4 && s[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

int lp_text_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) { /* ASCII fast path, 8 bytes at a time */
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        size_t k = lp_text_utf8_seq_len(s + i, len - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

int lp_text_fput_utf8(FILE *f, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        size_t k = lp_text_utf8_seq_len(s + i, len - i);
        if (k == 0) {
            if (fputs("\xEF\xBF\xBD", f) == EOF) return -1;
            i++;
        } else {
            if (fwrite(s + i, 1, k, f) != k) return -1;
            i += k;
        }
    }
    return 0;
}

/* The escaped form of the character at s[0..n) into out (room for 8
 * bytes); *used receives the input bytes it stands for. Returns the bytes
 * written. */
static size_t escape_one(char *out, const unsigned char *s, size_t n, size_t *used)
{
    static const char hex[] = "0123456789abcdef";
    unsigned c = s[0];
    size_t k = lp_text_utf8_seq_len(s, n);
    if (c < 0x20 || c == 0x7F || k == 0) {
        out[0] = '\\';
        out[1] = 'x';
        out[2] = hex[c >> 4];
        out[3] = hex[c & 15];
        *used = 1;
        return 4;
    }
    if (c == '"' || c == '\\') {
        out[0] = '\\';
        out[1] = (char)c;
        *used = 1;
        return 2;
    }
    memcpy(out, s, k);
    *used = k;
    return k;
}

const char *lp_text_msg(char *dst, size_t cap, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0, i = 0;
    while (i < len) {
        if (i >= 60 || o + 8 >= cap - 4) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        size_t used;
        o += escape_one(dst + o, s + i, len - i, &used);
        i += used;
    }
    dst[o] = '\0';
    return dst;
}

long lp_text_fput(FILE *f, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    char buf[512];
    size_t o = 0, i = 0;
    long total = 0;
    while (i < len) {
        size_t used;
        o += escape_one(buf + o, s + i, len - i, &used);
        i += used;
        if (o + 8 > sizeof buf || i == len) {
            if (fwrite(buf, 1, o, f) != o) return -1;
            total += (long)o;
            o = 0;
        }
    }
    return total;
}

size_t lp_text_json(char *dst, const char *str, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0, i = 0;
    dst[o++] = '"';
    while (i < len) {
        unsigned c = s[i];
        const char *rep = NULL;
        switch (c) {
        case '"':
            rep = "\\\"";
            break;
        case '\\':
            rep = "\\\\";
            break;
        case '\b':
            rep = "\\b";
            break;
        case '\f':
            rep = "\\f";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        case '\t':
            rep = "\\t";
            break;
        default:
            break;
        }
        if (rep) {
            dst[o++] = rep[0];
            dst[o++] = rep[1];
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7F) {
            memcpy(dst + o, "\\u00", 4);
            dst[o + 4] = hex[c >> 4];
            dst[o + 5] = hex[c & 15];
            o += 6;
            i++;
            continue;
        }
        size_t k = lp_text_utf8_seq_len(s + i, len - i);
        if (k == 0) {
            memcpy(dst + o, "\\ufffd", 6);
            o += 6;
            i++;
        } else {
            memcpy(dst + o, s + i, k);
            o += k;
            i += k;
        }
    }
    dst[o++] = '"';
    return o;
}
