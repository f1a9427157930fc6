#!/usr/bin/python3
"""Make a small, deterministic CRM export for the demo, the docs and the
tests: Salesforce-shaped (User, Account, Contact, AccountTeamMember,
Opportunity, Task, Event; API field names) and HubSpot-shaped (owners,
companies, contacts, engagements).

    /usr/bin/python3 scripts/make_crm_sample.py -o data/crm-sample
    /usr/bin/python3 scripts/make_crm_sample.py -o /tmp/big --accounts 1000000 \\
        --contacts 3000000 --activities 20000000 --only salesforce   # benchmark size

The same arguments give the same bytes (one seeded random stream, no clock,
no hash order). What it contains, on purpose:
  - a reporting line (ManagerId) from every rep up to a CEO, who owns no
    account: modelled as edges it would make the CEO everyone's key person;
  - departments (Sales East/West, Customer Success, ...), some users with
    none, about 8% inactive users who still own accounts, contacts and
    activities ("held by people who have left");
  - accounts with blank AnnualRevenue, accounts held by one rep, by a team
    (AccountTeamMember), and accounts whose only ties are inactive users;
  - activities spread over three years (some many half-lives old), WhoId
    naming leads (00Q...) or nothing, WhatId naming opportunities (006...),
    Events with only StartDateTime;
  - names with commas, quotes and non-ASCII letters (quoted CSV fields).
"""
import argparse
import csv
import datetime
import os
import random

FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eva", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kai",
         "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma",
         "Vera", "Wei", "Ximena", "Yusuf", "Zoë"]
LAST = ["Alvarez", "Brown", "Chen", "Dubois", "Eriksen", "Fischer", "García", "Hughes", "Ivanov",
        "Jensen", "Kowalski", "Lopez", "Müller", "Nakamura", "O'Brien", "Patel", "Rossi",
        "Schmidt", "Tanaka", "Umar", "Varga", "Weber", "Xu", "Yilmaz", "Zhang"]
WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne",
         "Soylent", "Hooli", "Vandelay", "Wonka", "Gringotts", "Oscorp", "Nakatomi", "Massive",
         "Dynamics", "Blue Sun", "Aperture", "Monarch", "Kruger", "Ørsted", "Nordwind", "Sakura"]
SUFFIX = ["Inc.", "GmbH", "Ltd", "S.A.", "& Co", "Holdings", "Group", "AG", "LLC", "plc"]
DEPTS = ["Sales East", "Sales West", "Customer Success", "Enterprise Sales", "Support"]
AS_OF = datetime.date(2026, 6, 30)  # the latest activity date is on or before this


def sfid(prefix, n):
    """An 18-character id in Salesforce's shape: 3-character key prefix."""
    return f"{prefix}{n:015d}"


class Gen:
    def __init__(self, args):
        self.r = random.Random(args.seed)
        self.a = args

    def person(self):
        r = self.r
        return r.choice(FIRST), r.choice(LAST)

    def company(self, i):
        r = self.r
        name = f"{r.choice(WORDS)} {r.choice(WORDS)} {r.choice(SUFFIX)}"
        if i % 37 == 5:
            name = f'"{r.choice(WORDS)}" Trading, {r.choice(SUFFIX)}'
        return name

    def day(self, max_age):
        return AS_OF - datetime.timedelta(days=self.r.randrange(max_age))

    def users(self, n_users):
        """(id, first, last, department, manager index, active); 0 is the CEO."""
        r = self.r
        out = [(sfid("005", 0), "Morgan", "Ceo", "", None, True)]
        n_vp = max(1, n_users // 40)
        n_mgr = max(1, n_users // 8)
        for i in range(1, n_users):
            if i <= n_vp:
                mgr, dept = 0, "Executive"
            elif i <= n_vp + n_mgr:
                mgr, dept = 1 + r.randrange(n_vp), r.choice(DEPTS)
            else:
                mgr = 1 + n_vp + r.randrange(n_mgr)
                dept = out[mgr][3] if r.random() < 0.85 else r.choice(DEPTS)
                if r.random() < 0.05:
                    dept = ""
            active = i <= n_vp or r.random() >= 0.08
            f, l = self.person()
            out.append((sfid("005", i), f, l, dept, mgr, active))
        return out


def write(path, header, rows, quote_all):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n",
                       quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        w.writerow(header)
        for row in rows:
            w.writerow(row)


def salesforce(g, out):
    a, r = g.a, g.r
    os.makedirs(out, exist_ok=True)
    users = g.users(a.users)
    reps = [i for i in range(1, len(users)) if users[i][3] not in ("Executive",)]
    write(os.path.join(out, "User.csv"),
          ["Id", "Name", "Username", "Department", "ManagerId", "IsActive", "Title"],
          ((u[0], f"{u[1]} {u[2]}", f"{u[1].lower()}.{i}@example.com", u[3],
            users[u[4]][0] if u[4] is not None else "", "true" if u[5] else "false",
            "CEO" if i == 0 else "")
           for i, u in enumerate(users)), True)
    n_acc = a.accounts
    acc_owner = [reps[r.randrange(len(reps))] for _ in range(n_acc)]

    def accounts():
        for i in range(n_acc):
            rev = "" if r.random() < 0.12 else str(r.randrange(50, 500000) * 1000)
            yield (sfid("001", i), g.company(i), users[acc_owner[i]][0], rev,
                   r.choice(["Manufacturing", "Retail", "Software", "Energy", ""]))
    write(os.path.join(out, "Account.csv"),
          ["Id", "Name", "OwnerId", "AnnualRevenue", "Industry"], accounts(), True)
    n_con = a.contacts
    con_acc = []

    def contacts():
        for i in range(n_con):
            k = i % n_acc if i < n_acc else r.randrange(n_acc)
            if r.random() < 0.03:
                k = -1  # a private contact: no account
            con_acc.append(k)
            f, l = g.person()
            owner = acc_owner[k] if k >= 0 and r.random() < 0.95 else reps[r.randrange(len(reps))]
            yield (sfid("003", i), f"{f} {l}", sfid("001", k) if k >= 0 else "",
                   users[owner][0], f"{f.lower()}@example.org")
    write(os.path.join(out, "Contact.csv"), ["Id", "Name", "AccountId", "OwnerId", "Email"],
          contacts(), True)

    acc_team = [[acc_owner[k]] for k in range(n_acc)]

    def team():
        n = 0
        for i in range(n_acc):
            if r.random() < 0.25:
                for _ in range(1 + r.randrange(2)):
                    u = reps[r.randrange(len(reps))]
                    acc_team[i].append(u)
                    yield (sfid("01M", n), sfid("001", i), users[u][0],
                           r.choice(["Account Manager", "Sales Engineer", "Executive Sponsor"]))
                    n += 1
    write(os.path.join(out, "AccountTeamMember.csv"),
          ["Id", "AccountId", "UserId", "TeamMemberRole"], team(), True)
    n_opp = n_acc // 2

    def opps():
        for i in range(n_opp):
            k = r.randrange(n_acc)
            owner = r.choice(acc_team[k])
            yield (sfid("006", i), f"Deal {i}", sfid("001", k), users[owner][0],
                   str(r.randrange(1, 900) * 1000))
    write(os.path.join(out, "Opportunity.csv"), ["Id", "Name", "AccountId", "OwnerId", "Amount"],
          opps(), True)

    acc_con = [[] for _ in range(n_acc)]
    for c, k in enumerate(con_acc):
        if k >= 0:
            acc_con[k].append(c)

    def activity(i, event):
        k = r.randrange(n_acc)
        y = r.random()
        owner = (acc_owner[k] if y < 0.8 else r.choice(acc_team[k]) if y < 0.98
                 else reps[r.randrange(len(reps))])
        x = r.random()
        if x < 0.6 and acc_con[k]:
            c = r.choice(acc_con[k])
            who = sfid("003", c)
            what = sfid("001", k)
        elif x < 0.7:
            who, what = sfid("00Q", r.randrange(10 * n_acc)), sfid("001", k)  # a lead
        elif x < 0.8:
            who, what = "", sfid("006", r.randrange(max(1, n_opp)))  # an opportunity
        else:
            who, what = "", sfid("001", k)
        d = g.day(3 * 365)
        if event:
            t = f"{d.isoformat()}T{9 + r.randrange(8):02d}:00:00.000Z"
            ad = "" if r.random() < 0.4 else d.isoformat()
            return (sfid("00U", i), who, what, users[owner][0], ad, t, "Meeting")
        return (sfid("00T", i), who, what, users[owner][0], d.isoformat(),
                r.choice(["Call", "Email", "Follow up"]), r.choice(["Completed", "Open"]))
    n_task = a.activities * 4 // 5
    write(os.path.join(out, "Task.csv"),
          ["Id", "WhoId", "WhatId", "OwnerId", "ActivityDate", "Subject", "Status"],
          (activity(i, False) for i in range(n_task)), True)
    write(os.path.join(out, "Event.csv"),
          ["Id", "WhoId", "WhatId", "OwnerId", "ActivityDate", "StartDateTime", "Subject"],
          (activity(i, True) for i in range(a.activities - n_task)), True)


def hubspot(g, out):
    a, r = g.a, g.r
    os.makedirs(out, exist_ok=True)
    users = g.users(max(3, a.users // 2))
    reps = [i for i in range(1, len(users)) if users[i][3] != "Executive"]
    oid = [str(70000000 + 13 * i) for i in range(len(users))]
    write(os.path.join(out, "owners.csv"),
          ["Owner ID", "First Name", "Last Name", "Email", "Active", "Team"],
          ((oid[i], u[1], u[2], f"{u[1].lower()}.{i}@example.com", "true" if u[5] else "false",
            u[3] if u[3] != "Executive" else "") for i, u in enumerate(users)), False)
    n_acc = max(1, a.accounts // 2)
    cid = [str(9000000000 + 7 * i) for i in range(n_acc)]
    acc_owner = [reps[r.randrange(len(reps))] for _ in range(n_acc)]
    write(os.path.join(out, "companies.csv"),
          ["Record ID", "Company name", "Company Domain Name", "Annual Revenue", "Company owner"],
          ((cid[i], g.company(i), f"c{i}.example.com",
            "" if r.random() < 0.1 else str(r.randrange(1, 900) * 10000), oid[acc_owner[i]])
           for i in range(n_acc)), False)
    n_con = max(1, a.contacts // 2)
    kid = [str(500 + 3 * i) for i in range(n_con)]
    con_acc = [i % n_acc if i < n_acc else r.randrange(n_acc) for i in range(n_con)]

    def contacts():
        for i in range(n_con):
            f, l = g.person()
            k = con_acc[i]
            yield (kid[i], f, l, f"{f.lower()}{i}@example.org",
                   oid[acc_owner[k]] if r.random() < 0.8 else oid[reps[r.randrange(len(reps))]],
                   cid[k] if r.random() < 0.95 else "")
    write(os.path.join(out, "contacts.csv"),
          ["Record ID", "First Name", "Last Name", "Email", "Contact owner",
           "Associated Company IDs (Primary)"], contacts(), False)

    def engagements():
        for i in range(max(1, a.activities // 2)):
            k = r.randrange(n_acc)
            owner = acc_owner[k] if r.random() < 0.75 else reps[r.randrange(len(reps))]
            x = r.random()
            con = kid[r.randrange(n_con)] if x < 0.6 else ("999999999" if x < 0.65 else "")
            d = g.day(3 * 365)
            yield (str(30000000 + i), r.choice(["CALL", "EMAIL", "MEETING", "NOTE"]),
                   f"{d.isoformat()} {8 + r.randrange(10):02d}:{r.randrange(60):02d}",
                   oid[owner], con, cid[k])
    write(os.path.join(out, "engagements.csv"),
          ["Activity ID", "Activity type", "Activity date", "Activity assigned to",
           "Associated Contact IDs", "Associated Company IDs"], engagements(), False)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-o", "--out", required=True, help="directory (salesforce/ and hubspot/ in it)")
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--users", type=int, default=60)
    p.add_argument("--accounts", type=int, default=300)
    p.add_argument("--contacts", type=int, default=900)
    p.add_argument("--activities", type=int, default=6000)
    p.add_argument("--only", choices=["salesforce", "hubspot"])
    a = p.parse_args()
    if a.only != "hubspot":
        salesforce(Gen(a), os.path.join(a.out, "salesforce"))
    if a.only != "salesforce":
        hubspot(Gen(a), os.path.join(a.out, "hubspot"))


if __name__ == "__main__":
    main()
