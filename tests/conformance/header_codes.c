/*
 * What include/sockport/sockport.h lists for each function, read from the
 * header itself so that the table and the header cannot drift: the SP_E*
 * names in the @return paragraph of a function's doc comment, plus those of
 * the functions it points to ("as sp_send()", "any error of sp_recv()",
 * "Same as sp_socket_on(").
 */
#include "header_codes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CF_MAX_FUNCTIONS 96
#define CF_MAX_REFS 4

struct cf_function_doc {
    char name[40];
    unsigned long long codes; /* bit -code */
    char refs[CF_MAX_REFS][40];
    int nrefs;
};

static struct cf_function_doc cf_docs[CF_MAX_FUNCTIONS];
static int cf_ndocs;

static struct cf_function_doc *cf_find(const char *name)
{
    for (int i = 0; i < cf_ndocs; i++) {
        if (strcmp(cf_docs[i].name, name) == 0)
            return &cf_docs[i];
    }
    return NULL;
}

static int cf_code_named(const char *name, size_t len)
{
    for (int code = -1; code >= -63; code--) {
        const char *known = sp_err_name(code);
        if (strlen(known) == len && strncmp(known, name, len) == 0)
            return code;
    }
    return 0;
}

static bool cf_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static size_t cf_ident_len(const char *p)
{
    size_t n = 0;
    while (cf_ident_char(p[n]))
        n++;
    return n;
}

/* Adds the reference "sp_xxx(" found at @p p to @p doc. */
static void cf_add_ref(struct cf_function_doc *doc, const char *p)
{
    size_t n = cf_ident_len(p);
    if (p[n] != '(' || n >= sizeof doc->refs[0] || doc->nrefs >= CF_MAX_REFS)
        return;
    memcpy(doc->refs[doc->nrefs], p, n);
    doc->refs[doc->nrefs][n] = '\0';
    doc->nrefs++;
}

static void cf_parse_comment(struct cf_function_doc *doc, const char *begin, const char *end)
{
    const char *ret = strstr(begin, "@return");
    const char *same = strstr(begin, "Same as sp_");
    if (same != NULL && same < end)
        cf_add_ref(doc, same + strlen("Same as "));
    if (ret == NULL || ret > end)
        return;
    for (const char *p = ret; p < end; p++) {
        if (strncmp(p, "SP_E", 4) == 0 && !cf_ident_char(p[-1])) {
            size_t n = cf_ident_len(p);
            int code = cf_code_named(p, n);
            if (code != 0)
                doc->codes |= 1ull << -code;
            p += n - 1;
        } else if (strncmp(p, "as sp_", 6) == 0 || strncmp(p, "of sp_", 6) == 0) {
            cf_add_ref(doc, p + 3);
        }
    }
}

int cf_header_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    static char text[256 * 1024];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return cf_header_parse(text);
}

int cf_header_parse(const char *text)
{
    cf_ndocs = 0;
    for (const char *p = strstr(text, "/**"); p != NULL; p = strstr(p, "/**")) {
        const char *end = strstr(p, "*/");
        if (end == NULL)
            break;
        /* The declaration after the comment names the function. */
        const char *decl = end + 2;
        const char *semi = strchr(decl, ';');
        const char *brace = strchr(decl, '{');
        const char *fn = strstr(decl, " sp_");
        const char *star = strstr(decl, "*sp_");
        if (star != NULL && (fn == NULL || star < fn))
            fn = star;
        const char *start = p;
        p = end;
        if (fn == NULL || semi == NULL || fn > semi || (brace != NULL && brace < semi) ||
            strncmp(decl, "\n#", 2) == 0 || cf_ndocs >= CF_MAX_FUNCTIONS)
            continue;
        fn += 1;
        size_t len = cf_ident_len(fn);
        if (fn[len] != '(' || len >= sizeof cf_docs[0].name)
            continue;
        struct cf_function_doc *doc = &cf_docs[cf_ndocs++];
        memset(doc, 0, sizeof *doc);
        memcpy(doc->name, fn, len);
        cf_parse_comment(doc, start, end);
    }
    return cf_ndocs;
}

static unsigned long long cf_codes_of(const char *name, int depth)
{
    struct cf_function_doc *doc = cf_find(name);
    if (doc == NULL || depth > 4)
        return 0;
    unsigned long long codes = doc->codes;
    for (int i = 0; i < doc->nrefs; i++)
        codes |= cf_codes_of(doc->refs[i], depth + 1);
    return codes;
}

bool cf_header_documents(const char *function)
{
    return cf_find(function) != NULL;
}

bool cf_header_lists(const char *function, int code)
{
    return code < 0 && code > -64 && (cf_codes_of(function, 0) >> -code) & 1u;
}

void cf_header_describe(const char *function, char *buf, size_t size)
{
    unsigned long long codes = cf_codes_of(function, 0);
    buf[0] = '\0';
    for (int bit = 1; bit < 64; bit++) {
        if ((codes >> bit) & 1u) {
            size_t used = strlen(buf);
            snprintf(buf + used, size - used, "%s%s", used ? ", " : "", sp_err_name(-bit));
        }
    }
}
