/* generate.c — deterministic synthetic enterprise graph, streamed to a sink
 * (see lp_generate.h).
 *
 * Shape, for A accounts, E employees (T = ceil(E/8) teams, D = max(2,
 * floor(sqrt(T))) divisions, or 1 when T = 1) and P partners:
 *
 *   org tree   company ── division ── team ── employee; the first (lowest
 *              numbered) member of each team is its lead, also joined to the
 *              division. Colleagues: each employee knows up to 3 earlier
 *              members of its team (all of them while the team has at most
 *              3) and 0–2 earlier collaborators (60% in its division), so
 *              leads and early hires are hubs.
 *   reps       half of the employees (at least 2) face customers. Rep r
 *              has popularity w_r = min(Pareto(alpha), 50); the primary rep
 *              of an account is drawn with probability proportional to w_r
 *              (Vose's alias method), so a few reps serve hundreds of
 *              accounts while most serve a handful.
 *   accounts   revenue lognormal (median 25k single-threaded, 60k others,
 *              sigma 1.3) with a Pareto (alpha 1.1) multiplier >= 5 on 3%,
 *              in cents, at least 100.00. 1–8 contacts, more for larger
 *              accounts (geometric, truncated at 8).
 *     single-threaded (share `single_threaded` of the accounts that are not
 *              subsidiaries): 90% one rep, the contacts know that rep or
 *              nobody; 10% no rep, reached only through contacts who know
 *              one and the same employee. A former employee working there
 *              knows only that employee.
 *     multi-threaded: 1–4 reps (the others teammates of the primary or
 *              popular reps); contacts know 0–2 employees (mostly the
 *              account's reps); 12% also work with 1–2 partners (Zipf
 *              popularity); if that leaves fewer than two employees (and no
 *              partner) touching the account, one more rep is added.
 *     subsidiary (3%): reached only through a recent parent account (one
 *              of the last 4096), single-threaded exactly when the parent
 *              is; its contacts know nobody of ours.
 *   partners   each joined to 2–6 popular reps and to the accounts above.
 *   former employees: with probability `former_employees`, an account
 *              (not a subsidiary) employs one: joined to the account and to
 *              1–3 ex-colleagues (one team's members; the account's one
 *              employee for a single-threaded account).
 *   weights    interaction counts 1 + floor(lognormal), by relation.
 *
 * Why the counts in lp_generate_stats are exact: every edge pair is made in
 * exactly one place — colleague pairs only from the higher-numbered
 * employee; every other pair from the one step that makes all edges of one
 * of its endpoints (a division, a team and its lead, an employee's team, a
 * partner, an account, a contact, a former employee), with the other
 * endpoints chosen there kept distinct — so the clean output has no
 * duplicate pair and no self-loop; the awkward extras are counted as they are
 * emitted. An account is single-threaded exactly when the set of employees
 * adjacent to its customer side (the account, its contacts and former
 * employees, its parent's side, partners) has one element: two distinct
 * employees give two paths that share no person (each continues through its
 * own team to the company), one employee is on every path.
 *
 * Awkward extras (awkward = 1): 2% of ids (not the company's) get one of a
 * few decorations (" «...»" with commas, quotes, line breaks, tabs,
 * emoji, accents; one variant with a leading and a trailing blank); ~1% of
 * edge rows are followed by a duplicate row (40% with source and target
 * swapped) and ~0.02% by a self-loop row (at least one duplicate and two
 * self-loops in all); 1% of accounts are orphans (contacts only, no path;
 * at least one when A >= 2); 10% of the weights equal to 1 and 30% of the
 * zero revenues are passed as NaN ("not given"). Decorations contain '«',
 * which no plain id does, and start after the plain id, so decorated ids
 * stay unique.
 *
 * Randomness: xoshiro256** (Blackman & Vigna 2018) seeded by splitmix64.
 * Independent streams: the org side, each account (stream 16 + i, so an
 * account's structure does not depend on how many numbers the previous ones
 * used), the awkward extras; names and decorations are hashes of (seed,
 * type, number). Serial: O(A + E) time; memory O(E + P) for the org tables
 * and the ids of the org side, plus a 4096-account window.
 */
#include "lp_generate.h"
#include "lp_alloc.h"
#include "lp_text.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG and hashing ----------------------------------------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

/* A hash of (seed, a, b): names and decorations. */
static inline uint64_t hash3(uint64_t seed, uint64_t a, uint64_t b)
{
    return lp_text_mix64(lp_text_mix64(seed + 0x9e3779b97f4a7c15ULL * (a + 1)) ^
                         (b * 0xd1b54a32d192ed03ULL));
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = lp_text_mix64(seed) ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = lp_text_splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double rng_u01(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n >= 1. Bias <= n / 2^53, irrelevant here. */
static inline int64_t rng_below(rng *r, int64_t n)
{
    int64_t k = (int64_t)(rng_u01(r) * (double)n);
    return k < n ? k : n - 1;
}

/* Standard normal by Box–Muller (one of the pair; simpler than caching). */
static double rng_normal(rng *r)
{
    double u = 1.0 - rng_u01(r); /* (0, 1] */
    double v = rng_u01(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Interaction count: 1 + floor(exp(N(mu, sigma))), capped to stay sane. */
static double rng_count(rng *r, double mu, double sigma)
{
    double x = floor(exp(mu + sigma * rng_normal(r)));
    return 1.0 + (x < 1e6 ? x : 1e6);
}

/* ---- name lists ----------------------------------------------------------- */

#define COUNT_OF(a) ((int64_t)(sizeof(a) / sizeof((a)[0])))

static const char *const first_names[] = {
    "Maria",   "James",  "Anna",    "Mohammed", "Li",     "Sofia", "David",  "Aiko",
    "José",    "Emma",   "Lukas",   "Chloé",    "Olga",   "Ahmed", "Priya",  "Noah",
    "Zoë",     "Mateo",  "Ingrid",  "Wei",      "Fatima", "Jonas", "Élodie", "Raj",
    "Hannah",  "Ivan",   "Siobhán", "Kenji",    "Amara",  "Lars",  "Björn",  "Camila",
    "Thomas",  "Yuki",   "Grace",   "Dmitri",   "Leila",  "Oscar", "Nadia",  "Paul",
    "Sarah",   "Tomás",  "Mei",     "Kwame",    "Julia",  "Ali",   "Ewa",    "Henrik",
    "Rosa",    "Samuel", "Aisha",   "Felix",    "Ines",   "Chen",  "Marta",  "Jean-Luc",
    "Francis", "Nora",   "Omar",    "Astrid",   "Kofi",   "Lucía", "Søren",  "Hyun-woo"};

static const char *const last_names[] = {
    "Schmidt",   "Smith",        "Müller",    "García",    "Nguyễn",  "O'Brien",   "Kowalski",
    "Rossi",     "Tanaka",       "Johansson", "Dubois",    "Novak",   "Kim",       "Patel",
    "Hernández", "Ivanova",      "Okafor",    "Fischer",   "Wang",    "Silva",     "van der Berg",
    "Jensen",    "Cohen",        "Haddad",    "Lindqvist", "Moreau",  "Yilmaz",    "Singh",
    "Andersen",  "Costa",        "Weber",     "Nakamura",  "Brown",   "López",     "Søndergaard",
    "Zhang",     "Wójcik",       "MacLeod",   "Petrov",    "Mensah",  "Fernández", "Becker",
    "Ali",       "Papadopoulos", "Larsen",    "Schneider", "Chen",    "Murphy",    "Ito",
    "D'Angelo",  "Khan",         "Meyer",     "Virtanen",  "Horváth", "Eriksson",  "Lefebvre"};

static const char *const nicknames[] = {"Bo",    "Kat",   "Ace", "Jo",   "Mack", "Bea",
                                        "Sunny", "Ziggy", "Doc", "Lulu", "Max",  "Pip"};

/* Account ids are "<prefix> <noun>[ <k>]<suffix>"; the three lists are chosen
 * so that every (prefix, noun, suffix) gives a different string, and k (only
 * used past the first |prefix|*|noun|*|suffix| accounts) is digits, which no
 * list contains. No account id ends with ')', which every other
 * human-readable id does. */
static const char *const acct_prefix[] = {
    "Acme",     "Globex",  "Initech",  "Umbrella", "Stark",    "Wayne",   "Müller",   "Nordwind",
    "Östra",    "Café",    "\"Big\"",  "Zenith",   "Apex",     "Orion",   "Blue Sky", "Kaiser",
    "Sakura",   "Atlas",   "Polaris",  "Hudson",   "Riviera",  "Tundra",  "Solaris",  "Vértice",
    "Meridian", "Cobalt",  "Lakeside", "Granite",  "Helvetia", "Aurora",  "Pinnacle", "Ørsted",
    "Vulcan",   "Everest", "Saffron",  "Drake's",  "Quantum",  "Bayside", "Fjord",    "東京"};

static const char *const acct_noun[] = {
    "Logistics", "& Söhne",   "Systems",  "Foods",      "Brewing",  "Analytics",
    "Bank",      "Insurance", "Pharma",   "Motors",     "Textiles", "Energy",
    "Robotics",  "Airlines",  "Shipping", "Mining",     "Telecom",  "Software",
    "Retail",    "Media",     "Holdings", "Chemicals",  "Hotels",   "Bakery",
    "Steel",     "Werke",     "Labs",     "Outfitters", "Dynamics", "Trading"};

static const char *const acct_suffix[] = {"",      ", Inc.",    " GmbH",  " Ltd",   " LLC",
                                          " S.A.", " AG",       " plc",   " K.K.",  " Oy",
                                          " AB",   " & Co. KG", ", S.L.", " S.p.A."};

static const char *const division_names[] = {
    "Sales EMEA",       "Sales Americas", "Sales APAC",
    "Customer Success", "Engineering",    "Professional Services",
    "Marketing",        "Support",        "Operations",
    "Product",          "Finance",        "Partnerships"};

static const char *const team_names[] = {"Falcon",  "Otter", "Heron",  "Lynx",  "Badger",  "Orca",
                                         "Kestrel", "Bison", "Marten", "Ibis",  "Panther", "Puffin",
                                         "Jaguar",  "Crane", "Walrus", "Gecko", "Raven",   "Coyote",
                                         "Narwhal", "Wren",  "Mantis", "Yak",   "Osprey",  "Dingo"};

static const char *const partner_names[] = {
    "Northwind Consulting", "Contoso Integrators",  "Fabrikam Resellers, LLC",
    "Tailspin Advisory",    "Wide World Importers", "Adatum \"Premier\" Partners",
    "Litware Solutions",    "Proseware Group",      "Lucerne Systemhaus GmbH",
    "Woodgrove Services"};

_Static_assert((sizeof acct_prefix / sizeof acct_prefix[0]) *
                       (sizeof acct_noun / sizeof acct_noun[0]) *
                       (sizeof acct_suffix / sizeof acct_suffix[0]) % 7919 !=
                   0,
               "account name multiplier must be coprime with the number of names");

/* Awkward decorations, appended to the plain id after a blank. Each contains
 * '«', which no plain id does. The last one is the variant that also gets a
 * leading blank. */
static const char *const odd_bits[] = {"«Smith, Jones & Co.»",
                                       "«the \"real\" one»",
                                       "«東京支店»",
                                       "«naïve café, Zürich»",
                                       "«two\nlines»",
                                       "«CR\r\nLF»",
                                       "«tab\there, \"x\"»",
                                       "«🚀 launch ☕»",
                                       "«,»",
                                       "«\"\"»",
                                       "«lead/trail» "};

static const char *const type_names[LP_GEN_NTYPES] = {
    "company", "division", "team", "employee", "partner", "account", "contact", "former_employee"};

const char *lp_generate_type_name(int type)
{
    return type >= 0 && type < LP_GEN_NTYPES ? type_names[type] : NULL;
}

/* ---- tuning constants (documented in the file comment) -------------------- */

#define FACING_SHARE 0.5
#define REP_CAP 50.0
#define SUBSIDIARY_RATE 0.03
#define SINGLE_VIA_CONTACT 0.10
#define PARTNER_RATE 0.12
#define CONTACT_TIE_SINGLE 0.35
#define WINDOW 4096 /* recent accounts a subsidiary's parent is drawn from */
#define ODD_PER_MILLE 20
#define DUP_RATE 0.01
#define LOOP_RATE 0.0002
#define ORPHAN_RATE 0.01
#define ID_CAP 256 /* longest id + 1 */
#define MAX_THREADS 32

enum account_kind { K_ORPHAN, K_SUBSIDIARY, K_SINGLE, K_SINGLE_VIA_CONTACT, K_MULTI };

/* ---- generator state --------------------------------------------------------- */

typedef struct recent {
    int64_t row, index;
    int single;
} recent;

/* Slot j of the rep alias table: keep employee `self` with probability p,
 * else take employee `alias` (one cache line per draw). */
typedef struct rep_slot {
    double p;
    int32_t self, alias;
} rep_slot;

typedef struct gen {
    /* resolved options */
    int64_t A, E, T, D, P, F;
    uint64_t seed;
    double single, former, alpha;
    int names, awkward;
    const lp_gen_sink *sink;
    lp_generate_stats st;
    int64_t rows;              /* node rows emitted */
    int64_t contacts, formers; /* ids handed out */
    rng rf;                    /* org side */
    rng rk;                    /* awkward extras */
    int64_t div0, team0, emp0, partner0;
    lp_strtab fid;                 /* ids of the org-side rows 0 .. partner0 + P - 1 */
    int32_t *team_of;              /* [E] */
    int32_t *div_of;               /* [T] */
    int32_t *team_start;           /* [T+1] members of team t: team_member[team_start[t]..) */
    int32_t *team_member;          /* [E] ascending within each team */
    int32_t *div_start;            /* [D+1] employees of division d: div_member[..) */
    int32_t *div_member;           /* [E] ascending within each division */
    int32_t *facing;               /* [E] shuffled employees; the first F face customers */
    rep_slot *reps;                /* [F] Vose alias table over the reps, by employee */
    int32_t *seen_team, *seen_div; /* [T], [D] members passed so far */
    recent window[WINDOW];
    int64_t window_n;
    char id[4][ID_CAP]; /* scratch ids of the current account block */
} gen;

/* ---- ids ---------------------------------------------------------------------- */

/* prefix followed by k in decimal; returns the length. */
static size_t compact_id(char *dst, const char *prefix, int64_t k)
{
    char tmp[24];
    int n = 0;
    uint64_t u = (uint64_t)k;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t p = strlen(prefix);
    memcpy(dst, prefix, p);
    for (int j = 0; j < n; j++)
        dst[p + (size_t)j] = tmp[n - 1 - j];
    dst[p + (size_t)n] = '\0';
    return p + (size_t)n;
}

static size_t fmt_id(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t fmt_id(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(dst, ID_CAP, fmt, ap);
    va_end(ap);
    assert(len > 0 && len < ID_CAP - 64); /* room for a decoration */
    return (size_t)len;
}

/* "First Last (X0042)" (style 0), "Last, First (X0042)" (1) or
 * "First \"Nick\" Last (X0042)" (2), with tag X and the number n printed in
 * at least `width` digits. */
static size_t person_name(char *dst, uint64_t h, int style, char tag, int width, long long n)
{
    const char *f = first_names[h % (uint64_t)COUNT_OF(first_names)];
    const char *l = last_names[(h >> 16) % (uint64_t)COUNT_OF(last_names)];
    if (style == 1) return fmt_id(dst, "%s, %s (%c%0*lld)", l, f, tag, width, n);
    if (style == 2)
        return fmt_id(dst, "%s \"%s\" %s (%c%0*lld)", f,
                      nicknames[(h >> 32) % (uint64_t)COUNT_OF(nicknames)], l, tag, width, n);
    return fmt_id(dst, "%s %s (%c%0*lld)", f, l, tag, width, n);
}

/* The account's name: a bijection of i onto (prefix, noun, suffix) per round
 * of n_names accounts, with the round number inserted after the first. */
static size_t account_name(const gen *g, char *dst, int64_t i)
{
    const int64_t np = COUNT_OF(acct_prefix), nn = COUNT_OF(acct_noun);
    const int64_t n_names = np * nn * COUNT_OF(acct_suffix);
    const int64_t off = (int64_t)(hash3(g->seed, 1000, 0) % (uint64_t)n_names);
    int64_t j = ((i % n_names) * 7919 + off) % n_names, round_no = i / n_names;
    const char *pre = acct_prefix[j % np], *noun = acct_noun[(j / np) % nn];
    const char *suf = acct_suffix[j / (np * nn)];
    if (round_no) return fmt_id(dst, "%s %s %lld%s", pre, noun, (long long)round_no + 1, suf);
    return fmt_id(dst, "%s %s%s", pre, noun, suf);
}

/* Id of node number k (0-based within its type) into dst (ID_CAP bytes);
 * returns the length, *odd = 1 if it was decorated. */
static size_t node_id(const gen *g, char *dst, int type, int64_t k, int *odd)
{
    uint64_t h = hash3(g->seed, (uint64_t)type, (uint64_t)k);
    size_t len;
    long long n = (long long)k + 1;
    *odd = 0;
    switch (type) {
    case LP_GEN_COMPANY:
        return fmt_id(dst, "%s", g->names ? "Linchpin Holdings (HQ)" : "hq");
    case LP_GEN_DIVISION:
        len = g->names
                  ? fmt_id(dst, "%s (D%02lld)", division_names[k % COUNT_OF(division_names)], n)
                  : compact_id(dst, "d", n);
        break;
    case LP_GEN_TEAM:
        len = g->names ? fmt_id(dst, "Team %s (T%04lld)",
                                team_names[h % (uint64_t)COUNT_OF(team_names)], n)
                       : compact_id(dst, "t", n);
        break;
    case LP_GEN_EMPLOYEE:
        if (g->names) {
            len = person_name(dst, h, 0, 'E', 4, n);
        } else {
            len = compact_id(dst, "e", n);
        }
        break;
    case LP_GEN_PARTNER:
        len = g->names ? fmt_id(dst, "%s (P%03lld)", partner_names[k % COUNT_OF(partner_names)], n)
                       : compact_id(dst, "p", n);
        break;
    case LP_GEN_ACCOUNT:
        len = g->names ? account_name(g, dst, k) : compact_id(dst, "a", n);
        break;
    case LP_GEN_CONTACT:
        if (g->names) {
            int s = (int)((h >> 40) % 100);
            len = person_name(dst, h, s < 10 ? 1 : s < 13 ? 2 : 0, 'C', 5, n);
        } else {
            len = compact_id(dst, "c", n);
        }
        break;
    default: /* LP_GEN_FORMER_EMPLOYEE */
        if (g->names) {
            len = person_name(dst, h, 0, 'F', 4, n);
        } else {
            len = compact_id(dst, "f", n);
        }
        break;
    }
    if (g->awkward && (h >> 48) % 1000 < ODD_PER_MILLE) {
        int v = (int)((h >> 20) % (uint64_t)COUNT_OF(odd_bits));
        const char *bit = odd_bits[v];
        size_t b = strlen(bit), lead = v == COUNT_OF(odd_bits) - 1;
        assert(len + b + 2 < ID_CAP);
        memmove(dst + lead, dst, len);
        if (lead) dst[0] = ' ';
        dst[lead + len] = ' ';
        memcpy(dst + lead + len + 1, bit, b + 1);
        len += lead + 1 + b;
        *odd = 1;
    }
    return len;
}

/* ---- emitting rows -------------------------------------------------------------- */

static lp_status emit_node(gen *g, lp_gen_node *out, int type, const char *id, size_t len, int odd,
                           double revenue)
{
    if (g->awkward && revenue == 0 && rng_u01(&g->rk) < 0.3) revenue = NAN;
    out->row = g->rows;
    out->id = id;
    out->id_len = len;
    lp_status st = g->sink->node(g->sink->ctx, out, type, revenue);
    if (st) return st;
    g->rows++;
    g->st.nodes_by_type[type]++;
    g->st.odd_ids += odd;
    return LP_OK;
}

static lp_status raw_edge(gen *g, const lp_gen_node *a, const lp_gen_node *b, double w)
{
    lp_status st = g->sink->edge(g->sink->ctx, a, b, w);
    if (st) return st;
    g->st.edge_rows++;
    if (a->row != b->row) g->st.weight_sum += isnan(w) ? 1.0 : w;
    return LP_OK;
}

/* Edge row (a, b, w); with awkward, now and then a weight not given, a
 * duplicate row or a self-loop row after it. */
static lp_status emit_edge(gen *g, const lp_gen_node *a, const lp_gen_node *b, double w)
{
    if (!g->awkward) return raw_edge(g, a, b, w);
    lp_status st = raw_edge(g, a, b, w == 1.0 && rng_u01(&g->rk) < 0.1 ? NAN : w);
    if (st) return st;
    double u = rng_u01(&g->rk);
    if (u < DUP_RATE) {
        int swap = u < 0.4 * DUP_RATE;
        if ((st = raw_edge(g, swap ? b : a, swap ? a : b,
                           1.0 + (double)rng_below(&g->rk, (int64_t)w))))
            return st;
        g->st.duplicate_rows++;
    } else if (u < DUP_RATE + LOOP_RATE) {
        const lp_gen_node *v = u < DUP_RATE + 0.5 * LOOP_RATE ? a : b;
        if ((st = raw_edge(g, v, v, 1.0))) return st;
        g->st.self_loop_rows++;
    }
    return LP_OK;
}

/* Reference to org-side row r (company, division, team, employee, partner). */
static lp_gen_node org(const gen *g, int64_t r)
{
    lp_gen_node n;
    n.row = r;
    n.id = lp_strtab_get(&g->fid, r);
    int64_t end = r + 1 < g->fid.count ? g->fid.offset[r + 1] : g->fid.size;
    n.id_len = (size_t)(end - g->fid.offset[r] - 1);
    return n;
}

static lp_gen_node employee(const gen *g, int64_t e)
{
    return org(g, g->emp0 + e);
}

/* ---- options --------------------------------------------------------------------- */

static int64_t employees_of(const lp_generate_options *opt)
{
    if (opt->employees) return opt->employees;
    int64_t e = opt->accounts / 8 + 1;
    return e < 2 ? 2 : e;
}

static int64_t partners_of(const lp_generate_options *opt)
{
    return opt->partners >= 0 ? opt->partners : 3 + opt->accounts / 500;
}

lp_status lp_generate_check_options(const lp_generate_options *opt)
{
    if (opt->accounts < 1 || opt->accounts > LP_GENERATE_MAX_ACCOUNTS)
        return lp_error_set(LP_EUSAGE, "generate: accounts must be in 1..%lld (got %lld)",
                            (long long)LP_GENERATE_MAX_ACCOUNTS, (long long)opt->accounts);
    if (opt->employees != 0 && (opt->employees < 2 || opt->employees > LP_GENERATE_MAX_ACCOUNTS))
        return lp_error_set(LP_EUSAGE,
                            "generate: employees must be in 2..%lld, or 0 for the default "
                            "(got %lld)",
                            (long long)LP_GENERATE_MAX_ACCOUNTS, (long long)opt->employees);
    if (opt->partners < -1 || opt->partners > LP_GENERATE_MAX_PARTNERS)
        return lp_error_set(LP_EUSAGE,
                            "generate: partners must be in 0..%lld, or -1 for the default "
                            "(got %lld)",
                            (long long)LP_GENERATE_MAX_PARTNERS, (long long)opt->partners);
    if (!(opt->single_threaded >= 0 && opt->single_threaded <= 1))
        return lp_error_set(LP_EUSAGE, "generate: single_threaded must be in 0..1 (got %g)",
                            opt->single_threaded);
    if (!(opt->former_employees >= 0 && opt->former_employees <= 1))
        return lp_error_set(LP_EUSAGE, "generate: former_employees must be in 0..1 (got %g)",
                            opt->former_employees);
    if (!(opt->rep_alpha >= 1.05 && opt->rep_alpha <= 10))
        return lp_error_set(LP_EUSAGE, "generate: rep_alpha must be in 1.05..10 (got %g)",
                            opt->rep_alpha);
    /* At most 10 nodes per account (itself, 8 contacts, a former employee). */
    int64_t e = employees_of(opt), t = (e + 7) / 8;
    int64_t bound = 10 * opt->accounts + e + 2 * t + partners_of(opt) + 1;
    if (bound > (int64_t)LP_VID_MAX)
        return lp_error_set(LP_EUSAGE,
                            "generate: %lld accounts and %lld employees may exceed %lld nodes",
                            (long long)opt->accounts, (long long)e, (long long)LP_VID_MAX);
    return LP_OK;
}

/* ---- the org side ---------------------------------------------------------------- */

/* Group items 0..n-1 by key[i] in 0..k-1 (counting sort, stable, so each
 * group is ascending). */
static void group_by(int32_t *start, int32_t *member, const int32_t *key, int64_t n, int64_t k)
{
    memset(start, 0, (size_t)(k + 1) * sizeof *start);
    for (int64_t i = 0; i < n; i++)
        start[key[i] + 1]++;
    for (int64_t t = 0; t < k; t++)
        start[t + 1] += start[t];
    for (int64_t i = 0; i < n; i++)
        member[start[key[i]]++] = (int32_t)i;
    for (int64_t t = k; t > 0; t--)
        start[t] = start[t - 1];
    start[0] = 0;
}

/* Vose's alias method: p[0..n) holds weights on entry and keep
 * probabilities on return; draw j uniform, keep it with probability p[j],
 * else take alias[j]. */
static lp_status build_alias(double *p, int32_t *alias, int64_t n)
{
    int32_t *small = lp_malloc((size_t)n * sizeof *small),
            *large = lp_malloc((size_t)n * sizeof *large);
    if (!small || !large) {
        free(small);
        free(large);
        return lp_error_nomem("generator alias table");
    }
    double sum = 0;
    for (int64_t j = 0; j < n; j++)
        sum += p[j];
    int64_t ns = 0, nl = 0;
    for (int64_t j = 0; j < n; j++) {
        p[j] = p[j] * (double)n / sum;
        alias[j] = (int32_t)j;
        if (p[j] < 1.0)
            small[ns++] = (int32_t)j;
        else
            large[nl++] = (int32_t)j;
    }
    while (ns > 0 && nl > 0) {
        int32_t s = small[--ns], l = large[nl - 1];
        alias[s] = l;
        p[l] -= 1.0 - p[s];
        if (p[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    while (nl > 0) /* rounding leftovers */
        p[large[--nl]] = 1.0;
    while (ns > 0)
        p[small[--ns]] = 1.0;
    free(small);
    free(large);
    return LP_OK;
}

/* A customer-facing employee, drawn by popularity. */
static int64_t popular_rep(const gen *g, rng *r)
{
    int64_t j = rng_below(r, g->F);
    const rep_slot *slot = &g->reps[j];
    return rng_u01(r) < slot->p ? slot->self : slot->alias;
}

static int64_t teammate(const gen *g, rng *r, int64_t e)
{
    int64_t t = g->team_of[e], lo = g->team_start[t];
    return g->team_member[lo + rng_below(r, g->team_start[t + 1] - lo)];
}

static int contains(const int64_t *a, int n, int64_t x)
{
    for (int k = 0; k < n; k++)
        if (a[k] == x) return 1;
    return 0;
}

/* An employee not in a[0..n) (n < E): a few draws of pick, then the first
 * free one after a random start (always exists). */
static int64_t distinct_employee(const gen *g, rng *r, const int64_t *a, int n, int64_t e)
{
    for (int tries = 0; tries < 8 && contains(a, n, e); tries++)
        e = rng_below(r, 2) ? popular_rep(g, r) : rng_below(r, g->E);
    while (contains(a, n, e))
        e = (e + 1) % g->E;
    return e;
}

static lp_status org_tables(gen *g)
{
    const int64_t E = g->E, T = g->T, D = g->D, F = g->F;
    g->team_of = lp_malloc((size_t)E * sizeof *g->team_of);
    g->div_of = lp_malloc((size_t)T * sizeof *g->div_of);
    g->team_start = lp_malloc((size_t)(T + 1) * sizeof *g->team_start);
    g->team_member = lp_malloc((size_t)E * sizeof *g->team_member);
    g->div_start = lp_malloc((size_t)(D + 1) * sizeof *g->div_start);
    g->div_member = lp_malloc((size_t)E * sizeof *g->div_member);
    g->facing = lp_malloc((size_t)E * sizeof *g->facing);
    g->reps = lp_malloc((size_t)F * sizeof *g->reps);
    g->seen_team = lp_calloc((size_t)T, sizeof *g->seen_team);
    g->seen_div = lp_calloc((size_t)D, sizeof *g->seen_div);
    if (!g->team_of || !g->div_of || !g->team_start || !g->team_member || !g->div_start ||
        !g->div_member || !g->facing || !g->reps || !g->seen_team || !g->seen_div)
        return lp_error_nomem("generator org tables");
    rng *r = &g->rf;
    for (int64_t e = 0; e < E; e++) /* every team gets a first member: its lead */
        g->team_of[e] = (int32_t)(e < T ? e : rng_below(r, T));
    for (int64_t t = 0; t < T; t++)
        g->div_of[t] = (int32_t)(t < D ? t : rng_below(r, D));
    group_by(g->team_start, g->team_member, g->team_of, E, T);
    int32_t *emp_div = g->facing; /* borrowed until shuffled below */
    for (int64_t e = 0; e < E; e++)
        emp_div[e] = g->div_of[g->team_of[e]];
    group_by(g->div_start, g->div_member, emp_div, E, D);
    for (int64_t e = 0; e < E; e++)
        g->facing[e] = (int32_t)e;
    for (int64_t i = E - 1; i > 0; i--) { /* Fisher–Yates */
        int64_t j = rng_below(r, i + 1);
        int32_t x = g->facing[i];
        g->facing[i] = g->facing[j];
        g->facing[j] = x;
    }
    double *w = lp_malloc((size_t)F * sizeof *w);
    if (!w) return lp_error_nomem("generator rep weights");
    for (int64_t j = 0; j < F; j++) {
        double x = pow(1.0 - rng_u01(r), -1.0 / g->alpha);
        w[j] = x < REP_CAP ? x : REP_CAP;
    }
    int32_t *alias = lp_malloc((size_t)F * sizeof *alias);
    lp_status st = alias ? build_alias(w, alias, F) : lp_error_nomem("generator alias table");
    for (int64_t j = 0; j < F && !st; j++) {
        g->reps[j].p = w[j];
        g->reps[j].self = g->facing[j];
        g->reps[j].alias = g->facing[alias[j]];
    }
    free(alias);
    free(w);
    return st;
}

static void org_free(gen *g)
{
    lp_strtab_free(&g->fid);
    free(g->team_of);
    free(g->div_of);
    free(g->team_start);
    free(g->team_member);
    free(g->div_start);
    free(g->div_member);
    free(g->facing);
    free(g->reps);
    free(g->seen_team);
    free(g->seen_div);
}

/* Node rows of the org side (ids kept in g->fid), then its edge rows. */
static lp_status org_side(gen *g)
{
    lp_status st;
    static const int types[] = {LP_GEN_COMPANY, LP_GEN_DIVISION, LP_GEN_TEAM, LP_GEN_EMPLOYEE,
                                LP_GEN_PARTNER};
    const int64_t counts[] = {1, g->D, g->T, g->E, g->P};
    g->div0 = 1;
    g->team0 = g->div0 + g->D;
    g->emp0 = g->team0 + g->T;
    g->partner0 = g->emp0 + g->E;
    char *buf = g->id[0];
    for (int k = 0; k < COUNT_OF(types); k++) {
        for (int64_t i = 0; i < counts[k]; i++) {
            int odd;
            size_t len = node_id(g, buf, types[k], i, &odd);
            lp_gen_node n;
            if ((st = lp_strtab_push(&g->fid, buf, len)) ||
                (st = emit_node(g, &n, types[k], buf, len, odd, 0.0)))
                return st;
        }
    }

    rng *r = &g->rf;
    const lp_gen_node company = org(g, 0);
    for (int64_t d = 0; d < g->D; d++) {
        lp_gen_node dv = org(g, g->div0 + d);
        if ((st = emit_edge(g, &company, &dv, rng_count(r, 3.0, 0.5)))) return st;
    }
    for (int64_t t = 0; t < g->T; t++) {
        lp_gen_node dv = org(g, g->div0 + g->div_of[t]), tm = org(g, g->team0 + t);
        lp_gen_node lead = employee(g, g->team_member[g->team_start[t]]);
        if ((st = emit_edge(g, &dv, &tm, rng_count(r, 2.5, 0.5))) ||
            (st = emit_edge(g, &lead, &dv, rng_count(r, 2.5, 0.7))))
            return st;
    }
    for (int64_t e = 0; e < g->E; e++) {
        const int64_t t = g->team_of[e], d = g->div_of[t];
        const int64_t tpos = g->seen_team[t]++, dpos = g->seen_div[d]++;
        const int32_t *earlier_t = g->team_member + g->team_start[t];
        const int32_t *earlier_d = g->div_member + g->div_start[d];
        lp_gen_node me = employee(g, e), tm = org(g, g->team0 + t);
        if ((st = emit_edge(g, &me, &tm, rng_count(r, 3.0, 0.7)))) return st;
        /* Colleagues: only earlier employees, so every pair is made once. */
        int64_t co[5];
        int n = 0;
        if (tpos <= 3) {
            for (int64_t k = 0; k < tpos; k++)
                co[n++] = earlier_t[k];
        } else {
            for (int tries = 0; n < 3 && tries < 12; tries++) {
                int64_t o = earlier_t[rng_below(r, tpos)];
                if (!contains(co, n, o)) co[n++] = o;
            }
        }
        double u = rng_u01(r);
        int want = u < 0.3 ? 0 : u < 0.7 ? 1 : 2;
        for (int k = 0; k < want && e > 0; k++) {
            int64_t o =
                dpos > 0 && rng_u01(r) < 0.6 ? earlier_d[rng_below(r, dpos)] : rng_below(r, e);
            if (!contains(co, n, o)) co[n++] = o;
        }
        for (int k = 0; k < n; k++) {
            lp_gen_node other = employee(g, co[k]);
            if ((st = emit_edge(g, &me, &other, rng_count(r, 2.0, 1.0)))) return st;
        }
    }
    for (int64_t p = 0; p < g->P; p++) {
        lp_gen_node pn = org(g, g->partner0 + p);
        int64_t reps[6];
        int want = 2 + (int)rng_below(r, 5), n = 0;
        while (n < want && n < g->E) {
            int64_t e = distinct_employee(g, r, reps, n, popular_rep(g, r));
            reps[n++] = e;
            lp_gen_node en = employee(g, e);
            if ((st = emit_edge(g, &pn, &en, rng_count(r, 2.0, 1.0)))) return st;
        }
    }
    return LP_OK;
}

/* ---- accounts ---------------------------------------------------------------------- */

/* Revenue: lognormal, sigma 1.3, with a Pareto (alpha 1.1) multiplier >= 5
 * on 3% of accounts. Rounded to cents, at least 100.00. */
static double draw_revenue(rng *r, double median)
{
    double x = median * exp(1.3 * rng_normal(r));
    if (rng_u01(r) < 0.03) x *= 5.0 * pow(1.0 - rng_u01(r), -1.0 / 1.1);
    if (x > 1e12) x = 1e12;
    x = round(x * 100.0) / 100.0;
    return x < 100.0 ? 100.0 : x;
}

/* 1..8 contacts, geometric with a continuation probability that grows with
 * the revenue (about 1.8 on average at the median revenue). */
static int draw_contacts(rng *r, double revenue)
{
    double q = 0.45 + 0.08 * log(revenue / 40000.0);
    q = q < 0.15 ? 0.15 : q > 0.85 ? 0.85 : q;
    int k = 1;
    while (k < 8 && rng_u01(r) < q)
        k++;
    return k;
}

/* Partner number by Zipf-like popularity: P(p) ~ log((p+2)/(p+1)). */
static int64_t popular_partner(const gen *g, rng *r)
{
    int64_t p = (int64_t)exp(rng_u01(r) * log((double)g->P + 1.0)) - 1;
    return p < 0 ? 0 : p >= g->P ? g->P - 1 : p;
}

typedef struct block {
    lp_gen_node acct;
    int64_t thr[MAX_THREADS]; /* distinct employees adjacent to the customer side */
    int nthr;
} block;

static void add_thread(block *b, int64_t e)
{
    if (!contains(b->thr, b->nthr, e) && b->nthr < MAX_THREADS) b->thr[b->nthr++] = e;
}

/* Edge employee e -- node n, recording e as a thread of the account. */
static lp_status tie(gen *g, block *b, int64_t e, const lp_gen_node *n, double w)
{
    lp_gen_node en = employee(g, e);
    add_thread(b, e);
    return emit_edge(g, &en, n, w);
}

static lp_status one_account(gen *g, int64_t i)
{
    lp_status st;
    rng ra;
    rng_seed(&ra, g->seed, 16 + (uint64_t)i);
    rng *r = &ra;
    const double u_orphan = rng_u01(r), u_sub = rng_u01(r), u_single = rng_u01(r);
    int kind, single = 0;
    const recent *parent = NULL;
    if (g->awkward &&
        (u_orphan < ORPHAN_RATE || (i == g->A - 1 && g->A >= 2 && g->st.orphan_accounts == 0))) {
        kind = K_ORPHAN;
    } else if (g->window_n > 0 && u_sub < SUBSIDIARY_RATE) {
        kind = K_SUBSIDIARY;
        int64_t n = g->window_n < WINDOW ? g->window_n : WINDOW;
        parent = &g->window[rng_below(r, n)];
        single = parent->single;
    } else if (u_single < g->single) {
        single = 1;
        kind = rng_u01(r) < SINGLE_VIA_CONTACT ? K_SINGLE_VIA_CONTACT : K_SINGLE;
    } else {
        kind = K_MULTI;
    }
    const double revenue = draw_revenue(r, single ? 25000.0 : 60000.0);

    block b;
    b.nthr = 0;
    int odd;
    size_t len = node_id(g, g->id[0], LP_GEN_ACCOUNT, i, &odd);
    if ((st = emit_node(g, &b.acct, LP_GEN_ACCOUNT, g->id[0], len, odd, revenue))) return st;

    if (kind == K_SUBSIDIARY) {
        lp_gen_node pn = {.row = parent->row, .id = g->id[1], .id_len = 0};
        pn.id_len = node_id(g, g->id[1], LP_GEN_ACCOUNT, parent->index, &odd);
        if ((st = emit_edge(g, &pn, &b.acct, rng_count(r, 1.5, 1.0)))) return st;
    }

    /* Reps, and for a multi-threaded account perhaps partners. */
    int64_t one = -1; /* the one employee of a single-threaded account */
    int has_partner = 0;
    if (kind == K_SINGLE || kind == K_SINGLE_VIA_CONTACT) {
        one = popular_rep(g, r);
        if (kind == K_SINGLE && (st = tie(g, &b, one, &b.acct, rng_count(r, 3.0, 1.0)))) return st;
    } else if (kind == K_MULTI) {
        double u = rng_u01(r);
        int want = u < 0.25 ? 1 : u < 0.65 ? 2 : u < 0.87 ? 3 : 4;
        if (want > g->E) want = (int)g->E;
        int64_t primary = popular_rep(g, r);
        if ((st = tie(g, &b, primary, &b.acct, rng_count(r, 3.0, 1.0)))) return st;
        while (b.nthr < want) {
            int64_t e = rng_u01(r) < 0.6 ? teammate(g, r, primary) : popular_rep(g, r);
            e = distinct_employee(g, r, b.thr, b.nthr, e);
            if ((st = tie(g, &b, e, &b.acct, rng_count(r, 1.5, 1.0)))) return st;
        }
        if (g->P > 0 && rng_u01(r) < PARTNER_RATE) {
            int64_t p1 = popular_partner(g, r), p2 = -1;
            if (g->P > 1 && rng_u01(r) < 0.2)
                while ((p2 = popular_partner(g, r)) == p1)
                    ;
            lp_gen_node pn = org(g, g->partner0 + p1);
            if ((st = emit_edge(g, &pn, &b.acct, rng_count(r, 2.0, 1.0)))) return st;
            if (p2 >= 0) {
                pn = org(g, g->partner0 + p2);
                if ((st = emit_edge(g, &pn, &b.acct, rng_count(r, 2.0, 1.0)))) return st;
            }
            has_partner = 1;
            g->st.partner_accounts++;
        }
    }
    const int nreps = b.nthr;

    /* Contacts. */
    int nc = kind == K_ORPHAN ? 1 + (int)rng_below(r, 3) : draw_contacts(r, revenue);
    for (int c = 0; c < nc; c++) {
        lp_gen_node cn;
        len = node_id(g, g->id[2], LP_GEN_CONTACT, g->contacts, &odd);
        if ((st = emit_node(g, &cn, LP_GEN_CONTACT, g->id[2], len, odd, 0.0))) return st;
        g->contacts++;
        if ((st = emit_edge(g, &b.acct, &cn, rng_count(r, 2.0, 1.0)))) return st;
        double u = rng_u01(r);
        if (kind == K_SINGLE || kind == K_SINGLE_VIA_CONTACT) {
            if ((c == 0 && kind == K_SINGLE_VIA_CONTACT) || u < CONTACT_TIE_SINGLE)
                if ((st = tie(g, &b, one, &cn, rng_count(r, 1.5, 1.0)))) return st;
        } else if (kind == K_MULTI) {
            int ties = u < 0.05 ? 2 : u < 0.38 ? 1 : 0;
            int64_t first = -1;
            for (int k = 0; k < ties; k++) {
                int64_t e = rng_u01(r) < 0.7 ? b.thr[rng_below(r, nreps)] : popular_rep(g, r);
                if (k == 1) e = distinct_employee(g, r, &first, 1, e);
                first = e;
                if ((st = tie(g, &b, e, &cn, rng_count(r, 1.5, 1.0)))) return st;
            }
        }
    }

    /* A former employee working there. */
    if ((kind == K_SINGLE || kind == K_SINGLE_VIA_CONTACT || kind == K_MULTI) &&
        rng_u01(r) < g->former) {
        lp_gen_node fn;
        len = node_id(g, g->id[3], LP_GEN_FORMER_EMPLOYEE, g->formers, &odd);
        if ((st = emit_node(g, &fn, LP_GEN_FORMER_EMPLOYEE, g->id[3], len, odd, 0.0))) return st;
        g->formers++;
        if ((st = emit_edge(g, &fn, &b.acct, rng_count(r, 2.0, 0.8)))) return st;
        if (one >= 0) {
            if ((st = tie(g, &b, one, &fn, rng_count(r, 1.2, 1.0)))) return st;
        } else {
            int64_t t = rng_below(r, g->T), lo = g->team_start[t];
            int64_t size = g->team_start[t + 1] - lo, col[3];
            int want = 1 + (int)rng_below(r, 3), n = 0;
            for (int tries = 0; n < want && n < size && tries < 8; tries++) {
                int64_t e = g->team_member[lo + rng_below(r, size)];
                if (contains(col, n, e)) continue;
                col[n++] = e;
                if ((st = tie(g, &b, e, &fn, rng_count(r, 1.2, 1.0)))) return st;
            }
        }
    }

    /* A multi-threaded account needs two employees (or a partner). */
    if (kind == K_MULTI && b.nthr < 2 && !has_partner) {
        int64_t e = distinct_employee(g, r, b.thr, b.nthr, teammate(g, r, b.thr[0]));
        if ((st = tie(g, &b, e, &b.acct, rng_count(r, 1.5, 1.0)))) return st;
    }

    assert(kind == K_ORPHAN || kind == K_SUBSIDIARY || kind == K_MULTI || b.nthr == 1);
    assert(kind != K_MULTI || b.nthr >= 2 || has_partner);
    if (kind == K_ORPHAN) {
        g->st.orphan_accounts++;
        return LP_OK;
    }
    g->st.subsidiary_accounts += kind == K_SUBSIDIARY;
    g->st.single_threaded_accounts += single;
    recent *slot = &g->window[g->window_n % WINDOW];
    slot->row = b.acct.row;
    slot->index = i;
    slot->single = single;
    g->window_n++;
    return LP_OK;
}

/* With awkward, at least one duplicate row and two self-loop rows. */
static lp_status awkward_minimums(gen *g)
{
    lp_status st;
    lp_gen_node company = org(g, 0), div = org(g, g->div0);
    if (g->st.duplicate_rows == 0) {
        if ((st = raw_edge(g, &div, &company, 1.0))) return st;
        g->st.duplicate_rows++;
    }
    while (g->st.self_loop_rows < 2) {
        const lp_gen_node *v = g->st.self_loop_rows ? &div : &company;
        if ((st = raw_edge(g, v, v, 1.0))) return st;
        g->st.self_loop_rows++;
    }
    return LP_OK;
}

lp_status lp_generate_stream(const lp_gen_sink *sink, lp_generate_stats *out_stats,
                             const lp_generate_options *opt)
{
    lp_generate_options defaults = LP_GENERATE_OPTIONS_INIT;
    if (!opt) opt = &defaults;
    lp_status st = lp_generate_check_options(opt);
    if (st) return st;
    gen *g = lp_calloc(1, sizeof *g);
    if (!g) return lp_error_nomem("generator state");
    g->A = opt->accounts;
    g->E = employees_of(opt);
    g->T = (g->E + 7) / 8;
    g->D = g->T >= 2 ? (int64_t)sqrt((double)g->T) : 1;
    if (g->T >= 2 && g->D < 2) g->D = 2;
    g->P = partners_of(opt);
    g->F = (int64_t)(FACING_SHARE * (double)g->E);
    if (g->F < 2) g->F = 2;
    g->seed = opt->seed;
    g->single = opt->single_threaded;
    g->former = opt->former_employees;
    g->alpha = opt->rep_alpha;
    g->names = opt->names != 0;
    g->awkward = opt->awkward != 0;
    g->sink = sink;
    rng_seed(&g->rf, g->seed, 0);
    rng_seed(&g->rk, g->seed, 1);

    if ((st = org_tables(g)) || (st = org_side(g))) goto done;
    for (int64_t i = 0; i < g->A; i++)
        if ((st = one_account(g, i))) goto done;
    if (g->awkward && (st = awkward_minimums(g))) goto done;
    g->st.nodes = g->rows;
    if (out_stats) *out_stats = g->st;

done:
    org_free(g);
    free(g);
    return st;
}

/* ---- in memory ------------------------------------------------------------------------ */

typedef struct collect {
    lp_nodes *nodes;
    lp_edges *edges;
} collect;

static lp_status collect_node(void *ctx, const lp_gen_node *node, int type, double revenue)
{
    collect *c = ctx;
    return lp_nodes_push(c->nodes, node->id, node->id_len, (int32_t)type,
                         isnan(revenue) ? 0.0 : revenue);
}

static lp_status collect_edge(void *ctx, const lp_gen_node *src, const lp_gen_node *dst,
                              double weight)
{
    collect *c = ctx;
    return lp_edges_push(c->edges, (lp_vid)src->row, (lp_vid)dst->row,
                         isnan(weight) ? 1.0 : weight);
}

lp_status lp_generate(lp_nodes *out_nodes, lp_edges *out_edges, const lp_generate_options *opt)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    collect c = {.nodes = &nodes, .edges = &edges};
    lp_gen_sink sink = {.ctx = &c, .node = collect_node, .edge = collect_edge};
    lp_status st = LP_OK;
    for (int k = 0; k < LP_GEN_NTYPES && !st; k++)
        st = lp_strtab_push(&nodes.type_name, type_names[k], strlen(type_names[k]));
    if (!st) st = lp_generate_stream(&sink, NULL, opt);
    if (st) {
        lp_nodes_free(&nodes);
        lp_edges_free(&edges);
        return st;
    }
    nodes.has_revenue = 1;
    *out_nodes = nodes;
    *out_edges = edges;
    return LP_OK;
}
