/* generate.c — deterministic synthetic enterprise graph (see lp_generate.h).
 *
 * Shape, for A accounts and E employees (T = ceil(E/8) teams, D = max(2,
 * floor(sqrt(T))) divisions, P = 3 + A/5000 partners):
 *
 *   company ── division ── team ── employee        (the firm's side)
 *   company ── team
 *   team lead ── division
 *   employee ── 3 teammates, 2 collaborators (mostly in the same division)
 *   account ── 1..4 employees (50% exactly one: the key-person case); the
 *              primary drawn with a heavy skew among account-facing employees
 *   contact ── its account; for a served account, 40% also one employee
 *              (mostly the account's own); for an account reached only
 *              through its contacts, 1..2 employees
 *   partner ── 2..6 employees, and several accounts
 *
 * Account categories: ~0.5% orphans (no path to the company: only their own
 * contacts), ~2% subsidiaries reached only through a parent account, ~6%
 * reached only through a contact, ~2.5% only through a partner, the rest
 * served directly. Revenue is lognormal (median 40k) with a Pareto tail on
 * 2% of accounts, rounded to cents. Edge weights are interaction counts
 * 1 + floor(lognormal). About 1% of edge rows are repeated (some with source
 * and target swapped) and about 1 in 10^4 is a self-loop (at least two in
 * all), so the loader's merging and dropping are exercised.
 *
 * Randomness: xoshiro256** (Blackman & Vigna 2018) seeded by splitmix64.
 * Two independent streams: one for the structure, one for the names, so
 * names=0 and names=1 give the same graph. Cost O(A + E), serial: about
 * 0.12 s (compact ids) to 0.18 s (human-readable ids) per million edge rows.
 */
#include "lp_generate.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG --------------------------------------------------------------- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
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

/* ---- generator state ---------------------------------------------------- */

enum node_type { T_COMPANY, T_DIVISION, T_TEAM, T_EMPLOYEE, T_PARTNER, T_ACCOUNT, T_CONTACT };
static const char *const type_names[] = {"company", "division", "team",   "employee",
                                         "partner", "account",  "contact"};

enum account_kind { K_DIRECT, K_ORPHAN, K_SUBSIDIARY, K_VIA_CONTACT, K_VIA_PARTNER };

typedef struct gen {
    rng r;     /* structure */
    rng rn;    /* names */
    int names; /* human-like ids */
    lp_nodes *nodes;
    lp_edges *edges;
    int64_t self_loops;
    char buf[512];
} gen;

static lp_status add_node(gen *g, int type, double revenue, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static lp_status add_node(gen *g, int type, double revenue, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(g->buf, sizeof g->buf, fmt, ap);
    va_end(ap);
    assert(len > 0 && (size_t)len < sizeof g->buf);
    return lp_nodes_push(g->nodes, g->buf, (size_t)len, (int32_t)type, revenue);
}

/* Append edge row (a, b, w); now and then also a duplicate row or a
 * self-loop row, as a real export would contain. */
static lp_status add_edge(gen *g, int64_t a, int64_t b, double w)
{
    lp_status st = lp_edges_push(g->edges, (lp_vid)a, (lp_vid)b, w);
    if (st) return st;
    double u = rng_u01(&g->r);
    if (u < 0.01) {
        int swap = u < 0.004;
        double w2 = 1.0 + (double)rng_below(&g->r, (int64_t)w);
        st = lp_edges_push(g->edges, (lp_vid)(swap ? b : a), (lp_vid)(swap ? a : b), w2);
    } else if (u < 0.0101) {
        st = lp_edges_push(g->edges, (lp_vid)a, (lp_vid)a, 1.0);
        g->self_loops++;
    }
    return st;
}

static int64_t node_count(const gen *g)
{
    return g->nodes->id.count;
}

/* Person name into dst (human-readable ids only). style 1: "Last, First". */
static void person_name(gen *g, char *dst, size_t cap, int style)
{
    const char *f = first_names[rng_below(&g->rn, COUNT_OF(first_names))];
    const char *l = last_names[rng_below(&g->rn, COUNT_OF(last_names))];
    if (style == 1)
        snprintf(dst, cap, "%s, %s", l, f);
    else if (style == 2)
        snprintf(dst, cap, "%s \"%s\" %s", f, nicknames[rng_below(&g->rn, COUNT_OF(nicknames))],
                 l); /* nickname in quotes */
    else
        snprintf(dst, cap, "%s %s", f, l);
}

/* ---- the generator ------------------------------------------------------- */

static lp_status check_options(const lp_generate_options *opt)
{
    if (opt->accounts < 1 || opt->accounts > LP_GENERATE_MAX_ACCOUNTS)
        return lp_error_set(LP_EUSAGE, "generate: accounts must be in 1..%lld (got %lld)",
                            (long long)LP_GENERATE_MAX_ACCOUNTS, (long long)opt->accounts);
    if (opt->employees < 0 || opt->employees > LP_GENERATE_MAX_ACCOUNTS)
        return lp_error_set(LP_EUSAGE, "generate: employees must be in 0..%lld (got %lld)",
                            (long long)LP_GENERATE_MAX_ACCOUNTS, (long long)opt->employees);
    /* Upper bound on nodes: each account brings at most 3 contacts. */
    int64_t e = opt->employees ? opt->employees : opt->accounts / 8 + 1;
    int64_t bound = 4 * opt->accounts + 3 * e + opt->accounts / 5000 + 16;
    if (bound > (int64_t)LP_VID_MAX)
        return lp_error_set(LP_EUSAGE,
                            "generate: %lld accounts and %lld employees exceed %lld nodes",
                            (long long)opt->accounts, (long long)e, (long long)LP_VID_MAX);
    return LP_OK;
}

/* Revenue: lognormal, median 40 000, sigma 1.4; 2% of accounts get a Pareto
 * (alpha 1.2) multiplier >= 10. Rounded to cents, at least 100.00. */
static double draw_revenue(rng *r)
{
    double x = exp(log(40000.0) + 1.4 * rng_normal(r));
    if (rng_u01(r) < 0.02) x *= 10.0 * pow(1.0 - rng_u01(r), -1.0 / 1.2);
    if (x > 1e12) x = 1e12;
    x = round(x * 100.0) / 100.0;
    return x < 100.0 ? 100.0 : x;
}

static int draw_1to4(rng *r)
{
    double u = rng_u01(r);
    return u < 0.50 ? 1 : u < 0.78 ? 2 : u < 0.92 ? 3 : 4;
}

/* Scratch arrays sized by the options, freed together. */
typedef struct scratch {
    int64_t *team_of;     /* [E] team of each employee */
    int64_t *div_of;      /* [T] division of each team */
    int64_t *team_start;  /* [T+1] members of team t: team_member[team_start[t]..) */
    int64_t *team_member; /* [E] */
    int64_t *div_start;   /* [D+1] employees of division d: div_member[div_start[d]..) */
    int64_t *div_member;  /* [E] */
    int64_t *facing;      /* [E] account-facing employees, shuffled; nfacing used */
    uint8_t *kind;        /* [A] account_kind */
    int64_t *acct_node;   /* [A] node row of each account */
} scratch;

static void scratch_free(scratch *s)
{
    free(s->team_of);
    free(s->div_of);
    free(s->team_start);
    free(s->team_member);
    free(s->div_start);
    free(s->div_member);
    free(s->facing);
    free(s->kind);
    free(s->acct_node);
}

/* Group items 0..n-1 by key[i] in 0..k-1 (counting sort, stable). */
static void group_by(int64_t *start, int64_t *member, const int64_t *key, int64_t n, int64_t k)
{
    memset(start, 0, (size_t)(k + 1) * sizeof *start);
    for (int64_t i = 0; i < n; i++)
        start[key[i] + 1]++;
    for (int64_t t = 0; t < k; t++)
        start[t + 1] += start[t];
    for (int64_t i = 0; i < n; i++)
        member[start[key[i]]++] = i;
    for (int64_t t = k; t > 0; t--)
        start[t] = start[t - 1];
    start[0] = 0;
}

static lp_status generate(gen *g, scratch *s, int64_t A, int64_t E)
{
    lp_status st;
    const int64_t T = (E + 7) / 8;
    int64_t D = T >= 2 ? (int64_t)sqrt((double)T) : 1;
    if (T >= 2 && D < 2) D = 2;
    const int64_t P = 3 + A / 5000;

    /* Structure of the firm: teams, divisions, account-facing employees. */
    for (int64_t e = 0; e < E; e++)
        s->team_of[e] = e < T ? e : rng_below(&g->r, T);
    for (int64_t t = 0; t < T; t++)
        s->div_of[t] = t < D ? t : rng_below(&g->r, D);
    group_by(s->team_start, s->team_member, s->team_of, E, T);
    int64_t *emp_div = s->facing; /* borrowed as scratch until filled below */
    for (int64_t e = 0; e < E; e++)
        emp_div[e] = s->div_of[s->team_of[e]];
    group_by(s->div_start, s->div_member, emp_div, E, D);
    int64_t nfacing = 0;
    for (int64_t e = 0; e < E; e++)
        if (rng_u01(&g->r) < 0.6) s->facing[nfacing++] = e;
    if (nfacing == 0) s->facing[nfacing++] = 0;
    for (int64_t i = nfacing - 1; i > 0; i--) { /* Fisher–Yates */
        int64_t j = rng_below(&g->r, i + 1), x = s->facing[i];
        s->facing[i] = s->facing[j];
        s->facing[j] = x;
    }

    /* Account kinds. Orphans are placed first so that there are exactly
     * round(A/200) of them (none below 20 accounts). */
    memset(s->kind, K_DIRECT, (size_t)A);
    int64_t orphans = A >= 20 ? (A + 100) / 200 : 0;
    for (int64_t placed = 0; placed < orphans;) {
        int64_t i = rng_below(&g->r, A);
        if (s->kind[i] == K_ORPHAN) continue;
        s->kind[i] = K_ORPHAN;
        placed++;
    }
    for (int64_t i = 0; i < A; i++) {
        if (s->kind[i] == K_ORPHAN) continue;
        double u = rng_u01(&g->r);
        s->kind[i] = u < 0.02    ? K_SUBSIDIARY
                     : u < 0.08  ? K_VIA_CONTACT
                     : u < 0.105 ? K_VIA_PARTNER
                                 : K_DIRECT;
    }

    /* Node rows, in this order: company, divisions, teams, employees,
     * partners, then each account followed by its contacts. */
    for (int k = 0; k < COUNT_OF(type_names); k++)
        if ((st = lp_strtab_push(&g->nodes->type_name, type_names[k], strlen(type_names[k]))))
            return st;
    const int64_t company = 0;
    st = g->names ? add_node(g, T_COMPANY, 0, "Linchpin Holdings (HQ)")
                  : add_node(g, T_COMPANY, 0, "hq");
    if (st) return st;
    const int64_t div0 = node_count(g);
    for (int64_t d = 0; d < D; d++) {
        st = g->names ? add_node(g, T_DIVISION, 0, "%s (D%02lld)",
                                 division_names[d % COUNT_OF(division_names)], (long long)d + 1)
                      : add_node(g, T_DIVISION, 0, "d%lld", (long long)d + 1);
        if (st) return st;
    }
    const int64_t team0 = node_count(g);
    for (int64_t t = 0; t < T; t++) {
        st = g->names
                 ? add_node(g, T_TEAM, 0, "Team %s (T%04lld)",
                            team_names[rng_below(&g->rn, COUNT_OF(team_names))], (long long)t + 1)
                 : add_node(g, T_TEAM, 0, "t%lld", (long long)t + 1);
        if (st) return st;
    }
    const int64_t emp0 = node_count(g);
    for (int64_t e = 0; e < E; e++) {
        if (g->names) {
            char nm[160];
            person_name(g, nm, sizeof nm, 0);
            st = add_node(g, T_EMPLOYEE, 0, "%s (E%04lld)", nm, (long long)e + 1);
        } else {
            st = add_node(g, T_EMPLOYEE, 0, "e%lld", (long long)e + 1);
        }
        if (st) return st;
    }
    const int64_t partner0 = node_count(g);
    for (int64_t p = 0; p < P; p++) {
        st = g->names ? add_node(g, T_PARTNER, 0, "%s (P%03lld)",
                                 partner_names[p % COUNT_OF(partner_names)], (long long)p + 1)
                      : add_node(g, T_PARTNER, 0, "p%lld", (long long)p + 1);
        if (st) return st;
    }

    /* The firm's side. */
    for (int64_t d = 0; d < D; d++)
        if ((st = add_edge(g, company, div0 + d, rng_count(&g->r, 2.0, 0.5)))) return st;
    for (int64_t t = 0; t < T; t++) {
        if ((st = add_edge(g, div0 + s->div_of[t], team0 + t, rng_count(&g->r, 2.0, 0.5))) ||
            (st = add_edge(g, company, team0 + t, rng_count(&g->r, 1.0, 0.5))))
            return st;
        int64_t lead = s->team_member[s->team_start[t]];
        if ((st = add_edge(g, emp0 + lead, div0 + s->div_of[t], rng_count(&g->r, 2.5, 0.7))))
            return st;
    }
    for (int64_t e = 0; e < E; e++) {
        int64_t t = s->team_of[e];
        int64_t t_lo = s->team_start[t], t_n = s->team_start[t + 1] - t_lo;
        if ((st = add_edge(g, emp0 + e, team0 + t, rng_count(&g->r, 3.0, 0.7)))) return st;
        for (int k = 0; k < 3 && t_n > 1; k++) { /* teammates */
            int64_t o = s->team_member[t_lo + rng_below(&g->r, t_n)];
            if (o == e) continue;
            if ((st = add_edge(g, emp0 + e, emp0 + o, rng_count(&g->r, 2.5, 1.0)))) return st;
        }
        int64_t d = s->div_of[t];
        int64_t d_lo = s->div_start[d], d_n = s->div_start[d + 1] - d_lo;
        for (int k = 0; k < 2 && E > 1; k++) { /* collaborators */
            int64_t o = rng_u01(&g->r) < 0.6 ? s->div_member[d_lo + rng_below(&g->r, d_n)]
                                             : rng_below(&g->r, E);
            if (o == e) continue;
            if ((st = add_edge(g, emp0 + e, emp0 + o, rng_count(&g->r, 1.5, 1.0)))) return st;
        }
    }
    for (int64_t p = 0; p < P; p++) {
        int64_t k = 2 + rng_below(&g->r, 5);
        for (int64_t j = 0; j < k; j++) {
            int64_t e = s->facing[rng_below(&g->r, nfacing)];
            if ((st = add_edge(g, partner0 + p, emp0 + e, rng_count(&g->r, 2.0, 1.0)))) return st;
        }
    }

    /* Accounts and their contacts. */
    const int64_t n_acct_names =
        COUNT_OF(acct_prefix) * COUNT_OF(acct_noun) * COUNT_OF(acct_suffix);
    const int64_t name_mult = 7919; /* prime, coprime with n_acct_names */
    const int64_t name_off = rng_below(&g->rn, n_acct_names);
    int64_t contacts = 0;
    for (int64_t i = 0; i < A; i++) {
        int kind = s->kind[i];
        double revenue = draw_revenue(&g->r);
        int64_t a = node_count(g);
        s->acct_node[i] = a;
        if (g->names) {
            int64_t j = ((i % n_acct_names) * name_mult + name_off) % n_acct_names;
            int64_t round_no = i / n_acct_names;
            int64_t np = COUNT_OF(acct_prefix), nn = COUNT_OF(acct_noun);
            const char *pre = acct_prefix[j % np], *noun = acct_noun[(j / np) % nn];
            const char *suf = acct_suffix[j / (np * nn)];
            st = round_no ? add_node(g, T_ACCOUNT, revenue, "%s %s %lld%s", pre, noun,
                                     (long long)round_no + 1, suf)
                          : add_node(g, T_ACCOUNT, revenue, "%s %s%s", pre, noun, suf);
        } else {
            st = add_node(g, T_ACCOUNT, revenue, "a%lld", (long long)i + 1);
        }
        if (st) return st;

        /* Employees serving the account directly; the first is the primary,
         * drawn as facing[floor(F u^1.5)] so that the first of the F
         * account-facing employees carry many accounts (the top one about
         * A / F^(2/3), against A / F on average). */
        int64_t serve[4];
        int nserve = 0;
        if (kind == K_SUBSIDIARY) {
            int64_t parent = -1;
            for (int tries = 0; tries < 8 && i > 0 && parent < 0; tries++) {
                int64_t j = rng_below(&g->r, i);
                if (s->kind[j] != K_ORPHAN) parent = j;
            }
            if (parent >= 0) {
                if ((st = add_edge(g, s->acct_node[parent], a, rng_count(&g->r, 1.5, 1.0))))
                    return st;
            } else {
                kind = K_DIRECT;
                s->kind[i] = K_DIRECT;
            }
        }
        if (kind == K_DIRECT) {
            int want = draw_1to4(&g->r);
            if (want > E) want = (int)E;
            double u = rng_u01(&g->r);
            serve[nserve++] = s->facing[(int64_t)(u * sqrt(u) * (double)nfacing)];
            for (int tries = 0; nserve < want && tries < 16; tries++) {
                int64_t e;
                if (rng_u01(&g->r) < 0.6) { /* a teammate of the primary */
                    int64_t t = s->team_of[serve[0]];
                    int64_t lo = s->team_start[t];
                    e = s->team_member[lo + rng_below(&g->r, s->team_start[t + 1] - lo)];
                } else {
                    e = s->facing[rng_below(&g->r, nfacing)];
                }
                int dup = 0;
                for (int k = 0; k < nserve; k++)
                    dup |= serve[k] == e;
                if (!dup) serve[nserve++] = e;
            }
            for (int k = 0; k < nserve; k++)
                if ((st = add_edge(g, emp0 + serve[k], a,
                                   k == 0 ? rng_count(&g->r, 3.0, 1.0)
                                          : rng_count(&g->r, 1.5, 1.0))))
                    return st;
            if (rng_u01(&g->r) < 0.03 &&
                (st = add_edge(g, partner0 + rng_below(&g->r, P), a, rng_count(&g->r, 1.0, 1.0))))
                return st;
        } else if (kind == K_VIA_PARTNER) {
            int np = rng_u01(&g->r) < 0.2 ? 2 : 1;
            for (int k = 0; k < np; k++)
                if ((st = add_edge(g, partner0 + rng_below(&g->r, P), a,
                                   rng_count(&g->r, 2.0, 1.0))))
                    return st;
        }

        /* Contacts: tied to the account; and to employees (below) unless the
         * account is reached only some other way (or not at all). */
        int ncontacts;
        double u = rng_u01(&g->r);
        if (kind == K_DIRECT)
            ncontacts = u < 0.25 ? 0 : u < 0.65 ? 1 : u < 0.87 ? 2 : 3;
        else if (kind == K_VIA_CONTACT)
            ncontacts = u < 0.6 ? 1 : u < 0.9 ? 2 : 3;
        else
            ncontacts = u < 0.4 ? 0 : u < 0.8 ? 1 : 2;
        int64_t first_tie = -1;
        for (int c = 0; c < ncontacts; c++) {
            int64_t cn = node_count(g);
            contacts++;
            if (g->names) {
                char nm[160];
                double su = rng_u01(&g->rn);
                person_name(g, nm, sizeof nm, su < 0.1 ? 1 : su < 0.13 ? 2 : 0);
                st = add_node(g, T_CONTACT, 0, "%s (C%05lld)", nm, (long long)contacts);
            } else {
                st = add_node(g, T_CONTACT, 0, "c%lld", (long long)contacts);
            }
            if (st) return st;
            if ((st = add_edge(g, a, cn, rng_count(&g->r, 2.0, 1.0)))) return st;
            if (kind != K_DIRECT && kind != K_VIA_CONTACT) continue;
            /* Periphery of degree 1-2 (DESIGN.md): a served account's
             * contact knows one of our employees 40% of the time; a contact
             * that is the account's only way in knows one or two. */
            double tu = rng_u01(&g->r);
            int ties = kind == K_DIRECT ? (tu < 0.4) : 1 + (tu < 0.3);
            for (int k = 0; k < ties; k++) {
                int64_t e;
                double v = rng_u01(&g->r);
                if (kind == K_DIRECT && v < 0.75) {
                    e = serve[rng_below(&g->r, nserve)];
                } else if (kind == K_VIA_CONTACT && first_tie >= 0 && v < 0.5) {
                    e = first_tie;
                } else {
                    double w = rng_u01(&g->r);
                    e = s->facing[(int64_t)(w * sqrt(w) * (double)nfacing)];
                }
                if (first_tie < 0) first_tie = e;
                if ((st = add_edge(g, emp0 + e, cn, rng_count(&g->r, 1.5, 1.0)))) return st;
            }
        }
    }

    /* At least two self-loop rows in every graph. */
    for (int64_t k = g->self_loops; k < 2; k++) {
        int64_t v = rng_below(&g->r, node_count(g));
        if ((st = lp_edges_push(g->edges, (lp_vid)v, (lp_vid)v, 1.0))) return st;
    }
    return LP_OK;
}

lp_status lp_generate(lp_nodes *out_nodes, lp_edges *out_edges, const lp_generate_options *opt)
{
    lp_generate_options defaults = LP_GENERATE_OPTIONS_INIT;
    if (!opt) opt = &defaults;
    lp_status st = check_options(opt);
    if (st) return st;
    const int64_t A = opt->accounts;
    const int64_t E = opt->employees ? opt->employees : A / 8 + 1;
    const int64_t T = (E + 7) / 8, D = T + 1; /* D bounds the division count */

    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    scratch s = {0};
    s.team_of = calloc((size_t)E, sizeof *s.team_of);
    s.div_of = calloc((size_t)T, sizeof *s.div_of);
    s.team_start = calloc((size_t)(T + 1), sizeof *s.team_start);
    s.team_member = calloc((size_t)E, sizeof *s.team_member);
    s.div_start = calloc((size_t)(D + 1), sizeof *s.div_start);
    s.div_member = calloc((size_t)E, sizeof *s.div_member);
    s.facing = calloc((size_t)E, sizeof *s.facing);
    s.kind = calloc((size_t)A, 1);
    s.acct_node = calloc((size_t)A, sizeof *s.acct_node);
    if (!s.team_of || !s.div_of || !s.team_start || !s.team_member || !s.div_start ||
        !s.div_member || !s.facing || !s.kind || !s.acct_node) {
        st = lp_error_nomem("generator workspace");
        goto done;
    }

    gen g;
    memset(&g, 0, sizeof g);
    rng_seed(&g.r, opt->seed, 1);
    rng_seed(&g.rn, opt->seed, 2);
    g.names = opt->names != 0;
    g.nodes = &nodes;
    g.edges = &edges;
    st = generate(&g, &s, A, E);
    if (st == LP_OK) {
        nodes.has_revenue = 1;
        *out_nodes = nodes;
        *out_edges = edges;
    }

done:
    scratch_free(&s);
    if (st != LP_OK) {
        lp_nodes_free(&nodes);
        lp_edges_free(&edges);
    }
    return st;
}
